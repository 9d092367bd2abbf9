"""yibao members: import member records, the facility registry and the catalogue from JSON Lines."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path

import click

from members.errors import ImportFileError


def _operator() -> str:
    return f"cli:{getpass.getuser()}"


def _run_import(kind: Callable, path: Path, progress: bool) -> None:
    from storage.db import session_scope
    from storage.migrate import upgrade

    upgrade()  # the schema must be current before anything is written
    try:
        with session_scope() as session:
            summary = kind(session, path, who=_operator(), role="operator", progress=progress)
    except ImportFileError as exc:
        for problem in exc.errors:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(exc.errors)} problem(s) in {path.name}; nothing was imported") from exc
    click.echo(f"imported {summary.count} {summary.kind} from {path.name}")


_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_PROGRESS = click.option("--progress/--no-progress", default=True, help="Show a progress bar.")


@click.group("members")
def group() -> None:
    """Member records, facility registry and catalogue (database from DATABASE_URL)."""


@group.command("import")
@_FILE
@_PROGRESS
def import_members_command(file: Path, progress: bool) -> None:
    """Import member records, one JSON object per line; re-import replaces by member_id.

    The whole file is checked first: any bad line is reported and nothing is imported.
    """
    from members.importing import import_members

    _run_import(import_members, file, progress)


@group.group("facilities")
def facilities() -> None:
    """The facility registry (定点医药机构)."""


@facilities.command("import")
@_FILE
@_PROGRESS
def import_facilities_command(file: Path, progress: bool) -> None:
    """Import facilities, one JSON object per line; re-import replaces by id."""
    from members.importing import import_facilities

    _run_import(import_facilities, file, progress)


@group.group("catalog")
def catalog() -> None:
    """The drug and item catalogue (医保目录)."""


@catalog.command("import")
@_FILE
@_PROGRESS
def import_catalog_command(file: Path, progress: bool) -> None:
    """Import catalogue entries, one JSON object per line; re-import replaces by code."""
    from members.importing import import_catalog

    _run_import(import_catalog, file, progress)


@group.command("outbox")
@click.option("--phone", "phone_masked", default=None, help="Only messages to this masked number, e.g. 199****0039.")
@click.option("--limit", default=10, show_default=True, help="How many of the newest messages.")
def outbox_command(phone_masked: str | None, limit: int) -> None:
    """Print the newest verification codes of the development SMS outbox (without YIBAO_SMS_URL).

    Each line: time (UTC), masked phone, code. Use it to finish a chat verification as a demo member.
    """
    from storage.db import session_scope
    from verification.sms import code_in, latest_outbox

    with session_scope() as session:
        messages = latest_outbox(session, phone_masked, limit)
        lines = [f"{m.created_at:%Y-%m-%d %H:%M:%S}  {m.recipient_masked}  {code_in(m.text) or '-'}" for m in messages]
    if not lines:
        raise click.ClickException("the outbox is empty (no code was sent through the development gateway)")
    click.echo("\n".join(lines))
