"""The team's dev set through the production search: hit@1/hit@3, false answers, threshold calibration.

Answerable questions (expected ids) give hit@k; unanswerable ones (expected []) must get the
not-sure reply, i.e. a confidence below `search.threshold` of knowledge/fusion.yml. `--write` puts
the calibrated threshold (knowledge.devset.calibrate, with the sanity questions below) into the file.

`--compare DIR` (repeatable) also runs the dev set with the encoder in DIR (the base model, or the
float32 folder training wrote against the float16 weights installed from knowledge/weights/) and
reports its scores, how many top answers differ and the cosine drift of the questions' vectors.

Usage: python -m bench.retrieval_devset [--write] [--compare DIR ...]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from bench.report import RESULTS_DIR, save_json, update_section
from knowledge import devset
from knowledge.encoder import Encoder
from knowledge.entries import load_entries
from knowledge.evaluate import VECTOR_CACHE_DIR
from knowledge.fusion import FUSION_FILE
from knowledge.search import KnowledgeSearch, configured_settings
from knowledge.vector_cache import VectorCache

#: The not-sure reply must come for these, and must not for the others (issue 3).
MUST_REFUSE = ("明天天气怎么样",)
MUST_ANSWER = ("我的慢病卡刷不了怎么办", "去外省住院怎么报销", "慢病卡在药店刷不出来")


def production_search(model: Path | None = None) -> KnowledgeSearch:
    """KnowledgeSearch over the entry files with the production encoder (or ``model``) and a vector cache."""
    encoder = Encoder(model)
    cache = VectorCache(VECTOR_CACHE_DIR / "knowledge_base", encoder) if encoder.available else None
    return KnowledgeSearch(load_entries(), encoder, cache)


def confidence(search: KnowledgeSearch, question: str) -> float:
    hits = search.search(question, k=1)
    return hits[0].confidence if hits else 0.0


def compare(search: KnowledgeSearch, outcomes: list[devset.Outcome], other_dir: Path, threshold: float) -> dict:
    """The dev set with another encoder folder: scores, changed top answers, cosine drift of the questions."""
    other = production_search(other_dir)
    other_outcomes = devset.run(other, devset.load_devset())
    questions = [o.item.question for o in outcomes]
    drift = 1.0 - np.sum(search.encoder.encode(questions) * other.encoder.encode(questions), axis=1)
    return {
        "model_dir": str(other_dir),
        **devset.scores(other_outcomes, threshold),
        "top1_changed": sum(a.top[:1] != b.top[:1] for a, b in zip(outcomes, other_outcomes, strict=True)),
        "max_confidence_change": round(max(abs(a.confidence - b.confidence)
                                           for a, b in zip(outcomes, other_outcomes, strict=True)), 5),
        "max_cosine_drift": float(drift.max()),
        "mean_cosine_drift": float(drift.mean()),
    }


def write_threshold(value: float) -> None:
    """Replace `threshold:` under `search:` in fusion.yml, keeping the comments."""
    text = FUSION_FILE.read_text(encoding="utf-8")
    text, count = re.subn(r"^  threshold: .*$", f"  threshold: {value:.3f}", text, count=1, flags=re.M)
    if count != 1:
        raise ValueError(f"no `threshold:` line in {FUSION_FILE}")
    FUSION_FILE.write_text(text, encoding="utf-8")


def chart(outcomes: list[devset.Outcome], threshold: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    answerable = [o.confidence for o in outcomes if o.item.expected]
    unanswerable = [o.confidence for o in outcomes if not o.item.expected]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    bins = np.linspace(0, 1, 41)
    ax.hist(answerable, bins=bins, alpha=0.7, label=f"answerable ({len(answerable)})")
    ax.hist(unanswerable, bins=bins, alpha=0.7, label=f"unanswerable ({len(unanswerable)})")
    ax.axvline(threshold, color="#c0392b", linestyle="--", label=f"threshold {threshold:.3f}")
    ax.set_xlabel("confidence of the first hit")
    ax.set_ylabel("dev questions")
    ax.legend(fontsize=8)
    fig.tight_layout()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    fig.savefig(RESULTS_DIR / "retrieval_devset.png", dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the calibrated threshold into fusion.yml")
    parser.add_argument("--compare", type=Path, action="append", default=[],
                        help="also run the dev set with the encoder folder DIR (repeatable)")
    args = parser.parse_args()
    search = production_search()
    outcomes = devset.run(search, devset.load_devset())
    refuse = [confidence(search, q) for q in MUST_REFUSE]
    answer = [confidence(search, q) for q in MUST_ANSWER]
    current = configured_settings().threshold
    calibrated = round(devset.calibrate(outcomes, refuse, answer), 3)
    threshold = calibrated if args.write else current
    if args.write:
        write_threshold(calibrated)
    result = devset.scores(outcomes, threshold)
    model = search.encoder.path.name if search.encoder is not None else "none (lexical)"
    payload = {"model": model, "threshold": threshold, "calibrated": calibrated, **result,
               "sanity": {**dict(zip(MUST_REFUSE, refuse, strict=True)), **dict(zip(MUST_ANSWER, answer, strict=True))}}
    payload["compared"] = [compare(search, outcomes, folder, threshold) for folder in args.compare]
    save_json("retrieval_devset", payload)
    chart(outcomes, threshold)
    print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in payload.items()})
    sanity = "; ".join(f"{q} {c:.3f}" for q, c in payload["sanity"].items())
    compared = "".join(
        f"\n\nSame dev set and threshold with the encoder in `{c['model_dir']}`: hit@1 {c['hit@1']:.3f}, "
        f"hit@3 {c['hit@3']:.3f}, false answers {c['false_answer_rate']:.3f}; top answer changed for "
        f"{c['top1_changed']} of {len(outcomes)} questions; largest confidence change {c['max_confidence_change']:.5f}; "
        f"cosine drift of the questions' vectors max {c['max_cosine_drift']:.2e}, mean {c['mean_cosine_drift']:.2e}."
        for c in payload["compared"])
    update_section("retrieval_devset", f"""## Dev set: the production search on the team's questions (issue 3)

`python -m bench.retrieval_devset`: knowledge/devset/*.yml through `KnowledgeSearch` (model `{model}`).
{result['answerable']} answerable questions, {result['unanswerable']} unanswerable (expected []).

| hit@1 | hit@3 | threshold | answered & right | answered & wrong | not sure (answerable) | false answers (unanswerable) |
|---|---|---|---|---|---|---|
| {result['hit@1']:.3f} | {result['hit@3']:.3f} | {threshold:.3f} | {result['answered_correct']:.3f} | {result['answered_wrong']:.3f} | {result['not_sure_on_answerable']:.3f} | {result['false_answer_rate']:.3f} |

The threshold is calibrated on this dev set (balanced accuracy between answerable and unanswerable
questions, with sanity questions that must or must not get the not-sure reply); their confidences:
{sanity}. Chart of the confidences: `bench/results/retrieval_devset.png`.{compared}""")


if __name__ == "__main__":
    main()
