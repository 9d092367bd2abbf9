"""The login limit counts failures alike in memory and in Redis (the cluster's store): a window, a reset."""

from __future__ import annotations

import secrets
import time

import pytest

from console.login_limit import LoginLimiter, MemoryAttempts, RedisAttempts
from tests.conftest import require_server


@pytest.fixture(params=["memory", "redis"])
def limiter(request) -> LoginLimiter:
    if request.param == "memory":
        return LoginLimiter(MemoryAttempts(), max_failures=3, window_s=1, salt="s")
    require_server("Redis", "127.0.0.1", 6379)
    store = RedisAttempts.from_url("redis://127.0.0.1:6379/0", window_s=1)
    store.prefix = f"test:{secrets.token_hex(4)}"
    return LoginLimiter(store, max_failures=3, window_s=1, salt="s")


def test_failures_block_within_the_window_and_a_success_clears_them(limiter):
    key, other = limiter.key("wang", "10.0.0.1"), limiter.key("wang", "10.0.0.2")
    for _ in range(3):
        assert not limiter.blocked(key)
        limiter.record(key, succeeded=False)
    assert limiter.blocked(key) and not limiter.blocked(other)
    time.sleep(1.1)
    assert not limiter.blocked(key)  # the window has passed
    for _ in range(3):
        limiter.record(key, succeeded=False)
    limiter.record(key, succeeded=True)
    assert not limiter.blocked(key)


def test_the_store_follows_the_settings():
    from service.settings import Settings

    assert Settings(redis_url="", login_limit_store="").login_limits == "db"
    assert Settings(redis_url="redis://127.0.0.1:6379/0", login_limit_store="").login_limits == "redis"
    assert Settings(redis_url="redis://127.0.0.1:6379/0", login_limit_store="memory").login_limits == "memory"
