"""`yibao users`: create users (password from stdin or generated once) and a first admin."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from cli import main
from console.accounts import User, authenticate
from storage.db import make_sessionmaker, session_scope


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'users.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return make_sessionmaker()


def test_create_reads_the_password_from_stdin(runner, database):
    result = runner.invoke(main, ["users", "create", "wang", "--role", "editor"], input="a-long-password\n")
    assert result.exit_code == 0, result.output
    assert "password" not in result.output
    with session_scope(database) as session:
        user = authenticate(session, "wang", "a-long-password")
        assert user is not None and user.role == "editor"
        assert user.password_hash != "a-long-password"


def test_create_generates_and_prints_a_password_once_when_stdin_is_empty(runner, database):
    result = runner.invoke(main, ["users", "create", "li", "--role", "agent"], input="")
    password = re.search(r"password \(shown once\): (\S+)", result.output).group(1)
    with session_scope(database) as session:
        assert authenticate(session, "li", password) is not None


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["users", "create", "zhao", "--role", "boss"], "a-long-password\n", "Invalid value"),
    (["users", "create", "zhao", "--role", "agent"], "short\n", "at least"),
    (["users", "create", "bad name!", "--role", "agent"], "a-long-password\n", "username"),
])
def test_bad_users_are_refused(runner, database, args, stdin, message):
    result = runner.invoke(main, args, input=stdin)
    assert result.exit_code != 0 and message in result.output


def test_a_taken_name_is_refused(runner, database):
    runner.invoke(main, ["users", "create", "sun", "--role", "agent"], input="a-long-password\n")
    result = runner.invoke(main, ["users", "create", "SUN", "--role", "agent"], input="a-long-password\n")
    assert result.exit_code != 0 and "already exists" in result.output


def test_ensure_admin_creates_one_admin_only_once(runner, database):
    first = runner.invoke(main, ["users", "ensure-admin"])
    assert first.exit_code == 0 and "password (shown once)" in first.output
    second = runner.invoke(main, ["users", "ensure-admin"])
    assert second.exit_code == 0 and "already exists" in second.output and "password" not in second.output
    with session_scope(database) as session:
        assert len(session.scalars(select(User).where(User.role == "admin")).all()) == 1


def test_set_password_and_list(runner, database):
    runner.invoke(main, ["users", "create", "zhou", "--role", "agent"], input="a-long-password\n")
    assert runner.invoke(main, ["users", "set-password", "zhou"], input="another-password\n").exit_code == 0
    with session_scope(database) as session:
        assert authenticate(session, "zhou", "another-password") is not None
    assert "zhou" in runner.invoke(main, ["users", "list"]).output
