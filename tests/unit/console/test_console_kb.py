"""The knowledge-base editor: edit → review by another editor → publish, versions, rollback, retire,
the publish gate and bulk import/export."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from html import unescape

from openpyxl import Workbook
from sqlalchemy import func, select

from knowledge.store.models import KbVersion
from knowledge.store.repository import get_entry, history
from storage.audit import AuditEntry
from tests.unit.console.conftest import csrf_token, db

FIELDS = ("topic", "title", "region_code", "region_name", "effective", "source_seed", "source_section",
          "questions", "answer")


def form_values(client, entry_id: str) -> dict[str, str]:
    """The edit form's current values, as a browser would send them back."""
    page = client.get(f"/console/kb/{entry_id}/edit").get_data(as_text=True)
    values = {}
    for name in FIELDS:
        area = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
        value = area.group(1) if area else re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)
        values[name] = unescape(value)
    values["scheme"] = re.search(r'<option selected value="([^"]*)"', page).group(1)
    values["csrf_token"] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return values


def edit_and_submit(client, entry_id: str, answer: str) -> None:
    values = {**form_values(client, entry_id), "answer": answer, "note": "测试修改", "action": "save"}
    assert client.post(f"/console/kb/{entry_id}/edit", data=values).status_code == 302
    token = csrf_token(client, f"/console/kb/{entry_id}")
    assert client.post(f"/console/kb/{entry_id}/submit", data={"csrf_token": token}).status_code == 302


def publish(client, entry_id: str, **extra: str):
    token = csrf_token(client, f"/console/kb/{entry_id}/review")
    return client.post(f"/console/kb/{entry_id}/publish", data={"csrf_token": token, **extra})


def live_answer(app, entry_id: str) -> str | None:
    entry = app.extensions["knowledge"].search.entries.get(entry_id)
    return entry.answer if entry else None


def test_preview_shows_the_reply_and_the_diff_without_saving(app, as_user):
    editor = as_user("editor1")
    values = {**form_values(editor, "maternity-002"), "answer": "预览用的新答案。", "action": "preview"}
    page = editor.post("/console/kb/maternity-002/edit", data=values).get_data(as_text=True)
    assert "预览用的新答案。" in page and "依据：《" in page and 'class="add"' in page
    with db(app) as session:
        assert len(history(session, "maternity-002")) == 1


def test_edit_review_publish_rollback(app, as_user):
    entry_id = "deductible_cap-002"
    original = live_answer(app, entry_id)
    author, reviewer = as_user("editor1"), as_user("editor2")
    edit_and_submit(author, entry_id, "新的起付线答案：以参保地公布为准（测试）。")
    assert live_answer(app, entry_id) == original  # not live before review

    self_review = publish(author, entry_id)
    assert self_review.status_code == 302
    assert live_answer(app, entry_id) == original  # the author cannot publish their own version

    review = reviewer.get(f"/console/kb/{entry_id}/review").get_data(as_text=True)
    assert "hit@3" in review and "修改内容" in review
    assert publish(reviewer, entry_id).status_code == 302
    assert live_answer(app, entry_id) == "新的起付线答案：以参保地公布为准（测试）。"
    with db(app) as session:
        versions = history(session, entry_id)
        assert [v.state for v in versions] == ["published", "published"]
        assert versions[0].author == "editor1" and versions[0].reviewer == "editor2"
    page = reviewer.get(f"/console/kb/{entry_id}/history").get_data(as_text=True)
    assert "版本 2" in page and "测试修改" in page and "+新的起付线答案" in unescape(page)

    token = csrf_token(reviewer, f"/console/kb/{entry_id}/history")
    assert reviewer.post(f"/console/kb/{entry_id}/rollback", data={"csrf_token": token, "number": "1"}).status_code == 302
    assert live_answer(app, entry_id) == original
    with db(app) as session:
        assert get_entry(session, entry_id).live_version == 3
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("kb."))))
    assert {"kb.draft", "kb.submit", "kb.publish", "kb.rollback"} <= actions


def test_another_editors_open_version_cannot_be_overwritten(as_user):
    entry_id = "maternity-003"
    edit_and_submit(as_user("editor1"), entry_id, "编辑一的版本。")
    other = as_user("editor2")
    values = {**form_values(other, entry_id), "answer": "编辑二的版本。", "action": "save"}
    page = other.post(f"/console/kb/{entry_id}/edit", data=values).get_data(as_text=True)
    assert "另一位编辑正在修改" in page


def test_retire_takes_the_entry_out_of_the_index(app, as_user):
    editor = as_user("editor1")
    token = csrf_token(editor, "/console/kb/maternity-004")
    assert editor.post("/console/kb/maternity-004/retire", data={"csrf_token": token}).status_code == 302
    assert live_answer(app, "maternity-004") is None
    assert "已停用" in editor.get("/console/kb?state=retired").get_data(as_text=True)


