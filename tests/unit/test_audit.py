"""requirements/audit.py (`make audit`) against a stand-in pip-audit that answers as the service would."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("requirements_audit", REPO / "requirements" / "audit.py")
audit = sys.modules["requirements_audit"] = importlib.util.module_from_spec(spec)  # a script, not a package
spec.loader.exec_module(audit)

FAKE = """#!{python}
import json, sys
from pathlib import Path
args = sys.argv[1:]
pins = [line.split("==") for line in Path(args[args.index("-r") + 1]).read_text().split() if "==" in line]
ignored = {{args[i + 1] for i, a in enumerate(args) if a == "--ignore-vuln"}}
known = json.loads(Path({answers!r}).read_text())  # "name==version" -> advisory IDs; absent: not found
deps = []
for name, version in pins:
    if f"{{name}}=={{version}}" not in known:
        deps.append({{"name": name, "skip_reason": "Dependency not found on PyPI"}})
        continue
    vulns = [{{"id": i, "fix_versions": ["9.9"]}} for i in known[f"{{name}}=={{version}}"] if i not in ignored]
    deps.append({{"name": name, "version": version, "vulns": vulns}})
print(json.dumps({{"dependencies": deps, "fixes": []}}))
"""


@pytest.fixture
def service(tmp_path, monkeypatch):
    """Set what the stand-in service knows: {"name==version": [advisory IDs]}."""
    answers = tmp_path / "answers.json"
    fake = tmp_path / "pip-audit"
    fake.write_text(FAKE.format(python=sys.executable, answers=str(answers)))
    fake.chmod(0o755)
    app, rasa, ignore = tmp_path / "app.txt", tmp_path / "rasa.txt", tmp_path / "ignore.txt"
    app.write_text("flask==3.1.3\n")
    rasa.write_text("aiohttp==3.9.5\n")
    ignore.write_text("# none\n")
    monkeypatch.setattr(audit, "PIP_AUDIT", fake)
    monkeypatch.setattr(audit, "FILES", (app, rasa))
    monkeypatch.setattr(audit, "IGNORE_FILE", ignore)
    monkeypatch.delenv("YIBAO_AUDIT_OFFLINE_OK", raising=False)

    def knows(advisories: dict[str, list[str]], ignores: str = "") -> None:
        answers.write_text(json.dumps(advisories))
        ignore.write_text(ignores)

    return knows


CANARY = {"jinja2==2.10": ["PYSEC-2019-217"]}


def test_clean_pins_pass(service):
    service({**CANARY, "flask==3.1.3": [], "aiohttp==3.9.5": []})
    assert audit.main() == 0


def test_a_vulnerability_fails_unless_accepted_with_a_reason(service, capsys):
    service({**CANARY, "flask==3.1.3": [], "aiohttp==3.9.5": ["GHSA-aaaa"]})
    assert audit.main() == 1
    assert "aiohttp==3.9.5: GHSA-aaaa" in capsys.readouterr().out
    service({**CANARY, "flask==3.1.3": [], "aiohttp==3.9.5": ["GHSA-aaaa"]}, "GHSA-aaaa  pinned by rasa 3.6.21\n")
    assert audit.main() == 0
    service({**CANARY, "flask==3.1.3": [], "aiohttp==3.9.5": ["GHSA-aaaa"]}, "GHSA-aaaa\n")
    with pytest.raises(SystemExit, match="needs a reason"):
        audit.main()


def test_a_package_the_service_does_not_know_fails(service):
    service({**CANARY, "flask==3.1.3": []})
    assert audit.main() == 1


def test_no_service_fails_under_ci_only(service, monkeypatch, capsys):
    service({"flask==3.1.3": [], "aiohttp==3.9.5": []})  # the canary's advisory is not reported
    monkeypatch.setenv("CI", "false")
    assert audit.main() == 0
    assert "NOT AUDITED" in capsys.readouterr().err
    monkeypatch.setenv("CI", "true")
    assert audit.main() == 2
    monkeypatch.setenv("YIBAO_AUDIT_OFFLINE_OK", "1")
    assert audit.main() == 0
