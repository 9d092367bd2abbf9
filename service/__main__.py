"""Run the app service with waitress: `python -m service`."""

from __future__ import annotations

import logging

from waitress import serve

from service import create_app
from service.settings import Settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s app %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    app = create_app(settings)
    serve(app, host=settings.host, port=settings.app_port, threads=settings.threads, ident="yibao")


if __name__ == "__main__":
    main()
