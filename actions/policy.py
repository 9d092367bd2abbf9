"""Policy questions: ask the knowledge base, reply with the passage and its source, or say not sure."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.api.app_client import AppClient, AppUnavailable
from privacy import contains_redactions

log = logging.getLogger(__name__)

#: The intent of "我是青岛的": answer the previous question again for that region.
REGION_INTENT = "inform_region"


def previous_question(tracker: Tracker) -> str | None:
    """The resident's last message before this one that was not just naming a region."""
    user_events = [event for event in tracker.events if event.get("event") == "user"]
    for event in reversed(user_events[:-1]):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != REGION_INTENT and event.get("text") and not event["text"].startswith("/"):
            return event["text"]
    return None


class ActionAnswerPolicy(Action):
    """Answer a policy question from the knowledge base (also runs on nlu_fallback)."""

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return "action_answer_policy"

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
                return []
        try:
            result = await asyncio.to_thread(
                self.client.answer, text, tracker.sender_id, tracker.get_slot("region"), intent
            )
        except AppUnavailable as exc:
            log.warning("knowledge API unavailable: %s", exc)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if not result.get("answered"):
            dispatcher.utter_message(response="utter_kb_not_sure")
            return []
        dispatcher.utter_message(
            response="utter_kb_answer", answer=result["answer"], title=result["title"], citation=result["citation"]
        )
        if result.get("region_note"):
            dispatcher.utter_message(response="utter_kb_region_note", region=result["region"], year=result["year"])
        related = result.get("related") or []
        if related:
            buttons = [{"title": item["question"], "payload": item["question"]} for item in related]
            dispatcher.utter_message(response="utter_kb_related", buttons=buttons)
        return []
