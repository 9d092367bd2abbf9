"""Serve a WSGI app on a free loopback port in a background thread (for fakes)."""

from __future__ import annotations

import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (fakes serve thousands in a benchmark)."""

    def log_request(self, *args: object) -> None:
        pass


class LoopbackServer:
    """``app`` on 127.0.0.1:<free port> until :meth:`stop`; ``url`` is its address."""

    def __init__(self, app) -> None:  # noqa: ANN001 - any WSGI app
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), name="fake-server", daemon=True)

    def start(self) -> LoopbackServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
