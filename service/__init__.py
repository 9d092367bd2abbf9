"""The app service: hosts the internal API, /healthz, the WeChat webhook and the console.

It owns the embedding model, the indexes and the database; Rasa's actions call its API.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from service.settings import Settings


def create_app(settings: Settings | None = None, warm_up: bool = True) -> Flask:
    """Application factory: bind extensions and blueprints to a new Flask app."""
    from console import init_console
    from service import api, bind, health, member_api
    from service.database import init_database
    from service.knowledge_service import KnowledgeService
    from webhook import bp as wechat_bp

    settings = settings or Settings()
    app = Flask(__name__)
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key(),
        MAX_CONTENT_LENGTH=256 * 1024,
        JSON_AS_ASCII=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.json.ensure_ascii = False
    if settings.trusted_proxies:  # behind nginx (the cluster): the resident's address, scheme and host
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)  # type: ignore[method-assign]
    init_database(app, settings)
    app.extensions["knowledge"] = KnowledgeService(settings, app.extensions["db_sessions"])
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(member_api.bp)
    app.register_blueprint(bind.bp)
    app.register_blueprint(wechat_bp)
    init_console(app)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # noqa: ANN202 - Flask handler
        return jsonify({"error": exc.description, "status": exc.code}), exc.code

    if warm_up:
        app.extensions["knowledge"].warm_up()
    logging.getLogger(__name__).info("app ready")
    return app
