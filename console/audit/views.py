"""GET /console/audit: the audit log, filtered by kind of action, user and day (admins only)."""

from __future__ import annotations

from datetime import date

from flask import render_template, request

from console.audit.queries import CATEGORIES, audit_page
from console.web import console_blueprint, transaction

bp = console_blueprint("audit", __name__, url_prefix="/console/audit", roles=("admin",))

PAGE = 100
CATEGORY_LABELS = {"auth": "登录", "member": "参保人查询", "kb": "知识库修改", "handoff": "人工接管"}


@bp.get("")
def index() -> str:
    category = request.args.get("category") if request.args.get("category") in CATEGORIES else None
    who = request.args.get("who", "").strip()[:120] or None
    try:
        day = date.fromisoformat(request.args["day"]) if request.args.get("day") else None
    except ValueError:
        day = None
    page = max(int(request.args["page"]) if request.args.get("page", "").isdigit() else 1, 1)
    with transaction() as db:
        rows, total = audit_page(db, category, who, day, offset=(page - 1) * PAGE, limit=PAGE)
    return render_template("audit/index.html", rows=rows, total=total, page=page, pages=max((total - 1) // PAGE + 1, 1),
                           category=category or "", who=who or "", day=day.isoformat() if day else "",
                           categories=CATEGORY_LABELS)
