"""Segmentation for retrieval: jieba words with the project's user dictionary and synonyms, or characters.

The user dictionary (knowledge/dictionary/jieba/) is the same one Rasa's JiebaTokenizer loads.
Synonyms (knowledge/dictionary/synonyms.yml) map residents' words to the policy's words, so
"慢病卡" and "门诊慢特病" meet in the lexical index.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import yaml

DICTIONARY_DIR = Path(__file__).parent / "dictionary"
USER_DICT_DIR = DICTIONARY_DIR / "jieba"
SYNONYMS_FILE = DICTIONARY_DIR / "synonyms.yml"

#: Words too common to help ranking.
STOPWORDS = frozenset(
    ["的", "了", "吗", "呢", "吧", "啊", "呀", "么", "嘛", "哦", "是", "我", "你", "他", "她", "它", "们", "我们", "这", "那", "个", "在", "有", "和", "与", "及", "或", "就", "都", "也", "还", "要", "会", "能", "可以", "怎么", "怎么办", "怎样", "如何", "什么", "为什么", "为啥", "啥", "哪", "哪里", "哪些", "多少", "请问", "一下", "一个", "没有", "不", "没", "吗?", "?", "!", ",", ".", "、", ":", ";", "(", ")", "[", "]", "“", "”", "‘", "’", "《", "》", "-", "/", "~", "…", "。", "，", "？", "！", "：", "；"]
)
_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]+")


@lru_cache(maxsize=1)
def _tokenizer():  # noqa: ANN202 - jieba has no type stubs
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for path in sorted(USER_DICT_DIR.glob("*.txt")):
        tokenizer.load_userdict(str(path))
    tokenizer.initialize()
    for variant, canonical in synonym_table().items():
        for word in (variant, canonical):
            if word not in tokenizer.FREQ or not tokenizer.FREQ[word]:
                tokenizer.add_word(word)  # keep synonyms whole without lowering known frequencies
    return tokenizer


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    if not SYNONYMS_FILE.exists():
        return {}
    table = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    mapping: dict[str, str] = {}
    for canonical, variants in table.items():
        for variant in variants or []:
            mapping[str(variant)] = str(canonical)
    return mapping


def synonym_table() -> dict[str, str]:
    """Variant → canonical word, from knowledge/dictionary/synonyms.yml."""
    return _synonyms()


def words(text: str) -> list[str]:
    """jieba words of normalised text, synonyms mapped to their canonical form, stopwords dropped."""
    mapping = _synonyms()
    tokens = []
    for token in _tokenizer().lcut(text):
        token = token.strip()
        if not token or token in STOPWORDS:
            continue
        tokens.append(mapping.get(token, token))
    return tokens


def characters(text: str) -> list[str]:
    """Single CJK characters and latin/digit runs of normalised text, after synonym mapping."""
    return [token for token in _CJK_OR_WORD.findall(apply_synonyms(text)) if token not in STOPWORDS]


def apply_synonyms(text: str) -> str:
    """Rewrite each synonym variant in ``text`` to its canonical word (longest variants first)."""
    mapping = _synonyms()
    if not mapping:
        return text
    return _synonym_pattern().sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


@lru_cache(maxsize=1)
def _synonym_pattern() -> re.Pattern[str]:
    # Canonical words match themselves first, so 门诊慢特病 never has its 慢特病 rewritten.
    forms = set(_synonyms()) | set(_synonyms().values())
    return re.compile("|".join(map(re.escape, sorted(forms, key=len, reverse=True))))
