"""A fake Rasa server (REST channel and tracker events) for tests without the real one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer

Responder = Callable[[str, str], list[dict]]


def echo(sender: str, message: str) -> list[dict]:
    return [{"recipient_id": sender, "text": f"答：{message}"}]


class FakeRasa:
    """Answers with ``responder(sender, message)`` after ``delay_s``; ``status`` != 200 fails."""

    def __init__(self, responder: Responder = echo) -> None:
        self.responder = responder
        self.delay_s = 0.0
        self.status = 200
        self.turns: list[tuple[str, str]] = []
        self.events: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self._server: LoopbackServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return self._server.url

    def start(self) -> FakeRasa:
        self._server = LoopbackServer(self.wsgi).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.stop()

    def wsgi(self, environ, start_response):  # noqa: ANN001, ANN201 - WSGI
        request = Request(environ)
        body = json.loads(request.get_data(as_text=True) or "null")
        if request.path == "/webhooks/rest/webhook":
            with self.lock:
                self.turns.append((body["sender"], body["message"]))
            time.sleep(self.delay_s)
            if self.status != 200:
                return Response("error", status=self.status)(environ, start_response)
            reply = self.responder(body["sender"], body["message"])
        elif request.path == "/model/parse":
            reply = {"text": body["text"], "intent": {"name": "ask_policy", "confidence": 0.9}, "entities": []}
        elif request.path.startswith("/conversations/") and request.path.endswith("/tracker/events"):
            if self.status != 200 or not isinstance(body.get("parse_data"), dict):  # Rasa 3.6 needs parse_data
                return Response("error", status=self.status if self.status != 200 else 500)(environ, start_response)
            with self.lock:
                self.events.append((request.path.split("/")[2], body))
            reply = {"sender_id": request.path.split("/")[2]}
        else:
            return Response("not found", status=404)(environ, start_response)
        return Response(json.dumps(reply, ensure_ascii=False), mimetype="application/json")(environ, start_response)
