"""Rasa's SQL tracker store, tuned for the embedded SQLite default (endpoints.yml `type:` names this class).

On SQLite, Rasa's SQLTrackerStore opens a new connection per operation (SQLAlchemy 1.4's NullPool
for files) and commits in rollback-journal mode with a full fsync, which made saving the tracker
about a fifth of Rasa's own time per message. Here the file is switched to write-ahead logging
with ``synchronous=NORMAL`` (a commit is durable across a process crash; only a power cut can lose
the last commits) and connections are pooled. On PostgreSQL (the scale-out path) each pooled
connection is checked before use: after a PostgreSQL restart Rasa's pool hands out dead connections,
and the turn that draws one would fail (bot/server.py makes that the busy reply) instead of simply
connecting again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs

#: Pragmas applied to every SQLite connection of the tracker store.
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")


def _apply_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


class TrackerStore(SQLTrackerStore):
    """SQLTrackerStore with WAL, relaxed fsync and a connection pool on SQLite; pre-pinged connections
    on a database server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":
            self.engine = sa.create_engine(
                url, poolclass=sa.pool.QueuePool, pool_size=2, connect_args={"check_same_thread": False}
            )
            sa.event.listen(self.engine, "connect", _apply_sqlite_pragmas)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
