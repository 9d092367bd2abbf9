"""What the integration stack needs for the WeChat channel: a fake platform, a Rasa proxy, env.

The session's one stack (conftest.py) runs with WECHAT_* pointing at these fakes, so the app's
/wechat endpoint is live in every integration test while the other tests are unaffected.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests

from tests.fakes.rasa_proxy import RasaProxy
from tests.fakes.wechat_platform import FakeWeChatPlatform
from tests.fakes.wechat_push import WeChatPush, new_aes_key
from tests.integration.stack import free_port

#: The reply budget of the test stack: long enough for a real turn on a loaded 2-core machine,
#: short enough that the slow-path tests do not take long (they slow Rasa past it per sender).
TEST_BUDGET_S = 2.5


@dataclass
class WeChatFakes:
    """The fake platform, the proxy in front of Rasa, and the env that points the stack at them."""

    platform: FakeWeChatPlatform
    proxy: RasaProxy
    push: WeChatPush
    env: dict[str, str]

    @contextmanager
    def only_in_children(self) -> Iterator[None]:
        """Take the WeChat variables out of this process's environment while the stack runs.

        running_stack puts extra_env into os.environ (Settings() reads it); the app already has
        them, and unit tests later in the session must not see a WeChat channel or Rasa behind a
        proxy (YIBAO_RASA_URL would override the port they set).
        """
        keys = [key for key in self.env if key != "YIBAO_RASA_PORT"]
        saved = {key: os.environ.pop(key) for key in keys if key in os.environ}
        try:
            yield
        finally:
            os.environ.update(saved)


@contextmanager
def wechat_fakes(budget_s: float = TEST_BUDGET_S) -> Iterator[WeChatFakes]:
    """Start the fakes; ``env`` is the extra_env for running_stack."""
    token, app_id, secret = secrets.token_hex(8), f"wx{secrets.token_hex(8)}", secrets.token_hex(16)
    aes_key = new_aes_key()
    rasa_port = free_port()
    platform = FakeWeChatPlatform(app_id, secret).start()
    proxy = RasaProxy(f"http://127.0.0.1:{rasa_port}").start()
    env = {
        "YIBAO_RASA_PORT": str(rasa_port),
        "YIBAO_RASA_URL": proxy.url,
        "WECHAT_TOKEN": token,
        "WECHAT_APP_ID": app_id,
        "WECHAT_APP_SECRET": secret,
        "WECHAT_ENCODING_AES_KEY": aes_key,
        "WECHAT_API_BASE_URL": platform.url,
        "WECHAT_REPLY_BUDGET_S": str(budget_s),
        "YIBAO_APP_THREADS": "32",
    }
    try:
        yield WeChatFakes(platform, proxy, WeChatPush(token, app_id, aes_key), env)
    finally:
        proxy.stop()
        platform.stop()


class WeChatClientSide:
    """Pushes to the running app's /wechat as WeChat would, and reads the replies."""

    def __init__(self, app_url: str, push: WeChatPush) -> None:
        self.url = f"{app_url}/wechat"
        self.push = push
        self.http = requests.Session()

    def post(self, xml: str, mode: str = "plaintext", timestamp: int | None = None) -> requests.Response:
        params, body = self.push.build(xml, mode, timestamp)
        return self.http.post(self.url, params=params, data=body, headers={"Content-Type": "text/xml"}, timeout=30)

    def reply(self, xml: str, mode: str = "plaintext") -> str | None:
        """The passive reply's text (None for "success"); fails on any status but 200."""
        response = self.post(xml, mode)
        assert response.status_code == 200, response.text
        return self.push.read(response.text, mode)
