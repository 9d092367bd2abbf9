"""Customer-service messages and the shared access_token, against the fake platform on loopback."""

from __future__ import annotations

import threading

import pytest

from handoff.takeover import DeliveryError
from tests.fakes.wechat_platform import FakeWeChatPlatform
from webhook.channel import agent_sender
from webhook.platform import PlatformClient, PlatformError
from webhook.replies import utf8_len
from webhook.store import MemoryStore

APP_ID, SECRET = "wx_test_app", "s3cret"


@pytest.fixture
def platform():
    fake = FakeWeChatPlatform(APP_ID, SECRET).start()
    yield fake
    fake.stop()


def client(platform: FakeWeChatPlatform, store: MemoryStore | None = None) -> PlatformClient:
    return PlatformClient(APP_ID, SECRET, platform.url, store or MemoryStore(), timeout_s=2)


def test_token_is_fetched_once_and_shared_through_the_store(platform):
    store = MemoryStore()
    first, second = client(platform, store), client(platform, store)  # two processes, one store
    first.send_text("oA", "一")
    second.send_text("oA", "二")
    assert platform.token_calls == 1
    assert platform.messages_to("oA") == ["一", "二"]


@pytest.mark.parametrize("break_tokens", ["expire_tokens", "revoke_tokens"])
def test_refused_token_is_refreshed_and_the_message_sent_once(platform, break_tokens):
    sender = client(platform)
    sender.send_text("oA", "一")
    getattr(platform, break_tokens)()  # 42001 / 40001 on the next send
    sender.send_text("oA", "二")
    assert platform.token_calls == 2
    assert platform.messages_to("oA") == ["一", "二"]


def test_token_is_refreshed_before_it_expires(platform):
    platform.expires_in = 2  # kept 1 s (half its life) in the store
    sender = client(platform)
    sender.send_text("oA", "一")
    threading.Event().wait(1.2)
    sender.send_text("oA", "二")
    assert platform.token_calls == 2 and platform.send_calls == 2  # no refused send in between


def test_concurrent_senders_fetch_one_token(platform):
    store = MemoryStore()
    senders = [client(platform, store) for _ in range(6)]
    threads = [threading.Thread(target=s.send_text, args=("oA", str(n))) for n, s in enumerate(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert platform.token_calls == 1 and len(platform.messages_to("oA")) == 6


def test_token_refused_twice_is_an_error_not_a_loop(platform):
    sender = client(platform)
    platform.fail_next(40001, 40001)
    with pytest.raises(PlatformError) as caught:
        sender.send_text("oA", "一")
    assert caught.value.code == 40001 and platform.send_calls == 2


def test_wrong_secret_is_reported(platform):
    with pytest.raises(PlatformError) as caught:
        PlatformClient(APP_ID, "wrong", platform.url, MemoryStore(), timeout_s=2).send_text("oA", "一")
    assert caught.value.code == 40125


def test_unreachable_platform_is_reported():
    with pytest.raises(PlatformError) as caught:
        PlatformClient(APP_ID, SECRET, "http://127.0.0.1:9", MemoryStore(), timeout_s=1).send_text("oA", "一")
    assert caught.value.code is None


def test_agent_reply_outside_48_hours_raises_delivery_error_with_the_code(platform):
    send = agent_sender(client(platform))
    platform.outside_window.add("oLate")
    with pytest.raises(DeliveryError) as caught:
        send("oLate", "您好，我是人工客服")
    assert caught.value.code == 45015


def test_long_agent_reply_is_split_at_the_limit(platform):
    send = agent_sender(client(platform))
    send("oA", "这是一段很长的回复。" * 400)
    parts = platform.messages_to("oA")
    assert len(parts) > 1 and all(utf8_len(part) <= 2048 for part in parts)
