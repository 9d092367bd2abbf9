"""The review steps: submit, review with the publish gate, publish or reject, rollback and retire."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from console.kb.blueprint import WORKFLOW_MESSAGES, bp
from console.web import actor, transaction
from knowledge.store.gate import GateReport
from knowledge.store.repository import (
    EntryNotFound,
    diff_lines,
    get_entry,
    live_version,
    open_version,
    to_entry,
)
from knowledge.store.workflow import WorkflowError, publish, reject, retire, rollback, submit


def _back(entry_id: str) -> Response:
    return redirect(url_for("kb.show", entry_id=entry_id))


def _refused(exc: WorkflowError) -> None:
    flash(WORKFLOW_MESSAGES.get(exc.code, str(exc)), "error")


def _gate(entry_id: str) -> tuple[GateReport, object]:
    """The publish gate for the entry's version under review, and that version."""
    with transaction() as db:
        try:
            get_entry(db, entry_id)
        except EntryNotFound:
            abort(404)
        current = open_version(db, entry_id)
    if current is None or current.state != "in_review":
        abort(409, "没有待审核的版本。")
    return current_app.extensions["knowledge"].gate(change=to_entry(current.content)), current


@bp.post("/<entry_id>/submit")
def submit_version(entry_id: str) -> Response:
    try:
        with transaction() as db:
            version = submit(db, actor(), entry_id)
        flash(f"版本 {version.number} 已提交审核，请另一位编辑审核。", "success")
    except WorkflowError as exc:
        _refused(exc)
    return _back(entry_id)


@bp.get("/<entry_id>/review")
def review(entry_id: str) -> str:
    """The version under review, its diff, and what the dev set says about publishing it."""
    report, current = _gate(entry_id)
    with transaction() as db:
        live = live_version(db, entry_id)
    diff = diff_lines(live.content if live else "", current.content, "线上版本", f"版本 {current.number}")
    return render_template("kb/review.html", entry_id=entry_id, current=current, diff=diff, report=report,
                           own=current.author == current_user.username)


@bp.post("/<entry_id>/publish")
def publish_version(entry_id: str) -> Response:
    """Publish after running the gate again; the live index changes at once in this process."""
    report, _current = _gate(entry_id)
    override = request.form.get("override") == "1"
    try:
        with transaction() as db:
            version = publish(db, actor(), entry_id, gate_blocked=report.blocked, override=override,
                              note=request.form.get("note", "").strip()[:200])
    except WorkflowError as exc:
        _refused(exc)
        return redirect(url_for("kb.review", entry_id=entry_id))
    current_app.extensions["knowledge"].refresh(wait=True)
    flash(f"版本 {version.number} 已发布，机器人即刻使用新答案。开发集 hit@3：{report.baseline:.1%} → "
          f"{report.candidate:.1%}。", "success")
    return _back(entry_id)


@bp.post("/<entry_id>/reject")
def reject_version(entry_id: str) -> Response:
    note = request.form.get("note", "").strip()[:500]
    if not note:
        flash("退回时请写明原因。", "error")
        return redirect(url_for("kb.review", entry_id=entry_id))
    try:
        with transaction() as db:
            reject(db, actor(), entry_id, note)
        flash("已退回作者修改。", "success")
    except WorkflowError as exc:
        _refused(exc)
    return _back(entry_id)


@bp.post("/<entry_id>/rollback")
def rollback_version(entry_id: str) -> Response:
    """Make an earlier published version live again (a new version; nothing is lost)."""
    try:
        number = int(request.form.get("number", ""))
    except ValueError:
        abort(400)
    try:
        with transaction() as db:
            version = rollback(db, actor(), entry_id, number)
    except EntryNotFound:
        abort(404)
    except WorkflowError as exc:
        _refused(exc)
        return redirect(url_for("kb.versions", entry_id=entry_id))
    current_app.extensions["knowledge"].refresh(wait=True)
    flash(f"已回滚：版本 {number} 的内容作为版本 {version.number} 重新上线。", "success")
    return _back(entry_id)


@bp.post("/<entry_id>/retire")
def retire_entry(entry_id: str) -> Response:
    try:
        with transaction() as db:
            retire(db, actor(), entry_id, request.form.get("note", "").strip()[:200])
    except EntryNotFound:
        abort(404)
    except WorkflowError as exc:
        _refused(exc)
        return _back(entry_id)
    current_app.extensions["knowledge"].refresh(wait=True)
    flash("条目已停用，机器人不再使用它回答。可在历史中回滚恢复。", "success")
    return _back(entry_id)


def diff_class(line: str) -> str:
    """CSS class of a unified-diff line."""
    if line.startswith("@@"):
        return "hunk"
    if line.startswith("+") and not line.startswith("+++"):
        return "add"
    if line.startswith("-") and not line.startswith("---"):
        return "del"
    return ""


bp.add_app_template_filter(diff_class, "diff_class")
