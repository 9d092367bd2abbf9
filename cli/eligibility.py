"""yibao eligibility: run scenario files, or check one stored member from the command line."""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path

import click


@click.group("eligibility")
def group() -> None:
    """The eligibility engine (资格核验)."""


@group.command("scenarios")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--verbose", "-v", is_flag=True, help="Also print each reply.")
def scenarios_command(file: Path, verbose: bool) -> None:
    """Run a §9 scenario file: one line per scenario, then "N passed, M failed"; exit 1 on any failure."""
    from members.eligibility.scenarios import run_file

    passed = failed = 0
    for outcome in run_file(file):
        click.echo(outcome.line())
        for problem in outcome.problems:
            click.echo(f"    {problem}")
        if verbose and outcome.reply:
            click.echo("    " + outcome.reply.replace("\n", "\n    "))
        passed += outcome.passed
        failed += not outcome.passed
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)


@group.command("check")
@click.argument("member_id")
@click.option("--benefit", "benefit_type", required=True, help="benefit_type, e.g. chronic_outpatient.")
@click.option("--date", "check_date", default=None, help="Check date YYYY-MM-DD (default today).")
@click.option("--facility", "facility_id", default=None, help="Facility ID from the registry.")
@click.option("--item", "item_code", default=None, help="Catalogue item code.")
@click.option("--disease", "disease_code", default=None, help="Chronic disease code.")
@click.option("--disease-name", default=None, help="Name of the disease, for the reply.")
@click.option("--region", "encounter_region", default=None, help="Region code where the care happens.")
@click.option("--region-name", default=None, help="Name of that region, for the reply.")
@click.option("--amount", type=float, default=None, help="Amount of the bill or purchase.")
@click.option("--emergency", is_flag=True, help="The visit is an emergency.")
@click.option("--referral", is_flag=True, help="The visit is a referral out of the region (转外就医).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON instead of the reply.")
@click.option("--reason", default="operator check", show_default=True, help="Why the record is read (audited).")
def check_command(member_id: str, benefit_type: str, check_date: str | None, facility_id: str | None,
                  item_code: str | None, disease_code: str | None, disease_name: str | None,
                  encounter_region: str | None, region_name: str | None, amount: float | None, emergency: bool,
                  referral: bool, as_json: bool, reason: str) -> None:
    """Check one stored member (by internal MEMBER_ID) and print the reply to the resident."""
    from members.eligibility.reply import render_reply
    from members.errors import MembersError
    from members.parse import ParseError, parse
    from members.service import CheckRequest, check_member
    from members.store import member_ref_for
    from storage.db import session_scope

    data = {"check_date": check_date or date.today().isoformat(), "benefit_type": benefit_type,
            "facility_id": facility_id, "item_code": item_code, "disease_code": disease_code,
            "disease_name": disease_name, "is_emergency": emergency, "is_referral": referral,
            "encounter_region": {"code": encounter_region, "name": region_name} if encounter_region else None,
            "claim": {"amount": amount, "policy_range_amount": amount} if amount is not None else None}
    try:
        request = parse(CheckRequest, data)
        with session_scope() as session:
            ref = member_ref_for(session, member_id)
            result = check_member(session, ref, request, who=f"cli:{getpass.getuser()}", role="operator",
                                  reason=reason)
    except ParseError as exc:
        raise click.UsageError("; ".join(exc.errors)) from exc
    except MembersError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_reply(result))
