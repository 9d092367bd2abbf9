"""Starts the Rasa server with the project's runtime fixes: `python -m bot.server run ...` (service/stack.py).

Rasa 3.6 checks every action-server response with ``jsonschema.validate(result, schema)``, which
first validates the *schema* against the draft 2020-12 metaschema on every call. With the
jsonschema 4.17 that rasa 3.6.21 pins, that costs about 50 ms per custom action on this 2-core
machine, a third of a whole policy-question turn (measured with py-spy, see BENCHMARKS.md). The
schema never changes, so it is checked once here and every response is validated against the
compiled validator: the same schema, the same errors, 0.04 ms.
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


def main() -> None:
    """Apply the fixes, then run Rasa's own command line with this process's arguments."""
    compile_action_response_validation()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
