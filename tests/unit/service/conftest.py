"""The app built by its factory on a temporary var/ directory (no other servers)."""

from __future__ import annotations

import pytest

from service import create_app
from service.settings import REPO_ROOT, Settings


@pytest.fixture(scope="module")
def app(tmp_path_factory, monkeypatch_module):
    var_dir = tmp_path_factory.mktemp("var")
    monkeypatch_module.setenv("YIBAO_VAR_DIR", str(var_dir))
    monkeypatch_module.setenv("YIBAO_INDEX_DIR", str(REPO_ROOT / "var" / "index"))
    monkeypatch_module.setenv("YIBAO_INTERNAL_TOKEN", "s3cret")
    monkeypatch_module.setenv("YIBAO_RASA_PORT", "1")  # nothing listens there
    monkeypatch_module.delenv("DATABASE_URL", raising=False)
    app = create_app(Settings())
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth():
    return {"X-Internal-Token": "s3cret"}
