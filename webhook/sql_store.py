"""The channel's store in the app's database (table ``kv_entries``): the default without Redis.

Works on SQLite (WAL, busy timeout) and PostgreSQL. ``add`` relies on the primary key: of two
concurrent inserts of one key, exactly one commits. On SQLite the store has its own connections
with ``synchronous=NORMAL``: in WAL mode a commit then waits for no disk flush (several per
message otherwise), at the price of losing the last few entries if the machine loses power;
entries here live minutes and are safe to lose.
"""

from __future__ import annotations

import random
import time

from sqlalchemy import Engine, delete, event, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine
from storage.kv import KeyValue
from webhook.store import Store

#: One ``add`` in this many also deletes every expired row, so the table stays small.
PURGE_EVERY = 200

_table = KeyValue.__table__


def store_engine(app_engine: Engine) -> Engine:
    """The engine for the store: its own on a SQLite file (relaxed flushing), else the app's."""
    url = app_engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return app_engine
    engine = make_engine(url.render_as_string(hide_password=False))

    def relax(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API connection
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    event.listen(engine, "connect", relax)
    return engine


class SqlStore(Store):
    """Entries in the ``kv_entries`` table of ``engine``'s database."""

    def __init__(self, engine: Engine, prefix: str = "wechat") -> None:
        self.engine = engine
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    @staticmethod
    def _expiry(ttl: float | None) -> float | None:
        return time.time() + ttl if ttl else None

    def get(self, key: str, default: str | None = None) -> str | None:
        now = time.time()
        with self.engine.connect() as connection:
            value = connection.execute(
                select(_table.c.value).where(
                    _table.c.key == self._key(key),
                    or_(_table.c.expires_at.is_(None), _table.c.expires_at > now),
                )
            ).scalar()
        return default if value is None else value

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        row = {"value": value, "expires_at": self._expiry(ttl)}
        for _ in range(3):  # update, else insert; a concurrent insert makes us update again
            try:
                with self.engine.begin() as connection:
                    changed = connection.execute(
                        update(_table).where(_table.c.key == self._key(key)).values(**row)
                    ).rowcount
                    if not changed:
                        connection.execute(insert(_table).values(key=self._key(key), **row))
                return
            except IntegrityError:
                continue
        raise RuntimeError(f"could not set {key!r}: concurrent writers kept winning")

    def add(self, key: str, value: str, ttl: float | None = None) -> bool:
        now = time.time()
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    delete(_table).where(_table.c.key == self._key(key), _table.c.expires_at <= now)
                )
                connection.execute(insert(_table).values(key=self._key(key), value=value, expires_at=self._expiry(ttl)))
        except IntegrityError:
            return False
        if random.randrange(PURGE_EVERY) == 0:
            self.purge()
        return True

    def delete(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(_table).where(_table.c.key == self._key(key)))

    def purge(self) -> int:
        """Delete every expired row; the number deleted."""
        with self.engine.begin() as connection:
            return connection.execute(delete(_table).where(_table.c.expires_at <= time.time())).rowcount
