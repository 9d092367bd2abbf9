"""The eligibility check in the chat: prefill from the resident's words, ask what is missing, check.

The app reads the words (service/member_api.py: facility names of the member's region, catalogue
drug names and aliases, the member's certified diseases, emergency words) and runs the check on the
member's own record; these actions only move its answers between slots and responses.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api.app_client import AppClient, AppRefused, AppUnavailable
from actions.verification import MEMBER_REF, chat_identity

log = logging.getLogger(__name__)

PREFIX = "eligibility_"
#: What the form asks, in order; the app's parse answers by these names without the prefix.
ASKED = ("place", "facility", "subject", "emergency")
#: Details that travel with an answer: the drug and disease with the subject, a stay with the place.
DETAILS = ("item", "disease", "inpatient")
START_ACTION = "action_start_eligibility"


def slot(part: str) -> str:
    return PREFIX + part


def asked_parts(place: str | None) -> list[str]:
    """The questions for a place: whether it was an emergency is asked only about hospitals."""
    return [part for part in ASKED if not (part == "emergency" and place == "pharmacy")]


def situation_from_slots(tracker: Tracker) -> dict[str, Any]:
    """The situation the slots hold, in the app's names."""
    return {part: tracker.get_slot(slot(part)) for part in (*ASKED, *DETAILS)}


def parsed_this_turn(tracker: Tracker) -> bool:
    """True when action_start_eligibility already read the latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == START_ACTION:
            return True
    return False


async def parse(client: AppClient, tracker: Tracker, asked: str | None) -> dict[str, Any]:
    """The app's reading of the latest message (empty when the app cannot be reached)."""
    text = tracker.latest_message.get("text") or ""
    try:
        return await asyncio.to_thread(
            client.parse_situation, *chat_identity(tracker), tracker.get_slot(MEMBER_REF), text, asked
        )
    except AppUnavailable as exc:
        log.warning("situation parse unavailable: %s", exc)
        return {}


class ActionStartEligibility(Action):
    """Verified: forget the previous check, read the current message, then check or ask the rest."""

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return START_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if not tracker.get_slot(MEMBER_REF):
            return []
        parsed = await parse(self.client, tracker, None)
        values = {part: parsed.get(part) for part in (*ASKED, *DETAILS)}
        events: list[dict[str, Any]] = [SlotSet(slot(part), value) for part, value in values.items()]
        complete = all(values[part] is not None for part in asked_parts(values["place"]))
        if not complete:
            dispatcher.utter_message(response="utter_eligibility_intro")
        return events + [FollowupAction("action_check_eligibility" if complete else "eligibility_form")]


class ValidateEligibilityForm(FormValidationAction):
    """Reads each answer through the app (one call per message) and skips the emergency question for pharmacies."""

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return "validate_eligibility_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return [slot(part) for part in asked_parts(tracker.get_slot(slot("place")))]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Every part the message names (instead of one extract_ call, and app call, per slot)."""
        if parsed_this_turn(tracker) or not tracker.get_slot(MEMBER_REF):
            return []
        requested = tracker.get_slot("requested_slot") or ""
        asked = requested.removeprefix(PREFIX) if requested.startswith(PREFIX) else None
        parsed = await parse(self.client, tracker, asked)
        return [SlotSet(slot(part), parsed[part]) for part in (*ASKED, *DETAILS) if parsed.get(part) is not None]

    async def validate_eligibility_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Pharmacy or hospital; a hospital stay said along with it travels too."""
        place = value if value in ("pharmacy", "hospital") else None
        return {slot("place"): place, slot("inpatient"): tracker.get_slot(slot("inpatient"))}

    async def validate_eligibility_facility(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A facility ID of the registry, or "unknown"."""
        return {slot("facility"): value if isinstance(value, str) and value else None}

    async def validate_eligibility_subject(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """What was named (item, disease or unknown) with the drug and disease codes the app found."""
        return {slot("subject"): value or None, slot("item"): tracker.get_slot(slot("item")),
                slot("disease"): tracker.get_slot(slot("disease"))}

    async def validate_eligibility_emergency(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {slot("emergency"): value if isinstance(value, bool) else None}


class ActionCheckEligibility(Action):
    """Ask the app to check the member's own record and reply: conclusion, reasons, next steps, policy."""

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return "action_check_eligibility"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        member_ref = tracker.get_slot(MEMBER_REF)
        if not member_ref:
            return []
        try:
            result = await asyncio.to_thread(
                self.client.check_eligibility, *chat_identity(tracker), member_ref, situation_from_slots(tracker)
            )
        except AppRefused:
            dispatcher.utter_message(response="utter_verification_lost")
            return [SlotSet(MEMBER_REF, None)]
        except AppUnavailable as exc:
            log.warning("eligibility check unavailable: %s", exc)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if result.get("name"):
            dispatcher.utter_message(response="utter_eligibility_result", name=result["name"],
                                     id_number=result["id_number"], reply=result["reply"])
        else:
            dispatcher.utter_message(response="utter_eligibility_reply", reply=result["reply"])
        return [FollowupAction("action_handoff")] if result.get("handoff") else []
