"""What to say to one message: the welcome, a menu question, "please type", or Rasa's answer.

Runs in the background worker (webhook.exactly_once), once per message. While an agent holds the
conversation the bot stays silent and the message is only appended to Rasa's tracker.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from webhook.inbound import MAX_TEXT_CHARS, Inbound, Kind, digest
from webhook.rasa import RasaClient, RasaUnavailable
from webhook.replies import CUSTOM_LIMIT_BYTES, PASSIVE_LIMIT_BYTES, as_choice, render, split_text
from webhook.store import Store
from webhook.texts import Texts

log = logging.getLogger(__name__)

#: How long numbered choices stay answerable by their number.
CHOICES_TTL_S = 1800
#: Every part must fit both a passive reply and a customer-service message.
PART_LIMIT_BYTES = min(PASSIVE_LIMIT_BYTES, CUSTOM_LIMIT_BYTES)


class Dialogue:
    """Computes the parts of the answer to a message.

    Args:
        rasa: the Rasa server's REST channel and tracker API.
        store: remembers each resident's last numbered choices.
        texts: the channel's own wording.
        taken_over: openid → True while an agent holds the conversation.
    """

    def __init__(self, rasa: RasaClient, store: Store, texts: Texts, taken_over: Callable[[str], bool]) -> None:
        self.rasa = rasa
        self.store = store
        self.texts = texts
        self.taken_over = taken_over

    def answer(self, message: Inbound) -> list[str]:
        """The parts to send for ``message``; empty when the bot must say nothing."""
        if message.kind is Kind.EVENT:
            return []
        if message.kind is Kind.SUBSCRIBE:
            self._remember(message.openid, list(self.texts.topics))
            return split_text(self.texts.welcome_text(), PART_LIMIT_BYTES)
        text = message.text
        if message.kind is Kind.CLICK:
            text = self.texts.menu.get(message.text, "")
            if not text:
                return [self.texts.unknown_menu]
        if self.taken_over(message.openid):
            self._pass_to_agent(message, text or self.texts.placeholder(message.msg_type))
            return []
        if message.kind is Kind.MEDIA or not text:
            return [self.texts.please_type]
        if len(text) > MAX_TEXT_CHARS:
            return [self.texts.too_long.format(limit=MAX_TEXT_CHARS)]
        text = as_choice(text, self._recall(message.openid)) or text
        try:
            messages = self.rasa.turn(message.openid, text)
        except RasaUnavailable as exc:
            log.warning("Rasa unavailable for %s: %s", message.who, exc)
            return [self.texts.busy]
        reply = render(messages, self.texts)
        self._remember(message.openid, list(reply.payloads))
        return split_text(reply.text, PART_LIMIT_BYTES)

    def _pass_to_agent(self, message: Inbound, text: str) -> None:
        try:
            self.rasa.add_user_event(message.openid, text[:MAX_TEXT_CHARS])
        except RasaUnavailable as exc:
            log.error("message from %s (held by an agent) not added to the tracker: %s", message.who, exc)
            raise
        log.info("%s from %s passed to the agent holding the conversation", message.msg_type, message.who)

    def _key(self, openid: str) -> str:
        return f"choices:{digest(openid)}"

    def _remember(self, openid: str, payloads: list[str]) -> None:
        if payloads:
            self.store.set(self._key(openid), json.dumps(payloads, ensure_ascii=False), ttl=CHOICES_TTL_S)
        elif self.store.get(self._key(openid)) is not None:  # a read is much cheaper than a write
            self.store.delete(self._key(openid))

    def _recall(self, openid: str) -> list[str]:
        value = self.store.get(self._key(openid))
        try:
            payloads = json.loads(value) if value else []
        except ValueError:
            return []
        return [p for p in payloads if isinstance(p, str)] if isinstance(payloads, list) else []
