"""Issue 7 over real HTTP: two replicas each of Rasa, the action server and the app behind nginx,
on PostgreSQL and Redis (deploy/, `make run-cluster`).

Needs PostgreSQL, Redis and nginx: skipped with the reason when one is missing, failed under CI=true.
The cluster starts once for the module (about a minute and a half: two Rasa servers load their model).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import time
import uuid

import pytest
import requests
from sqlalchemy import select, text

from knowledge.store.models import KbEntry
from knowledge.store.repository import get_version, to_entry
from knowledge.store.workflow import Actor, publish, save_draft, submit
from storage.db import make_engine, session_scope
from tests.conftest import IN_CI, require_server
from tests.integration.cluster import database_down, drop_connections, running_cluster
from tests.unit.verification.conftest import ID_NUMBER, NAME, PHONE_MASKED
from verification.sms import code_in, latest_outbox
from webhook.texts import load_texts

pytestmark = pytest.mark.integration

_LINK = re.compile(r"https?://\S+/bind\?t=[A-Za-z0-9_.\-]+")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
#: How long every app replica may take to serve a newly published version (checks every 2 s).
KB_CONVERGE_S = 10


def require_nginx() -> None:
    if shutil.which("nginx") or shutil.which("/usr/sbin/nginx"):
        return
    message = "nginx is not installed (make run-cluster installs Debian's package)"
    if IN_CI:
        pytest.fail(f"{message}; CI=true: the machine must provide it")
    pytest.skip(message)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    require_server("PostgreSQL", "127.0.0.1", 5432)
    require_server("Redis", "127.0.0.1", 6379)
    require_nginx()
    with running_cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_nginx_serves_what_the_single_stack_serves(cluster):
    http = requests.Session()
    health = http.get(f"{cluster.url}/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["ok"], health.text
    assert http.get(f"{cluster.url}/login", timeout=10).status_code == 200
    assert http.get(f"{cluster.url}/console/", timeout=10, allow_redirects=False).status_code in (302, 303)
    assert http.get(f"{cluster.url}/api/v1/search", params={"q": "起付线"}, timeout=10).status_code == 403
    hits = http.get(f"{cluster.url}/api/v1/search", params={"q": "起付线"}, headers=cluster.token_headers, timeout=10)
    assert hits.status_code == 200 and hits.json()
    assert "依据" in texts(cluster.send(f"c-{uuid.uuid4().hex[:8]}", "异地就医怎么备案"))
    assert http.get(f"{cluster.url}/conversations/x/tracker", timeout=10).status_code != 200  # Rasa's API stays inside


def _answer_of(cluster, replica: int, question: str) -> str:
    response = requests.get(f"{cluster.layout.replica_url('app', replica)}/api/v1/search", params={"q": question},
                            headers=cluster.token_headers, timeout=10)
    response.raise_for_status()
    return response.json()[0]["answer"]


def test_both_app_replicas_answer_with_a_newly_published_version(cluster):
    """Publishing bumps the change counter in PostgreSQL; each replica rebuilds its index on its own."""
    question = "异地就医怎么备案"
    engine = make_engine(cluster.layout.database_url)
    marker = f"（集群测试 {uuid.uuid4().hex[:6]}）"
    top_answer = _answer_of(cluster, 1, question)
    with session_scope(engine) as session:
        row = next(r for r in session.scalars(select(KbEntry).where(KbEntry.live_version.is_not(None)))
                   if to_entry(get_version(session, r.id, r.live_version).content).answer == top_answer)
        live = to_entry(get_version(session, row.id, row.live_version).content)
        entry = dataclasses.replace(live, answer=live.answer + marker)
        save_draft(session, Actor("editor-a", "editor"), entry)
        submit(session, Actor("editor-a", "editor"), entry.id)
        publish(session, Actor("editor-b", "editor"), entry.id, gate_blocked=False)
    engine.dispose()
    published = time.monotonic()
    pending = {1, 2}
    while pending and time.monotonic() - published < KB_CONVERGE_S:
        pending = {replica for replica in pending if marker not in _answer_of(cluster, replica, question)}
        time.sleep(0.5)
    assert not pending, f"app replicas {pending} still serve the old text after {KB_CONVERGE_S}s"
    versions = {requests.get(f"{cluster.layout.replica_url('app', n)}/healthz", timeout=10).json()
                ["components"]["index"]["kb_version"] for n in (1, 2)}
    assert len(versions) == 1


def _verify(cluster, sender: str) -> None:
    """Ask about the card on Rasa replica 1, complete /bind through nginx with the code from the outbox."""
    first = texts(cluster.send(sender, "我的慢病卡刷不了", rasa=1))
    link = _LINK.search(first)
    assert link and link.group(0).startswith(cluster.url), first
    http = requests.Session()
    page = http.get(link.group(0), timeout=30)
    identity = http.post(link.group(0), data={"csrf_token": _CSRF.search(page.text).group(1), "name": NAME,
                                              "id_number": ID_NUMBER}, timeout=30)
    assert "/bind/code" in identity.url, identity.text[:500]
    engine = make_engine(cluster.layout.database_url)
    with session_scope(engine) as session:
        code = code_in(latest_outbox(session, PHONE_MASKED, limit=1)[0].text)
    engine.dispose()
    code_url = identity.url
    form = http.get(code_url, timeout=30)
    done = http.post(code_url, data={"csrf_token": _CSRF.search(form.text).group(1), "code": code}, timeout=30)
    assert "核验成功" in done.text


def test_a_form_half_filled_on_one_rasa_replica_is_finished_on_the_other(cluster):
    """The tracker lives in PostgreSQL, the lock in Redis: either replica continues the dialogue."""
    sender = f"c-{uuid.uuid4().hex[:10]}"
    _verify(cluster, sender)
    assert "药店还是在医院" in texts(cluster.send(sender, "核验好了", rasa=2))
    assert "哪一家" in texts(cluster.send(sender, "药店", rasa=1))
    assert "什么药" in texts(cluster.send(sender, "不知道", rasa=2))
    reply = texts(cluster.send(sender, "降压药", rasa=1))
    assert "78%" in reply and "张*厚" in reply, reply


def _stored_messages(cluster, sender: str) -> list[str]:
    """The resident's messages in Rasa's tracker in PostgreSQL, in order."""
    engine = make_engine(cluster.layout.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' "
                                           "ORDER BY id"), {"sender": sender}).scalars().all()
    finally:
        engine.dispose()
    return [json.loads(row)["text"] for row in rows]


def _answered(cluster, sender: str, question: str, rasa: int) -> str:
    """The bot's answer to ``question`` on Rasa replica ``rasa``: text, not the busy reply."""
    reply = texts(cluster.send(sender, question, rasa=rasa))
    assert reply and load_texts().busy not in reply, reply
    return reply


