"""The console in a real browser (Debian's headless Chromium, Python Playwright) against the real stack.

A new editor logs in, fixes an answer, a second editor reviews and publishes it, and the bot answers
with the new text over the REST channel within seconds; a rollback brings the old text back. Also:
an agent cannot publish, anonymous users are sent to /login, a form without its CSRF token is
refused, an import with a bad row changes nothing, and an agent takes a conversation over.
Screenshots of the main pages go to test-artifacts/console/.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from openpyxl import Workbook
from sqlalchemy import func, select

from console.accounts import create_user
from knowledge.store.models import KbVersion
from service.settings import REPO_ROOT
from storage.db import make_engine, make_sessionmaker, session_scope
from tests.conftest import IN_CI

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "console"
QUESTION = "起付线是什么意思"
ANSWER_WAIT_S = 15


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("Debian chromium is missing (make test installs it)")
        pytest.skip("Debian chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def sessions(stack):
    engine = make_engine(stack.settings.db_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@dataclass(frozen=True)
class Accounts:
    """Fresh users of the stack's database, all with the same password."""

    password: str
    editor: str
    reviewer: str
    agent: str
    admin: str


@pytest.fixture(scope="module")
def users(sessions) -> Accounts:
    suffix = secrets.token_hex(3)
    accounts = Accounts(secrets.token_urlsafe(12), f"editor-{suffix}", f"reviewer-{suffix}", f"agent-{suffix}",
                        f"admin-{suffix}")
    roles = {accounts.editor: "editor", accounts.reviewer: "editor", accounts.agent: "agent", accounts.admin: "admin"}
    with session_scope(sessions) as session:
        for name, role in roles.items():
            create_user(session, name, role, accounts.password)
    return accounts


@pytest.fixture
def open_page(browser, stack):
    contexts = []

    def make(user: str | None = None, password: str | None = None):
        """A page in a new browser context, logged in as ``user`` when given."""
        context = browser.new_context(base_url=stack.settings.app_url, locale="zh-CN")
        context.set_default_timeout(120_000)  # the first review encodes the dev set
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        if user:
            page.goto("/login")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", password)
            page.click("#login-form button[type=submit]")
            page.wait_for_url("**/console/**")
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def bot_reply(stack, text: str) -> str:
    return "\n".join(m.get("text", "") for m in stack.send(f"browser-{uuid.uuid4().hex[:8]}", text))


def wait_for_reply(stack, contains: str | None = None, lacks: str | None = None) -> float:
    """Seconds until the bot's answer to QUESTION contains / lacks a text (fails after ANSWER_WAIT_S)."""
    start = time.monotonic()
    while True:
        reply = bot_reply(stack, QUESTION)
        if (contains is None or contains in reply) and (lacks is None or lacks not in reply):
            return time.monotonic() - start
        if time.monotonic() - start > ANSWER_WAIT_S:
            pytest.fail(f"bot still answers {reply!r}")
        time.sleep(0.5)


def answered_entry(stack) -> str:
    response = requests.post(f"{stack.settings.app_url}/api/v1/answer", json={"text": QUESTION}, timeout=30,
                             headers={"X-Internal-Token": stack.env.get("YIBAO_INTERNAL_TOKEN", "")})
    return response.json()["entry_id"]


def test_anonymous_users_are_sent_to_login(open_page):
    page = open_page()
    page.goto("/console/kb")
    assert "/login?next=" in page.url
    assert page.locator("input[name=csrf_token]").count() == 1
    shot(page, "login")


def test_agent_searches_the_knowledge_base(open_page, users):
    page = open_page(users.agent, users.password)
    assert page.url.endswith("/console/search")
    page.fill("input[name=q]", "慢病卡刷不了怎么办")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#hit-1")
    assert page.locator("#hit-1 mark").count() > 0
    assert "得分" in page.inner_text("#hit-1") and page.locator("#hit-1 [data-copy]").count() == 1
    shot(page, "search")


def test_editor_fixes_an_answer_second_editor_publishes_bot_answers_new_text_then_rollback(
        open_page, users, stack, sessions):
    entry_id = answered_entry(stack)
    original = bot_reply(stack, QUESTION)
    assert "依据：《" in original
    marker = f"（2025年起以参保地最新公布为准·{secrets.token_hex(2)}）"

    author = open_page(users.editor, users.password)
    author.goto(f"/console/kb/{entry_id}/edit")
    answer = author.input_value("textarea[name=answer]")
    author.fill("textarea[name=answer]", answer + marker)
    author.fill("input[name=note]", "补充最新政策提示")
    author.click("button[value=preview]")
    assert marker in author.inner_text("#preview")
    shot(author, "kb-edit-preview")
    author.click("button[value=save]")
    author.click("#submit-form button")
    assert "已提交审核" in author.content()
    shot(author, "kb-entry")

    reviewer = open_page(users.reviewer, users.password)
    reviewer.goto(f"/console/kb/{entry_id}")
    reviewer.click("#review-link")
    reviewer.wait_for_selector("#gate")
    assert reviewer.locator("#gate-ok").count() == 1, reviewer.inner_text("#gate")
    shot(reviewer, "kb-review-gate")
    assert wait_for_reply(stack, lacks=marker) < 1  # still the old text before publishing
    reviewer.click("#publish-form button[type=submit]")
    published_at = time.monotonic()
    assert "已发布" in reviewer.content()
    seconds = wait_for_reply(stack, contains=marker)
    print(f"\nbot answered with the published text {time.monotonic() - published_at:.1f}s after publishing "
          f"({seconds:.1f}s of polling)")

    reviewer.goto(f"/console/kb/{entry_id}/history")
    shot(reviewer, "kb-history")
    live = reviewer.locator(".version").count()
    reviewer.locator("form.rollback-form button").first.click()
    assert "已回滚" in reviewer.content()
    wait_for_reply(stack, lacks=marker)
    assert bot_reply(stack, QUESTION) == original
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(KbVersion).where(KbVersion.entry_id == entry_id)) == live + 1


