"""GET /console/unanswered: groups of similar low-confidence and thumbs-down questions with counts and dates."""

from __future__ import annotations

from flask import render_template, request

from console.web import console_blueprint, transaction
from knowledge.unanswered_groups import KINDS, recent_groups

bp = console_blueprint("unanswered", __name__, url_prefix="/console/unanswered", roles=("editor", "admin"))

PERIODS = (7, 30, 90)


@bp.get("")
def index() -> str:
    days = int(request.args["days"]) if request.args.get("days", "").isdigit() else 30
    days = days if days in PERIODS else 30
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    with transaction() as db:
        groups = recent_groups(db, days=days, kind=kind)
    return render_template("unanswered/index.html", groups=groups, days=days, periods=PERIODS, kind=kind)
