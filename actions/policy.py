"""Policy questions: ask the knowledge base, reply with the passage and its source, or say not sure."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.app_client import AppClient, AppUnavailable
from actions.verification import chat_identity
from privacy import contains_redactions

log = logging.getLogger(__name__)

#: The intent of "我是青岛的": answer the previous question again for that region.
REGION_INTENT = "inform_region"
ACTION_NAME = "action_answer_policy"
#: The entry of the last answer, for the resident's 有帮助 / 没帮助 (actions/feedback.py).
ANSWERED_ENTRY = "answered_entry"


def previous_question(tracker: Tracker) -> str | None:
    """The resident's last policy question before this message (one this action answered)."""
    events = list(tracker.events)
    latest_user = max((i for i, event in enumerate(events) if event.get("event") == "user"), default=0)
    question, found = None, None
    for event in events[:latest_user]:
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            question = event.get("text") if intent != REGION_INTENT else None
        elif event.get("event") == "action" and event.get("name") == ACTION_NAME and question:
            found = question
    return found


class ActionAnswerPolicy(Action):
    """Answer a policy question from the knowledge base (also runs on nlu_fallback)."""

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return ACTION_NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        if contains_redactions(text):
            dispatcher.utter_message(response="utter_no_id_in_chat")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == REGION_INTENT:
            text = previous_question(tracker)
            if text is None:
                dispatcher.utter_message(response="utter_region_noted", region=tracker.get_slot("region"))
                return [SlotSet(ANSWERED_ENTRY, None)]
        try:
            sender, channel = chat_identity(tracker)
            result = await asyncio.to_thread(
                self.client.answer, text, sender, tracker.get_slot("region"), intent, channel
            )
        except AppUnavailable as exc:
            log.warning("knowledge API unavailable: %s", exc)
            dispatcher.utter_message(response="utter_service_unavailable")
            return [SlotSet(ANSWERED_ENTRY, None)]
        if not result.get("answered"):
            dispatcher.utter_message(response="utter_kb_not_sure")
            return [SlotSet(ANSWERED_ENTRY, None)]
        dispatcher.utter_message(
            response="utter_kb_answer", answer=result["answer"], title=result["title"], citation=result["citation"]
        )
        if result.get("region_note"):
            dispatcher.utter_message(response="utter_kb_region_note", region=result["region"], year=result["year"])
        related = result.get("related") or []
        if related:
            buttons = [{"title": item["question"], "payload": item["question"]} for item in related]
            dispatcher.utter_message(response="utter_kb_related", buttons=buttons)
        dispatcher.utter_message(response="utter_ask_feedback")
        return [SlotSet(ANSWERED_ENTRY, result["entry_id"])]
