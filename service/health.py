"""GET /healthz: the state of each component; 200 only when all are up."""

from __future__ import annotations

import requests
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)

PROBE_TIMEOUT_S = 2.0


def _probe(url: str) -> dict:
    try:
        response = requests.get(url, timeout=PROBE_TIMEOUT_S)
    except requests.RequestException as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": response.status_code == 200, "status": response.status_code}


def _database() -> dict:
    try:
        with current_app.extensions["db_engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means the database is down
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


@bp.get("/healthz")
def healthz():  # noqa: ANN201 - Flask view
    settings = current_app.config["SETTINGS"]
    components = {
        "rasa": _probe(f"{settings.rasa_url}/"),
        "actions": _probe(settings.actions_url.removesuffix("/webhook") + "/health"),
        "index": current_app.extensions["knowledge"].status(),
        "database": _database(),
    }
    healthy = all(component["ok"] for component in components.values())
    return jsonify({"ok": healthy, "components": components}), 200 if healthy else 503
