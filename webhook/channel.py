"""The WeChat channel, assembled once per app when the blueprint is registered.

Settings → store (the app's database, or Redis when YIBAO_REDIS_URL is set) → Rasa client,
platform client, dialogue → exactly-once coordinator; and the "wechat" sender that carries
agents' replies (handoff) as customer-service messages.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import Flask
from wechatpy.crypto import WeChatCrypto

from handoff.takeover import DeliveryError, Sender, is_taken_over, register_sender
from storage.db import session_scope
from webhook.dialogue import PART_LIMIT_BYTES, Dialogue
from webhook.exactly_once import ExactlyOnce, Outcome
from webhook.inbound import Inbound
from webhook.platform import PlatformClient, PlatformError
from webhook.rasa import RasaClient
from webhook.replies import split_text
from webhook.settings import ChannelMisconfigured, WeChatSettings
from webhook.sql_store import SqlStore, store_engine
from webhook.store import RedisStore, Store
from webhook.texts import Texts, load_texts

log = logging.getLogger(__name__)

#: Pauses before retrying a customer-service message the platform could not be reached for.
SEND_RETRY_PAUSES_S = (0.5, 2.0)


@dataclass
class Channel:
    """Everything a /wechat request needs; ``problem`` says why the channel is off (503)."""

    settings: WeChatSettings
    texts: Texts
    problem: str | None = None
    store: Store | None = None
    crypto: WeChatCrypto | None = None
    platform: PlatformClient | None = None
    once: ExactlyOnce | None = None

    def handle(self, message: Inbound, deadline: float) -> Outcome:
        """Answer ``message`` once: passively by ``deadline`` (monotonic) or asynchronously."""
        assert self.once is not None, "handle() on a channel that is off"
        return self.once.handle(message, deadline)


def build_channel(app: Flask, settings: WeChatSettings | None = None) -> Channel:
    """The channel for ``app`` (needs its SETTINGS, db_engine and db_sessions)."""
    settings = settings or WeChatSettings()
    texts = load_texts()
    if not settings.enabled:
        return Channel(settings, texts, problem="WeChat channel not configured: set WECHAT_TOKEN (README, WeChat channel)")
    try:
        settings.validate()
    except ChannelMisconfigured as exc:
        log.error("WeChat channel off: %s", exc)
        return Channel(settings, texts, problem=f"WeChat channel misconfigured: {exc}")
    if settings.redis_url:
        store: Store = RedisStore.from_url(settings.redis_url)
    else:
        store = SqlStore(store_engine(app.extensions["db_engine"]))
    crypto = None
    if settings.encoding_aes_key:
        crypto = WeChatCrypto(settings.token, settings.encoding_aes_key, settings.app_id)
    platform = None
    if settings.can_send:
        platform = PlatformClient(settings.app_id, settings.app_secret, settings.api_base_url, store)
        register_sender("wechat", agent_sender(platform))
    else:
        log.warning("WECHAT_APP_ID/WECHAT_APP_SECRET not set: answers later than the budget cannot be sent")
    sessions = app.extensions["db_sessions"]

    def taken_over(openid: str) -> bool:
        with session_scope(sessions) as session:
            return is_taken_over(session, openid)

    rasa = RasaClient(app.config["SETTINGS"].rasa_url, settings.rasa_timeout_s, connections=settings.workers)
    dialogue = Dialogue(rasa, store, texts, taken_over)
    executor = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="wechat")

    def deliver(message: Inbound, parts: list[str]) -> None:
        send_parts(platform, message, parts)

    once = ExactlyOnce(store, executor, dialogue.answer, deliver, [texts.busy], settings.dedupe_ttl_s)
    log.info("WeChat channel on (%s mode, store: %s)", "safe/compatible" if crypto else "plaintext",
             type(store).__name__)
    return Channel(settings, texts, None, store, crypto, platform, once)


def send_parts(platform: PlatformClient | None, message: Inbound, parts: list[str]) -> None:
    """Send ``parts`` in order as customer-service messages; retry only when unreachable."""
    if platform is None:
        log.error("answer to %s dropped: customer-service messages need WECHAT_APP_ID and WECHAT_APP_SECRET",
                  message.who)
        return
    for part in parts:
        for pause in (*SEND_RETRY_PAUSES_S, None):
            try:
                platform.send_text(message.openid, part)
                break
            except PlatformError as exc:
                if exc.code is not None or pause is None:
                    log.error("customer-service message to %s failed (code %s): %s", message.who, exc.code, exc)
                    return
                time.sleep(pause)


def agent_sender(platform: PlatformClient) -> Sender:
    """The handoff sender for "wechat": an agent's reply as customer-service messages.

    Raises DeliveryError with WeChat's code, e.g. 45015 when the resident last wrote more than
    48 hours ago, so the console can tell the agent.
    """

    def send(openid: str, text: str) -> None:
        for part in split_text(text, PART_LIMIT_BYTES):
            try:
                platform.send_text(openid, part)
            except PlatformError as exc:
                raise DeliveryError(str(exc), code=exc.code) from exc

    return send
