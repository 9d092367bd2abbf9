"""The app with the console, on a throwaway var/ directory (lexical search only: no model, no servers).

One app serves the whole package; tests use their own entries and users so they do not interfere.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from console.accounts import create_user
from service import create_app
from service.settings import Settings
from storage.db import session_scope

PASSWORD = "correct-horse-battery"
USERS = {"agent1": "agent", "editor1": "editor", "editor2": "editor", "admin1": "admin"}
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="package")
def app(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("console-var")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("YIBAO_VAR_DIR", str(var_dir))
        patch.setenv("YIBAO_MODEL_DIR", str(var_dir / "no-model"))  # lexical search: fast and self-contained
        patch.setenv("YIBAO_RASA_PORT", "1")  # nothing listens there
        patch.setenv("YIBAO_INTERNAL_TOKEN", "s3cret")
        patch.setenv("YIBAO_LOGIN_MAX_FAILURES", "3")
        patch.setenv("YIBAO_KB_CHECK_INTERVAL_S", "0")
        patch.delenv("DATABASE_URL", raising=False)
        patch.delenv("YIBAO_TRACKER_URL", raising=False)
        app = create_app(Settings())
        app.config["TESTING"] = True
        with session_scope(app.extensions["db_sessions"]) as session:
            for name, role in USERS.items():
                create_user(session, name, role, PASSWORD)
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    """Runs `yibao` commands (a click group, not Flask's CLI)."""
    return CliRunner()


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the form on ``path`` (the session keeps it)."""
    match = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    """Log ``client`` in through the form; returns the response."""
    token = csrf_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def as_user(app):
    """A logged-in test client for one of USERS: ``as_user("editor1")``."""

    def make(username: str):
        client = app.test_client()
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return make


def db(app):
    return session_scope(app.extensions["db_sessions"])
