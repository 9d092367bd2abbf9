"""`make audit`: pip-audit over both pinned environments, failing on any vulnerability not accepted.

Run by `make test` after the tests. Each requirements file is audited by its pins alone
(``--no-deps --disable-pip``: no resolver, no downloads). pip-audit itself says "No known
vulnerabilities found" even when it could audit nothing (every package "not found"), so this
wrapper first checks that the vulnerability service answers at all: a canary pin with a known
advisory must be reported. If it is not, the audit did not happen: under CI=true that is a failure
(exit 2) unless YIBAO_AUDIT_OFFLINE_OK=1 says this CI is known to have no vulnerability service;
elsewhere it is a loud warning. Accepted vulnerabilities (rasa 3.6's pins that cannot be raised)
are listed in audit-ignore.txt, each with its reason. Exit codes: 0 clean, 1 vulnerable, 2 not audited.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = (HERE / "app.txt", HERE / "rasa.txt")
IGNORE_FILE = HERE / "audit-ignore.txt"
#: A pin with a long-published advisory (PYSEC-2019-217, sandbox escape): the service must report it.
CANARY = "jinja2==2.10"
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"
TIMEOUT_S = "10"


@dataclass
class Report:
    """What pip-audit found in one file."""

    audited: int
    skipped: list[str]
    vulnerable: list[str]


def read_ignores(path: Path) -> dict[str, str]:
    """Vulnerability ID → reason, from lines ``ID reason...``; an ID without a reason is an error."""
    ignores = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path.name}:{number}: {vuln_id} needs a reason after the ID")
        ignores[vuln_id] = reason.strip()
    return ignores


def audit(requirements: Path, ignores: dict[str, str]) -> Report:
    """pip-audit's JSON report of ``requirements``, condensed."""
    command = [str(PIP_AUDIT), "-r", str(requirements), "--no-deps", "--disable-pip", "--format", "json",
               "--progress-spinner", "off", "--timeout", TIMEOUT_S]
    for vuln_id in ignores:
        command += ["--ignore-vuln", vuln_id]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError) as exc:  # the service failed outright (no JSON at all)
        tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        print(f"pip-audit could not audit {requirements.name}: {tail[0]}", file=sys.stderr)
        return Report(0, [f"(all: {type(exc).__name__})"], [])
    skipped = [d["name"] for d in dependencies if "skip_reason" in d]
    vulnerable = [f"{d['name']}=={d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or 'no release'})"
                  for d in dependencies for v in d.get("vulns", [])]
    return Report(len(dependencies) - len(skipped), skipped, vulnerable)


def service_answers() -> bool:
    """True when the vulnerability service reports the canary's known advisory."""
    with tempfile.TemporaryDirectory() as folder:
        canary = Path(folder) / "canary.txt"
        canary.write_text(CANARY + "\n")
        return bool(audit(canary, {}).vulnerable)


def main() -> int:
    ignores = read_ignores(IGNORE_FILE)
    if not service_answers():
        message = (f"NOT AUDITED: the vulnerability service (PyPI's JSON API) did not report the known advisory "
                   f"of {CANARY}; it is unreachable from here or answers without vulnerability data.")
        if os.environ.get("CI") == "true" and os.environ.get("YIBAO_AUDIT_OFFLINE_OK") != "1":
            print(f"{message}\nFailing under CI=true; set YIBAO_AUDIT_OFFLINE_OK=1 where CI has no such "
                  "service (README, Security checks).", file=sys.stderr)
            return 2
        print(f"WARNING: {message}", file=sys.stderr)
        return 0
    failed = False
    for requirements in FILES:
        report = audit(requirements, ignores)
        print(f"{requirements.name}: {report.audited} packages audited, {len(report.skipped)} skipped, "
              f"{len(report.vulnerable)} vulnerabilities (accepted: {len(ignores)} in {IGNORE_FILE.name})")
        for line in report.vulnerable:
            print(f"  {line}")
        if report.skipped:
            print(f"  not audited: {', '.join(report.skipped)}")
        failed = failed or bool(report.vulnerable or report.skipped)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
