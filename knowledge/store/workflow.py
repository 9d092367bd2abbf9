"""Write side of the stored knowledge base: draft → review by another editor → publish, rollback, retire.

Every change writes an audit row in the caller's transaction; every change to what residents see
bumps the change counter, so all app replicas rebuild their index.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.entries import Entry
from knowledge.store.models import KbEntry, KbVersion
from knowledge.store.repository import (
    EntryNotFound,
    bump_version,
    get_entry,
    get_version,
    now,
    open_version,
    to_content,
    to_entry,
)
from storage.audit import record_audit

#: Roles that may write entries; admins may also override the publish gate.
EDITOR_ROLES = ("editor", "admin")


@dataclass(frozen=True)
class Actor:
    """Who changes the knowledge base, for the version rows and the audit log."""

    name: str
    role: str


class WorkflowError(RuntimeError):
    """A change the entry's state or the actor does not allow; ``code`` names the rule."""

    code = "workflow"


class NotAnEditor(WorkflowError):
    code = "not_editor"


class WrongState(WorkflowError):
    code = "wrong_state"


class HeldByAnother(WorkflowError):
    code = "held_by_another"


class SelfReview(WorkflowError):
    code = "self_review"


class GateBlocked(WorkflowError):
    """The dev set's hit@3 would fall below the floor and no admin overrode it."""

    code = "gate_blocked"


class NoChange(WorkflowError):
    code = "no_change"


def _require_editor(actor: Actor) -> None:
    if actor.role not in EDITOR_ROLES:
        raise NotAnEditor(f"{actor.name} ({actor.role}) may not change the knowledge base")


def _audit(session: Session, actor: Actor, action: str, entry_id: str, number: int | None, reason: str,
           **detail: object) -> None:
    record_audit(session, who=actor.name, role=actor.role, action=action, reason=reason or action,
                 detail={"entry_id": entry_id, "version": number, **detail})


def _next_number(session: Session, entry_id: str) -> int:
    return (session.scalar(select(func.max(KbVersion.number)).where(KbVersion.entry_id == entry_id)) or 0) + 1


def _touch(row: KbEntry, actor: Actor, state: str) -> None:
    row.state, row.updated_at, row.updated_by = state, now(), actor.name


def save_draft(session: Session, actor: Actor, entry: Entry, note: str = "") -> KbVersion:
    """Save ``entry`` as the actor's draft: a new entry, or a new version of an existing one.

    The actor's own open version is updated in place (a draft is a working copy, and saving sends
    an in-review version back to draft); another editor's open version must be finished first.
    """
    _require_editor(actor)
    content = to_content(entry)
    row = session.get(KbEntry, entry.id)
    if row is None:
        row = KbEntry(id=entry.id, topic=entry.topic, title=entry.title, region_name=entry.region_name,
                      state="draft", live_version=None, retired=False, updated_at=now(), updated_by=actor.name)
        session.add(row)
        session.flush()
    current = open_version(session, entry.id)
    if current is not None and current.author != actor.name:
        raise HeldByAnother(f"{entry.id} v{current.number} is being edited by {current.author}")
    if current is None:
        if row.live_version and get_version(session, entry.id, row.live_version).content == content:
            raise NoChange(f"{entry.id}: same text as the live version")
        current = KbVersion(entry_id=entry.id, number=_next_number(session, entry.id), author=actor.name)
        session.add(current)
    current.content, current.state, current.note, current.created_at = content, "draft", note or None, now()
    current.reviewer = current.reviewed_at = None
    row.title, row.topic, row.region_name = entry.title, entry.topic, entry.region_name
    _touch(row, actor, "draft")
    session.flush()
    _audit(session, actor, "kb.draft", entry.id, current.number, note)
    return current


def submit(session: Session, actor: Actor, entry_id: str) -> KbVersion:
    """Send the entry's draft to review by another editor."""
    _require_editor(actor)
    current = open_version(session, entry_id)
    if current is None or current.state != "draft":
        raise WrongState(f"{entry_id} has no draft to submit")
    current.state = "in_review"
    _touch(get_entry(session, entry_id), actor, "in_review")
    _audit(session, actor, "kb.submit", entry_id, current.number, current.note or "")
    return current


