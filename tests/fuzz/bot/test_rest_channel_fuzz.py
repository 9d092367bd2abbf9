"""The REST channel (bot/channels.py) under 10,000 generated bodies: never a 5xx, 400 or 413 with a
reason for a bad body, and nothing Rasa receives or stores holds an ID or phone number.

The channel runs for real in .venv-rasa (tests/fuzz/bot/channel_server.py), in Sanic behind the
same URL as in Rasa, with a bot that replies with what it was given; the takeover check and the
tracker are fakes on loopback. Senders starting "held-" are held by an agent: their messages must
reach the tracker (redacted) and get no reply.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from hypothesis import strategies as st
from werkzeug.wrappers import Request, Response

from privacy import redact
from tests.conftest import IN_CI
from tests.fakes.server import LoopbackServer
from tests.fuzz.support import fuzz, mostly, one_in

REPO = Path(__file__).resolve().parents[3]
RASA_PYTHON = REPO / ".venv-rasa" / "bin" / "python"
IDENTIFIERS = ["身份证990101199001011132", "手机13912345678", "卡号6222021234567890123", "0"]
TEXT = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(["慢病卡刷不了", "转人工", " ", "\n", *IDENTIFIERS]), max_size=4).map("".join),
    st.integers(1990, 2010).map(lambda n: "医" * n),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
PLAUSIBLE = {
    "sender": st.sampled_from(["resident-1", "resident-2", "held-1", "wx:o123"]) | st.integers(0, 10**6),
    "message": TEXT,
    "metadata": st.dictionaries(st.sampled_from(["phone", "note", "user", "tags"]), JSON, max_size=3),
    "input_channel": st.sampled_from(["rest", "wechat", ""]),
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _handoff_app(environ, start_response):  # noqa: ANN001, ANN201 - WSGI: the app's /api/v1/handoff/<sender>
    sender = Request(environ).path.rsplit("/", 1)[-1]
    body = json.dumps({"sender_id": sender, "taken_over": sender.startswith("held-")})
    return Response(body, mimetype="application/json")(environ, start_response)


@pytest.fixture(scope="module")
def channel_url(rasa) -> Iterator[str]:
    """The channel's webhook URL, served by .venv-rasa until the module ends (``rasa``: tests/fuzz/conftest.py)."""
    if not RASA_PYTHON.exists():
        message = f"{RASA_PYTHON} is missing (make setup creates it)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    port = _free_port()
    with LoopbackServer(_handoff_app) as app:
        env = {**os.environ, "PYTHONPATH": str(REPO), "YIBAO_APP_URL": app.url, "YIBAO_RASA_URL": rasa.url}
        server = subprocess.Popen([str(RASA_PYTHON), "-m", "tests.fuzz.bot.channel_server", str(port)], cwd=REPO,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            url = f"http://127.0.0.1:{port}/webhooks/rest"
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    if requests.get(f"{url}/", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.5)
            else:
                pytest.fail(f"the channel server did not start: {server.stderr.read().decode()[-2000:]}")
            yield f"{url}/webhook"
        finally:
            server.terminate()
            server.wait(timeout=20)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, dict | None]:
    """(raw body, the object sent when it is one)."""
    fields = {name: draw(mostly(values, JSON, odds=8)) for name, values in PLAUSIBLE.items() if not draw(one_in(5))}
    if draw(one_in(10)):
        value = draw(JSON)
        return json.dumps(value).encode(), value if isinstance(value, dict) else None
    if draw(one_in(20)):
        return draw(st.binary(max_size=40)), None
    return json.dumps(fields, ensure_ascii=draw(st.booleans())).encode(), fields


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _no_identifiers(value: object) -> bool:
    return all(redact(text) == text for text in _strings(value))


def test_rest_channel_bodies_never_fail_the_server(channel_url, rasa):
    http = requests.Session()
    statuses: dict[int, int] = {}

    def check(example: tuple[bytes, dict | None]) -> None:
        data, sent = example
        events = len(rasa.events)
        response = http.post(channel_url, data=data, headers={"Content-Type": "application/json"}, timeout=30)
        status = response.status_code
        statuses[status] = statuses.get(status, 0) + 1
        assert status in (200, 400, 413), (status, data[:300], response.text[:300])
        if status != 200:
            assert response.text.strip(), "a refusal must say why"
            assert len(rasa.events) == events, "a refused message reached the tracker"
            return
        replies = response.json()
        assert isinstance(replies, list)
        assert sent is not None, f"a body that is not an object was accepted: {data[:100]!r}"
        text = sent.get("message")
        if text and text.strip() and str(sent.get("sender")).startswith("held-"):
            assert replies == [], "the bot spoke while an agent holds the conversation"
            assert len(rasa.events) == events + 1, "a message for the agent was lost"
            assert _no_identifiers(rasa.events[-1][1]), "an identifier reached the tracker"
            return
        (reply,) = replies
        seen = reply["custom"]
        # The sender is the client's conversation ID, passed on as given (tests/integration covers the tracker).
        assert _no_identifiers([seen["text"], seen["metadata"]]), f"an identifier reached Rasa: {seen}"
        assert seen["text"] == (redact(text).strip() if text else text), (text, seen)
        assert seen["sender"] == (str(sent["sender"]) if sent.get("sender") is not None else "default")

    count = fuzz(bodies(), check)
    print(f"rest channel: {count} bodies, statuses {sorted(statuses.items())}")
    assert {200, 400, 413} <= set(statuses), statuses
