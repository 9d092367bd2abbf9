"""Sign-in with rate limiting per user name and address; every attempt is audited."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from console.accounts import authenticate
from console.auth.forms import LoginForm
from console.web import audit, client_address, console_blueprint, transaction
from privacy import redact
from storage.audit import record_audit

bp = console_blueprint("auth", __name__, url_prefix=None, roles=None)

#: Where each role starts.
HOME = {"agent": "search.index", "editor": "kb.index", "admin": "dashboard.index"}


def _safe_next(target: str | None) -> str | None:
    """A local path to return to after login, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _audit_attempt(action: str, username: str, role: str, reason: str) -> None:
    with transaction() as db:
        record_audit(db, who=redact(username)[:120] or "-", role=role, action=action, reason=reason,
                     detail={"ip": client_address()})


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """The login page; a locked-out user name and address pair gets 429 without a password check."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        limiter = current_app.extensions["login_limiter"]
        key = limiter.key(form.username.data, client_address())
        if limiter.blocked(key):
            _audit_attempt("auth.login_blocked", form.username.data, "-", "too many failed logins")
            minutes = max(limiter.window_s // 60, 1)
            return render_template("auth/login.html", form=form,
                                   error=f"登录失败次数过多，请 {minutes} 分钟后再试。"), 429
        with transaction() as db:
            user = authenticate(db, form.username.data, form.password.data)
        limiter.record(key, user is not None)
        if user is not None:
            session.clear()  # a fresh session: no fixation
            login_user(user)
            session.permanent = True
            with transaction() as db:
                audit(db, "auth.login", "console login")
            return redirect(_safe_next(request.args.get("next")) or url_for(HOME.get(user.role, "auth.home")))
        _audit_attempt("auth.login_failed", form.username.data, "-", "wrong user name or password")
        error = "用户名或密码错误。"
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/logout")
@login_required
def logout() -> Response:
    with transaction() as db:
        audit(db, "auth.logout", "console logout")
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/console")
@bp.get("/console/")
@login_required
def home() -> Response:
    """The start page of the user's role."""
    return redirect(url_for(HOME.get(current_user.role, "search.index")))
