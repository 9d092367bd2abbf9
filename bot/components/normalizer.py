"""Rasa NLU component, first in config.yml's pipeline: normalise each message's text.

Wraps knowledge.normalize.normalize_text (繁→简, width, redaction, dialect forms) so that
training examples and residents' messages reach the tokenizer in the same canonical form.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.normalize import normalize_text


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class ChineseNormalizer(GraphComponent):
    """Rewrites TEXT in place; entity offsets in training data are kept when the length is kept."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ChineseNormalizer:
        return cls()

    def _normalize(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text or text.startswith("/"):
            return  # empty, or a button payload such as /human_handoff
        normalized = normalize_text(text)
        if message.get("entities") and len(normalized) != len(text):
            return  # annotated example whose offsets would shift: keep it as written
        message.set(TEXT, normalized)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalise every training example."""
        for example in training_data.training_examples:
            self._normalize(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Normalise incoming messages."""
        for message in messages:
            self._normalize(message)
        return messages
