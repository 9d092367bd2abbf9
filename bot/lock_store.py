"""Rasa's Redis lock store, except that releasing a lock after a finished turn never fails the turn.

Rasa removes a conversation's ticket from Redis after the turn, when the tracker is already saved.
If Redis went away meanwhile, stock Rasa raises there: the REST channel then tells the resident to
try again (bot/channels.py) although the message was handled, and the retry is handled twice. Here
the failed release is logged instead; the ticket expires by itself after TICKET_LOCK_LIFETIME.
Configured by deploy/lock_store.yml whenever YIBAO_REDIS_URL is set.
"""

from __future__ import annotations

import logging

import redis
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)


class ReleasingRedisLockStore(RedisLockStore):
    """RedisLockStore built from its endpoint configuration, tolerant of a failed release."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        try:
            super().cleanup(conversation_id, ticket_number)
        except redis.RedisError as exc:
            log.warning("lock of a conversation not released (%s); its ticket expires by itself", type(exc).__name__)
