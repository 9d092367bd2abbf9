"""The /bind pages through Flask's test client: CSRF, the two steps, every refusal the page explains."""

from __future__ import annotations

import re

import pytest

from service.verification_service import get_verifier
from storage.db import session_scope
from tests.unit.verification.conftest import ID_NUMBER, NAME, PHONE_MASKED, Clock, load_demo
from verification.flow import Verifier
from verification.identity import ChatIdentity
from verification.sms import OutboxGateway, code_in, latest_outbox

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(scope="module")
def demo_app(app):
    load_demo(app.extensions["db_sessions"])
    return app


@pytest.fixture
def clock(demo_app):
    """A fresh Verifier with a settable clock for each test."""
    clock = Clock()
    sessions = demo_app.extensions["db_sessions"]
    demo_app.extensions["verifier"] = Verifier(sessions, demo_app.config["SECRET_KEY"], OutboxGateway(sessions),
                                               clock=clock)
    return clock


@pytest.fixture
def link(demo_app, clock, request):
    identity = ChatIdentity(f"page-{request.node.name}"[:120], "rest")
    return get_verifier(demo_app).new_link_token(identity)


def csrf(page: str) -> str:
    return _CSRF.search(page).group(1)


def page(response) -> str:
    return response.get_data(as_text=True)


def submit_identity(client, token, name=NAME, id_number=ID_NUMBER):
    form = page(client.get(f"/bind?t={token}"))
    return client.post(f"/bind?t={token}", data={"csrf_token": csrf(form), "name": name, "id_number": id_number})


def submit_code(client, token, code):
    form = page(client.get(f"/bind/code?t={token}"))
    return client.post(f"/bind/code?t={token}", data={"csrf_token": csrf(form), "code": code})


def latest_code(app) -> str:
    with session_scope(app.extensions["db_sessions"]) as session:
        return code_in(latest_outbox(session, PHONE_MASKED, limit=1)[0].text)


def test_the_page_is_private_and_mobile_friendly(client, link):
    response = client.get(f"/bind?t={link}")
    assert response.status_code == 200
    assert 'name="viewport"' in page(response) and "身份证号" in page(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_post_without_the_csrf_token_is_refused(client, link, demo_app):
    response = client.post(f"/bind?t={link}", data={"name": NAME, "id_number": ID_NUMBER})
    assert response.status_code == 400
    assert get_verifier(demo_app).pending_phone(link) is None


def test_the_whole_flow_binds_the_chat(client, link, demo_app):
    verifier = get_verifier(demo_app)
    identity = verifier.open_link(link).identity
    response = submit_identity(client, link)
    assert response.status_code == 302 and "/bind/code?t=" in response.headers["Location"]
    code_page = page(client.get(f"/bind/code?t={link}"))
    assert PHONE_MASKED in code_page and "19910000039" not in code_page and "5 分钟内有效" in code_page
    wrong = submit_code(client, link, f"{(int(latest_code(demo_app)) + 1) % 1_000_000:06d}")
    assert "验证码不正确" in page(wrong) and "3 次" in page(wrong)
    done = submit_code(client, link, latest_code(demo_app))
    assert done.status_code == 200 and "核验成功" in page(done)
    assert verifier.bound_member(identity)
    again = client.get(f"/bind?t={link}")
    assert again.status_code == 410 and "已经完成过核验" in page(again)


def test_a_mismatch_is_generic_and_does_not_echo_the_input(client, link):
    response = submit_identity(client, link, NAME, "990102195203051133")
    text = page(response)
    assert response.status_code == 200 and "信息不符" in text and "今天还可以再试 4 次" in text
    assert "990102195203051133" not in text and NAME not in text
    for hint in ("姓名不", "身份证号不", "姓名错", "身份证号错"):
        assert hint not in text


def test_a_badly_formed_id_number_is_explained_without_counting(client, link, demo_app):
    response = submit_identity(client, link, NAME, "12345")
    assert response.status_code == 400 and "18 位身份证号" in page(response)
    identity = get_verifier(demo_app).open_link(link).identity
    assert get_verifier(demo_app).attempts_left(identity) == 5


def test_the_sixth_attempt_is_refused(client, link):
    for _ in range(5):
        submit_identity(client, link, NAME, "990102195203051133")
    response = submit_identity(client, link)
    assert response.status_code == 429 and "核验次数已用完（每天最多 5 次）" in page(response)


def test_an_expired_code_asks_for_a_new_one(client, link, clock, demo_app):
    submit_identity(client, link)
    code = latest_code(demo_app)
    clock.advance(301)
    response = submit_code(client, link, code)
    assert "验证码已过期" in page(response)


@pytest.mark.parametrize(("token", "status", "words"), [
    ("garbage", 400, "链接无效"),
    ("", 400, "链接无效"),
])
def test_bad_links_are_refused(client, clock, token, status, words):
    response = client.get(f"/bind?t={token}")
    assert response.status_code == status and words in page(response)


def test_an_old_link_has_expired(client, link, clock, monkeypatch):
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 601)
    response = client.get(f"/bind?t={link}")
    assert response.status_code == 410 and "链接已过期（10 分钟内有效）" in page(response)
