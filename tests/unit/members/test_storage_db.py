"""storage: database URL, SQLite pragmas, sessions, migrations matching the models, audit rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from storage import db
from storage.audit import AuditError, record_audit
from storage.db import database_url, make_engine, normalize_url, session_scope
from storage.migrate import alembic_config, upgrade


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    assert database_url() == "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_default_database_is_under_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(db, "REPO_ROOT", tmp_path)
    assert database_url() == f"sqlite:///{tmp_path / 'var' / 'yibao.db'}"
    assert (tmp_path / "var").is_dir()


def test_normalize_url_leaves_other_drivers() -> None:
    assert normalize_url("sqlite://") == "sqlite://"
    assert normalize_url("postgresql+psycopg://x/y") == "postgresql+psycopg://x/y"


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def test_in_memory_database_is_shared_between_sessions() -> None:
    engine = make_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    with session_scope(engine) as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
    with session_scope(engine) as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1


def test_session_scope_rolls_back_on_error(engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        record_audit(session, who="t", role="t", action="x", reason="r")
        raise RuntimeError("boom")
    with session_scope(engine) as session:
        assert session.execute(text("SELECT count(*) FROM audit_log")).scalar() == 0


def test_migrations_match_the_models_and_repeat_safely(db_url: str) -> None:
    upgrade(db_url)  # a second run is a no-op
    command.check(alembic_config(db_url))  # raises when models and migrations differ


def test_audit_refuses_identifiers(engine) -> None:
    with session_scope(engine) as session:
        with pytest.raises(AuditError):
            record_audit(session, who="t", role="t", action="x", reason="查 990101198503121013")
        with pytest.raises(AuditError):
            record_audit(session, who="t", role="t", action="x", reason="r", detail={"phone": "19912345678"})