def test_an_agent_cannot_publish(open_page, users, stack):
    page = open_page(users.agent, users.password)
    page.goto("/console/kb")
    assert "没有权限" in page.content()
    token = page.get_attribute("header form input[name=csrf_token]", "value")
    response = page.request.post(f"/console/kb/{answered_entry(stack)}/publish", form={"csrf_token": token})
    assert response.status == 403


def test_a_form_posted_without_its_csrf_token_is_refused(open_page, users, stack, sessions):
    entry_id = answered_entry(stack)
    page = open_page(users.editor, users.password)
    page.goto(f"/console/kb/{entry_id}")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(input => input.remove())")
    page.click("form[action$='/retire'] button")
    assert "安全令牌" in page.content()
    shot(page, "csrf-refused")
    assert entry_id in requests.get(f"{stack.settings.app_url}/api/v1/search", params={"q": QUESTION},
                                    headers={"X-Internal-Token": stack.env.get("YIBAO_INTERNAL_TOKEN", "")},
                                    timeout=30).text


def test_an_import_with_a_bad_row_changes_nothing(open_page, users, sessions, tmp_path):
    page = open_page(users.reviewer, users.password)
    with page.expect_download() as download:
        page.goto("/console/kb")
        page.click("text=导出 Excel")
    exported = tmp_path / "export.xlsx"
    download.value.save_as(exported)
    from openpyxl import load_workbook

    rows = [list(row) for row in load_workbook(exported).active.iter_rows(values_only=True)]
    header = rows[0]
    good, bad = list(rows[1]), list(rows[2])
    good[header.index("answer")] = "导入修改的答案。"
    bad[header.index("answer")] = None
    book = Workbook()
    for row in (header, good, bad):
        book.active.append(row)
    upload = tmp_path / "bad.xlsx"
    book.save(upload)
    with session_scope(sessions) as session:
        before = session.scalar(select(func.count()).select_from(KbVersion))
    page.goto("/console/kb/import")
    page.set_input_files("input[name=file]", str(upload))
    page.click("#import-form button")
    errors = page.inner_text("#import-errors")
    assert "没有导入任何条目" in errors and "第 3 行：缺少答案" in errors
    shot(page, "kb-import-errors")
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(KbVersion)) == before


def test_an_agent_takes_a_conversation_over_and_hands_it_back(open_page, users, stack):
    resident = f"resident-{uuid.uuid4().hex[:8]}"
    assert "人工" in "".join(m.get("text", "") for m in stack.send(resident, "我要转人工"))
    page = open_page(users.agent, users.password)
    page.goto("/console/conversations?handed_off=1")
    shot(page, "conversations")
    page.click(f"text={resident}")
    page.click("#takeover-form button")
    assert "已接管" in page.content()
    assert stack.send(resident, "还在吗？我的卡还是刷不了") == []  # the bot is silent while an agent holds it
    page.fill("#reply-form textarea", "您好，我是人工客服，请问是哪个统筹区参保的？")
    page.click("#reply-form button")
    transcript = page.inner_text("#transcript")
    assert "还在吗？我的卡还是刷不了" in transcript and "我是人工客服" in transcript
    shot(page, "conversation-takeover")
    page.click("#handback-form button")
    assert stack.send(resident, "起付线是什么意思") != []  # the bot answers again


def test_a_thumbs_down_in_the_chat_shows_on_the_unanswered_page(open_page, users, stack):
    resident, question = f"resident-{uuid.uuid4().hex[:8]}", "职工医保个人账户的钱能给家人用吗"
    answer = stack.send(resident, question)
    assert "依据：《" in "".join(m.get("text", "") for m in answer)
    stack.send(resident, "/feedback_unhelpful")  # the 没帮助 button under the answer
    page = open_page(users.editor, users.password)
    page.goto("/console/unanswered")
    page.click("#periods >> text=差评")
    row = page.locator("#groups tr.group", has_text=question)
    assert "差评" in row.inner_text()
    assert row.locator(".entries a").count() == 1  # the entry the resident was given
    shot(page, "unanswered-thumbs-down")
    row.locator("text=据此新建条目").click()
    assert question in page.input_value("textarea[name=questions]")


def test_main_pages_render_for_their_roles(open_page, users):
    admin = open_page(users.admin, users.password)
    admin.goto("/console/dashboard")
    admin.wait_for_function("document.querySelector('#chart-messages').naturalWidth > 0")
    assert "居民消息" in admin.inner_text("#figures")
    shot(admin, "dashboard")
    admin.goto("/console/audit")
    assert "auth.login" in admin.inner_text("#audit") and "kb.publish" in admin.inner_text("#audit")
    shot(admin, "audit")
    for path, name in (("/console/unanswered", "unanswered"), ("/console/kb", "kb-list"), ("/console/lookup", "lookup")):
        admin.goto(path)
        assert "出错了" not in admin.content()
        shot(admin, name)
