"""The suite's guard against a test package leaving project environment variables changed (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

FIXTURE = '''
import pytest

@pytest.fixture(scope="SCOPE")
def model_dir():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("YIBAO_MODEL_DIR", "/nowhere/no-model")
        yield
'''


def _suite(pytester: pytest.Pytester, fixture_scope: str) -> pytest.RunResult:
    pytester.makeconftest((Path(__file__).parents[1] / "conftest.py").read_text(encoding="utf-8"))
    pytester.mkpydir("tests")
    first = pytester.mkpydir("tests/first")
    (first / "conftest.py").write_text(FIXTURE.replace("SCOPE", fixture_scope))
    (first / "test_first.py").write_text("def test_uses_it(model_dir):\n    pass\n")
    second = pytester.mkpydir("tests/second")
    (second / "test_second.py").write_text("def test_after():\n    pass\n")
    pytester.makefile(".ini", pytest="[pytest]\n")
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "tests")


def test_a_session_wide_environment_change_is_reported_at_the_package_boundary(pytester, monkeypatch):
    monkeypatch.delenv("YIBAO_MODEL_DIR", raising=False)
    result = _suite(pytester, "session")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*tests/first left environment variables changed: YIBAO_MODEL_DIR*"])


def test_a_package_scoped_change_is_undone_in_time(pytester, monkeypatch):
    monkeypatch.delenv("YIBAO_MODEL_DIR", raising=False)
    _suite(pytester, "package").assert_outcomes(passed=2)
