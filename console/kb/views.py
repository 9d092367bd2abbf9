"""Knowledge-base pages: the list, an entry with its open version, new/edit with preview, the history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from console.kb.blueprint import WORKFLOW_MESSAGES, bp
from console.kb.entry_form import EntryForm
from console.web import actor, transaction
from knowledge.entries import Entry
from knowledge.store.models import STATES
from knowledge.store.repository import (
    EntryNotFound,
    diff_lines,
    get_entry,
    history,
    list_entries,
    live_version,
    next_entry_id,
    open_version,
    to_content,
    to_entry,
    topics,
)
from knowledge.store.workflow import WorkflowError, save_draft


def reply_preview(entry: Entry) -> str:
    """The answer as residents receive it (bot/domain/policy.yml, utter_kb_answer)."""
    return f"{entry.answer}\n依据：《{entry.title}》（{entry.citation}）"


@bp.get("")
def index() -> str:
    """Entries filtered by ?state=, ?topic= and ?q= (words in the id or title)."""
    state = request.args.get("state") if request.args.get("state") in STATES else None
    topic, text = request.args.get("topic") or None, request.args.get("q", "").strip()[:80] or None
    with transaction() as db:
        rows, all_topics = list_entries(db, state=state, topic=topic, text=text), topics(db)
    return render_template("kb/index.html", rows=rows, topics=all_topics, states=STATES, state=state or "",
                           topic=topic or "", q=text or "")


@bp.get("/<entry_id>")
def show(entry_id: str) -> str:
    """The live text, the open version (diffed against it) and the steps the user may take."""
    with transaction() as db:
        try:
            row = get_entry(db, entry_id)
        except EntryNotFound:
            abort(404)
        live, current = live_version(db, entry_id), open_version(db, entry_id)
    diff = diff_lines(live.content if live else "", current.content, "线上版本", f"版本 {current.number}") \
        if current else []
    return render_template("kb/show.html", row=row, live=live, current=current, diff=diff,
                           live_entry=to_entry(live.content) if live else None)


def _edit_page(form: EntryForm, entry_id: str | None, live_content: str | None) -> str | Response:
    """Preview or save the form's entry (shared by new and edit)."""
    with transaction() as db:
        target_id = entry_id or (next_entry_id(db, form.topic.data.strip()) if form.topic.data else "x-000")
    entry, problems = form.entry(target_id) if form.is_submitted() else (None, [])
    preview = diff = None
    if form.validate_on_submit() and entry is not None:
        if request.form.get("action") == "save":
            try:
                with transaction() as db:
                    version = save_draft(db, actor(), entry, note=form.note.data or "")
            except WorkflowError as exc:
                problems = [WORKFLOW_MESSAGES.get(exc.code, str(exc))]
            else:
                flash(f"已保存为草稿（版本 {version.number}）。提交审核后，由另一位编辑审核发布。", "success")
                return redirect(url_for("kb.show", entry_id=entry.id))
        else:
            preview = reply_preview(entry)
            diff = diff_lines(live_content or "", to_content(entry), "线上版本", "修改后")
    return render_template("kb/edit.html", form=form, entry_id=entry_id, problems=problems, preview=preview,
                           diff=diff)


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    """A new entry; ?question= (from the unanswered list) starts its similar questions."""
    form = EntryForm()
    if not form.is_submitted() and request.args.get("question"):
        form.questions.data = request.args["question"][:1000]
    return _edit_page(form, None, None)


@bp.route("/<entry_id>/edit", methods=["GET", "POST"])
def edit(entry_id: str) -> str | Response:
    """Edit an entry, starting from the user's open version or the live text."""
    form = EntryForm()
    with transaction() as db:
        try:
            get_entry(db, entry_id)
        except EntryNotFound:
            abort(404)
        live, current = live_version(db, entry_id), open_version(db, entry_id)
    if not form.is_submitted():
        start = current if current is not None else live
        if start is not None:
            form.fill(to_entry(start.content))
    return _edit_page(form, entry_id, live.content if live else None)


@bp.get("/<entry_id>/history")
def versions(entry_id: str) -> str:
    """Every version with its author, time, state, reviewer and diff against the one before."""
    with transaction() as db:
        try:
            row = get_entry(db, entry_id)
        except EntryNotFound:
            abort(404)
        rows = history(db, entry_id)
    diffs = {}
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        diffs[newer.number] = diff_lines(older.content if older else "", newer.content,
                                         f"版本 {older.number}" if older else "（无）", f"版本 {newer.number}")
    return render_template("kb/history.html", row=row, versions=rows, diffs=diffs)
