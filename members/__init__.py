"""Member records: models, import, region policy parameters and the eligibility engine."""
