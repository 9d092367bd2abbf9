"""Rule 41: a newly recognised assistance status (低保、特困…) not yet flagged in the insurance system.

Assistance lists reach the insurance system monthly (阳江 [001]); until then the one-stop settlement
does not apply the medical assistance, though basic insurance pays normally.
"""

from __future__ import annotations

from members.eligibility.checks import Checks
from members.enums import AssistanceCategory, BenefitType, label

_SETTLED_WITH_ASSISTANCE = (BenefitType.INPATIENT, BenefitType.OUTPATIENT_GENERAL, BenefitType.CHRONIC_OUTPATIENT,
                            BenefitType.SPECIAL_ITEM, BenefitType.MATERNITY, BenefitType.CATASTROPHIC)


def check(c: Checks) -> None:
    """ASSISTANCE_STATUS_NOT_SYNCED."""
    record = c.record
    assert record is not None
    assistance = record.assistance
    if assistance is None or assistance.category in (None, AssistanceCategory.NONE):
        return
    if c.context.benefit_type not in _SETTLED_WITH_ASSISTANCE or assistance.approved_date is None:
        return
    if assistance.approved_date > c.context.check_date:
        return
    synced = assistance.flag_synced_date
    if synced is None or assistance.approved_date > synced:
        c.hit("ASSISTANCE_STATUS_NOT_SYNCED",
              {"assistance_approved_date": assistance.approved_date, "assistance": label(assistance.category)})
