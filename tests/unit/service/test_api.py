import pytest
from sqlalchemy import select

from knowledge.feedback import AnswerFeedback
from knowledge.unanswered import UnansweredQuestion
from storage.db import session_scope


def test_policy_question_is_answered_with_its_source(client, auth):
    response = client.post("/api/v1/answer", json={"text": "我的慢病卡刷不了怎么办", "sender": "u1"}, headers=auth)
    body = response.get_json()
    assert response.status_code == 200
    assert body["answered"] and body["topic"] == "chronic_card_failure"
    assert body["title"] and body["citation"]
    assert len(body["related"]) <= 2


def test_unrelated_question_is_not_answered_and_is_logged_without_identity(app, client, auth):
    body = client.post(
        "/api/v1/answer", json={"text": "明天武汉天气怎么样 19912341132", "sender": "wx-openid-1"}, headers=auth
    ).get_json()
    assert body["answered"] is False
    with session_scope(app.extensions["db_sessions"]) as session:
        rows = session.scalars(select(UnansweredQuestion)).all()
    assert any("天气" in row.text for row in rows)
    assert all("19912341132" not in row.text for row in rows)
    assert all(row.sender_hash != "wx-openid-1" for row in rows)


def test_requests_without_the_internal_token_are_refused(client):
    assert client.post("/api/v1/answer", json={"text": "起付线"}).status_code == 403


def test_bad_bodies_get_clear_errors(client, auth):
    not_json = client.post("/api/v1/answer", data="<xml/>", headers=auth)
    assert not_json.status_code == 400 and "JSON" in not_json.get_json()["error"]
    assert client.post("/api/v1/answer", json={"text": ""}, headers=auth).status_code == 400
    assert client.post("/api/v1/answer", json={"text": 12}, headers=auth).status_code == 400
    too_long = client.post("/api/v1/answer", json={"text": "医" * 3000}, headers=auth)
    assert too_long.status_code == 413
    assert client.get("/api/v1/search", headers=auth).status_code == 400


def test_search_lists_ranked_entries(client, auth):
    hits = client.get("/api/v1/search?q=异地就医怎么备案", headers=auth).get_json()
    assert hits[0]["entry_id"].startswith("cross_region_filing")
    assert all({"title", "score", "region", "year", "answer"} <= set(hit) for hit in hits)


def test_healthz_is_503_while_rasa_is_down(client):
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["components"]["rasa"]["ok"] is False
    assert body["components"]["index"]["ok"] is True
    assert body["components"]["database"]["ok"] is True


def test_a_rating_is_recorded_with_the_entry_and_without_identity(app, client, auth):
    response = client.post("/api/v1/feedback", headers=auth, json={
        "text": "我身份证990101199001011132 起付线是多少", "entry_id": "deductible_cap-01", "helpful": False,
        "sender": "wx-openid-9"})
    assert response.status_code == 201 and response.get_json() == {"recorded": True}
    assert client.post("/api/v1/feedback", headers=auth, json={
        "text": "起付线是多少", "entry_id": "deductible_cap-01", "helpful": True}).status_code == 201
    with session_scope(app.extensions["db_sessions"]) as session:
        rows = session.scalars(select(AnswerFeedback).order_by(AnswerFeedback.id)).all()
    down, up = rows[-2:]
    assert (down.entry_id, down.helpful, up.helpful) == ("deductible_cap-01", False, True)
    assert "990101199001011132" not in down.text and "起付线" in down.text
    assert down.sender_hash and down.sender_hash != "wx-openid-9" and up.sender_hash is None


@pytest.mark.parametrize("body", [
    {"entry_id": "x-01", "helpful": False},
    {"text": "起付线", "helpful": False},
    {"text": "起付线", "entry_id": "", "helpful": False},
    {"text": "起付线", "entry_id": "x" * 81, "helpful": False},
    {"text": "起付线", "entry_id": "x-01"},
    {"text": "起付线", "entry_id": "x-01", "helpful": "no"},
])
def test_bad_ratings_are_refused(client, auth, body):
    assert client.post("/api/v1/feedback", json=body, headers=auth).status_code == 400


def test_ratings_need_the_internal_token(client):
    body = {"text": "起付线", "entry_id": "x-01", "helpful": False}
    assert client.post("/api/v1/feedback", json=body).status_code == 403
