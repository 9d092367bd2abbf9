"""Rasa input channel: the REST channel with privacy redaction, a size limit and human takeover.

Registered in credentials.yml. It keeps the REST channel's address (/webhooks/rest/webhook) and
replaces ID, phone and card numbers before Rasa parses or stores the message, so the tracker
store and logs never hold them. While an agent holds a conversation (the app's console), the
message is only appended to the tracker as a user event and the bot stays silent.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic.request import Request

from privacy import redact

log = logging.getLogger(__name__)

#: Longest message accepted, in characters; longer ones are refused with HTTP 413.
MAX_MESSAGE_CHARS = int(os.environ.get("YIBAO_MAX_MESSAGE_CHARS", "2000"))
#: How long to wait for the app's answer to "is this conversation taken over?".
TAKEOVER_TIMEOUT_S = float(os.environ.get("YIBAO_TAKEOVER_TIMEOUT_S", "2"))


class MessageTooLong(ValueError):
    """A message longer than MAX_MESSAGE_CHARS."""


class Takeover:
    """Asks the app whether an agent holds a conversation and stores the resident's message silently."""

    def __init__(self) -> None:
        self.app_url = os.environ.get("YIBAO_APP_URL", "http://127.0.0.1:8000").rstrip("/")
        self.rasa_url = os.environ.get("YIBAO_RASA_URL", "http://127.0.0.1:5005").rstrip("/")
        token = os.environ.get("YIBAO_INTERNAL_TOKEN", "")
        self.headers = {"X-Internal-Token": token} if token else {}
        self.timeout = aiohttp.ClientTimeout(total=TAKEOVER_TIMEOUT_S)
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        """One kept-alive session for the server's lifetime (a new connection per message cost a few ms)."""
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=self.timeout)
        return self._http

    async def held(self, sender_id: str) -> bool:
        """True when an agent holds ``sender_id``; an unreachable app lets the bot answer (logged)."""
        url = f"{self.app_url}/api/v1/handoff/{quote(sender_id, safe='')}"
        try:
            async with self._session().get(url, headers=self.headers) as r:
                r.raise_for_status()
                return bool((await r.json()).get("taken_over"))
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("takeover state unknown for a conversation (%s); the bot answers", type(exc).__name__)
            return False

    async def store_silently(self, message: UserMessage) -> None:
        """Append the resident's message to the tracker as a user event, without predicting a reply.

        Rasa needs the event's parse data; the message is parsed (NLU only) so the transcript and
        the bot's later turns see its intent.
        """
        url = f"{self.rasa_url}/conversations/{quote(message.sender_id, safe='')}/tracker/events"
        http = self._session()
        try:
            async with http.post(f"{self.rasa_url}/model/parse", json={"text": message.text}) as r:
                r.raise_for_status()
                parse_data = await r.json()
        except (aiohttp.ClientError, TimeoutError, ValueError):
            parse_data = {"text": message.text, "intent": {"name": "nlu_fallback", "confidence": 0.0},
                          "entities": []}
        event = {"event": "user", "text": message.text, "parse_data": parse_data, "timestamp": time.time(),
                 "input_channel": message.input_channel, "metadata": message.metadata or {}}
        async with http.post(url, json=event) as r:
            r.raise_for_status()


class BadMessage(ValueError):
    """A body that is not a JSON object with a string message, a string sender and object metadata."""


def _body(req: Request) -> dict[str, Any]:
    """The request's JSON object (Sanic answers 400 itself for a body that is not JSON)."""
    body = req.json
    if not isinstance(body, dict):
        raise BadMessage("the body must be a JSON object")
    return body


def _redact_all(value: Any) -> Any:
    """``value`` with identifiers removed from every string in it, however deeply nested."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {_redact_all(key): _redact_all(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_all(item) for item in value]
    return value


class RedactingRestInput(RestInput):
    """REST channel that checks the body's shape and redacts identifiers from the text and the metadata."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        sender = _body(req).get("sender")
        if sender is None:
            return None
        if isinstance(sender, bool) or not isinstance(sender, str | int):
            raise BadMessage("sender must be a string")
        return str(sender)

    def _extract_message(self, req: Request) -> str | None:
        text = _body(req).get("message")
        if text is None:
            return None
        if not isinstance(text, str):
            raise BadMessage("message must be a string")
        if len(text) > MAX_MESSAGE_CHARS:
            raise MessageTooLong(len(text))
        return redact(text)

    def _extract_input_channel(self, req: Request) -> str:
        channel = _body(req).get("input_channel")
        return redact(channel) if isinstance(channel, str) and channel else self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        metadata = _body(request).get("metadata")
        if metadata is None:
            return None
        if not isinstance(metadata, dict):
            raise BadMessage("metadata must be a JSON object")
        return _redact_all(metadata)

    def blueprint(self, on_new_message):  # noqa: ANN001, ANN201 - Rasa's own signature
        """The REST blueprint, answering 413 for oversized and 400 for malformed messages, and a polite
        "try again shortly" when a turn fails."""
        from sanic import response

        blueprint = super().blueprint(guard_failure(guard_takeover(on_new_message, Takeover())))

        @blueprint.exception(MessageTooLong)
        async def too_long(request: Request, exception: MessageTooLong):  # noqa: ANN202
            return response.json({"error": f"message longer than {MAX_MESSAGE_CHARS} characters"}, status=413)

        @blueprint.exception(BadMessage)
        async def bad_message(request: Request, exception: BadMessage):  # noqa: ANN202
            return response.json({"error": str(exception)}, status=400)

        return blueprint


def guard_takeover(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], takeover: Takeover
) -> Callable[[UserMessage], Awaitable[Any]]:
    """``on_new_message`` that only stores the message while an agent holds the conversation."""

    async def handle(message: UserMessage) -> Any:
        if message.text and await takeover.held(message.sender_id):
            await takeover.store_silently(message)
            return None
        return await on_new_message(message)

    return handle


#: The channel's own wording (shared with the WeChat channel and nginx): "busy, please try again shortly".
CHANNEL_TEXTS = Path(__file__).resolve().parent.parent / "webhook" / "texts.yml"


@cache
def busy_reply() -> str:
    """The channel's busy text: no turn ran, so sending the message again is safe (unlike the bot's
    own outage reply, which ends a turn that did run)."""
    return yaml.safe_load(CHANNEL_TEXTS.read_text(encoding="utf-8"))["busy"]


def guard_failure(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """``on_new_message`` that answers only the channel's busy text when the turn fails.

    Rasa's REST channel logs such a failure and answers 200 with whatever was said so far, often
    nothing: the resident would wait for an answer that never comes. A turn fails when the
    conversation's lock (Redis) cannot be taken or the tracker store (the database) cannot be read or
    written (bot/server.py turns off Rasa's silent fallback); the tracker is saved at the end of a turn
    (and releasing the lock afterwards cannot fail: bot/lock_store.py), so the message was not stored
    and sending it again is safe. What the bot said before a failed save is dropped: it was not stored.
    """

    async def handle(message: UserMessage) -> Any:
        try:
            return await on_new_message(message)
        except Exception:  # noqa: BLE001 - Rasa would swallow it; the resident is told to retry
            log.exception("a turn failed; the resident is asked to try again shortly")
            if isinstance(message.output_channel, CollectingOutputChannel):
                message.output_channel.messages.clear()
            await message.output_channel.send_text_message(message.sender_id, busy_reply())
            return None

    return handle
