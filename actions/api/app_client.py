"""Client of the app service's internal JSON API (service/api.py)."""

from __future__ import annotations

from typing import Any

import requests

from actions.config import ActionsConfig, load_config


class AppUnavailable(RuntimeError):
    """The app service did not answer, or answered with an error."""


class AppRefused(AppUnavailable):
    """The app refused the call (4xx), e.g. a member_ref that is not bound to this chat."""


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
            if 400 <= response.status_code < 500:
                raise AppRefused(f"{path}: {response.status_code}")
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise AppUnavailable(f"{path}: {type(exc).__name__}") from exc

    def answer(
        self, text: str, sender: str, region: str | None, intent: str | None, channel: str | None = None
    ) -> dict[str, Any]:
        """The knowledge base's answer to a resident's question (a verified chat's record gives the region)."""
        return self._post("/api/v1/answer", {
            "text": text, "sender": sender, "channel": channel, "region": region, "intent": intent,
        })

    def record_feedback(self, text: str, entry_id: str, helpful: bool, sender: str) -> None:
        """The resident's verdict on the answer ``entry_id`` gave to the question ``text``."""
        self._post("/api/v1/feedback", {"text": text, "entry_id": entry_id, "helpful": helpful, "sender": sender})

    # A resident's own record (service/member_api.py): the chat identity is sender + channel.
    def verification_link(self, sender: str, channel: str) -> dict[str, Any]:
        """A one-time link to the verification page for this chat: {url, expires_in_s}."""
        return self._post("/api/v1/verification/link", {"sender": sender, "channel": channel})

    def bound_member(self, sender: str, channel: str) -> str | None:
        """The member_ref this chat is bound to, or None."""
        return self._post("/api/v1/verification/status", {"sender": sender, "channel": channel})["member_ref"]

    def unbind(self, sender: str, channel: str) -> bool:
        """Remove this chat's binding; True when there was one."""
        return bool(self._post("/api/v1/verification/unbind", {"sender": sender, "channel": channel})["unbound"])

    def parse_situation(
        self, sender: str, channel: str, member_ref: str, text: str, asked: str | None
    ) -> dict[str, Any]:
        """What a message says about the check (place, facility, subject, item, disease, emergency, inpatient)."""
        return self._post("/api/v1/eligibility/parse", {
            "sender": sender, "channel": channel, "member_ref": member_ref, "text": text, "asked": asked,
        })

    def check_eligibility(self, sender: str, channel: str, member_ref: str, situation: dict[str, Any]) -> dict[str, Any]:
        """The member's own check: {verdict, reason_code, handoff, reply, name, id_number} (masked)."""
        return self._post("/api/v1/eligibility", {
            **situation, "sender": sender, "channel": channel, "member_ref": member_ref,
        })
