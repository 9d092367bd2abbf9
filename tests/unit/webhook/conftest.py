"""The webhook blueprint on a small Flask app, with a fake Rasa and a fake platform on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.settings import Settings
from storage.db import Base, load_models, make_engine, make_sessionmaker
from tests.fakes.rasa import FakeRasa
from tests.fakes.wechat_platform import FakeWeChatPlatform
from tests.fakes.wechat_push import WeChatPush, new_aes_key

TOKEN, APP_ID, SECRET = "test-token", "wx_test_app", "test-secret"


@dataclass
class Harness:
    """An app with the webhook, its client, the fakes behind it and a push builder."""

    app: Flask
    client: FlaskClient
    rasa: FakeRasa
    platform: FakeWeChatPlatform
    push: WeChatPush

    def post(self, xml: str, mode: str = "plaintext", timestamp: int | None = None):  # noqa: ANN201
        params, body = self.push.build(xml, mode, timestamp)
        return self.client.post("/wechat", query_string=params, data=body, content_type="text/xml")

    def reply(self, xml: str, mode: str = "plaintext") -> str | None:
        response = self.post(xml, mode)
        assert response.status_code == 200, response.get_data(as_text=True)
        return self.push.read(response.get_data(as_text=True), mode)


@pytest.fixture(scope="module")
def rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def platform() -> Iterator[FakeWeChatPlatform]:
    fake = FakeWeChatPlatform(APP_ID, SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def make_harness(rasa, platform, monkeypatch, tmp_path) -> Callable[..., Harness]:
    """Build an app with WECHAT_* set (override any with keyword arguments, None unsets)."""

    def build(**overrides: str | None) -> Harness:
        aes_key = new_aes_key()
        env = {
            "WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": SECRET,
            "WECHAT_ENCODING_AES_KEY": aes_key, "WECHAT_API_BASE_URL": platform.url,
            "WECHAT_REPLY_BUDGET_S": "1.0", "WECHAT_RASA_TIMEOUT_S": "3", "YIBAO_RASA_URL": rasa.url,
            "YIBAO_REDIS_URL": None, **overrides,
        }
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        load_models()
        engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
        Base.metadata.create_all(engine)
        app = Flask("webhook-test")
        app.config.update(SETTINGS=Settings(), TESTING=True)
        app.extensions.update(db_engine=engine, db_sessions=make_sessionmaker(engine))
        from webhook import bp

        app.register_blueprint(bp)
        return Harness(app, app.test_client(), rasa, platform, WeChatPush(TOKEN, APP_ID, env["WECHAT_ENCODING_AES_KEY"] or aes_key))

    rasa.delay_s, rasa.status = 0.0, 200
    platform.failures.clear()
    platform.outside_window.clear()
    return build
