"""`yibao db`: bring the database schema up to date and load the demo data."""

from __future__ import annotations

from pathlib import Path

import click

DEMO_DIR = Path(__file__).resolve().parent.parent / "members" / "demo"


@click.group("db")
def group() -> None:
    """The app's database (DATABASE_URL, default SQLite var/yibao.db)."""


@group.command("upgrade")
def upgrade_command() -> None:
    """Apply every pending migration."""
    from storage.migrate import upgrade

    upgrade()
    click.echo("database schema is current")


@group.command("demo")
def demo_command() -> None:
    """Load (or refresh) the synthetic demo facilities, catalogue and members of members/demo/."""
    from members.importing import import_catalog, import_facilities, import_members
    from storage.db import session_scope
    from storage.migrate import upgrade

    upgrade()
    with session_scope() as session:
        for kind, name in ((import_facilities, "facilities"), (import_catalog, "catalog"), (import_members, "members")):
            summary = kind(session, DEMO_DIR / f"{name}.jsonl", who="setup:demo", role="operator", progress=False)
            click.echo(f"demo: {summary.count} {summary.kind}")
