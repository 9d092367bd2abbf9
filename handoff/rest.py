"""Agent replies on the REST channel: appended to the Rasa tracker as bot events, so the transcript shows them."""

from __future__ import annotations

import time
from urllib.parse import quote

import requests

from handoff.takeover import DeliveryError, Sender

TIMEOUT_S = 5.0


def rasa_tracker_sender(rasa_url: str, timeout_s: float = TIMEOUT_S) -> Sender:
    """A sender that POSTs the agent's text to {rasa_url}/conversations/{id}/tracker/events."""
    base = rasa_url.rstrip("/")

    def send(sender_id: str, text: str) -> None:
        event = {"event": "bot", "text": text, "timestamp": time.time(), "metadata": {"agent_reply": True}}
        try:
            response = requests.post(f"{base}/conversations/{quote(sender_id, safe='')}/tracker/events",
                                     json=event, timeout=timeout_s)
        except requests.RequestException as exc:
            raise DeliveryError(f"Rasa not reachable: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise DeliveryError(f"Rasa refused the event: HTTP {response.status_code}", code=response.status_code)

    return send
