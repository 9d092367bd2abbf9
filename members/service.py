"""Check a stored member's eligibility: the one function the chat layer and the CLI call.

It loads the record (writing an audit row), resolves the facility and catalogue entries, finds the
region's parameters in force on the check date and runs the pure engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from members.eligibility.context import CheckContext, Claim
from members.eligibility.engine import check
from members.eligibility.result import Result
from members.enums import BenefitType, CardType
from members.errors import ParametersNotFound, RecordNotFound
from members.policy import Policy, fallback_parameters, parameters
from members.record import MemberRecord, Region
from members.store import (
    facility_names,
    get_catalog_item,
    get_facility,
    load_record,
    records_sharing_id_number,
)


@dataclass(frozen=True)
class CheckRequest:
    """The §1 input, without the member reference (which the chat layer holds separately)."""

    check_date: date
    benefit_type: BenefitType
    facility_id: str | None = None
    item_code: str | None = None
    disease_code: str | None = None
    disease_name: str | None = None
    is_emergency: bool = False
    is_referral: bool = False
    encounter_region: Region | None = None
    claim: Claim | None = None
    credential: CardType | None = None
    asker: str = "本人"
    identity_verified: bool | None = True


def policy_for(record: MemberRecord, on: date, overrides: Mapping[str, Any] | None = None) -> Policy:
    """The parameters in force for ``record``'s region on ``on`` (national and generic ones when the
    region has no file of its own), with ``overrides`` applied."""
    region = record.insured_region
    try:
        policy = parameters(region.code, on, region.policy_ref)
    except ParametersNotFound:
        policy = fallback_parameters(region.code, on)
    return policy.with_overrides(overrides)


def check_member(
    session: Session,
    member_ref: str | None,
    request: CheckRequest,
    *,
    who: str,
    role: str,
    reason: str,
    policy_overrides: Mapping[str, Any] | None = None,
) -> Result:
    """Check the eligibility of the member ``member_ref`` (None: no record matched) for ``request``.

    Raises:
        ParameterFileError: a region parameter file is malformed.
    """
    record: MemberRecord | None = None
    conflicts = 0
    if member_ref is not None:
        try:
            record = load_record(session, member_ref, who=who, role=role, reason=reason)
            conflicts = records_sharing_id_number(session, member_ref)
        except RecordNotFound:
            record = None
    facility = get_facility(session, request.facility_id) if request.facility_id else None
    item = get_catalog_item(session, request.item_code) if request.item_code else None
    referenced: set[str] = set()
    if record is not None:
        referenced.update(fid for cert in record.chronic_certs for fid in cert.designated_facility_ids)
        referenced.update(choice.facility_id for choice in record.chosen_facilities)
    context = CheckContext(
        check_date=request.check_date,
        benefit_type=request.benefit_type,
        facility_id=request.facility_id,
        facility=facility,
        item_code=request.item_code,
        item=item,
        disease_code=request.disease_code,
        disease_name=request.disease_name,
        is_emergency=request.is_emergency,
        is_referral=request.is_referral,
        encounter_region=request.encounter_region,
        claim=request.claim,
        credential=request.credential,
        asker=request.asker,
        identity_verified=request.identity_verified,
        conflicting_records=conflicts,
        facility_names=facility_names(session, referenced),
    )
    policy = policy_for(record, request.check_date, policy_overrides) if record is not None else None
    return check(record, context, policy)
