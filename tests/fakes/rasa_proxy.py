"""A proxy in front of the real Rasa server that tests can slow down or break, per sender.

Only turns through the REST channel are affected (and counted); every other request (tracker,
health) passes straight through.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter

import requests
from requests.adapters import HTTPAdapter
from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer

REST_PATH = "/webhooks/rest/webhook"
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


class RasaProxy:
    """Forwards to ``target``; ``slow[sender]`` delays that sender's turns by seconds,
    ``broken`` holds senders whose turns fail with HTTP 503 without reaching Rasa."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.slow: dict[str, float] = {}
        self.broken: set[str] = set()
        self.turns: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.http = requests.Session()
        self.http.mount("http://", HTTPAdapter(pool_maxsize=64))
        self._server = LoopbackServer(self.wsgi)

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> RasaProxy:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def turns_of(self, sender: str) -> int:
        with self.lock:
            return self.turns[sender]

    def wsgi(self, environ, start_response):  # noqa: ANN001, ANN201 - WSGI
        request = Request(environ)
        body = request.get_data()
        if request.path == REST_PATH:
            try:
                sender = str(json.loads(body).get("sender"))
            except (ValueError, AttributeError):
                sender = ""
            with self.lock:
                self.turns[sender] += 1
            time.sleep(self.slow.get(sender, 0.0))
            if sender in self.broken:
                return Response("proxy: Rasa broken on purpose", status=503)(environ, start_response)
        upstream = self.http.request(
            request.method, self.target + request.full_path.rstrip("?"), data=body,
            headers={"Content-Type": request.headers.get("Content-Type", "application/json")}, timeout=60,
        )
        headers = [(k, v) for k, v in upstream.headers.items() if k.lower() not in _HOP_HEADERS]
        return Response(upstream.content, status=upstream.status_code, headers=headers)(environ, start_response)
