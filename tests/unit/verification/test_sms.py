"""SMS gateways: the development outbox, and the HTTP gateway against a fake provider on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from storage.db import session_scope
from verification.errors import SmsError
from verification.sms import HttpSmsGateway, OutboxGateway, code_in, gateway_for, latest_outbox


class FakeProvider(BaseHTTPRequestHandler):
    """Accepts POSTed JSON; answers with the status in ``status`` and keeps what it received."""

    received: list[dict] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture
def provider() -> Iterator[tuple[str, type[FakeProvider]]]:
    handler = type("Provider", (FakeProvider,), {"received": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send", handler
    server.shutdown()
    server.server_close()


def test_the_outbox_keeps_the_text_and_only_the_masked_number(sessions):
    OutboxGateway(sessions).send("19910000039", "您的验证码是012345，5分钟内有效。")
    OutboxGateway(sessions).send("19910000040", "您的验证码是654321，5分钟内有效。")
    with session_scope(sessions) as session:
        newest = latest_outbox(session)
        mine = latest_outbox(session, "199****0039")
        assert [code_in(m.text) for m in newest] == ["654321", "012345"]
        assert [code_in(m.text) for m in mine] == ["012345"]
        assert all("19910000039" not in m.recipient_masked for m in newest)


def test_the_http_gateway_posts_phone_and_text(provider):
    url, handler = provider
    HttpSmsGateway(url).send("19910000039", "验证码 123456")
    assert handler.received == [{"phone": "19910000039", "text": "验证码 123456"}]


def test_the_http_gateway_raises_when_the_provider_refuses(provider):
    url, handler = provider
    handler.status = 500
    with pytest.raises(SmsError, match="500"):
        HttpSmsGateway(url).send("19910000039", "验证码 123456")


def test_the_http_gateway_raises_when_the_provider_is_down():
    with pytest.raises(SmsError, match="unreachable"):
        HttpSmsGateway("http://127.0.0.1:1/send", timeout_s=1).send("19910000039", "x")


def test_the_url_selects_the_gateway(sessions):
    assert isinstance(gateway_for("", sessions), OutboxGateway)
    assert isinstance(gateway_for("http://127.0.0.1:9/send", sessions), HttpSmsGateway)
    assert code_in("no code here") is None
