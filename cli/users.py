"""yibao users: console accounts (roles agent, editor, admin) with hashed passwords."""

from __future__ import annotations

import sys

import click

from console.accounts import ROLES


def _sessions():  # noqa: ANN202 - a session factory on the migrated database
    from storage.db import make_sessionmaker
    from storage.migrate import upgrade

    upgrade()  # the schema must be current before anything is written
    return make_sessionmaker()


def _read_password(generate: bool) -> tuple[str, bool]:
    """The password from stdin (a prompt on a terminal), or a generated one; True when generated."""
    from console.accounts import generate_password

    if generate:
        return generate_password(), True
    if sys.stdin.isatty():
        return click.prompt("password", hide_input=True, confirmation_prompt=True), False
    line = sys.stdin.readline().rstrip("\r\n")
    return (line, False) if line else (generate_password(), True)


@click.group("users")
def group() -> None:
    """Console users (database from DATABASE_URL)."""


@group.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="agent, editor or admin.")
@click.option("--generate", is_flag=True, help="Generate the password instead of reading it.")
def create(name: str, role: str, generate: bool) -> None:
    """Create user NAME. The password is read from stdin (first line); when stdin is empty or
    --generate is given, one is generated and printed once."""
    from console.accounts import AccountError, create_user
    from storage.db import session_scope

    password, generated = _read_password(generate)
    try:
        with session_scope(_sessions()) as session:
            create_user(session, name, role, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {role} {name}")
    if generated:
        click.echo(f"password (shown once): {password}")


@group.command("ensure-admin")
@click.option("--name", default="admin", show_default=True, help="Name of the admin to create.")
def ensure_admin_command(name: str) -> None:
    """Create a first admin when there is none, printing its generated password once."""
    from console.accounts import AccountError, ensure_admin
    from storage.db import session_scope

    try:
        with session_scope(_sessions()) as session:
            password = ensure_admin(session, name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    if password is None:
        click.echo("an admin already exists; nothing to do")
        return
    click.echo(f"created admin {name}\npassword (shown once): {password}")


@group.command("set-password")
@click.argument("name")
@click.option("--generate", is_flag=True, help="Generate the password instead of reading it.")
def set_password_command(name: str, generate: bool) -> None:
    """Replace NAME's password (read from stdin, or generated and printed once)."""
    from console.accounts import AccountError, set_password
    from storage.db import session_scope

    password, generated = _read_password(generate)
    try:
        with session_scope(_sessions()) as session:
            set_password(session, name, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"password of {name} changed")
    if generated:
        click.echo(f"password (shown once): {password}")


@group.command("list")
def list_command() -> None:
    """List users with their role and last login."""
    from console.accounts import list_users
    from storage.db import session_scope

    with session_scope(_sessions()) as session:
        for user in list_users(session):
            state = "" if user.active else "  (disabled)"
            last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
            click.echo(f"{user.username:20} {user.role:8} last login {last}{state}")
