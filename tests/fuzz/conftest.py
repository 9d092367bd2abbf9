"""One app for the fuzz tests: the real factory, lexical search, WeChat on against loopback fakes.

Rasa and the WeChat platform are fakes on loopback (tests/fakes); the database is a SQLite file in
a temporary var/ directory, so what a bad input must not change can be counted table by table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text

from service import create_app
from service.settings import Settings
from tests.fakes.rasa import FakeRasa
from tests.fakes.wechat_platform import FakeWeChatPlatform
from tests.fakes.wechat_push import WeChatPush, new_aes_key

TOKEN, APP_ID, SECRET, INTERNAL_TOKEN = "fuzz-token", "wx_fuzz_app", "fuzz-secret", "fuzz-internal"
#: 10,000 examples take minutes; on a busy machine (niced, load 5-10) up to half an hour per test.
FUZZ_TIMEOUT_S = 3600


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give the fuzz tests (and only them) the longer time limit."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.timeout(FUZZ_TIMEOUT_S))


@pytest.fixture(scope="session")
def rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def push() -> WeChatPush:
    """Signs and encrypts pushes for the app's Official Account."""
    return WeChatPush(TOKEN, APP_ID, new_aes_key())


@pytest.fixture(scope="package")
def app(tmp_path_factory, rasa, push) -> Iterator[Flask]:
    """The app on a throwaway var/ (no model, fake Rasa and WeChat); its environment is undone after tests/fuzz."""
    var_dir = tmp_path_factory.mktemp("fuzz-var")
    platform = FakeWeChatPlatform(APP_ID, SECRET).start()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "YIBAO_VAR_DIR": str(var_dir), "YIBAO_MODEL_DIR": str(var_dir / "no-model"),
            "YIBAO_RASA_URL": rasa.url, "YIBAO_INTERNAL_TOKEN": INTERNAL_TOKEN, "YIBAO_KB_CHECK_INTERVAL_S": "0",
            "WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": SECRET,
            "WECHAT_ENCODING_AES_KEY": push.aes_key, "WECHAT_API_BASE_URL": platform.url,
            "WECHAT_REPLY_BUDGET_S": "2", "WECHAT_RASA_TIMEOUT_S": "3",
        }.items():
            patch.setenv(name, value)
        for name in ("DATABASE_URL", "YIBAO_TRACKER_URL", "YIBAO_REDIS_URL", "YIBAO_SMS_URL"):
            patch.delenv(name, raising=False)
        app = create_app(Settings())
        app.config["TESTING"] = True
        yield app
    platform.stop()


def row_counts(engine: Engine, *tables: str) -> tuple[int, ...]:
    """Rows in each of ``tables``, in one query (cheap enough to run around every example)."""
    columns = ", ".join(f"(SELECT count(*) FROM {table})" for table in tables)
    with engine.connect() as connection:
        return tuple(connection.execute(text(f"SELECT {columns}")).one())
