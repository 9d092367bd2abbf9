"""Settings of the WeChat channel, read from the environment in one typed place.

The channel is off (POST/GET /wechat answer 503) until WECHAT_TOKEN is set. Secrets come only
from the environment; nothing here has a default secret.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field

DEFAULT_API_BASE_URL = "https://api.weixin.qq.com"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


class ChannelMisconfigured(ValueError):
    """A WECHAT_* variable is present but unusable; the message says which and why."""


@dataclass(frozen=True)
class WeChatSettings:
    """Credentials of the Official Account, the platform's address and the channel's time limits."""

    token: str = field(default_factory=lambda: _env("WECHAT_TOKEN"))
    app_id: str = field(default_factory=lambda: _env("WECHAT_APP_ID"))
    app_secret: str = field(default_factory=lambda: _env("WECHAT_APP_SECRET"))
    encoding_aes_key: str = field(default_factory=lambda: _env("WECHAT_ENCODING_AES_KEY"))
    api_base_url: str = field(default_factory=lambda: _env("WECHAT_API_BASE_URL", DEFAULT_API_BASE_URL))
    #: Seconds a request may wait for Rasa before answering "success" and replying asynchronously.
    reply_budget_s: float = field(default_factory=lambda: float(_env("WECHAT_REPLY_BUDGET_S", "4")))
    #: Seconds a MsgId is remembered, so a retry of the same message is never answered twice.
    dedupe_ttl_s: int = field(default_factory=lambda: int(_env("WECHAT_DEDUPE_TTL_S", "3600")))
    #: Seconds the background worker waits for Rasa before telling the resident the system is busy.
    rasa_timeout_s: float = field(default_factory=lambda: float(_env("WECHAT_RASA_TIMEOUT_S", "20")))
    #: Oldest accepted request timestamp, in seconds (older ones are replays).
    max_age_s: int = field(default_factory=lambda: int(_env("WECHAT_MAX_AGE_S", "300")))
    #: Threads that run Rasa turns and customer-service deliveries.
    workers: int = field(default_factory=lambda: int(_env("WECHAT_WORKERS", "16")))
    redis_url: str = field(default_factory=lambda: _env("YIBAO_REDIS_URL"))

    @property
    def enabled(self) -> bool:
        """True when the Official Account's token is configured."""
        return bool(self.token)

    @property
    def can_send(self) -> bool:
        """True when customer-service messages can be sent (app id and secret configured)."""
        return bool(self.app_id and self.app_secret)

    def validate(self) -> None:
        """Raise :class:`ChannelMisconfigured` for values that would fail later and less clearly."""
        if self.reply_budget_s <= 0 or self.reply_budget_s > 4.5:
            raise ChannelMisconfigured("WECHAT_REPLY_BUDGET_S must be above 0 and at most 4.5 (WeChat waits 5 s)")
        if self.encoding_aes_key:
            if len(self.encoding_aes_key) != 43:
                raise ChannelMisconfigured("WECHAT_ENCODING_AES_KEY must be the 43 characters the platform shows")
            try:
                key = base64.b64decode(self.encoding_aes_key + "=", validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ChannelMisconfigured("WECHAT_ENCODING_AES_KEY is not valid base64") from exc
            if len(key) != 32:
                raise ChannelMisconfigured("WECHAT_ENCODING_AES_KEY must decode to 32 bytes")
            if not self.app_id:
                raise ChannelMisconfigured("WECHAT_ENCODING_AES_KEY needs WECHAT_APP_ID (safe mode checks it)")
        if not self.api_base_url.startswith(("http://", "https://")):
            raise ChannelMisconfigured("WECHAT_API_BASE_URL must be an http(s) address")
