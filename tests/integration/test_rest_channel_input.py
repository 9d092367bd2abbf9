"""Bad bodies at the real Rasa server's REST channel: 400 or 413 with a reason, never a 5xx, and
identifiers in nested metadata never reach the tracker (tests/fuzz/bot covers 10,000 bodies)."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

pytestmark = pytest.mark.integration

BAD_BODIES = [b"", b"null", b"[1]", b'"text"', b"not json", b'{"message": 5}', b'{"message": ["hi"]}',
              b'{"sender": {"id": 1}, "message": "hi"}', b'{"message": "hi", "metadata": [1]}',
              json.dumps({"message": "医" * 2001}).encode()]


@pytest.mark.parametrize("body", BAD_BODIES, ids=[body[:20].decode(errors="replace") or "empty" for body in BAD_BODIES])
def test_a_bad_body_is_refused_with_a_reason(stack, body):
    response = requests.post(stack.rest_url, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code in (400, 413), (response.status_code, response.text[:300])
    assert response.text.strip()


def test_identifiers_in_nested_metadata_never_reach_the_tracker(stack):
    user, phone = f"test-{uuid.uuid4().hex[:10]}", "13987654321"
    body = {"sender": user, "message": "慢病卡刷不了", "metadata": {"caller": {"phone": phone, "ids": [phone]}}}
    assert requests.post(stack.rest_url, json=body, timeout=30).status_code == 200
    tracker = requests.get(f"{stack.settings.rasa_url}/conversations/{user}/tracker", timeout=10).json()
    assert any(event.get("event") == "user" for event in tracker["events"])
    assert phone not in json.dumps(tracker, ensure_ascii=False)
