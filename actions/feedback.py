"""The resident's verdict on an answer (有帮助 / 没帮助, or "没用", "不对" right after it): record it
through the app with the question and the entry that answered it, then reply.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.app_client import AppClient, AppUnavailable
from actions.policy import ANSWERED_ENTRY, previous_question

log = logging.getLogger(__name__)

HELPFUL_INTENT = "feedback_helpful"


class ActionRecordFeedback(Action):
    """Thumbs-up or thumbs-down on the last answer; every other intent that runs it (deny) is thumbs-down."""

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        helpful = (tracker.latest_message.get("intent") or {}).get("name") == HELPFUL_INTENT
        entry_id, question = tracker.get_slot(ANSWERED_ENTRY), previous_question(tracker)
        if entry_id and question:
            try:
                await asyncio.to_thread(self.client.record_feedback, question, entry_id, helpful, tracker.sender_id)
            except AppUnavailable as exc:  # the resident still gets the reply; the verdict is lost
                log.warning("feedback not recorded: %s", exc)
        dispatcher.utter_message(response="utter_feedback_helpful" if helpful else "utter_feedback_unhelpful")
        return [SlotSet(ANSWERED_ENTRY, None)]
