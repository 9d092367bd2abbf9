"""Last step of the flow: turn search hits into the reply's facts (answer, citation, related questions).

Returns data, not prose: the wording lives in the bot's responses (bot/domain/policy.yml).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from knowledge.search import Hit, KnowledgeSearch, region_matches

#: Related questions offered as quick replies.
MAX_RELATED = 2


@dataclass
class Answer:
    """What the assistant can say about a question."""

    answered: bool
    confidence: float
    entry_id: str | None = None
    title: str | None = None
    answer: str | None = None
    citation: str | None = None
    region: str | None = None
    year: int | None = None
    topic: str | None = None
    region_note: bool = False  # a regional rule given to a resident whose region is unknown
    related: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def answer_question(search: KnowledgeSearch, question: str, region: str | None = None) -> Answer:
    """Best answer for ``question``; ``answered`` is False below the confidence threshold."""
    hits = search.search(question, region=region, k=MAX_RELATED + 3)
    if not hits:
        return Answer(answered=False, confidence=0.0)
    best = hits[0]
    if best.confidence < search.settings.threshold:
        return Answer(answered=False, confidence=round(best.confidence, 4), related=_related(hits[:MAX_RELATED]))
    entry = best.entry
    return Answer(
        answered=True,
        confidence=round(best.confidence, 4),
        entry_id=entry.id,
        title=entry.title,
        answer=entry.answer,
        citation=entry.citation,
        region=entry.region_name,
        year=entry.effective,
        topic=entry.topic,
        region_note=entry.is_regional and not region_matches(entry, region),
        related=_related(hits[1:], exclude=entry.id),
    )


def _related(hits: list[Hit], exclude: str | None = None) -> list[dict]:
    related = []
    for hit in hits:
        if hit.entry.id == exclude:
            continue
        related.append({"entry_id": hit.entry.id, "question": hit.entry.questions[0]})
        if len(related) == MAX_RELATED:
            break
    return related
