"""Dashboard charts drawn with matplotlib (Agg) into PNG bytes; no Flask here."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from console.tracker import Figures
from knowledge.topics import topic_name

#: Fonts that can draw Chinese; without one the charts fall back to English labels.
CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC")
_CJK_FILE = re.compile(r"wqy|wenquanyi|notosanscjk|notoserifcjk|sourcehan", re.I)


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    """A font family that draws Chinese: a known one, else a CJK font file installed after
    matplotlib built its font cache."""
    from matplotlib import font_manager

    for name in CJK_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
        except ValueError:
            continue
        return name
    for path in font_manager.findSystemFonts():
        if _CJK_FILE.search(Path(path).name):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def _label(chinese: str, english: str) -> str:
    return chinese if _cjk_font() else english


def _figure():  # noqa: ANN202 - a matplotlib Figure and Axes
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    font = _cjk_font()
    if font:
        matplotlib.rcParams["font.family"] = [font, "DejaVu Sans"]
    figure = Figure(figsize=(7.5, 3.2), dpi=100)
    return figure, figure.add_subplot()


def _png(figure) -> bytes:  # noqa: ANN001 - a matplotlib Figure
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def messages_chart(figures: Figures) -> bytes:
    """Residents' messages per day."""
    figure, axes = _figure()
    labels = [day.strftime("%m-%d") for day in figures.days]
    axes.bar(labels, figures.messages, color="#0b6e4f")
    axes.set_title(_label("每日居民消息数", "Messages per day"))
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    return _png(figure)


def rates_chart(figures: Figures) -> bytes:
    """Fallback rate and handoff rate per day, in percent."""
    figure, axes = _figure()
    labels = [day.strftime("%m-%d") for day in figures.days]
    axes.plot(labels, [r * 100 for r in figures.fallback_rate], marker="o", label=_label("未答率", "fallback"))
    axes.plot(labels, [r * 100 for r in figures.handoff_rate], marker="s", label=_label("转人工率", "handoff"))
    axes.set_ylabel("%")
    axes.set_ylim(bottom=0)
    axes.legend()
    axes.set_title(_label("每日未答率与转人工率", "Fallback and handoff rate per day"))
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    return _png(figure)


def topics_chart(figures: Figures) -> bytes:
    """The policy topics residents asked about most."""
    figure, axes = _figure()
    names = [_label(topic_name(topic), topic) for topic, _ in reversed(figures.topics)]
    axes.barh(names or ["-"], [count for _, count in reversed(figures.topics)] or [0], color="#52606d")
    axes.set_title(_label("热门话题", "Top topics"))
    axes.tick_params(axis="y", labelsize=8)
    return _png(figure)


CHARTS = {"messages": messages_chart, "rates": rates_chart, "topics": topics_chart}
