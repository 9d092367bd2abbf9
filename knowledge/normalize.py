"""First step of the flow: make a resident's text uniform before NLU and retrieval.

Full-width → half-width (NFKC), traditional → simplified (OpenCC), privacy redaction, unified
punctuation and spacing, and dialect/colloquial forms (knowledge/dictionary/dialect.yml) rewritten
to standard Mandarin. Used by Rasa's pipeline (bot/components/normalizer.py) and by the search.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from privacy import redact

DIALECT_FILE = Path(__file__).parent / "dictionary" / "dialect.yml"

_SPACES = re.compile(r"\s+")
_REPEATED_PUNCT = re.compile(r"([?？!！。，,~～…])\1+")


@lru_cache(maxsize=1)
def _converter():  # noqa: ANN202 - opencc has no type stubs
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _dialect_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = yaml.safe_load(DIALECT_FILE.read_text(encoding="utf-8")) or {}
    forms = sorted(table, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, forms))), table


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones (OpenCC t2s)."""
    return _converter().convert(text)


def normalize_text(text: str) -> str:
    """Return the canonical form of a resident's message (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    text = redact(text)
    text = _SPACES.sub(" ", text).strip()
    text = _REPEATED_PUNCT.sub(r"\1", text)
    pattern, table = _dialect_pattern()
    text = pattern.sub(lambda m: table[m.group(0)], text)
    return text.lower()
