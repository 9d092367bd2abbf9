"""Exactly once: one Rasa turn and one answer per message, however often WeChat retries it.

WeChat waits 5 s for a reply and retries a message up to three times. Per dedupe key K the shared
store holds:

- ``turn:K``  — "pending" while a worker computes the answer, then the answer's parts (JSON).
  Only the request that *adds* it starts a worker, so a retry never starts a second turn.
- ``reply:K`` — "passive" or "async", added once: either a request returns the first part as its
  passive reply (within its budget), or the worker sends the parts as customer-service messages.

A retry waits for ``turn:K`` within its own budget; whichever request adds ``reply:K`` first
answers, every other one says "success". After a passive reply the worker sends any further
parts; when no request took the answer in time, the worker sends all of it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

from webhook.inbound import Inbound
from webhook.store import Store

log = logging.getLogger(__name__)

PENDING = "pending"
#: How long the worker still waits, after the first request's budget, for a late passive claim.
GRACE_S = 0.3
#: How often a request polls the store for an answer computed by another process.
POLL_S = 0.05


@dataclass(frozen=True)
class Outcome:
    """What one request answers: the passive reply text, or None for "success"; and why."""

    reply: str | None
    how: str  # passive | async | duplicate | silent


@dataclass
class _Signals:
    """In-process wake-ups, so the common case does not poll the store."""

    answered: threading.Event = field(default_factory=threading.Event)
    claimed: threading.Event = field(default_factory=threading.Event)


class ExactlyOnce:
    """Runs ``compute`` once per message and delivers its parts once, passively or asynchronously.

    Args:
        store: the shared store (dedupe keys, answers, who replies).
        executor: runs the workers.
        compute: message → parts to send (empty: say nothing); may raise.
        deliver: (message, parts) → sends parts as customer-service messages; may raise.
        fallback: parts sent when ``compute`` raises (the "system busy" message).
        ttl_s: how long keys are kept (the dedupe window).
    """

    def __init__(
        self,
        store: Store,
        executor: Executor,
        compute: Callable[[Inbound], list[str]],
        deliver: Callable[[Inbound, list[str]], None],
        fallback: list[str],
        ttl_s: float,
    ) -> None:
        self.store = store
        self.executor = executor
        self.compute = compute
        self.deliver = deliver
        self.fallback = fallback
        self.ttl_s = ttl_s
        self._signals: dict[str, _Signals] = {}
        self._lock = threading.Lock()

    def handle(self, message: Inbound, deadline: float) -> Outcome:
        """Answer one request for ``message`` by ``deadline`` (time.monotonic())."""
        key = message.dedupe_key
        owner = self.store.add(f"turn:{key}", PENDING, ttl=self.ttl_s)
        if owner:
            signals = _Signals()
            with self._lock:
                self._signals[key] = signals
            wall_deadline = time.time() + max(0.0, deadline - time.monotonic())
            self.executor.submit(self._work, message, signals, wall_deadline)
        parts = self._wait(key, deadline)
        if parts is None:
            return Outcome(None, "async" if owner else "duplicate")
        if not parts:
            return Outcome(None, "silent" if owner else "duplicate")
        if self.store.add(f"reply:{key}", "passive", ttl=self.ttl_s):
            with self._lock:
                signals = self._signals.get(key)
            if signals:
                signals.claimed.set()
            return Outcome(parts[0], "passive")
        return Outcome(None, "duplicate")

    def _wait(self, key: str, deadline: float) -> list[str] | None:
        """The parts once computed, or None if not ready by ``deadline``."""
        while True:
            value = self.store.get(f"turn:{key}")
            if value != PENDING:
                return _parts(value)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            with self._lock:
                signals = self._signals.get(key)
            if signals:
                signals.answered.wait(remaining)
            else:
                time.sleep(min(remaining, POLL_S))

    def _work(self, message: Inbound, signals: _Signals, wall_deadline: float) -> None:
        key = message.dedupe_key
        try:
            try:
                parts = self.compute(message)
            except Exception:  # noqa: BLE001 - the resident still hears back
                log.exception("answering %s from %s failed", message.msg_type, message.who)
                parts = list(self.fallback)
            self.store.set(f"turn:{key}", json.dumps(parts, ensure_ascii=False), ttl=self.ttl_s)
            signals.answered.set()
            if not parts:
                return
            signals.claimed.wait(max(0.0, wall_deadline + GRACE_S - time.time()))
            if self.store.add(f"reply:{key}", "async", ttl=self.ttl_s):
                log.info("answer for %s from %s goes out asynchronously", message.msg_type, message.who)
                rest = parts
            else:
                rest = parts[1:]  # a request answered passively with the first part
            if rest:
                self.deliver(message, rest)
        except Exception:  # noqa: BLE001 - a worker must never die silently
            log.exception("delivering the answer to %s failed", message.who)
        finally:
            signals.answered.set()
            with self._lock:
                self._signals.pop(key, None)


def _parts(value: str | None) -> list[str]:
    if value is None:
        return []  # expired: the message is older than the dedupe window
    try:
        parts = json.loads(value)
    except ValueError:
        return []
    return [part for part in parts if isinstance(part, str)] if isinstance(parts, list) else []
