"""texts.yaml: every reason code has wording, a valid verdict and topics from shared/domain/topics.md."""

from __future__ import annotations

import string

import pytest

from knowledge.topics import all_topics
from members.eligibility.reasons import ALL_CODES, ORDER, reason, texts
from members.eligibility.wording import fill
from members.enums import Verdict

#: The 34 topics of shared/domain/topics.md.
TOPICS = set(all_topics())


def test_order_has_the_41_codes_once() -> None:
    assert len(ORDER) == 41 == len(set(ORDER))
    assert set(texts()["reasons"]) == set(ALL_CODES)


@pytest.mark.parametrize("code", ALL_CODES)
def test_reason_wording(code: str) -> None:
    spec = reason(code)
    assert spec.verdict in Verdict and spec.summary and spec.basis
    assert set(spec.topics) <= TOPICS
    for name, variant in spec.variants.items():
        assert set(variant.get("topics", [])) <= TOPICS, name
        for template in (variant["reply"], *variant.get("next_steps", [])):
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            filled = fill(template, dict.fromkeys(fields, "X"))
            assert "{" not in filled and "系统未显示" not in filled


def test_missing_fact_reads_as_not_shown() -> None:
    assert fill("缴到{paid_through}", {}) == "缴到系统未显示"
    assert fill("缴到{paid_through}", {"paid_through": "2025-02-28"}) == "缴到2025年2月28日"
