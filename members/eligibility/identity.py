"""Rules 1–5: is it the member's own record, is the membership alive, does the card work, is settlement open.

RECORD_NOT_FOUND and MEMBER_TERMINATED end the check: nothing else about the record may be said
(to an unverified asker) or matters (the membership is over).
"""

from __future__ import annotations

import re
from datetime import date

from members.eligibility.checks import Checks
from members.enums import AppealStatus, CardStatus, CardType, Gender, TerminatedReason, Verdict, label
from members.record import MemberRecord

_ID_FORMAT = re.compile(r"[0-9]{17}[0-9X]")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_CARD_INVALID = (CardStatus.REPORTED_LOST, CardStatus.REPLACED, CardStatus.CANCELLED)


def id_number_consistent(record: MemberRecord) -> bool:
    """True when the ID number's check digit, birth date and sex digit agree with the record (GB 11643)."""
    number = record.id_number
    if not _ID_FORMAT.fullmatch(number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK_CHARS[total % 11] != number[17]:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if record.birth_date is not None and born != record.birth_date:
        return False
    male = int(number[16]) % 2 == 1
    return record.gender is None or male == (record.gender == Gender.M)


def check(c: Checks) -> None:
    """RECORD_NOT_FOUND, MEMBER_TERMINATED, CARD_NOT_ACTIVATED, CARD_INVALID, SETTLEMENT_SUSPENDED_FRAUD."""
    record, context = c.record, c.context
    if record is None:
        c.hit("RECORD_NOT_FOUND", variant="not_found", stop=True)
        return
    if not context.asker_verified:
        c.hit("RECORD_NOT_FOUND", variant="asker_unverified", stop=True)
        return
    if context.identity_verified is False or not id_number_consistent(record):
        c.hit("RECORD_NOT_FOUND", variant="identity_mismatch", stop=True)
        return
    if context.conflicting_records:
        c.hit("RECORD_NOT_FOUND", variant="conflict", stop=True)
        return
    if _terminated(c, record):
        return
    _card(c, record)
    _sanctions(c, record)


def _terminated(c: Checks, record: MemberRecord) -> bool:
    enrollment = record.enrollment
    if enrollment is None or enrollment.status is None or enrollment.status.value != "terminated":
        return False
    reason = enrollment.terminated_reason
    c.hit(
        "MEMBER_TERMINATED",
        {"terminated_date": enrollment.terminated_date, "terminated_reason": label(reason) if reason else None},
        variant="death" if reason == TerminatedReason.DEATH else "default",
        stop=True,
    )
    return True


def _card(c: Checks, record: MemberRecord) -> None:
    if c.context.credential == CardType.E_VOUCHER:
        return  # paying with the electronic voucher: the card's state does not matter
    card = record.card
    if card is None or card.status is None:
        c.unknown("card.status")
        return
    if card.status == CardStatus.NOT_ACTIVATED:
        c.hit("CARD_NOT_ACTIVATED", {"card_issued_date": card.issued_date})
    elif card.status in _CARD_INVALID:
        c.hit("CARD_INVALID", {"card_status": label(card.status)})


def _sanctions(c: Checks, record: MemberRecord) -> None:
    today = c.context.check_date
    for sanction in record.sanctions:
        if sanction.start <= today and (sanction.end is None or sanction.end >= today):
            appealing = sanction.appeal_status == AppealStatus.PENDING
            c.hit(
                "SETTLEMENT_SUSPENDED_FRAUD",
                {"sanction_start": sanction.start, "sanction_end": sanction.end,
                 "sanction_reason": sanction.reason},
                variant="appeal" if appealing else "default",
                verdict=Verdict.NEEDS_HUMAN_REVIEW if appealing else None,
            )
            return
