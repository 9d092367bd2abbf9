"""Shared test settings: servers this machine kind provides, and how their absence is treated."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator

import pytest

IN_CI = os.environ.get("CI") == "true"


def server_reachable(host: str, port: int) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_server(name: str, host: str, port: int) -> None:
    """Skip the test when a server is missing, but fail under CI=true, where it must be there."""
    if server_reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: the machine must provide it)")
    pytest.skip(message)


POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    from sqlalchemy import create_engine, text

    from storage.db import normalize_url

    require_server("PostgreSQL", "127.0.0.1", 5432)
    schema = f"test_{secrets.token_hex(4)}"
    admin = create_engine(normalize_url(POSTGRES_SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


_PROJECT_VARIABLES = ("YIBAO_", "WECHAT_", "DATABASE_URL")
_ENVIRONMENT_AT_START = {key: value for key, value in os.environ.items() if key.startswith(_PROJECT_VARIABLES)}


def _top_package(item: pytest.Item | None) -> str | None:
    """tests/<package> of an item (fuzz, integration, unit, ...), None after the last test."""
    if item is None:
        return None
    return item.path.relative_to(item.config.rootpath).parts[1]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Fail loudly when a test package leaves the project's environment variables changed for the next.

    A fixture that patched YIBAO_MODEL_DIR for the whole session once made every later integration
    test run without the embedding model; this names the leak where it happens instead.
    """
    result = yield
    if _top_package(item) != _top_package(nextitem):
        now = {key: value for key, value in os.environ.items() if key.startswith(_PROJECT_VARIABLES)}
        leaked = sorted(key for key in now.keys() | _ENVIRONMENT_AT_START.keys()
                        if now.get(key) != _ENVIRONMENT_AT_START.get(key))
        if leaked:
            raise AssertionError(f"tests/{_top_package(item)} left environment variables changed: {', '.join(leaked)}")
    return result
