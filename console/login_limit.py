"""Login rate limiting per user name and address: too many failures in a window lock that pair out.

Attempts are kept in the database by default (all app replicas see them), in Redis when
YIBAO_REDIS_URL is set (the scale-out layout), or in memory (one process).
Only a salted hash of "name|address" is stored.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Protocol

from sqlalchemy import Boolean, DateTime, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from storage.db import Base, session_scope


class LoginAttempt(Base):
    """One login attempt for a (user name, address) key."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def attempt_key(username: str, address: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}|{username.strip().lower()}|{address}".encode()).hexdigest()


class AttemptStore(Protocol):
    def failures_since(self, key: str, since: datetime) -> int: ...
    def record(self, key: str, succeeded: bool) -> None: ...


class DbAttempts:
    """Attempts in the login_attempts table; a success clears the key's failures."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def failures_since(self, key: str, since: datetime) -> int:
        with session_scope(self.sessions) as session:
            return session.scalar(select(func.count()).select_from(LoginAttempt).where(
                LoginAttempt.key == key, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= since)) or 0

    def record(self, key: str, succeeded: bool) -> None:
        now = datetime.now(timezone.utc)
        with session_scope(self.sessions) as session:
            if succeeded:
                session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))
            session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - timedelta(days=1)))
            session.add(LoginAttempt(key=key, succeeded=succeeded, created_at=now))


class MemoryAttempts:
    """Attempts in this process only (tests, a single replica)."""

    def __init__(self) -> None:
        self._failures: dict[str, list[datetime]] = defaultdict(list)
        self._lock = threading.Lock()

    def failures_since(self, key: str, since: datetime) -> int:
        with self._lock:
            return sum(1 for at in self._failures.get(key, []) if at >= since)

    def record(self, key: str, succeeded: bool) -> None:
        with self._lock:
            if succeeded:
                self._failures.pop(key, None)
            else:
                self._failures[key].append(datetime.now(timezone.utc))


class RedisAttempts:
    """Failures as a sorted set per key (score: time) in Redis, expiring after the window."""

    def __init__(self, redis, window_s: int, prefix: str = "yibao:login") -> None:  # noqa: ANN001 - a redis.Redis
        self.redis, self.window_s, self.prefix = redis, window_s, prefix

    @classmethod
    def from_url(cls, url: str, window_s: int) -> RedisAttempts:
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2), window_s)

    def failures_since(self, key: str, since: datetime) -> int:
        return int(self.redis.zcount(f"{self.prefix}:{key}", since.timestamp(), "+inf"))

    def record(self, key: str, succeeded: bool) -> None:
        name = f"{self.prefix}:{key}"
        if succeeded:
            self.redis.delete(name)
            return
        now = datetime.now(timezone.utc).timestamp()
        with self.redis.pipeline() as pipe:
            pipe.zadd(name, {f"{now:.6f}": now})
            pipe.zremrangebyscore(name, "-inf", now - self.window_s)
            pipe.expire(name, self.window_s)
            pipe.execute()


class LoginLimiter:
    """At most ``max_failures`` failed logins per key within ``window_s`` seconds."""

    def __init__(self, store: AttemptStore, max_failures: int, window_s: int, salt: str) -> None:
        self.store, self.max_failures, self.window_s, self.salt = store, max_failures, window_s, salt

    def key(self, username: str, address: str) -> str:
        return attempt_key(username, address, self.salt)

    def blocked(self, key: str) -> bool:
        since = datetime.now(timezone.utc) - timedelta(seconds=self.window_s)
        return self.store.failures_since(key, since) >= self.max_failures

    def record(self, key: str, succeeded: bool) -> None:
        self.store.record(key, succeeded)
