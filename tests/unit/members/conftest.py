"""Fixtures for the members tests: a migrated throwaway SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.db import make_engine
from storage.migrate import upgrade


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A SQLite file migrated to the newest revision."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
