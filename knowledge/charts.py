"""Bar charts of retrieval results that people compare (modes on a set, sets side by side), as PNG."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

#: Metrics drawn for each mode, in this order.
CHART_METRICS = ("recall@1", "recall@10", "mrr@10", "ndcg@10")


def grouped_bars(
    groups: Mapping[str, Mapping[str, float]],
    path: Path,
    title: str,
    series: Sequence[str] | None = None,
    ylabel: str = "score",
) -> Path:
    """Draw ``groups`` (group label → series label → value) as grouped bars into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = list(groups)
    series = list(series or dict.fromkeys(s for values in groups.values() for s in values))
    width = 0.8 / max(len(series), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(labels) + 2), 4.0))
    for i, name in enumerate(series):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(labels))]
        values = [groups[label].get(name, 0.0) for label in labels]
        bars = ax.bar(xs, values, width, label=name)
        ax.bar_label(bars, fmt="%.3g", fontsize=7, padding=1)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def modes_chart(results: Mapping[str, Mapping[str, float]], path: Path, title: str) -> Path:
    """One group per metric, one bar per mode (``results``: mode → metrics)."""
    groups = {metric: {mode: values[metric] for mode, values in results.items()} for metric in CHART_METRICS}
    return grouped_bars(groups, path, title, series=list(results))
