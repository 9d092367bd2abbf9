"""Staff's view of residents' ratings: thumbs-down questions on 未答问题 beside low-confidence ones,
with the entry that was given, and the counts on the dashboard."""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlparse

from knowledge.feedback import record_feedback
from knowledge.unanswered import record_unanswered
from tests.unit.console.conftest import db

ENTRY = "maternity-feedback-test"


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr class="group">(.*?)</tr>', page, re.S)


def test_thumbs_down_questions_are_grouped_with_low_confidence_ones_and_show_the_entry(app, as_user):
    with db(app) as session:
        record_unanswered(session, "生育津贴男职工能不能领", 0.1, None, "r1", "salt")
        record_feedback(session, "生育津贴男职工可不可以领", ENTRY, False, "r2", "salt")
        record_feedback(session, "生育津贴男职工能领吗", ENTRY, False, "r3", "salt")
        record_feedback(session, "生育津贴男职工能领吗？", ENTRY, True, "r4", "salt")  # helped: not listed
    editor = as_user("editor1")
    page = editor.get("/console/unanswered").get_data(as_text=True)
    row = next(r for r in _rows(page) if "生育津贴男职工" in r)
    assert "低置信 1" in row and "差评 2" in row and "<td>3</td>" in row
    assert f'href="/console/kb/{ENTRY}"' in row and f"{ENTRY}</a> ×2" in row
    link = html.unescape(re.search(r'href="(/console/kb/new\?question=[^"]+)"', row).group(1))
    questions = parse_qs(urlparse(link).query)["question"][0].splitlines()
    assert "生育津贴男职工可不可以领" in questions and "生育津贴男职工能领吗？" not in questions
    form = editor.get(link).get_data(as_text=True)
    assert "生育津贴男职工可不可以领" in form  # the new entry starts with the residents' wordings


def test_the_kind_filter_lists_only_thumbs_down_or_only_low_confidence(app, as_user):
    with db(app) as session:
        record_unanswered(session, "医保能报销宠物医院吗", 0.05, None, "r5", "salt")
        record_feedback(session, "长护险怎么申请评估", "long_term_care-01", False, "r6", "salt")
    editor = as_user("editor1")
    down = editor.get("/console/unanswered?kind=thumbs_down").get_data(as_text=True)
    low = editor.get("/console/unanswered?kind=low_confidence").get_data(as_text=True)
    assert "长护险怎么申请评估" in down and "医保能报销宠物医院吗" not in down
    assert "医保能报销宠物医院吗" in low and "长护险怎么申请评估" not in low
    assert all("差评" in row for row in _rows(down)) and not any("差评" in row for row in _rows(low))
    assert editor.get("/console/unanswered?kind=bogus").status_code == 200


def test_dashboard_counts_ratings_and_names_the_disliked_entries(app, as_user):
    with db(app) as session:
        for helpful in (False, False, False, True):
            record_feedback(session, "门诊统筹一年能报多少", "outpatient-dash-test", helpful, "r7", "salt")
        old = record_feedback(session, "门诊统筹一年能报多少", "outpatient-old-test", False, "r7", "salt")
        old.created_at = datetime(2020, 1, 1, tzinfo=timezone.utc)
    page = as_user("editor1").get("/console/dashboard?days=7").get_data(as_text=True)
    ratings = re.search(r'<div class="figures" id="ratings">(.*?)</div>\s*<table', page, re.S).group(1)
    helpful, unhelpful = (int(n) for n in re.findall(r"<strong>(\d+)</strong>", ratings))
    assert helpful >= 1 and unhelpful >= 3 and "差评率" in ratings
    assert 'href="/console/kb/outpatient-dash-test">outpatient-dash-test</a></td><td>3</td>' in page
    assert "outpatient-old-test" not in page
