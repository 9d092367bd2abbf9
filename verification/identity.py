"""A chat identity (sender + channel) and its keyed hash, the only form logs and counters keep."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

#: Longest sender and channel accepted (the columns' sizes).
MAX_SENDER_CHARS = 128
MAX_CHANNEL_CHARS = 32


@dataclass(frozen=True)
class ChatIdentity:
    """Who is chatting: the channel's sender ID (a WeChat openid, a REST sender) on a channel."""

    sender: str
    channel: str

    def __post_init__(self) -> None:
        if not self.sender or len(self.sender) > MAX_SENDER_CHARS:
            raise ValueError("sender must be 1-128 characters")
        if not self.channel or len(self.channel) > MAX_CHANNEL_CHARS:
            raise ValueError("channel must be 1-32 characters")

    def digest(self, key: str) -> str:
        """A keyed hash of the identity (32 hex digits): stable, but useless without the app's key."""
        message = f"{self.channel}\x00{self.sender}".encode()
        return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]

    def audit_name(self, key: str) -> str:
        """How audit rows name this identity: ``chat:<digest>``."""
        return f"chat:{self.digest(key)}"
