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
