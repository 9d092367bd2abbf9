"""Sending the one-time code: a gateway interface, a development outbox and an HTTP gateway.

Without YIBAO_SMS_URL the app uses :class:`OutboxGateway`, which only writes the text to the
``sms_outbox`` table (read it with ``yibao members outbox``); with it, :class:`HttpSmsGateway`
posts ``{"phone", "text"}`` as JSON to that URL.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Protocol

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from privacy import mask_phone
from storage.db import session_scope
from verification.errors import SmsError
from verification.models import SmsOutboxMessage

#: The text of the code message; {code} and {minutes} are filled in.
CODE_TEXT = "【医保助手】您的验证码是{code}，{minutes}分钟内有效。请勿告诉他人，工作人员不会向您索要验证码。"

_CODE = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")


class SmsGateway(Protocol):
    """Something that delivers a text message to a phone number."""

    def send(self, phone: str, text: str) -> None:
        """Deliver ``text`` to ``phone``; raise :class:`SmsError` when it cannot."""


class OutboxGateway:
    """Development gateway: writes each message to the outbox table instead of sending it."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def send(self, phone: str, text: str) -> None:
        with session_scope(self.sessions) as session:
            session.add(SmsOutboxMessage(
                recipient_masked=mask_phone(phone), text=text,
                created_at=datetime.now(timezone.utc).replace(tzinfo=None),
            ))


class HttpSmsGateway:
    """Posts ``{"phone": ..., "text": ...}`` to an SMS provider's (or relay's) URL."""

    def __init__(self, url: str, timeout_s: float = 5.0) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self._session = requests.Session()

    def send(self, phone: str, text: str) -> None:
        try:
            response = self._session.post(self.url, json={"phone": phone, "text": text}, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise SmsError(f"SMS gateway unreachable: {type(exc).__name__}") from exc
        if not 200 <= response.status_code < 300:
            raise SmsError(f"SMS gateway answered {response.status_code}")


def gateway_for(url: str, sessions: sessionmaker[Session]) -> SmsGateway:
    """The HTTP gateway when ``url`` is set, else the development outbox."""
    return HttpSmsGateway(url) if url else OutboxGateway(sessions)


def latest_outbox(session: Session, recipient_masked: str | None = None, limit: int = 10) -> list[SmsOutboxMessage]:
    """The newest outbox messages, optionally only those to one masked number (199****0039)."""
    query = select(SmsOutboxMessage).order_by(SmsOutboxMessage.id.desc()).limit(limit)
    if recipient_masked:
        query = query.where(SmsOutboxMessage.recipient_masked == recipient_masked)
    return list(session.scalars(query))


def code_in(text: str) -> str | None:
    """The six-digit code in a message text, if there is one."""
    match = _CODE.search(text)
    return match.group(0) if match else None
