"""The three stores behave alike: TTL, and an atomic add that exactly one of many callers wins."""

from __future__ import annotations

import secrets
import threading
import time

import pytest

from storage.db import Base, load_models, make_engine
from tests.conftest import require_server
from webhook.sql_store import SqlStore, store_engine
from webhook.store import MemoryStore, RedisStore, Store


@pytest.fixture(params=["memory", "sql", "redis"])
def store(request, tmp_path) -> Store:
    if request.param == "memory":
        return MemoryStore()
    if request.param == "sql":
        load_models()
        engine = make_engine(f"sqlite:///{tmp_path / 'kv.db'}")
        Base.metadata.create_all(engine)
        return SqlStore(engine)
    require_server("Redis", "127.0.0.1", 6379)
    redis_store = RedisStore.from_url("redis://127.0.0.1:6379/0")
    redis_store.prefix = f"test:{secrets.token_hex(4)}"
    return redis_store


def test_get_set_delete(store):
    assert store.get("a") is None and store.get("a", "d") == "d"
    store.set("a", "一")
    store.set("a", "二")
    assert store.get("a") == "二"
    store.delete("a")
    store.delete("a")
    assert store.get("a") is None


def test_entries_expire(store):
    store.set("short", "v", ttl=0.2)
    assert store.add("claim", "v", ttl=0.2)
    assert store.get("short") == "v"
    time.sleep(0.35)
    assert store.get("short") is None
    assert store.add("claim", "again", ttl=5)
    assert store.get("claim") == "again"


def test_add_only_when_absent(store):
    assert store.add("k", "first", ttl=5)
    assert not store.add("k", "second", ttl=5)
    assert store.get("k") == "first"


def test_one_winner_among_concurrent_adds(store):
    winners: list[int] = []
    start = threading.Barrier(8)

    def claim(number: int) -> None:
        start.wait()
        if store.add("race", str(number), ttl=5):
            winners.append(number)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1 and store.get("race") == str(winners[0])


def test_sql_store_purges_expired_rows(tmp_path):
    load_models()
    engine = make_engine(f"sqlite:///{tmp_path / 'kv.db'}")
    Base.metadata.create_all(engine)
    store = SqlStore(engine)
    store.set("old", "v", ttl=0.01)
    store.set("kept", "v")
    time.sleep(0.05)
    assert store.purge() == 1
    assert store.get("kept") == "v"


def test_store_engine_relaxes_flushing_only_on_its_own_sqlite_connections(tmp_path):
    app_engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    engine = store_engine(app_engine)
    with engine.connect() as connection, app_engine.connect() as app_connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert app_connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL, untouched
    memory = make_engine("sqlite://")
    assert store_engine(memory) is memory  # a second in-memory engine would be another database
