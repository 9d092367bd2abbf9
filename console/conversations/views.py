"""/console/conversations: the tracker store's conversations and the agent's takeover of one."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from console.conversations.holds import held_conversations
from console.tracker import TrackerUnavailable
from console.web import audit, console_blueprint, transaction
from handoff.takeover import (
    DeliveryError,
    TakeoverError,
    active_takeover,
    hand_back,
    send_agent_reply,
    take_over,
)

bp = console_blueprint("conversations", __name__, url_prefix="/console/conversations", roles=("agent", "admin"))

MAX_REPLY_CHARS = 1000


def _tracker():  # noqa: ANN202 - console.tracker.TrackerReader
    return current_app.extensions["tracker"]


@bp.get("")
def index() -> str:
    """Conversations, newest first; ?handed_off=1, ?low=1 and ?day=YYYY-MM-DD filter them."""
    handed_off, low = request.args.get("handed_off") == "1", request.args.get("low") == "1"
    try:
        day = date.fromisoformat(request.args["day"]) if request.args.get("day") else None
    except ValueError:
        day = None
    error, rows = None, []
    try:
        rows = _tracker().conversations(handed_off=handed_off, low_confidence=low, day=day)
    except TrackerUnavailable as exc:
        error = f"暂时读不到会话记录（{exc}）。"
    with transaction() as db:
        held = held_conversations(db)
    return render_template("conversations/index.html", rows=rows, held=held, handed_off=handed_off, low=low,
                           day=day.isoformat() if day else "", error=error)


@bp.get("/<path:sender_id>")
def show(sender_id: str) -> str:
    """The transcript, who holds the conversation, and the takeover controls."""
    try:
        turns = _tracker().transcript(sender_id)
    except TrackerUnavailable as exc:
        turns, error = [], f"暂时读不到会话记录（{exc}）。"
    else:
        error = None if turns else "没有这个会话的记录。"
    with transaction() as db:
        holder = active_takeover(db, sender_id)
        held_by = holder.agent if holder else None
    return render_template("conversations/show.html", sender_id=sender_id, turns=turns, held_by=held_by,
                           mine=held_by == current_user.username, error=error, max_chars=MAX_REPLY_CHARS)


@bp.post("/<path:sender_id>/takeover")
def takeover(sender_id: str) -> Response:
    """Take the conversation over: the bot falls silent until it is handed back."""
    channel = _tracker().channel_of(sender_id)
    try:
        with transaction() as db:
            take_over(db, sender_id, channel, current_user.username)
            audit(db, "handoff.take_over", "agent takeover", sender_id=sender_id, channel=channel)
        flash("已接管，机器人暂停回复。", "success")
    except TakeoverError:
        flash("该会话已由其他坐席接管。", "error")
    return redirect(url_for("conversations.show", sender_id=sender_id))


@bp.post("/<path:sender_id>/reply")
def reply(sender_id: str) -> Response:
    """Send the agent's message through the channel the resident used."""
    text = request.form.get("text", "").strip()
    if not text or len(text) > MAX_REPLY_CHARS:
        flash(f"回复不能为空，且不超过 {MAX_REPLY_CHARS} 字。", "error")
        return redirect(url_for("conversations.show", sender_id=sender_id))
    try:
        with transaction() as db:
            holder = active_takeover(db, sender_id)
            if holder is None or holder.agent != current_user.username:
                raise TakeoverError("not held by this agent")
            send_agent_reply(db, sender_id, text)
            audit(db, "handoff.reply", "agent reply", sender_id=sender_id, chars=len(text))
        flash("已发送。", "success")
    except TakeoverError:
        flash("请先接管会话再回复。", "error")
    except DeliveryError as exc:
        flash(f"发送失败：{exc}", "error")
    return redirect(url_for("conversations.show", sender_id=sender_id))


@bp.post("/<path:sender_id>/handback")
def handback(sender_id: str) -> Response:
    """End the takeover; the bot answers the next message again."""
    try:
        with transaction() as db:
            hand_back(db, sender_id)
            audit(db, "handoff.hand_back", "agent hand back", sender_id=sender_id)
        flash("已交还机器人。", "success")
    except TakeoverError:
        flash("该会话没有被接管。", "error")
    return redirect(url_for("conversations.show", sender_id=sender_id))
