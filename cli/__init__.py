"""yibao: the operator command line. Subcommands are grouped by noun (kb, members, eligibility, users)."""

from __future__ import annotations

import importlib

import click

#: Modules under cli/ that each define a click group named ``group``; registered in this order.
SUBCOMMAND_MODULES = ("kb", "members", "eligibility", "users", "db")


@click.group()
def main() -> None:
    """医保助手 operator tool."""


def _register() -> None:
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(f"cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"cli.{name}":
                continue  # that noun has no commands yet
            raise
        main.add_command(module.group)


_register()
