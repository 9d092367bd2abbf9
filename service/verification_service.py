"""The app's one Verifier (verification/flow.py), built on first use from the app's settings."""

from __future__ import annotations

from flask import Flask

from verification.flow import Verifier
from verification.sms import gateway_for


def get_verifier(app: Flask) -> Verifier:
    """The app's Verifier: its database, its secret key, and the SMS gateway YIBAO_SMS_URL selects."""
    if "verifier" not in app.extensions:
        sessions = app.extensions["db_sessions"]
        gateway = gateway_for(app.config["SETTINGS"].sms_url, sessions)
        app.extensions["verifier"] = Verifier(sessions, app.config["SECRET_KEY"], gateway)
    return app.extensions["verifier"]
