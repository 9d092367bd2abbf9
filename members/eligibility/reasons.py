"""The reason codes, their precedence (§4) and what the reply texts say about each (texts.yaml).

The order of :data:`ORDER` is the specification's: the primary reason of a result is the first
code in this order that a rule hit. Verdicts, topics, seed basis and Chinese wording live in
``texts.yaml`` beside this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from members.enums import Verdict

TEXTS_FILE = Path(__file__).resolve().parent / "texts.yaml"

#: The 41 reason codes of §4, in order of precedence.
ORDER: tuple[str, ...] = (
    "RECORD_NOT_FOUND",
    "MEMBER_TERMINATED",
    "CARD_NOT_ACTIVATED",
    "CARD_INVALID",
    "SETTLEMENT_SUSPENDED_FRAUD",
    "DUPLICATE_ENROLLMENT",
    "NOT_ENROLLED",
    "SCHEME_INELIGIBLE",
    "EMPLOYER_ARREARS",
    "CONTRIBUTION_LAPSED",
    "ENROLLMENT_NOT_EFFECTIVE",
    "WAITING_PERIOD",
    "RETIREE_YEARS_SHORT",
    "CONTRIB_TIER_NO_OUTPATIENT_POOLING",
    "CONTRIB_TIER_NO_CHRONIC",
    "BENEFIT_NOT_IN_SCHEME",
    "FACILITY_NOT_DESIGNATED",
    "FACILITY_AGREEMENT_SUSPENDED",
    "FACILITY_NOT_CHOSEN",
    "CROSS_REGION_NOT_FILED",
    "CROSS_REGION_FILING_INVALID",
    "CROSS_REGION_FACILITY_NOT_NETWORKED",
    "REFERRAL_NOT_APPROVED",
    "CHRONIC_REGION_PAYMENT_SUSPENDED",
    "CHRONIC_NOT_CERTIFIED",
    "CHRONIC_CERT_PENDING",
    "CHRONIC_CERT_NOT_IN_SYSTEM",
    "CHRONIC_CERT_EXPIRED",
    "CHRONIC_CERT_REVOKED",
    "CHRONIC_DISEASE_MISMATCH",
    "CHRONIC_FACILITY_MISMATCH",
    "CHRONIC_REFILL_TOO_EARLY",
    "ITEM_NOT_IN_CATALOG",
    "SPECIAL_ITEM_NOT_APPROVED",
    "NON_MEDICAL_ITEM",
    "DEDUCTIBLE_NOT_MET",
    "OUTPATIENT_POOLING_CAP_REACHED",
    "CHRONIC_QUOTA_REACHED",
    "ANNUAL_CAP_REACHED",
    "PERSONAL_ACCOUNT_INSUFFICIENT",
    "ASSISTANCE_STATUS_NOT_SYNCED",
)

#: The two codes of a result where no rule hit.
OK = "OK"
OK_EMERGENCY_EXCEPTION = "OK_EMERGENCY_EXCEPTION"
ALL_CODES: tuple[str, ...] = (*ORDER, OK, OK_EMERGENCY_EXCEPTION)

#: Verdicts from least to most serious; a result takes the most serious of its reasons.
SEVERITY: tuple[Verdict, ...] = (
    Verdict.ELIGIBLE, Verdict.CONDITIONAL, Verdict.NOT_ELIGIBLE, Verdict.NEEDS_HUMAN_REVIEW,
)


@dataclass(frozen=True)
class Reason:
    """What the specification says about one code."""

    code: str
    summary: str
    verdict: Verdict
    handoff: bool
    topics: tuple[str, ...]
    basis: str
    variants: dict[str, dict[str, Any]]


def rank(code: str) -> int:
    """Position of ``code`` in the §4 order (the two OK codes come last)."""
    return ALL_CODES.index(code)


@cache
def texts() -> dict[str, Any]:
    """The whole texts.yaml (verdict lines, reason wording, labels of unknown fields)."""
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


@cache
def reason(code: str) -> Reason:
    """The specification of reason ``code``.

    Raises:
        KeyError: ``code`` is not one of the 43 codes.
    """
    spec = texts()["reasons"][code]
    return Reason(
        code=code,
        summary=spec["summary"],
        verdict=Verdict(spec["verdict"]),
        handoff=bool(spec.get("handoff", False)),
        topics=tuple(spec["topics"]),
        basis=spec["basis"],
        variants=spec["variants"],
    )
