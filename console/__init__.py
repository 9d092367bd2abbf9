"""The console: web pages for call-centre agents (search, member lookup, conversations) and staff
(knowledge-base editing and review, unanswered questions, dashboard, audit log).

``init_console(app)`` binds the login manager and CSRF protection and registers one blueprint per
feature; the internal JSON API (/api/v1) and the WeChat webhook (/wechat) stay outside both.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()

#: Machine endpoints with their own authentication: no session cookie, no CSRF token.
CSRF_EXEMPT_PREFIXES = ("/api/", "/wechat", "/healthz")
#: Pages that accept an uploaded file, with their own body limit (the app's default is small).
UPLOAD_PATHS = ("/console/kb/import",)
UPLOAD_LIMIT_BYTES = 4 * 1024 * 1024
SESSION_HOURS = 8


def init_console(app: Flask) -> None:
    """Bind Flask-Login and CSRF protection, cookie flags, the REST agent sender and the blueprints."""
    # Imported here, not at the top: Alembic and the CLI import console.accounts (the users table)
    # and must not pull in every page.
    from console import audit, auth, conversations, dashboard, kb, lookup, search, unanswered
    from console.accounts import get_user
    from console.login_limit import DbAttempts, LoginLimiter, MemoryAttempts, RedisAttempts
    from console.tracker import TrackerReader
    from console.web import transaction, ui
    from handoff.rest import rasa_tracker_sender
    from handoff.takeover import register_sender

    settings = app.config["SETTINGS"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below for everything but the machine endpoints
    )
    csrf.init_app(app)

    @app.before_request
    def protect_forms() -> None:
        if request.path in UPLOAD_PATHS:
            request.max_content_length = UPLOAD_LIMIT_BYTES
        if not request.path.startswith(CSRF_EXEMPT_PREFIXES):
            csrf.protect()

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):  # noqa: ANN202 - a User or None
        with transaction() as session:
            return get_user(session, user_id)

    if settings.login_limits == "memory":
        store = MemoryAttempts()
    elif settings.login_limits == "redis":
        store = RedisAttempts.from_url(settings.redis_url, settings.login_window_s)
    else:
        store = DbAttempts(app.extensions["db_sessions"])
    app.extensions["login_limiter"] = LoginLimiter(store, settings.login_max_failures, settings.login_window_s,
                                                   app.config["SECRET_KEY"])
    app.extensions["tracker"] = TrackerReader(settings.rasa_tracker_url)
    register_sender("rest", rasa_tracker_sender(settings.rasa_url))
    for module in (auth, search, lookup, conversations, kb, unanswered, dashboard, audit):
        app.register_blueprint(module.bp)
    app.register_blueprint(ui)
