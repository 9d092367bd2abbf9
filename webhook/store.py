"""Shared short-lived state of the channel behind one interface: memory, SQL table or Redis.

Like wechatpy's session storages (get/set/delete with a TTL; our stores are one), plus an atomic
``add`` that sets a key only when it is absent: the primitive behind exactly-once handling of a
message, the one-refresher lock of the access token, and the choice between a passive and an
asynchronous reply. Values are strings.
"""

from __future__ import annotations

import threading
import time
from abc import abstractmethod

from wechatpy.session import SessionStorage


class Store(SessionStorage):
    """Strings under keys, each with an optional time to live in seconds."""

    @abstractmethod
    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of ``key``, or ``default`` when absent or expired."""

    @abstractmethod
    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        """Store ``value`` under ``key`` (replacing any), expiring after ``ttl`` seconds."""

    @abstractmethod
    def add(self, key: str, value: str, ttl: float | None = None) -> bool:
        """Store ``value`` only if ``key`` is absent; True when this call stored it (atomic)."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key`` (no error when absent)."""


class MemoryStore(Store):
    """One process's dictionary: for tests and single-process development."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str) -> str | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires_at = item
        if expires_at is not None and expires_at <= time.time():
            del self._data[key]
            return None
        return value

    def get(self, key: str, default: str | None = None) -> str | None:
        with self._lock:
            value = self._live(key)
        return default if value is None else value

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        with self._lock:
            self._data[key] = (value, time.time() + ttl if ttl else None)

    def add(self, key: str, value: str, ttl: float | None = None) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._data[key] = (value, time.time() + ttl if ttl else None)
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)


class RedisStore(Store):
    """Redis (YIBAO_REDIS_URL): shared by every process of the app; keys under ``prefix``."""

    def __init__(self, redis, prefix: str = "yibao:wechat") -> None:  # noqa: ANN001 - a redis.Redis
        self.redis = redis
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str) -> RedisStore:
        """A store on the Redis server at ``url`` (redis://host:port/db)."""
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    @staticmethod
    def _ttl_ms(ttl: float | None) -> int | None:
        return max(1, int(ttl * 1000)) if ttl else None

    def get(self, key: str, default: str | None = None) -> str | None:
        value = self.redis.get(self._key(key))
        return default if value is None else value.decode("utf-8")

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        self.redis.set(self._key(key), value.encode("utf-8"), px=self._ttl_ms(ttl))

    def add(self, key: str, value: str, ttl: float | None = None) -> bool:
        return bool(self.redis.set(self._key(key), value.encode("utf-8"), px=self._ttl_ms(ttl), nx=True))

    def delete(self, key: str) -> None:
        self.redis.delete(self._key(key))
