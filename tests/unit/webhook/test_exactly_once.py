"""One turn and one answer per message: passive in time, asynchronous otherwise, retries silent."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.fakes.wechat_push import text_xml
from webhook.exactly_once import ExactlyOnce
from webhook.inbound import parse_inbound
from webhook.store import MemoryStore


class Recorder:
    """compute and deliver for the coordinator, with a controllable delay."""

    def __init__(self, parts: list[str], delay_s: float = 0.0, error: Exception | None = None) -> None:
        self.parts, self.delay_s, self.error = parts, delay_s, error
        self.computed = 0
        self.delivered: list[list[str]] = []
        self.done = threading.Event()

    def compute(self, message) -> list[str]:  # noqa: ANN001
        self.computed += 1
        time.sleep(self.delay_s)
        if self.error:
            raise self.error
        return list(self.parts)

    def deliver(self, message, parts: list[str]) -> None:  # noqa: ANN001
        self.delivered.append(parts)
        self.done.set()


@pytest.fixture
def executor():
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield pool


def coordinator(recorder: Recorder, executor) -> ExactlyOnce:  # noqa: ANN001
    return ExactlyOnce(MemoryStore(), executor, recorder.compute, recorder.deliver, ["忙"], ttl_s=60)


def message(msg_id: int = 1):
    return parse_inbound(text_xml("oUser", "问题", msg_id=msg_id))


def settle(seconds: float = 0.6) -> None:
    time.sleep(seconds)  # past the grace period: the worker has decided


def test_answer_in_time_is_passive_and_nothing_is_sent(executor):
    recorder = Recorder(["答"])
    outcome = coordinator(recorder, executor).handle(message(), time.monotonic() + 1)
    assert (outcome.reply, outcome.how) == ("答", "passive")
    settle()
    assert recorder.delivered == [] and recorder.computed == 1


def test_late_answer_is_sent_once_asynchronously(executor):
    recorder = Recorder(["答"], delay_s=0.2)
    outcome = coordinator(recorder, executor).handle(message(), time.monotonic() + 0.05)
    assert (outcome.reply, outcome.how) == (None, "async")
    assert recorder.done.wait(3)
    settle()
    assert recorder.delivered == [["答"]]


def test_further_parts_follow_a_passive_reply(executor):
    recorder = Recorder(["一", "二", "三"])
    assert coordinator(recorder, executor).handle(message(), time.monotonic() + 1).reply == "一"
    assert recorder.done.wait(3)
    assert recorder.delivered == [["二", "三"]]


def test_concurrent_retries_start_one_turn_and_give_one_answer(executor):
    recorder = Recorder(["答"], delay_s=0.2)
    once = coordinator(recorder, executor)
    with ThreadPoolExecutor(max_workers=3) as requests:
        outcomes = list(requests.map(lambda _: once.handle(message(7), time.monotonic() + 2), range(3)))
    assert sorted(o.how for o in outcomes) == ["duplicate", "duplicate", "passive"]
    assert [o.reply for o in outcomes if o.reply] == ["答"]
    settle()
    assert recorder.computed == 1 and recorder.delivered == []


def test_slow_turn_with_retries_is_delivered_once(executor):
    recorder = Recorder(["答"], delay_s=0.3)
    once = coordinator(recorder, executor)
    with ThreadPoolExecutor(max_workers=3) as requests:
        outcomes = list(requests.map(lambda _: once.handle(message(8), time.monotonic() + 0.05), range(3)))
    assert all(o.reply is None for o in outcomes)
    assert recorder.done.wait(3)
    settle()
    assert recorder.computed == 1 and recorder.delivered == [["答"]]


def test_retry_after_the_answer_gets_success(executor):
    recorder = Recorder(["答"])
    once = coordinator(recorder, executor)
    assert once.handle(message(9), time.monotonic() + 1).reply == "答"
    later = once.handle(message(9), time.monotonic() + 1)
    assert (later.reply, later.how) == (None, "duplicate") and recorder.computed == 1


def test_failing_turn_answers_the_fallback(executor):
    recorder = Recorder([], error=RuntimeError("boom"))
    assert coordinator(recorder, executor).handle(message(), time.monotonic() + 1).reply == "忙"


def test_nothing_to_say_is_silent(executor):
    recorder = Recorder([])
    outcome = coordinator(recorder, executor).handle(message(), time.monotonic() + 1)
    assert (outcome.reply, outcome.how) == (None, "silent")
    settle()
    assert recorder.delivered == []
