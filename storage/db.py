"""The app's one database: declarative base, URL from the environment, engine and session helpers.

Every feature's models (members, the knowledge-base editor, the audit log) derive from :class:`Base`
and are listed in :data:`MODEL_MODULES`, so Alembic sees all of them. Nothing connects at import.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Modules that define models on :class:`Base`; imported before migrations compare or create tables.
MODEL_MODULES = ("storage.audit", "members.models", "knowledge.unanswered", "knowledge.feedback", "handoff.models",
                 "storage.kv", "verification.models", "knowledge.store.models", "console.accounts",
                 "console.login_limit")

#: Constraint names fixed by convention, so SQLite batch migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 5000


class Base(DeclarativeBase):
    """Declarative base for every table of the app."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def load_models() -> None:
    """Import every module in :data:`MODEL_MODULES` so their tables are on ``Base.metadata``."""
    for name in MODEL_MODULES:
        importlib.import_module(name)


def database_url() -> str:
    """The database URL: ``DATABASE_URL`` if set, else SQLite at ``<repo>/var/yibao.db`` (creating ``var/``)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalize_url(url)
    var = REPO_ROOT / "var"
    var.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var / 'yibao.db'}"


def normalize_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default :func:`database_url`).

    SQLite connections get WAL journaling, foreign keys and a busy timeout; an in-memory SQLite
    database keeps one shared connection so every session sees the same tables.
    """
    url = normalize_url(url) if url else database_url()
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    kwargs: dict = {"connect_args": {"check_same_thread": False}}
    if in_memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas(wal=not in_memory))
    return engine


def _sqlite_pragmas(wal: bool):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return on_connect


def make_sessionmaker(engine: Engine | None = None) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (default: a new engine on :func:`database_url`)."""
    return sessionmaker(bind=engine or make_engine(), expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session] | Engine | None = None) -> Iterator[Session]:
    """A transaction as a ``with`` block: commit on success, roll back on any exception.

    Args:
        factory: a session factory, an engine, or None for a new engine on :func:`database_url`.
    """
    if factory is None or isinstance(factory, Engine):
        factory = make_sessionmaker(factory)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