#: Three policy questions: a conversation with some history before the fault.
QUESTIONS = ("起付线是什么意思", "异地就医怎么备案", "门诊慢特病怎么申请认定")


def test_while_the_tracker_database_is_down_the_resident_is_told_to_try_again_and_nothing_is_lost(cluster):
    """A turn that cannot read or save the conversation is not answered as if it had been handled:
    the resident reads only the busy text, and the message sent again afterwards is stored once."""
    sender = f"c-{uuid.uuid4().hex[:10]}"
    for question in QUESTIONS[:2]:
        _answered(cluster, sender, question, rasa=1)
    with database_down(cluster.layout.database_url):
        during = texts(cluster.send(sender, QUESTIONS[2], rasa=1))
    assert during == load_texts().busy, f"answered while the tracker could not be read or saved: {during!r}"
    _answered(cluster, sender, QUESTIONS[2], rasa=2)
    assert _stored_messages(cluster, sender) == list(QUESTIONS)


def test_after_the_database_drops_every_connection_the_next_message_is_answered_and_stored(cluster):
    """A PostgreSQL restart leaves each Rasa replica with dead pooled connections: the next turn
    replaces them instead of failing (or, before, answering from an empty conversation)."""
    sender = f"c-{uuid.uuid4().hex[:10]}"
    for question in QUESTIONS[:2]:
        _answered(cluster, sender, question, rasa=1)
    assert drop_connections(cluster.layout.database_url) > 0
    _answered(cluster, sender, QUESTIONS[2], rasa=1)
    assert _stored_messages(cluster, sender) == list(QUESTIONS)
