"""Login, roles, CSRF and cookie flags of the console."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from console.web import SECURITY_HEADERS
from service.settings import Settings
from storage.audit import AuditEntry
from tests.unit.console.conftest import PASSWORD, csrf_token, db, login

ENTRY = "chronic_cert-001"

#: Every page of the console, with sample values for its parts.
PROTECTED_GET = [
    "/console", "/console/search?q=慢病", "/console/lookup", "/console/conversations",
    "/console/conversations/s1", "/console/kb", "/console/kb/new", f"/console/kb/{ENTRY}",
    f"/console/kb/{ENTRY}/edit", f"/console/kb/{ENTRY}/history", f"/console/kb/{ENTRY}/review",
    "/console/kb/import", "/console/kb/export.xlsx", "/console/unanswered", "/console/dashboard",
    "/console/dashboard/messages.png", "/console/audit",
]
PROTECTED_POST = [
    "/logout", "/console/lookup", "/console/conversations/s1/takeover", "/console/conversations/s1/reply",
    "/console/conversations/s1/handback", "/console/kb/new", f"/console/kb/{ENTRY}/edit",
    f"/console/kb/{ENTRY}/submit", f"/console/kb/{ENTRY}/publish", f"/console/kb/{ENTRY}/reject",
    f"/console/kb/{ENTRY}/rollback", f"/console/kb/{ENTRY}/retire", "/console/kb/import",
]
CONSOLE_BLUEPRINTS = {"auth", "search", "lookup", "conversations", "kb", "unanswered", "dashboard", "audit"}


def test_every_console_page_is_in_the_login_required_lists(app):
    adapter = app.url_map.bind("localhost")
    listed = {adapter.match(path.split("?")[0], method)[0]
              for method, paths in (("GET", PROTECTED_GET), ("POST", PROTECTED_POST)) for path in paths}
    console = {rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint.split(".")[0] in CONSOLE_BLUEPRINTS and rule.endpoint != "auth.login"}
    assert console <= listed, f"add these to the lists: {sorted(console - listed)}"


@pytest.mark.parametrize("path", PROTECTED_GET)
def test_pages_redirect_anonymous_users_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", PROTECTED_POST)
def test_forms_redirect_anonymous_users_to_login(client, path):
    response = client.post(path, data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        ("agent1", "/console/search?q=起付线", 200),
        ("agent1", "/console/lookup", 200),
        ("agent1", "/console/conversations", 200),
        ("agent1", "/console/kb", 403),
        ("agent1", f"/console/kb/{ENTRY}/edit", 403),
        ("agent1", "/console/unanswered", 403),
        ("agent1", "/console/dashboard", 403),
        ("agent1", "/console/audit", 403),
        ("editor1", "/console/search?q=起付线", 200),
        ("editor1", "/console/kb", 200),
        ("editor1", "/console/unanswered", 200),
        ("editor1", "/console/dashboard", 200),
        ("editor1", "/console/lookup", 403),
        ("editor1", "/console/conversations", 403),
        ("editor1", "/console/audit", 403),
        ("admin1", "/console/lookup", 200),
        ("admin1", "/console/kb", 200),
        ("admin1", "/console/audit", 200),
    ],
)
def test_each_role_sees_only_its_pages(as_user, user, path, status):
    response = as_user(user).get(path)
    assert response.status_code == status
    if status == 403:
        assert "没有权限" in response.get_data(as_text=True)


def test_an_agent_cannot_publish_or_edit(as_user):
    agent = as_user("agent1")
    token = csrf_token(agent, "/console/search")
    assert agent.post(f"/console/kb/{ENTRY}/publish", data={"csrf_token": token}).status_code == 403
    assert agent.post(f"/console/kb/{ENTRY}/edit", data={"csrf_token": token, "action": "save"}).status_code == 403


def test_login_lands_on_the_role_start_page_and_is_audited(app, client):
    response = login(client, "editor1")
    assert response.headers["Location"] == "/console/kb"
    with db(app) as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.who == "editor1")).all()
    assert "auth.login" in actions


def test_next_only_returns_to_a_local_page(client):
    token = csrf_token(client)
    data = {"username": "agent1", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login?next=//evil.example/x", data=data).headers["Location"] == "/console/search"


def test_wrong_password_is_refused_and_audited(app, client):
    response = login(client, "agent1", "wrong-password", address="10.0.0.9")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)
    with db(app) as session:
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")) is not None


def test_login_is_rate_limited_per_user_and_address(client, app):
    for _ in range(3):  # YIBAO_LOGIN_MAX_FAILURES=3 in conftest
        login(client, "editor2", "wrong-password", address="10.0.0.7")
    locked = login(client, "editor2", PASSWORD, address="10.0.0.7")
    assert locked.status_code == 429
    assert "次数过多" in locked.get_data(as_text=True)
    assert login(app.test_client(), "editor2", PASSWORD, address="10.0.0.8").status_code == 302


def test_a_form_without_its_csrf_token_is_refused(app, client, as_user):
    response = client.post("/login", data={"username": "agent1", "password": PASSWORD})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    editor = as_user("editor1")
    refused = editor.post(f"/console/kb/{ENTRY}/retire", data={})
    assert refused.status_code == 400
    with db(app) as session:
        from knowledge.store.repository import get_entry

        assert get_entry(session, ENTRY).retired is False


def test_the_internal_api_needs_no_csrf_token(client):
    response = client.post("/api/v1/answer", json={"text": "起付线是什么"}, headers={"X-Internal-Token": "s3cret"})
    assert response.status_code == 200


def test_session_cookie_is_httponly_and_samesite(client):
    response = login(client, "agent1")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over http in tests


def test_secure_cookies_follow_https_or_the_setting(monkeypatch):
    monkeypatch.setenv("YIBAO_APP_URL", "https://yibao.example")
    monkeypatch.delenv("YIBAO_SECURE_COOKIES", raising=False)
    assert Settings().secure_cookies is True
    monkeypatch.setenv("YIBAO_SECURE_COOKIES", "0")
    assert Settings().secure_cookies is False


def test_console_pages_send_security_headers(as_user):
    response = as_user("agent1").get("/console/search")
    for name in SECURITY_HEADERS:
        assert name in response.headers


def test_logout_ends_the_session(as_user):
    agent = as_user("agent1")
    agent.post("/logout", data={"csrf_token": csrf_token(agent, "/console/search")})
    assert agent.get("/console/search").status_code == 302
