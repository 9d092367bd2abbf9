"""The deterministic eligibility engine: check(record, context, policy) -> Result, and the reply renderer.

Rule groups, one module each: identity, enrollment, contribution, tier, facility, cross_region,
chronic, catalog, quota, assistance. Reason codes and their order: reasons.py; wording: texts.yaml.
"""
