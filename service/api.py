"""Internal JSON API the Rasa actions call: answers from the knowledge base, residents' ratings of them.

Bound to loopback; when YIBAO_INTERNAL_TOKEN is set every call must carry it in X-Internal-Token.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from handoff.takeover import is_taken_over
from knowledge.answer import answer_question
from knowledge.feedback import record_feedback
from members.store import member_region
from storage.db import session_scope
from verification.identity import ChatIdentity
from verification.store import bound_member

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_QUESTION_CHARS = 2000
MAX_ENTRY_ID_CHARS = 80


@bp.before_request
def check_token() -> None:
    expected = current_app.config["SETTINGS"].internal_token
    given = request.headers.get("X-Internal-Token", "")
    # As bytes: compare_digest refuses str with non-ASCII characters, which any client can send.
    if expected and not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
        abort(403, "missing or wrong internal token")


def _question_from_request() -> tuple[str, dict]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "body must be a JSON object")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        abort(400, "text must be a non-empty string")
    if len(text) > MAX_QUESTION_CHARS:
        abort(413, f"text longer than {MAX_QUESTION_CHARS} characters")
    return text, body


def _optional_text(body: dict, name: str) -> str | None:
    """An optional string field of ``body``; any other type counts as absent."""
    value = body.get(name)
    return value if isinstance(value, str) else None


def _resident_region(body: dict) -> str | None:
    """The region the answer prefers: as stated in the chat, else that of the member the chat is verified as."""
    stated = _optional_text(body, "region")
    sender, channel = _optional_text(body, "sender"), _optional_text(body, "channel")
    if stated or not sender or not channel:
        return stated
    try:
        identity = ChatIdentity(sender, channel)
        with session_scope(current_app.extensions["db_sessions"]) as session:
            member_ref = bound_member(session, identity)
            return member_region(session, member_ref) if member_ref is not None else None
    except ValueError:  # not a valid chat identity: nobody can be bound to it
        return None
    except SQLAlchemyError:  # logged; the resident still gets an answer, without the record's region
        log.exception("could not read the region of the verified member")
        return None


@bp.post("/answer")
def answer():  # noqa: ANN201 - Flask view
    """Best answer for a resident's question: {text, sender?, channel?, region?, intent?} → Answer.

    Without a stated ``region``, a chat verified as a member (sender + channel) gets its record's region.
    """
    text, body = _question_from_request()
    result = answer_question(current_app.extensions["knowledge"].search, text, region=_resident_region(body))
    if not result.answered:
        current_app.extensions["unanswered"].record(text, result.confidence, _optional_text(body, "intent"),
                                                    _optional_text(body, "sender"))
    return jsonify(result.to_dict())


@bp.post("/feedback")
def feedback():  # noqa: ANN201 - Flask view
    """A resident's rating of an answer: {text, entry_id, helpful, sender?} → 201 {recorded}."""
    text, body = _question_from_request()
    entry_id, helpful = body.get("entry_id"), body.get("helpful")
    if not isinstance(entry_id, str) or not entry_id.strip() or len(entry_id) > MAX_ENTRY_ID_CHARS:
        abort(400, f"entry_id must be a non-empty string of at most {MAX_ENTRY_ID_CHARS} characters")
    if not isinstance(helpful, bool):
        abort(400, "helpful must be true or false")
    sender = _optional_text(body, "sender")
    with session_scope(current_app.extensions["db_sessions"]) as session:
        record_feedback(session, text, entry_id, helpful, sender, current_app.config["SECRET_KEY"])
    return jsonify({"recorded": True}), 201


@bp.get("/search")
def search():  # noqa: ANN201 - Flask view
    """Ranked entries for ?q=... (agents' console and scripts)."""
    query = request.args.get("q", "")
    if not query.strip():
        abort(400, "q is required")
    if len(query) > MAX_QUESTION_CHARS:
        abort(413, f"q longer than {MAX_QUESTION_CHARS} characters")
    region = request.args.get("region") or None
    hits = current_app.extensions["knowledge"].search.search(query, region=region, k=10)
    return jsonify(
        [
            {
                "entry_id": hit.entry.id,
                "title": hit.entry.title,
                "score": round(hit.score, 4),
                "confidence": round(hit.confidence, 4),
                "region": hit.entry.region_name,
                "year": hit.entry.effective,
                "answer": hit.entry.answer,
            }
            for hit in hits
        ]
    )


@bp.get("/handoff/<path:sender_id>")
def handoff_state(sender_id: str):  # noqa: ANN201 - Flask view
    """Whether an agent holds the conversation (the REST channel then stores the message silently)."""
    with session_scope(current_app.extensions["db_sessions"]) as session:
        return jsonify({"sender_id": sender_id, "taken_over": is_taken_over(session, sender_id)})
