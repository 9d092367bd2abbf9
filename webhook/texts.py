"""The channel's own wording (welcome, menu questions, "please type", "busy"), from texts.yml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TEXTS_PATH = Path(__file__).resolve().parent / "texts.yml"


@dataclass(frozen=True)
class Texts:
    """Everything the channel says without asking Rasa."""

    welcome: str
    topics: tuple[str, ...]
    menu: dict[str, str]
    choice: str
    please_type: str
    unknown_menu: str
    too_long: str
    busy: str
    placeholders: dict[str, str]

    def choices(self, titles: list[str]) -> str:
        """Numbered lines ("回复1：...") for button titles."""
        return "\n".join(self.choice.format(number=n, title=title) for n, title in enumerate(titles, start=1))

    def welcome_text(self) -> str:
        """The welcome, with the common topics as numbered choices."""
        return self.welcome.format(topics=self.choices(list(self.topics)))

    def placeholder(self, msg_type: str) -> str:
        """What an agent sees for a message that is not text."""
        return self.placeholders.get(msg_type, self.placeholders["other"])


@lru_cache(maxsize=1)
def load_texts(path: Path = TEXTS_PATH) -> Texts:
    """Read texts.yml once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Texts(
        welcome=data["welcome"],
        topics=tuple(data["topics"]),
        menu={str(key): str(value) for key, value in data["menu"].items()},
        choice=data["choice"],
        please_type=data["please_type"],
        unknown_menu=data["unknown_menu"],
        too_long=data["too_long"],
        busy=data["busy"],
        placeholders=dict(data["placeholders"]),
    )
