"""The member API (service/member_api.py): links, bindings, parsing and the check — own record only."""

from __future__ import annotations

import pytest

from members.store import member_ref_for
from service.verification_service import get_verifier
from storage.db import session_scope
from tests.unit.verification.conftest import ID_NUMBER, NAME, PHONE_MASKED, load_demo
from verification.identity import ChatIdentity
from verification.sms import code_in, latest_outbox

ZHANG = {"sender": "api-zhang", "channel": "rest"}
STRANGER = {"sender": "api-stranger", "channel": "rest"}


@pytest.fixture(scope="module")
def bound(app):
    """JY-E-1501 verified in the chat ZHANG; returns its member_ref."""
    load_demo(app.extensions["db_sessions"])
    verifier = get_verifier(app)
    token = verifier.new_link_token(ChatIdentity(**ZHANG))
    verifier.submit_identity(token, NAME, ID_NUMBER)
    with session_scope(app.extensions["db_sessions"]) as session:
        code = code_in(latest_outbox(session, PHONE_MASKED, limit=1)[0].text)
    return verifier.submit_code(token, code)


@pytest.mark.parametrize("path", [
    "/api/v1/verification/link", "/api/v1/verification/status", "/api/v1/verification/unbind",
    "/api/v1/eligibility/parse", "/api/v1/eligibility",
])
def test_every_route_needs_the_internal_token(client, path):
    assert client.post(path, json=ZHANG).status_code == 403


def test_a_link_points_at_the_bind_page(client, auth, app):
    body = client.post("/api/v1/verification/link", json=STRANGER, headers=auth).get_json()
    assert body["expires_in_s"] == 600
    assert body["url"].startswith(app.config["SETTINGS"].public_url + "/bind?t=")
    token = body["url"].split("t=", 1)[1]
    assert get_verifier(app).open_link(token).identity == ChatIdentity(**STRANGER)


def test_status_reports_the_binding(client, auth, bound):
    assert client.post("/api/v1/verification/status", json=ZHANG, headers=auth).get_json() == {"member_ref": bound}
    assert client.post("/api/v1/verification/status", json=STRANGER, headers=auth).get_json() == {"member_ref": None}


@pytest.mark.parametrize("body", [{}, {"sender": "x"}, {"sender": 1, "channel": "rest"}, {"sender": "", "channel": "rest"}])
def test_bad_identities_are_refused(client, auth, body):
    assert client.post("/api/v1/verification/status", json=body, headers=auth).status_code == 400


def test_the_words_are_read_for_the_bound_member(client, auth, bound):
    body = client.post("/api/v1/eligibility/parse", headers=auth,
                       json={**ZHANG, "member_ref": bound, "text": "在嘉鱼某药店买降压药"}).get_json()
    assert body == {"place": "pharmacy", "facility": "unknown", "subject": "item", "item": "D-AML5",
                    "disease": "I10", "emergency": None, "inpatient": None}
    bad = client.post("/api/v1/eligibility/parse", headers=auth,
                      json={**ZHANG, "member_ref": bound, "text": "x", "asked": "name"})
    assert bad.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/eligibility/parse", "/api/v1/eligibility"])
def test_a_member_ref_not_bound_to_the_sender_is_refused(client, auth, bound, path):
    stranger = client.post(path, headers=auth, json={**STRANGER, "member_ref": bound, "text": "药店"})
    assert stranger.status_code == 403
    other_channel = client.post(path, headers=auth,
                                json={"sender": ZHANG["sender"], "channel": "wechat", "member_ref": bound, "text": "药店"})
    assert other_channel.status_code == 403
    with session_scope(client.application.extensions["db_sessions"]) as session:
        someone_else = member_ref_for(session, "SM-R-3101")
    wrong_member = client.post(path, headers=auth, json={**ZHANG, "member_ref": someone_else, "text": "药店"})
    assert wrong_member.status_code == 403


def test_the_check_answers_from_the_members_own_masked_record(client, auth, bound):
    situation = {"place": "pharmacy", "facility": "unknown", "subject": "item", "item": "D-AML5", "disease": "I10"}
    response = client.post("/api/v1/eligibility", headers=auth, json={**ZHANG, "member_ref": bound, **situation})
    body = response.get_json()
    assert response.status_code == 200
    assert (body["verdict"], body["reason_code"], body["handoff"]) == ("NOT_ELIGIBLE", "CONTRIB_TIER_NO_CHRONIC", False)
    assert (body["name"], body["id_number"]) == ("张*厚", "9901**********1132")
    assert "78%" in body["reply"] and "95%" in body["reply"] and "嘉鱼" in body["reply"]
    assert ID_NUMBER not in body["reply"] and NAME not in body["reply"]
    bad = client.post("/api/v1/eligibility", headers=auth, json={**ZHANG, "member_ref": bound, "emergency": "yes"})
    assert bad.status_code == 400


def test_a_verified_chat_is_answered_for_its_records_region(client, auth, bound):
    question = {"text": "门诊统筹能报多少"}  # best answered by a 嘉鱼 entry
    own = client.post("/api/v1/answer", headers=auth, json={**question, **ZHANG}).get_json()
    assert own["region"] == "湖北省咸宁市嘉鱼县" and not own["region_note"]  # JY-E-1501 is insured in 嘉鱼
    stranger = client.post("/api/v1/answer", headers=auth, json={**question, **STRANGER}).get_json()
    assert stranger["region"] == "湖北省咸宁市嘉鱼县" and stranger["region_note"]  # whose rule, and asks
    stated = client.post("/api/v1/answer", headers=auth, json={**question, **ZHANG, "region": "青岛"}).get_json()
    assert stated["region_note"] or "青岛" in stated["region"]  # a region stated in the chat wins


def test_unbinding_ends_access(client, auth, bound):
    assert client.post("/api/v1/verification/unbind", json=ZHANG, headers=auth).get_json() == {"unbound": True}
    assert client.post("/api/v1/verification/unbind", json=ZHANG, headers=auth).get_json() == {"unbound": False}
    refused = client.post("/api/v1/eligibility", headers=auth, json={**ZHANG, "member_ref": bound})
    assert refused.status_code == 403

