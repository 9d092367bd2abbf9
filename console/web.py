"""What every console blueprint shares: the role check, the database transaction, audit rows, error pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden, HTTPException

from knowledge.store.workflow import Actor
from storage.audit import record_audit
from storage.db import session_scope

#: The console's own assets and layout (console/static, console/templates/console/base.html).
ui = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/console/static")

CHINA = ZoneInfo("Asia/Shanghai")
ERROR_TITLES = {
    400: "请求无效", 403: "没有权限", 404: "页面不存在", 405: "不支持的请求方式", 413: "文件太大",
    429: "尝试次数过多", 500: "服务器出错",
}

#: No framing, no sniffing, only our own scripts and styles (the copy button is console/static/console.js).
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


@ui.app_template_filter("cst")
def china_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time (UTC; naive from SQLite) as China Standard Time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(CHINA).strftime(fmt)


def require_roles(*roles: str) -> Callable[[], Any]:
    """A before_request hook: anonymous users go to /login, users without one of ``roles`` get 403."""

    def check() -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if current_user.role not in roles:
            raise Forbidden("您的角色无权访问此页面。")
        return None

    return check


def render_error(exc: HTTPException) -> tuple[str, int]:
    """An error as a Chinese HTML page (English framework descriptions are not shown)."""
    code = exc.code or 500
    if isinstance(exc, CSRFError):
        description = "表单缺少安全令牌或已过期，请刷新页面后重试。"
    else:
        description = exc.description if re.search(r"[\u4e00-\u9fff]", exc.description or "") else ""
    return render_template("console/error.html", code=code, title=ERROR_TITLES.get(code, "出错了"),
                           description=description), code


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def console_blueprint(name: str, import_name: str, url_prefix: str | None, roles: tuple[str, ...] | None) -> Blueprint:
    """A console feature: its templates/<name>/, the role check (None: public), HTML errors, safe headers."""
    bp = Blueprint(name, import_name, template_folder="templates", url_prefix=url_prefix)
    if roles is not None:
        bp.before_request(require_roles(*roles))
    bp.register_error_handler(HTTPException, render_error)
    bp.after_request(add_security_headers)
    return bp


@contextmanager
def transaction() -> Iterator[Session]:
    """A database transaction of the app: commit on success, roll back on error."""
    with session_scope(current_app.extensions["db_sessions"]) as session:
        yield session


def actor() -> Actor:
    """The logged-in user as the knowledge-base workflow sees them."""
    return Actor(current_user.username, current_user.role)


def audit(session: Session, action: str, reason: str, member_ref: str | None = None, **detail: Any) -> None:
    """An audit row for the logged-in user, with the client's address."""
    record_audit(session, who=current_user.username, role=current_user.role, action=action, reason=reason,
                 member_ref=member_ref, detail={**detail, "ip": request.remote_addr})


def client_address() -> str:
    return request.remote_addr or "-"