def _reviewable(session: Session, actor: Actor, entry_id: str) -> KbVersion:
    _require_editor(actor)
    current = open_version(session, entry_id)
    if current is None or current.state != "in_review":
        raise WrongState(f"{entry_id} has no version waiting for review")
    if current.author == actor.name:
        raise SelfReview(f"{actor.name} wrote {entry_id} v{current.number}; another editor must review it")
    return current


def reject(session: Session, actor: Actor, entry_id: str, note: str) -> KbVersion:
    """Send a version under review back to its author as a draft, with the reviewer's note."""
    current = _reviewable(session, actor, entry_id)
    current.state, current.reviewer, current.reviewed_at, current.review_note = "draft", actor.name, now(), note
    _touch(get_entry(session, entry_id), actor, "draft")
    _audit(session, actor, "kb.reject", entry_id, current.number, note)
    return current


def publish(session: Session, actor: Actor, entry_id: str, gate_blocked: bool, override: bool = False,
            note: str = "") -> KbVersion:
    """Approve the version under review and make it live (the reviewer must not be its author).

    Args:
        gate_blocked: the publish gate found the dev set's hit@3 would fall below the floor.
        override: an admin publishes anyway (audited as kb.gate_override).
    Raises:
        SelfReview, WrongState, GateBlocked.
    """
    current = _reviewable(session, actor, entry_id)
    if gate_blocked and not (override and actor.role == "admin"):
        raise GateBlocked(f"{entry_id} v{current.number} lowers hit@3 below the floor")
    if gate_blocked:
        _audit(session, actor, "kb.gate_override", entry_id, current.number, note or "admin override")
    current.state, current.reviewer, current.reviewed_at = "published", actor.name, now()
    current.review_note = note or current.review_note
    row = get_entry(session, entry_id)
    row.live_version, row.retired = current.number, False
    _touch(row, actor, "published")
    bump_version(session)
    _audit(session, actor, "kb.publish", entry_id, current.number, note, author=current.author)
    return current


def rollback(session: Session, actor: Actor, entry_id: str, to_number: int) -> KbVersion:
    """Make an earlier published version live again, as a new version (the history keeps everything)."""
    _require_editor(actor)
    target = get_version(session, entry_id, to_number)
    if target.state != "published":
        raise WrongState(f"{entry_id} v{to_number} was never published")
    row = get_entry(session, entry_id)
    if row.live_version == to_number:
        raise NoChange(f"{entry_id} v{to_number} is already live")
    stamp = now()
    restored = KbVersion(entry_id=entry_id, number=_next_number(session, entry_id), content=target.content,
                         state="published", author=actor.name, created_at=stamp, note=f"回滚到版本 {to_number}",
                         reviewer=actor.name, reviewed_at=stamp)
    session.add(restored)
    session.flush()
    row.live_version, row.retired = restored.number, False
    entry = to_entry(restored.content, f"kb:{entry_id} v{restored.number}")
    row.title, row.region_name = entry.title, entry.region_name
    _touch(row, actor, "published")
    bump_version(session)
    _audit(session, actor, "kb.rollback", entry_id, restored.number, f"rollback to v{to_number}", to=to_number)
    return restored


def retire(session: Session, actor: Actor, entry_id: str, note: str = "") -> KbVersion:
    """Take an entry out of service; its history stays and a rollback brings it back."""
    _require_editor(actor)
    row = get_entry(session, entry_id)
    if row.retired or not row.live_version:
        raise WrongState(f"{entry_id} is not live")
    live = get_version(session, entry_id, row.live_version)
    stamp = now()
    version = KbVersion(entry_id=entry_id, number=_next_number(session, entry_id), content=live.content,
                        state="retired", author=actor.name, created_at=stamp, note=note or "停用",
                        reviewer=None, reviewed_at=None)
    session.add(version)
    session.flush()
    row.live_version, row.retired = None, True
    _touch(row, actor, "retired")
    bump_version(session)
    _audit(session, actor, "kb.retire", entry_id, version.number, note)
    return version


__all__ = [
    "Actor", "EntryNotFound", "GateBlocked", "HeldByAnother", "NoChange", "NotAnEditor", "SelfReview",
    "WorkflowError", "WrongState", "publish", "reject", "retire", "rollback", "save_draft", "submit",
]
