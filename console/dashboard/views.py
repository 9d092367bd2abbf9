"""GET /console/dashboard and its charts (/console/dashboard/<name>.png) from the tracker store,
with the residents' ratings of answers (有帮助 / 没帮助) from the app's database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import abort, current_app, render_template, request
from werkzeug.wrappers import Response

from console.dashboard.charts import CHARTS
from console.tracker import Figures, TrackerUnavailable
from console.web import console_blueprint, transaction
from knowledge.feedback import feedback_summary
from knowledge.topics import topic_name

bp = console_blueprint("dashboard", __name__, url_prefix="/console/dashboard", roles=("editor", "admin"))

PERIODS = (7, 14, 30)


def _days() -> int:
    days = int(request.args["days"]) if request.args.get("days", "").isdigit() else 14
    return days if days in PERIODS else 14


def _figures(days: int) -> Figures:
    return current_app.extensions["tracker"].figures(days=days)


@bp.get("")
def index() -> str:
    days, error, figures = _days(), None, None
    try:
        figures = _figures(days)
    except TrackerUnavailable as exc:
        error = f"暂时读不到会话记录（{exc}）。"
    summary = None
    if figures is not None:
        total = figures.total_messages or 0
        fallbacks = sum(r * m for r, m in zip(figures.fallback_rate, figures.messages, strict=True))
        summary = {"messages": total, "conversations": figures.conversations,
                   "fallback": fallbacks / total if total else 0.0,
                   "handoff": figures.handed_off / figures.conversations if figures.conversations else 0.0}
    with transaction() as db:
        ratings = feedback_summary(db, since=datetime.now(timezone.utc) - timedelta(days=days))
    return render_template("dashboard/index.html", days=days, periods=PERIODS, figures=figures, summary=summary,
                           error=error, charts=list(CHARTS), ratings=ratings,
                           topic_name=topic_name)


@bp.get("/<name>.png")
def chart(name: str) -> Response:
    if name not in CHARTS:
        abort(404)
    try:
        png = CHARTS[name](_figures(_days()))
    except TrackerUnavailable:
        abort(503)
    return Response(png, mimetype="image/png")
