"""The Rasa-side runtime pieces (bot/server.py, bot/tracker_store.py), run in the real Rasa environment."""

from __future__ import annotations

import json
import subprocess
import textwrap

import pytest

from service.settings import REPO_ROOT
from service.stack import RASA_PYTHON

pytestmark = pytest.mark.integration


def run_in_rasa(code: str) -> dict:
    """Run ``code`` with the Rasa environment's Python; it prints one JSON object last."""
    if not RASA_PYTHON.exists():
        pytest.fail(f"no Rasa environment at {RASA_PYTHON}; run `make setup`")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", textwrap.dedent(code)], cwd=REPO_ROOT, capture_output=True, text=True,
        timeout=300, env={"PYTHONPATH": str(REPO_ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_action_responses_are_still_validated_after_the_fix():
    result = run_in_rasa(
        """
        import json
        from jsonschema import ValidationError
        from rasa.core.actions.action import RemoteAction
        from bot.server import compile_action_response_validation

        compile_action_response_validation()
        action = RemoteAction("action_answer_policy", None)
        good = {"events": [{"event": "slot", "name": "region", "value": "青岛"}],
                "responses": [{"response": "utter_kb_answer", "answer": "可以报销", "buttons": []}]}
        ok = action._validate_action_result(good)
        try:
            action._validate_action_result({"events": "not a list", "responses": []})
            error = None
        except ValidationError as exc:
            error = exc.message
        print(json.dumps({"ok": ok, "error": error}))
        """
    )
    assert result["ok"] is True
    assert result["error"] and "Failed to validate Action server response" in result["error"]


def test_sqlite_tracker_store_keeps_conversations_in_wal_mode(tmp_path):
    database = tmp_path / "tracker.db"
    result = run_in_rasa(
        f"""
        import asyncio
        import json

        import sqlalchemy as sa
        from rasa.shared.core.domain import Domain
        from rasa.shared.core.events import UserUttered, BotUttered
        from rasa.shared.core.trackers import DialogueStateTracker
        from bot.tracker_store import TrackerStore

        domain = Domain.empty()
        store = TrackerStore(domain=domain, dialect="sqlite", db={str(database)!r})
        tracker = DialogueStateTracker.from_events("r1", [UserUttered("去外省住院怎么报销"), BotUttered("先备案")])
        asyncio.run(store.save(tracker))
        again = asyncio.run(TrackerStore(domain=domain, dialect="sqlite", db={str(database)!r}).retrieve("r1"))
        with store.engine.connect() as connection:
            mode = connection.execute(sa.text("PRAGMA journal_mode")).scalar()
        print(json.dumps({{"texts": [e.text for e in again.events if hasattr(e, "text")], "mode": mode}}))
        """
    )
    assert result["texts"] == ["去外省住院怎么报销", "先备案"]
    assert result["mode"] == "wal"


def test_models_built_eagerly_still_predict_through_a_traced_function():
    from bot.training import model_path

    result = run_in_rasa(
        f"""
        import asyncio
        import json

        from rasa.core.agent import Agent
        from rasa.utils.tensorflow.models import RasaModel
        from bot.server import build_loaded_models_eagerly

        built = []
        build_loaded_models_eagerly()
        eager_load = RasaModel.load.__func__

        def recording_load(cls, *args, **kwargs):
            model = eager_load(cls, *args, **kwargs)
            built.append(model)
            return model

        RasaModel.load = classmethod(recording_load)
        agent = Agent.load({str(model_path())!r})
        parsed = asyncio.run(agent.parse_message("去外地住院要备案吗"))
        print(json.dumps({{"intent": parsed["intent"]["name"], "confidence": parsed["intent"]["confidence"],
                           "eager": [model.run_eagerly for model in built],
                           "traced": [model._tf_predict_step is not None for model in built]}}))
        """
    )
    assert result["intent"] not in ("nlu_fallback", None) and result["confidence"] > 0.5
    assert result["eager"] and not any(result["eager"])  # DIET and TED predict through tf.function
    assert all(result["traced"])
