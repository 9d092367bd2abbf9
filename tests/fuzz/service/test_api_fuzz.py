"""The internal JSON API (/api/v1/...) under 10,000 generated requests: never a 5xx, a JSON error
saying what is wrong, and nothing stored for a refused request.

Bodies are mostly objects with the fields each route reads (right and wrong types, overlong text,
identifiers, NaN), sometimes any JSON value or no JSON at all; the token is sometimes missing or
wrong. One chat is verified as a demo member, so the eligibility routes run the whole check.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st
from sqlalchemy import inspect, select

from knowledge.unanswered import UnansweredQuestion
from privacy import redact
from storage.db import session_scope
from tests.fuzz.conftest import INTERNAL_TOKEN, row_counts
from tests.fuzz.support import fuzz, mostly, one_in
from tests.unit.service.test_member_api import ZHANG, bound  # noqa: F401 - the fixture: a verified chat

ROUTES = {
    "POST /api/v1/answer": ("text", "sender", "region", "intent"),
    "POST /api/v1/feedback": ("text", "entry_id", "helpful", "sender"),
    "GET /api/v1/search": ("q", "region"),
    "GET /api/v1/handoff": (),
    "POST /api/v1/verification/link": ("sender", "channel"),
    "POST /api/v1/verification/status": ("sender", "channel"),
    "POST /api/v1/verification/unbind": ("sender", "channel"),
    "POST /api/v1/eligibility/parse": ("sender", "channel", "member_ref", "text", "asked"),
    "POST /api/v1/eligibility": ("sender", "channel", "member_ref", "place", "facility", "subject", "item",
                                 "disease", "emergency", "inpatient"),
}
SUCCESSES = {200, 201}
REFUSALS = {400, 403, 404, 405, 413}
UNANSWERED = "unanswered_questions"

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
QUESTIONS = st.sampled_from(["我的慢病卡刷不了怎么办", "异地就医怎么备案", "在嘉鱼某药店买降压药", "急诊", "不知道",
                             "身份证990101199001011132", "手机13912345678", "起付线是多少", " ", ""])
TEXT = st.one_of(QUESTIONS, st.text(max_size=40), st.integers(1990, 2010).map(lambda n: "医" * n))
PLAUSIBLE = {
    "text": TEXT, "q": TEXT, "intent": st.sampled_from(["ask_policy", "nlu_fallback"]),
    "region": st.sampled_from(["420000", "422300", "370200", "", "北京"]),
    "sender": st.sampled_from([ZHANG["sender"], "fuzz-sender", "", "x" * 129]) | st.text(max_size=10),
    "channel": st.sampled_from(["rest", "wechat", "", "c" * 33]),
    "member_ref": st.sampled_from(["BOUND", "not-a-ref", ""]),
    "asked": st.sampled_from(["place", "facility", "subject", "emergency", "name"]),
    "place": st.sampled_from(["pharmacy", "hospital", "unknown", "moon"]),
    "facility": st.sampled_from(["unknown", "F-JY-001", "nowhere"]),
    "subject": st.sampled_from(["item", "treatment", "unknown"]),
    "item": st.sampled_from(["D-AML5", "NO-SUCH-ITEM"]), "disease": st.sampled_from(["I10", "E11", "X99"]),
    "entry_id": st.sampled_from(["chronic_card_failure-001", "no_such-001", "", "e" * 81]),
    "helpful": st.booleans(),
    "emergency": st.sampled_from([True, False, None]), "inpatient": st.sampled_from([True, False, None]),
}
SENDER_IDS = st.from_regex(r"\A[A-Za-z0-9_-]{1,40}\Z")


@st.composite
def requests(draw: st.DrawFn) -> dict:
    """One request: route, headers, and a body or query string."""
    route = draw(st.sampled_from(sorted(ROUTES)))
    method, path = route.split(" ")
    fields = {name: draw(mostly(PLAUSIBLE[name], JSON, odds=10)) for name in ROUTES[route] if not draw(one_in(10))}
    if route.endswith("unbind") and fields.get("sender") == ZHANG["sender"]:
        fields["sender"] = "fuzz-unbinder"  # keep the verified chat bound for the eligibility routes
    for _ in range(draw(st.integers(0, 1))):
        fields[draw(st.text(max_size=8))] = draw(JSON)
    # No CR/LF: an HTTP client cannot send them in a header (Werkzeug's test client refuses to build it).
    token = st.text(st.characters(exclude_characters="\r\n"), max_size=20)
    headers = {"X-Internal-Token": draw(mostly(st.just(INTERNAL_TOKEN), token, odds=10))}
    if draw(one_in(20)):
        del headers["X-Internal-Token"]
    request = {"method": method, "path": path, "headers": headers}
    if path.endswith("/handoff"):
        request["path"] = f"{path}/{draw(mostly(SENDER_IDS, st.text(max_size=40)))}"
    elif method == "GET":
        request["query_string"] = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
    elif draw(one_in(10)):
        request["data"] = draw(st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
        request["content_type"] = draw(st.sampled_from(["application/json", "text/plain", "application/xml"]))
    else:
        request["data"] = json.dumps(draw(mostly(st.just(fields), JSON, odds=10)), ensure_ascii=draw(st.booleans()))
        request["content_type"] = "application/json"
    return request


def test_api_requests_never_fail_the_server(app, bound):  # noqa: F811 - the imported fixture
    client = app.test_client()
    engine = app.extensions["db_engine"]
    tables = sorted(inspect(engine).get_table_names())
    statuses: dict[int, int] = {}

    def check(request: dict) -> None:
        if isinstance(request.get("data"), str):
            request["data"] = request["data"].replace('"BOUND"', json.dumps(bound))
        before = dict(zip(tables, row_counts(engine, *tables), strict=True))
        response = client.open(**request)
        status = response.status_code
        statuses[status] = statuses.get(status, 0) + 1
        assert status in SUCCESSES | REFUSALS, (status, request, response.get_data()[:300])
        body = response.get_json()
        assert body is not None, "every answer is JSON"
        after = dict(zip(tables, row_counts(engine, *tables), strict=True))
        if status in REFUSALS:
            assert isinstance(body.get("error"), str) and body["error"], "a refusal must say why"
            assert after == before, f"a refused request changed something: {request}"
        elif request["path"].endswith("/answer") and not body["answered"]:
            assert after[UNANSWERED] == before[UNANSWERED] + 1, f"an unanswered question was not logged: {request}"

    count = fuzz(requests(), check)
    print(f"api: {count} requests, statuses {sorted(statuses.items())}")
    assert {200, 201, 400, 403, 413} <= set(statuses), statuses
    with session_scope(app.extensions["db_sessions"]) as session:
        logged = session.scalars(select(UnansweredQuestion.text)).all()
    assert all(redact(text) == text for text in logged), "an identifier was logged as an unanswered question"
