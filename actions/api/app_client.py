"""Client of the app service's internal JSON API (service/api.py)."""

from __future__ import annotations

from typing import Any

import requests

from actions.config import ActionsConfig, load_config


class AppUnavailable(RuntimeError):
    """The app service did not answer, or answered with an error."""


class AppClient:
    """Calls the app; every failure becomes AppUnavailable so actions can say "try again shortly"."""

    def __init__(self, config: ActionsConfig | None = None) -> None:
        self.config = config or load_config()
        self._session = requests.Session()
        if self.config.internal_token:
            self._session.headers["X-Internal-Token"] = self.config.internal_token

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._session.post(f"{self.config.app_url}{path}", json=payload, timeout=self.config.timeout_s)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise AppUnavailable(f"{path}: {type(exc).__name__}") from exc

    def answer(self, text: str, sender: str, region: str | None, intent: str | None) -> dict[str, Any]:
        """The knowledge base's answer to a resident's question."""
        return self._post("/api/v1/answer", {"text": text, "sender": sender, "region": region, "intent": intent})
