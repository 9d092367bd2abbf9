"""Remove ID, phone and card numbers from free text before it is stored, logged or understood.

Residents sometimes paste their 身份证号 or phone number into the chat. The assistant never needs
them there (identity is verified on a separate page), so the channel replaces them with a
placeholder before Rasa, the tracker store or any log sees the message.
"""

from __future__ import annotations

import re

#: Placeholder per kind of identifier; the text the NLU and transcripts see instead.
PLACEHOLDERS = {
    "id_number": "[身份证号已隐藏]",
    "phone": "[手机号已隐藏]",
    "card_number": "[卡号已隐藏]",
}

# Order matters: the 18-digit ID number first, so its digits are not taken for a card number.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("id_number", re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")),
    ("phone", re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])")),
    ("card_number", re.compile(r"(?<![0-9])[0-9]{9,}(?![0-9])")),
]


def redact(text: str) -> str:
    """Return ``text`` with ID numbers, mobile numbers and long digit runs replaced by placeholders."""
    for kind, pattern in _PATTERNS:
        text = pattern.sub(PLACEHOLDERS[kind], text)
    return text


def contains_redactions(text: str) -> bool:
    """True when ``text`` holds a placeholder left by :func:`redact`."""
    return any(placeholder in text for placeholder in PLACEHOLDERS.values())
