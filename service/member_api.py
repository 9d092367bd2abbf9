"""Internal JSON API for a resident's own record: verification links, bindings, and the check.

Every call names the chat identity (sender, channel); calls about a member also name its opaque
member_ref, and are refused (403) unless that identity is bound to exactly that member.
Same X-Internal-Token rule as service/api.py.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from members.eligibility.reply import render_reply
from members.resident_check import check_situation, understand
from members.situation import PARTS, Situation
from service.api import check_token
from service.verification_service import get_verifier
from storage.db import session_scope
from verification.errors import NotBound
from verification.identity import ChatIdentity

bp = Blueprint("member_api", __name__, url_prefix="/api/v1")
bp.before_request(check_token)

MAX_TEXT_CHARS = 2000


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "body must be a JSON object")
    return body


def _identity(body: dict) -> ChatIdentity:
    sender, channel = body.get("sender"), body.get("channel")
    if not isinstance(sender, str) or not isinstance(channel, str):
        abort(400, "sender and channel must be strings")
    try:
        return ChatIdentity(sender, channel)
    except ValueError as exc:
        abort(400, str(exc))


def _own_member(body: dict) -> tuple[ChatIdentity, str]:
    """The identity and the member_ref it is bound to; 403 for anyone else's member_ref."""
    identity = _identity(body)
    member_ref = body.get("member_ref")
    try:
        get_verifier(current_app).require_binding(identity, member_ref if isinstance(member_ref, str) else "")
    except NotBound:
        abort(403, "this chat is not verified as that member")
    return identity, member_ref


def _who(identity: ChatIdentity) -> str:
    return identity.audit_name(current_app.config["SECRET_KEY"])


@bp.post("/verification/link")
def verification_link():  # noqa: ANN201 - Flask view
    """A one-time link to the /bind page for this chat: {sender, channel} → {url, expires_in_s}."""
    verifier = get_verifier(current_app)
    token = verifier.new_link_token(_identity(_body()))
    path = url_for("bind.identity", t=token)
    url = current_app.config["SETTINGS"].public_url + path
    return jsonify({"url": url, "expires_in_s": verifier.limits.link_ttl_s})


@bp.post("/verification/status")
def verification_status():  # noqa: ANN201 - Flask view
    """The member_ref this chat is bound to, or null: {sender, channel} → {member_ref}."""
    return jsonify({"member_ref": get_verifier(current_app).bound_member(_identity(_body()))})


@bp.post("/verification/unbind")
def verification_unbind():  # noqa: ANN201 - Flask view
    """Remove this chat's binding: {sender, channel} → {unbound}."""
    return jsonify({"unbound": get_verifier(current_app).unbind(_identity(_body()))})


@bp.post("/eligibility/parse")
def eligibility_parse():  # noqa: ANN201 - Flask view
    """What a message says about the check: {sender, channel, member_ref, text, asked?} → situation."""
    body = _body()
    identity, member_ref = _own_member(body)
    text, asked = body.get("text"), body.get("asked")
    if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
        abort(400, f"text must be a string of at most {MAX_TEXT_CHARS} characters")
    if asked is not None and asked not in PARTS:
        abort(400, f"asked must be one of {', '.join(PARTS)}")
    with session_scope(current_app.extensions["db_sessions"]) as session:
        situation = understand(session, member_ref, text, asked, who=_who(identity))
    return jsonify(situation.to_dict())


def _situation(body: dict) -> Situation:
    values = {}
    for name in ("place", "facility", "subject", "item", "disease"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            abort(400, f"{name} must be a string")
        values[name] = value
    for name in ("emergency", "inpatient"):
        value = body.get(name)
        if value is not None and not isinstance(value, bool):
            abort(400, f"{name} must be true, false or null")
        values[name] = value
    return Situation(**values)


@bp.post("/eligibility")
def eligibility():  # noqa: ANN201 - Flask view
    """Check the bound member's own eligibility: {sender, channel, member_ref, place, facility, item,
    disease, emergency, inpatient} → {verdict, reason_code, handoff, reply, name, id_number} (masked)."""
    body = _body()
    identity, member_ref = _own_member(body)
    situation = _situation(body)
    with session_scope(current_app.extensions["db_sessions"]) as session:
        result = check_situation(session, member_ref, situation, who=_who(identity), today=date.today())
    facts = result.facts_for_reply
    return jsonify({
        "verdict": result.verdict.value,
        "reason_code": result.reason_code,
        "secondary_reason_codes": list(result.secondary_reason_codes),
        "handoff": result.handoff,
        "reply": render_reply(result),
        "name": facts.get("name"),
        "id_number": facts.get("id_number"),
    })