def test_new_entry_from_an_unanswered_question(app, as_user):
    editor = as_user("editor1")
    page = editor.get("/console/kb/new?question=医保卡丢了在外地怎么办").get_data(as_text=True)
    assert "医保卡丢了在外地怎么办" in page
    data = {"csrf_token": csrf_token(editor, "/console/kb/new"), "topic": "service_channels", "title": "测试新条目",
            "region_name": "通用", "scheme": "通用", "answer": "测试答案。", "action": "save",
            "questions": "\n".join(f"测试问题{i}" for i in range(5))}
    response = editor.post("/console/kb/new", data=data)
    assert response.status_code == 302
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"service_channels-[0-9]{3}", new_id)
    with db(app) as session:
        assert get_entry(session, new_id).state == "draft"


def test_the_gate_blocks_a_harmful_publish_unless_an_admin_overrides(app, as_user, monkeypatch):
    service = app.extensions["knowledge"]
    monkeypatch.setattr(service, "settings", dataclasses.replace(service.settings, gate_max_drop_points=0.0))
    entry_id = "cross_region_filing-001"
    author = as_user("editor1")
    values = {**form_values(author, entry_id), "questions": "\n".join(f"无关问题{i}" for i in range(5)),
              "title": "无关标题", "answer": "无关答案。", "action": "save"}
    assert author.post(f"/console/kb/{entry_id}/edit", data=values).status_code == 302
    author.post(f"/console/kb/{entry_id}/submit", data={"csrf_token": csrf_token(author, f"/console/kb/{entry_id}")})

    reviewer = as_user("editor2")
    review = reviewer.get(f"/console/kb/{entry_id}/review").get_data(as_text=True)
    assert 'id="gate-blocked"' in review and 'id="gate-changes"' in review
    publish(reviewer, entry_id, override="1")  # an editor's override is ignored
    assert live_answer(app, entry_id) != "无关答案。"

    admin = as_user("admin1")
    assert "强制发布" in admin.get(f"/console/kb/{entry_id}/review").get_data(as_text=True)
    publish(admin, entry_id, override="1")
    assert live_answer(app, entry_id) == "无关答案。"
    with db(app) as session:
        override = session.scalar(select(AuditEntry).where(AuditEntry.action == "kb.gate_override"))
    assert override is not None and override.who == "admin1"


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name: str):
    token = csrf_token(client, "/console/kb/import")
    return client.post("/console/kb/import", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _count(app, model) -> int:
    with db(app) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_export_then_import_changes_nothing(app, as_user):
    editor = as_user("editor1")
    exported = editor.get("/console/kb/export.xlsx")
    assert exported.mimetype.endswith("sheet")
    before = _count(app, KbVersion)
    page = _upload(editor, exported.data, "kb.xlsx").get_data(as_text=True)
    assert "导入完成" in page and "新建 0 条，修改 0 条" in page
    assert _count(app, KbVersion) == before


def test_an_import_with_a_bad_row_changes_nothing(app, as_user):
    editor = as_user("editor1")
    rows = list(csv.reader(io.StringIO(editor.get("/console/kb/export.csv").data.decode("utf-8-sig"))))
    header, good, bad = rows[0], list(rows[1]), list(rows[2])
    good[header.index("answer")] = "导入修改的答案。"
    bad[header.index("answer")] = ""
    bad[header.index("questions")] = "只有一条"
    versions, audits = _count(app, KbVersion), _count(app, AuditEntry)
    for data, name in ((_xlsx([header, good, bad]), "bad.xlsx"),):
        response = _upload(editor, data, name)
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "第 3 行：缺少答案" in page and "第 3 行：相似问至少 5 条" in page and "没有导入任何条目" in page
    out = io.StringIO()
    csv.writer(out).writerows([header, good, bad])
    assert _upload(editor, out.getvalue().encode("utf-8-sig"), "bad.csv").status_code == 422
    assert _count(app, KbVersion) == versions
    assert _count(app, AuditEntry) == audits


def test_a_good_import_waits_for_review(app, as_user):
    editor = as_user("editor1")
    rows = list(csv.reader(io.StringIO(editor.get("/console/kb/export.csv").data.decode("utf-8-sig"))))
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == "long_term_care-001")
    row[header.index("answer")] = "导入修改的长护险答案。"
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    page = _upload(editor, out.getvalue().encode("utf-8-sig"), "one.csv").get_data(as_text=True)
    assert "修改 1 条" in page
    with db(app) as session:
        assert get_entry(session, "long_term_care-001").state == "in_review"
    assert live_answer(app, "long_term_care-001") != "导入修改的长护险答案。"


def test_a_file_of_the_wrong_kind_is_refused(as_user):
    response = _upload(as_user("editor1"), b"hello", "notes.txt")
    assert "只接受 .xlsx 或 .csv" in response.get_data(as_text=True)
