"""Starts the Rasa server with the project's runtime fixes: `python -m bot.server run ...` (service/stack.py).

Rasa 3.6 checks every action-server response with ``jsonschema.validate(result, schema)``, which
first validates the *schema* against the draft 2020-12 metaschema on every call. With the
jsonschema 4.17 that rasa 3.6.21 pins, that costs about 50 ms per custom action on this 2-core
machine, a third of a whole policy-question turn (measured with py-spy, see BENCHMARKS.md). The
schema never changes, so it is checked once here and every response is validated against the
compiled validator: the same schema, the same errors, 0.04 ms.

Loading a model, Rasa builds DIET's and TED's weights by one training step on one example and
then loads the trained weights over them. That step ran as a traced TensorFlow graph with
gradients, 75 % of a 70 s start here; it runs eagerly now (the weights are replaced right after
anyway) and only the prediction function is traced, as before.

Rasa wraps the tracker store in a ``FailSafeTrackerStore``: a conversation that cannot be read is
replaced by an empty one, and one that cannot be saved is kept in memory only. Either way the
resident is answered and the message is missing from the database (after a PostgreSQL restart the
save of the empty conversation even succeeds and stores nothing: 37 answered messages lost in the
fault run, BENCHMARKS.md). Here the tracker store's error ends the turn instead, and the REST
channel answers its busy text (bot/channels.py): nothing was stored, so sending again is safe.
"""

from __future__ import annotations

import sys
from typing import Any

#: Appended to a validation error, as Rasa's own message does.
ACTION_RESPONSE_HELP = (
    ". Failed to validate Action server response from API, make sure your response from the Action "
    "endpoint is valid. For more information about the format visit https://rasa.com/docs/rasa/custom-actions"
)


def compile_action_response_validation() -> None:
    """Make RemoteAction validate action-server responses with a validator built once."""
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += ACTION_RESPONSE_HELP
            raise
        return True

    RemoteAction._validate_action_result = validate_action_result


def build_loaded_models_eagerly() -> None:
    """Make RasaModel.load build a model's weights with an eager training step instead of a traced one."""
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
    from rasa.utils.tensorflow.models import RasaModel

    traced_load = RasaModel.load.__func__

    def load(cls: type[RasaModel], model_file_name: str, model_data_example: Any,
             predict_data_example: Any = None, finetune_mode: bool = False, *args: Any, **kwargs: Any) -> RasaModel:
        if finetune_mode:  # training goes on: keep Rasa's own path
            return traced_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                               *args, **kwargs)
        config = kwargs.get("config", {})
        model = cls(*args, **kwargs)
        model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True)
        model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
        model.load_weights(model_file_name)
        model.run_eagerly = bool(config.get(RUN_EAGERLY))
        if predict_data_example:
            model.run_inference(predict_data_example)  # traces the prediction function once, as Rasa does
        return model

    RasaModel.load = classmethod(load)


def fail_on_tracker_store_errors() -> None:
    """Give the agent the configured tracker store itself, without Rasa's silent in-memory fallback."""
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
    from rasa.shared.core.domain import Domain

    def create_tracker_store(store: TrackerStore | None, domain: Domain) -> TrackerStore:
        if store is None:
            return InMemoryTrackerStore(domain)
        store.domain = domain
        return store

    Agent._create_tracker_store = staticmethod(create_tracker_store)


def main() -> None:
    """Apply the fixes, then run Rasa's own command line with this process's arguments."""
    compile_action_response_validation()
    build_loaded_models_eagerly()
    fail_on_tracker_store_errors()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
