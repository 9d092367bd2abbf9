"""The day a resident's eligibility question in the chat is about: the one place this rule lives.

Rule: a real record is checked for today. A synthetic demo record (``synthetic: true`` *and* an ID
number starting with 99, a province code that does not exist, so no real record can match) describes
a moment in the past — 嘉鱼 in 2012, 青岛 in 2019 — and is checked for the day after its
``record_updated_at``: the day its data was current, when the questions of members/demo/README.md are
asked. Without ``record_updated_at`` a demo record is checked for today too.
"""

from __future__ import annotations

from datetime import date, timedelta

from members.record import MemberRecord

#: ID numbers of synthetic members start with this (no real province code).
DEMO_ID_PREFIX = "99"


def is_demo_record(record: MemberRecord) -> bool:
    """True for the synthetic demo members (flagged synthetic and with a 99… ID number)."""
    return record.synthetic and record.id_number.startswith(DEMO_ID_PREFIX)


def check_date_for(record: MemberRecord, today: date) -> date:
    """The check date for ``record`` when asked on ``today`` (see the module's rule)."""
    if is_demo_record(record) and record.record_updated_at is not None:
        return record.record_updated_at.date() + timedelta(days=1)
    return today
