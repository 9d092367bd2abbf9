"""Rasa as the channel sees it: one turn through the REST channel, or a silent user event.

The REST channel (bot/channels.py) redacts again, but the text is redacted here first so an ID
number never leaves the app, not even towards Rasa.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

from privacy import redact


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time or answered with an error; the resident is told to retry."""


class RasaClient:
    """Talks to the Rasa server at ``base_url`` (settings.rasa_url)."""

    def __init__(self, base_url: str, timeout_s: float, connections: int = 16) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.http = requests.Session()
        self.http.mount("http://", HTTPAdapter(pool_connections=2, pool_maxsize=connections))
        self.http.mount("https://", HTTPAdapter(pool_connections=2, pool_maxsize=connections))

    def turn(self, sender: str, text: str) -> list[dict]:
        """Send ``text`` as ``sender`` through the REST channel; the bot's messages.

        Raises:
            RasaUnavailable: connection error, timeout, an HTTP error or a body that is not a list.
        """
        try:
            response = self.http.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": redact(text)},
                timeout=self.timeout_s,
            )
            response.raise_for_status()
            messages = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if not isinstance(messages, list):
            raise RasaUnavailable("REST channel answered something other than a list")
        return [message for message in messages if isinstance(message, dict)]

    def add_user_event(self, sender: str, text: str) -> None:
        """Append the resident's message to the tracker without predicting a reply (takeover).

        Rasa's NLU parses it first (/model/parse changes no tracker), so the event carries an
        intent like any other and the bot's later predictions are not thrown off.

        Raises:
            RasaUnavailable: the event could not be stored.
        """
        text = redact(text)
        try:
            parsed = self.http.post(f"{self.base_url}/model/parse", json={"text": text}, timeout=self.timeout_s)
            parsed.raise_for_status()
            parse_data = parsed.json()
            if not isinstance(parse_data, dict):
                raise ValueError("parse result is not an object")
            event = {"event": "user", "text": text, "parse_data": parse_data, "timestamp": time.time(),
                     "input_channel": "wechat"}
            response = self.http.post(
                f"{self.base_url}/conversations/{quote(sender, safe='')}/tracker/events",
                params={"include_events": "NONE"},
                json=event,
                timeout=self.timeout_s,
            )
            response.raise_for_status()
        except (requests.RequestException, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
