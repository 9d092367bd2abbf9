"""Rasa messages → WeChat text: merging, numbered choices, splitting by UTF-8 size."""

from __future__ import annotations

import pytest

from webhook.replies import MAX_PARTS, as_choice, render, split_text, utf8_len
from webhook.texts import load_texts

TEXTS = load_texts()


def test_messages_are_merged_with_a_blank_line_and_buttons_numbered_across_them():
    reply = render(
        [
            {"text": "异地就医需要先备案。\n依据：《办法》"},
            {"text": "您可能还想问：", "buttons": [{"title": "备案要什么材料", "payload": "备案要什么材料"}]},
            {"text": "", "buttons": [{"title": "转人工客服", "payload": "/human_handoff"}]},
        ],
        TEXTS,
    )
    assert reply.text == "异地就医需要先备案。\n依据：《办法》\n\n您可能还想问：\n回复1：备案要什么材料\n\n回复2：转人工客服"
    assert reply.payloads == ("备案要什么材料", "/human_handoff")


def test_odd_messages_are_skipped_not_fatal():
    reply = render([{"custom": {"x": 1}}, {"buttons": ["nonsense", {"title": "no payload"}]}, {"image": "http://x/y.png"}], TEXTS)
    assert reply.text == "http://x/y.png"
    assert reply.payloads == ()


@pytest.mark.parametrize(("answer", "expected"), [("1", "a"), ("２", "b"), (" 回复1 ", "a"), ("3", None), ("0", None), ("一", None), ("12a", None)])
def test_a_number_picks_the_choice(answer, expected):
    assert as_choice(answer, ("a", "b")) == expected


def test_short_text_is_one_part():
    assert split_text("  起付线是800元。 ", 2048) == ["起付线是800元。"]


@pytest.mark.parametrize("limit", [20, 64, 2048])
def test_parts_fit_the_limit_and_keep_every_character(limit):
    text = ("医保报销需要先备案，备案后按规定比例报销。🏥 Emoji and ASCII too! " * 120).strip()
    parts = split_text(text, limit, max_parts=10_000)
    assert all(utf8_len(part) <= limit for part in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")
    for part in parts:
        part.encode("utf-8").decode("utf-8")  # whole characters only


def test_splits_prefer_paragraphs_then_sentences():
    paragraph = "甲" * 600  # 1800 bytes
    parts = split_text(f"{paragraph}\n\n{paragraph}", 2048)
    assert parts == [paragraph, paragraph]
    sentence = "乙" * 300 + "。"
    parts = split_text(sentence * 3, 2048)
    assert parts[0].endswith("。") and utf8_len(parts[0]) <= 2048


def test_too_long_an_answer_is_cut_with_an_ellipsis():
    parts = split_text("丙" * 10_000, 100)
    assert len(parts) == MAX_PARTS
    assert parts[-1].endswith("……") and utf8_len(parts[-1]) <= 100


def test_welcome_lists_topics_as_choices():
    welcome = TEXTS.welcome_text()
    assert "回复1：" in welcome and TEXTS.topics[0] in welcome
    assert set(TEXTS.menu.values()) >= set(TEXTS.topics)
