"""Turn Rasa's messages into WeChat text: merged, buttons as numbered choices, split at the limits.

Pure functions: no Flask, no network. WeChat limits a text by its UTF-8 size, so splitting counts
bytes but always cuts between characters, preferring paragraph, line and sentence ends.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from webhook.texts import Texts

#: A passive (synchronous) text reply holds at most this many UTF-8 bytes.
PASSIVE_LIMIT_BYTES = 2048
#: A customer-service text message; kept a little under the passive limit to be safe.
CUSTOM_LIMIT_BYTES = 2000
#: At most this many messages per answer (the platform caps customer-service messages per reply).
MAX_PARTS = 5

#: Where a split may fall, best first; each cut lands after the separator.
_BREAKS = ("\n\n", "\n", "。", "！", "？", "；", "!", "?", ";", "，", ",", " ")
_ELLIPSIS = "……"


@dataclass(frozen=True)
class Reply:
    """A bot turn as text for WeChat, and the payloads of its numbered choices (in order)."""

    text: str
    payloads: tuple[str, ...] = ()


def render(messages: list[dict], texts: Texts) -> Reply:
    """Merge Rasa's messages (blank line between), numbering buttons across all of them."""
    blocks: list[str] = []
    payloads: list[str] = []
    for message in messages:
        lines = []
        if isinstance(message.get("text"), str) and message["text"].strip():
            lines.append(message["text"].strip())
        if isinstance(message.get("image"), str) and message["image"].strip():
            lines.append(message["image"].strip())
        for button in message.get("buttons") or []:
            if not isinstance(button, dict) or not button.get("payload"):
                continue
            payloads.append(str(button["payload"]))
            title = str(button.get("title") or button["payload"])
            lines.append(texts.choice.format(number=len(payloads), title=title))
        if lines:
            blocks.append("\n".join(lines))
    return Reply("\n\n".join(blocks), tuple(payloads))


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _fitting_prefix(text: str, limit: int) -> int:
    """The most characters of ``text`` whose UTF-8 encoding fits in ``limit`` bytes."""
    size = 0
    for index, char in enumerate(text):
        size += utf8_len(char)
        if size > limit:
            return index
    return len(text)


def _cut(text: str, limit: int) -> int:
    end = _fitting_prefix(text, limit)
    for separator in _BREAKS:
        at = text.rfind(separator, 0, end)
        if at != -1 and at + len(separator) >= end // 2:
            return at + len(separator)
    return max(end, 1)


def split_text(text: str, limit_bytes: int, max_parts: int = MAX_PARTS) -> list[str]:
    """Split ``text`` into parts of at most ``limit_bytes`` UTF-8 bytes, never inside a character.

    Returns at most ``max_parts`` parts; when more would be needed the last one ends with "……".
    """
    parts: list[str] = []
    rest = text.strip()
    while rest and len(parts) < max_parts:
        if utf8_len(rest) <= limit_bytes:
            parts.append(rest)
            return parts
        if len(parts) == max_parts - 1:
            keep = _fitting_prefix(rest, limit_bytes - utf8_len(_ELLIPSIS))
            parts.append(rest[:keep].rstrip() + _ELLIPSIS)
            return parts
        cut = _cut(rest, limit_bytes)
        head = rest[:cut].rstrip()
        if head:
            parts.append(head)
        rest = rest[cut:].lstrip()
    return parts


def as_choice(text: str, payloads: tuple[str, ...] | list[str]) -> str | None:
    """The payload the resident picked by answering with its number ("1", "２", "回复1"), if any."""
    normalised = unicodedata.normalize("NFKC", text).strip().removeprefix("回复").strip()
    if normalised.isdigit() and 1 <= int(normalised) <= len(payloads):
        return payloads[int(normalised) - 1]
    return None
