"""Rasa input channel: the REST channel with privacy redaction and a size limit.

Registered in credentials.yml. It keeps the REST channel's address (/webhooks/rest/webhook) and
replaces ID, phone and card numbers before Rasa parses or stores the message, so the tracker
store and logs never hold them.
"""

from __future__ import annotations

import os
from typing import Any

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from privacy import redact

#: Longest message accepted, in characters; longer ones are refused with HTTP 413.
MAX_MESSAGE_CHARS = int(os.environ.get("YIBAO_MAX_MESSAGE_CHARS", "2000"))


class MessageTooLong(ValueError):
    """A message longer than MAX_MESSAGE_CHARS."""


class RedactingRestInput(RestInput):
    """REST channel that redacts identifiers from the text and the metadata."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Request) -> str | None:
        text = super()._extract_message(req)
        if text is None:
            return None
        if len(text) > MAX_MESSAGE_CHARS:
            raise MessageTooLong(len(text))
        return redact(str(text))

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        metadata = super().get_metadata(request)
        if not metadata:
            return metadata
        return {key: redact(value) if isinstance(value, str) else value for key, value in metadata.items()}

    def blueprint(self, on_new_message):  # noqa: ANN001, ANN201 - Rasa's own signature
        """The REST blueprint, answering 413 for oversized and 400 for malformed messages."""
        from sanic import response

        blueprint = super().blueprint(on_new_message)

        @blueprint.exception(MessageTooLong)
        async def too_long(request: Request, exception: MessageTooLong):  # noqa: ANN202
            return response.json({"error": f"message longer than {MAX_MESSAGE_CHARS} characters"}, status=413)

        return blueprint
