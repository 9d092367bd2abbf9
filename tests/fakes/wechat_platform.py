"""A fake WeChat platform API: /cgi-bin/token and /cgi-bin/message/custom/send, counting calls.

Tokens expire like the real ones (42001), can be revoked (40001), and a test can queue errors
(e.g. 45015, the 48-hour window) for the next sends. Point WECHAT_API_BASE_URL at ``url``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque

from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer


class FakeWeChatPlatform:
    """The platform's token and customer-service endpoints for one app id and secret."""

    def __init__(self, app_id: str, app_secret: str, expires_in: int = 7200) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.expires_in = expires_in
        self.lock = threading.Condition()
        self.token_calls = 0
        self.send_calls = 0
        self.messages: list[dict] = []
        self.tokens: dict[str, float] = {}  # token → expiry (time.time())
        self.failures: deque[int] = deque()
        self.outside_window: set[str] = set()
        self._numbers = itertools.count(1)
        self._server: LoopbackServer | None = None

    # -- control from tests ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return self._server.url

    def start(self) -> FakeWeChatPlatform:
        self._server = LoopbackServer(self.wsgi).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.stop()

    def expire_tokens(self) -> None:
        """Every token issued so far is expired (sends answer 42001)."""
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def revoke_tokens(self) -> None:
        """Every token issued so far is unknown (sends answer 40001)."""
        with self.lock:
            self.tokens.clear()

    def fail_next(self, *codes: int) -> None:
        """The next sends answer these errcodes, in order."""
        with self.lock:
            self.failures.extend(codes)

    def messages_to(self, openid: str) -> list[str]:
        with self.lock:
            return [m["text"]["content"] for m in self.messages if m.get("touser") == openid]

    def wait_for(self, openid: str, count: int = 1, timeout: float = 10.0) -> list[str]:
        """Wait until ``openid`` has at least ``count`` messages (or ``timeout``); them."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.messages_to(openid)) < count and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            return self.messages_to(openid)

    # -- the platform ----------------------------------------------------------------------------

    def wsgi(self, environ, start_response):  # noqa: ANN001, ANN201 - WSGI
        request = Request(environ)
        if request.path == "/cgi-bin/token" and request.method == "GET":
            body = self._token(request)
        elif request.path == "/cgi-bin/message/custom/send" and request.method == "POST":
            body = self._send(request)
        else:
            return Response("not found", status=404)(environ, start_response)
        return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")(environ, start_response)

    def _token(self, request: Request) -> dict:
        with self.lock:
            self.token_calls += 1
            if request.args.get("grant_type") != "client_credential":
                return {"errcode": 40002, "errmsg": "invalid grant_type"}
            if request.args.get("appid") != self.app_id or request.args.get("secret") != self.app_secret:
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            token = f"TOKEN-{next(self._numbers)}"
            self.tokens[token] = time.time() + self.expires_in
            return {"access_token": token, "expires_in": self.expires_in}

    def _send(self, request: Request) -> dict:
        with self.lock:
            self.send_calls += 1
            expiry = self.tokens.get(request.args.get("access_token", ""))
            if expiry is None:
                return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
            if expiry <= time.time():
                return {"errcode": 42001, "errmsg": "access_token expired"}
            if self.failures:
                code = self.failures.popleft()
                return {"errcode": code, "errmsg": f"fake error {code}"}
            try:
                message = json.loads(request.get_data(as_text=True))
            except ValueError:
                return {"errcode": 47001, "errmsg": "data format error"}
            if message.get("touser") in self.outside_window:
                return {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"}
            self.messages.append(message)
            self.lock.notify_all()
            return {"errcode": 0, "errmsg": "ok"}
