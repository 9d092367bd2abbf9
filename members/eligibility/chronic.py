"""Rules 24–32: outpatient chronic and special disease benefits (门诊慢特病).

Only for ``chronic_outpatient`` checks. The certification looked at is the member's one for the
disease asked about (or, when no disease is named, the one the item is for); a valid certification
is still refused at a facility it is not bound to, for a drug of another disease, or too early.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from members.eligibility.checks import Checks
from members.eligibility.facility import facility_facts
from members.enums import BenefitType, CertStatus, FacilityType
from members.record import ChronicCert, MemberRecord

_STATUS_RANK = {CertStatus.APPROVED: 0, CertStatus.PENDING: 1, CertStatus.EXPIRED: 2,
                CertStatus.REVOKED: 3, CertStatus.REJECTED: 4}
_TREATING_ONLY = "chronic.dispense_only_at_treating_facility"


def check(c: Checks) -> None:
    """CHRONIC_REGION_PAYMENT_SUSPENDED, CHRONIC_NOT_CERTIFIED … CHRONIC_REFILL_TOO_EARLY."""
    record = c.record
    assert record is not None
    if c.context.benefit_type != BenefitType.CHRONIC_OUTPATIENT:
        return
    if c.param("chronic_payment_suspended"):
        c.hit("CHRONIC_REGION_PAYMENT_SUSPENDED", {"region": c.policy.region_name if c.policy else None},
              params=("chronic_payment_suspended",))
    cert = _certification(c, record)
    if cert is not None:
        _disease_match(c, record, cert)
        _facility(c, cert)
    _refill(c, record)


def _valid(cert: ChronicCert, today: date) -> bool:
    return cert.status == CertStatus.APPROVED and (cert.valid_until is None or cert.valid_until >= today)


def _candidates(c: Checks, record: MemberRecord) -> list[ChronicCert]:
    context = c.context
    certs = list(record.chronic_certs)
    if context.disease_code:
        return [cert for cert in certs if cert.disease_code == context.disease_code]
    item_codes = set(context.item.chronic_disease_codes or ()) if context.item else set()
    matching = [cert for cert in certs if cert.disease_code in item_codes]
    return matching or certs


def _certification(c: Checks, record: MemberRecord) -> ChronicCert | None:
    """The certification that applies, if it may be used today; hits the reason it may not."""
    context, today = c.context, c.context.check_date
    candidates = _candidates(c, record)
    if not candidates:
        c.hit("CHRONIC_NOT_CERTIFIED", {"disease_name": context.disease_name or context.disease_code})
        return None
    cert = min(candidates, key=lambda x: (_STATUS_RANK[x.status], -(x.valid_until or date.max).toordinal()))
    facts = {"disease_name": cert.disease_name or context.disease_name or cert.disease_code}
    if cert.status == CertStatus.REJECTED:
        c.hit("CHRONIC_NOT_CERTIFIED", facts, variant="rejected")
    elif cert.status == CertStatus.PENDING:
        c.hit("CHRONIC_CERT_PENDING", {**facts, "applied_date": cert.applied_date})
    elif cert.status == CertStatus.REVOKED:
        c.hit("CHRONIC_CERT_REVOKED", {**facts, "revoked_date": cert.revoked_date})
    elif not _valid(cert, today):
        c.hit("CHRONIC_CERT_EXPIRED", {**facts, "valid_until": cert.valid_until})
    elif cert.review_due and cert.review_due < today and not _reviewed(cert):
        c.hit("CHRONIC_CERT_EXPIRED", {**facts, "review_due": cert.review_due}, variant="review")
    else:
        _entered(c, cert, facts)
        return cert
    return None


def _reviewed(cert: ChronicCert) -> bool:
    """A review on record since the certification was approved satisfies its review date."""
    if cert.last_review_date is None:
        return False
    return cert.approved_date is None or cert.last_review_date >= cert.approved_date


def _entered(c: Checks, cert: ChronicCert, facts: dict[str, object]) -> None:
    """Approved certifications work only once entered in the settlement system [001]."""
    sync_days = c.param("chronic.cert_sync_days")
    recent = (cert.approved_date is not None and sync_days is not None
              and (c.context.check_date - cert.approved_date).days <= sync_days)
    if cert.entered_in_system is False or (cert.entered_in_system is None and recent):
        c.hit("CHRONIC_CERT_NOT_IN_SYSTEM",
              {**facts, "approved_date": cert.approved_date, "sync_days": sync_days})
    elif cert.entered_in_system is None:
        c.unknown("chronic_certs.entered_in_system")


def _disease_match(c: Checks, record: MemberRecord, cert: ChronicCert) -> None:
    item = c.context.item
    if item is None:
        return
    if item.chronic_disease_codes is None:
        c.unknown("item.chronic_disease_codes")
        return
    today = c.context.check_date
    certified = {x.disease_code for x in record.chronic_certs if _valid(x, today)}
    if not certified & set(item.chronic_disease_codes):
        c.hit("CHRONIC_DISEASE_MISMATCH",
              {"disease_name": cert.disease_name or cert.disease_code, "item_name": item.name})


def _facility(c: Checks, cert: ChronicCert) -> None:
    context = c.context
    facility = context.facility
    if facility is None:
        return
    facts = {**facility_facts(facility), "disease_name": cert.disease_name or cert.disease_code,
             "designated_facilities": "、".join(
                 context.facility_names.get(fid, fid) for fid in cert.designated_facility_ids) or None}
    prefixes = c.param(_TREATING_ONLY, [])
    if facility.type == FacilityType.PHARMACY and any(cert.disease_code.startswith(p) for p in prefixes):
        c.hit("CHRONIC_FACILITY_MISMATCH", facts, variant="treating_facility_only", params=(_TREATING_ONLY,))
    elif cert.designated_facility_ids and facility.id not in cert.designated_facility_ids:
        c.hit("CHRONIC_FACILITY_MISMATCH", facts)


def _refill(c: Checks, record: MemberRecord) -> None:
    context, today = c.context, c.context.check_date
    item = context.item
    if item is None:
        return
    history = [d for d in record.chronic_dispense_history if d.drug_code == item.code and d.date <= today]
    if history:
        last = max(history, key=lambda d: d.date)
        tolerance = c.param("chronic.refill_early_tolerance", 0)
        wait = math.ceil(round(last.days_supply * (1 - tolerance), 6))
        next_date = last.date + timedelta(days=wait)
        if today < next_date:
            c.hit("CHRONIC_REFILL_TOO_EARLY",
                  {"last_dispense_date": last.date, "days_supply": last.days_supply,
                   "next_refill_date": next_date, "item_name": item.name},
                  params=("chronic.refill_early_tolerance",))
            return
    max_days = c.param("chronic.max_days_supply")
    asked = context.claim.days_supply if context.claim else None
    if max_days is not None and asked is not None and asked > max_days:
        c.hit("CHRONIC_REFILL_TOO_EARLY", {"requested_days": asked, "max_days_supply": max_days,
                                           "item_name": item.name},
              variant="too_much", params=("chronic.max_days_supply",))
