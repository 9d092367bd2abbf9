"""Mark a query's words in a passage: the words the search matched, and their synonyms."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from knowledge import segment
from knowledge.normalize import normalize_text


def query_terms(query: str) -> list[str]:
    """The query's words (two characters or more) and every synonym variant of them, longest first."""
    words = {word for word in segment.words(normalize_text(query)) if len(word) >= 2}
    variants = {variant for variant, canonical in segment.synonym_table().items() if canonical in words}
    return sorted(words | variants, key=len, reverse=True)


def highlight(text: str, terms: Iterable[str]) -> Markup:
    """``text`` HTML-escaped, with each occurrence of ``terms`` wrapped in <mark>."""
    terms = [term for term in terms if term]
    if not terms:
        return Markup(escape(text))
    pattern = re.compile("(" + "|".join(map(re.escape, terms)) + ")")
    parts = pattern.split(text)
    return Markup("".join(
        f"<mark>{escape(part)}</mark>" if index % 2 else str(escape(part)) for index, part in enumerate(parts)))
