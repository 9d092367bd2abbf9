"""Authorization crawl: every route of the app, with every method, as every kind of caller.

ACCESS below says who may reach each (route, method); a route missing from it fails the test, so
a new page or API call cannot ship without stating its access. Refused means: anonymous console
users are sent to /login, logged-in users without the role get 403, the internal API answers 403
without X-Internal-Token, and /wechat refuses anything WeChat did not sign (503 while it is off,
as here). GET on a POST-only route must be 405 for everybody.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.exceptions import MethodNotAllowed

from tests.unit.console.conftest import csrf_token, login

PRINCIPALS = ("anonymous", "agent", "editor", "admin", "internal")
USER_OF = {"agent": "agent1", "editor": "editor1", "admin": "admin1"}
INTERNAL_TOKEN = "s3cret"  # the console test app's YIBAO_INTERNAL_TOKEN

ANYONE = frozenset(PRINCIPALS)
NOBODY = frozenset()  # /wechat: only requests signed with the Official Account's token
INTERNAL = frozenset({"internal"})  # the Rasa actions and the REST channel, with X-Internal-Token
LOGGED_IN = frozenset({"agent", "editor", "admin"})
AGENTS = frozenset({"agent", "admin"})
EDITORS = frozenset({"editor", "admin"})
ADMINS = frozenset({"admin"})

#: (rule, method) → who reaches it. Keep in step with the README's roles (Console section).
ACCESS: dict[tuple[str, str], frozenset[str]] = {
    ("/api/v1/answer", "POST"): INTERNAL,
    ("/api/v1/eligibility", "POST"): INTERNAL,
    ("/api/v1/eligibility/parse", "POST"): INTERNAL,
    ("/api/v1/feedback", "POST"): INTERNAL,
    ("/api/v1/handoff/<path:sender_id>", "GET"): INTERNAL,
    ("/api/v1/search", "GET"): INTERNAL,
    ("/api/v1/verification/link", "POST"): INTERNAL,
    ("/api/v1/verification/status", "POST"): INTERNAL,
    ("/api/v1/verification/unbind", "POST"): INTERNAL,
    ("/bind", "GET"): ANYONE,  # a resident's one-time link: the signed token is the key
    ("/bind", "POST"): ANYONE,
    ("/bind/code", "GET"): ANYONE,
    ("/bind/code", "POST"): ANYONE,
    ("/console", "GET"): LOGGED_IN,
    ("/console/", "GET"): LOGGED_IN,
    ("/console/audit", "GET"): ADMINS,
    ("/console/conversations", "GET"): AGENTS,
    ("/console/conversations/<path:sender_id>", "GET"): AGENTS,
    ("/console/conversations/<path:sender_id>/handback", "POST"): AGENTS,
    ("/console/conversations/<path:sender_id>/reply", "POST"): AGENTS,
    ("/console/conversations/<path:sender_id>/takeover", "POST"): AGENTS,
    ("/console/dashboard", "GET"): EDITORS,
    ("/console/dashboard/<name>.png", "GET"): EDITORS,
    ("/console/kb", "GET"): EDITORS,
    ("/console/kb/<entry_id>", "GET"): EDITORS,
    ("/console/kb/<entry_id>/edit", "GET"): EDITORS,
    ("/console/kb/<entry_id>/edit", "POST"): EDITORS,
    ("/console/kb/<entry_id>/history", "GET"): EDITORS,
    ("/console/kb/<entry_id>/publish", "POST"): EDITORS,
    ("/console/kb/<entry_id>/reject", "POST"): EDITORS,
    ("/console/kb/<entry_id>/retire", "POST"): EDITORS,
    ("/console/kb/<entry_id>/review", "GET"): EDITORS,
    ("/console/kb/<entry_id>/rollback", "POST"): EDITORS,
    ("/console/kb/<entry_id>/submit", "POST"): EDITORS,
    ("/console/kb/export.<kind>", "GET"): EDITORS,
    ("/console/kb/import", "GET"): EDITORS,
    ("/console/kb/import", "POST"): EDITORS,
    ("/console/kb/new", "GET"): EDITORS,
    ("/console/kb/new", "POST"): EDITORS,
    ("/console/lookup", "GET"): AGENTS,
    ("/console/lookup", "POST"): AGENTS,
    ("/console/search", "GET"): LOGGED_IN,
    ("/console/static/<path:filename>", "GET"): ANYONE,
    ("/console/unanswered", "GET"): EDITORS,
    ("/healthz", "GET"): ANYONE,
    ("/login", "GET"): ANYONE,
    ("/login", "POST"): ANYONE,
    ("/logout", "POST"): LOGGED_IN,
    ("/static/<path:filename>", "GET"): ANYONE,
    ("/wechat", "GET"): NOBODY,
    ("/wechat", "POST"): NOBODY,
}

#: Values for the routes' variables: nothing that exists, so an allowed POST changes nothing.
VARIABLES = {"sender_id": "crawl-sender", "entry_id": "crawl_probe-001", "kind": "csv", "name": "crawl",
             "filename": "console.css"}


def _route_methods(app) -> set[tuple[str, str]]:  # noqa: ANN001
    return {(rule.rule, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}


def _path(rule: str) -> str:
    for name, value in VARIABLES.items():
        for converter in ("", "path:", "int:"):
            rule = rule.replace(f"<{converter}{name}>", value)
    assert "<" not in rule, f"no value for a variable of {rule}: add it to VARIABLES"
    return rule


def _client(app, principal: str) -> FlaskClient:  # noqa: ANN001
    client = app.test_client()
    if principal in USER_OF:
        assert login(client, USER_OF[principal]).status_code == 302
    return client


def _request(app, principal: str, path: str, method: str):  # noqa: ANN001, ANN202
    """One request as ``principal``, with a valid CSRF token on console forms (so the role check decides)."""
    client = _client(app, principal)  # a fresh client each time: POST /logout ends its session
    headers = {"X-Internal-Token": INTERNAL_TOKEN} if principal == "internal" else {}
    if method == "POST" and not path.startswith(("/api/", "/wechat")):
        return client.post(path, headers=headers, data={"csrf_token": csrf_token(client, "/login")})
    return client.open(path, method=method, headers=headers, json={} if method == "POST" else None)


def _refused(response, path: str) -> bool:  # noqa: ANN001
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and location.startswith("/login?next="):  # Flask-Login's redirect
        return True
    return path.startswith("/wechat") and response.status_code == 503


def test_every_route_has_an_access_entry(app):
    missing = sorted(_route_methods(app) - set(ACCESS))
    assert not missing, f"routes without an entry in ACCESS (state who may reach them): {missing}"
    stale = sorted(set(ACCESS) - _route_methods(app))
    assert not stale, f"entries in ACCESS for routes that no longer exist: {stale}"


@pytest.mark.parametrize(("rule", "method"), sorted(ACCESS))
def test_only_the_allowed_reach_the_route(app, rule, method):
    path = _path(rule)
    allowed = ACCESS[rule, method]
    wrong = {}
    for principal in PRINCIPALS:
        response = _request(app, principal, path, method)
        if _refused(response, path) == (principal in allowed):
            wrong[principal] = (response.status_code, response.headers.get("Location"))
    assert not wrong, f"{method} {path}: allowed {sorted(allowed)}, but got {wrong}"


def _post_only(app) -> list[str]:  # noqa: ANN001
    """POST-only rules whose path, as GET, matches no other route (a <path:> variable may swallow it)."""
    adapter = app.url_map.bind("localhost")
    rules = []
    for rule in sorted({rule for rule, method in ACCESS if method == "POST"} - {r for r, m in ACCESS if m == "GET"}):
        try:
            adapter.match(_path(rule), method="GET")
        except MethodNotAllowed:
            rules.append(rule)
    return rules


def test_get_on_a_post_only_route_is_405_for_everybody(app):
    rules = _post_only(app)
    assert rules, "the crawl found no POST-only route"
    for rule in rules:
        path = _path(rule)
        statuses = {principal: _request(app, principal, path, "GET").status_code for principal in PRINCIPALS}
        assert set(statuses.values()) == {405}, (path, statuses)
