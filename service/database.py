"""The app's database binding: engine, migrations at start-up, and the unanswered-question log."""

from __future__ import annotations

import logging

from flask import Flask

from knowledge.unanswered import record_unanswered
from service.settings import Settings
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.migrate import upgrade

log = logging.getLogger(__name__)


class UnansweredLog:
    """Writes not-sure questions to the database; a database failure never breaks the reply."""

    def __init__(self, sessions, salt: str) -> None:  # noqa: ANN001 - a sessionmaker
        self.sessions = sessions
        self.salt = salt

    def record(self, text: str, confidence: float, intent: str | None, sender: str | None) -> None:
        try:
            with session_scope(self.sessions) as session:
                record_unanswered(session, text, confidence, intent, sender, self.salt)
        except Exception:  # noqa: BLE001 - logged; the resident still gets the not-sure reply
            log.exception("could not record an unanswered question")


def init_database(app: Flask, settings: Settings) -> None:
    """Create the engine, migrate when asked (the embedded default), bind helpers to ``app``."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    if settings.migrate_on_start:
        upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    sessions = make_sessionmaker(engine)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessions"] = sessions
    app.extensions["unanswered"] = UnansweredLog(sessions, settings.secret_key())
