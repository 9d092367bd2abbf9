"""Verification in the chat: offer the one-time link, notice when the resident has verified, unbind.

The chat never asks for a name, ID or phone: the link opens the app's /bind page, and the only
thing the conversation keeps is the opaque member_ref the app reports once this chat is bound.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api.app_client import AppClient, AppUnavailable

log = logging.getLogger(__name__)

MEMBER_REF = "member_ref"
LINK_EXPIRES_AT = "verification_link_expires_at"
#: Intents after which a fresh link is sent even when an earlier one is still valid.
LINK_INTENTS = ("chronic_card_failure", "request_verification")
#: Messages the waiting verification form leaves to their own rules even when the chat is bound by
#: now: "解除绑定" right after verifying must unbind, not start a check; "没帮助" rates the answer.
NOT_FOR_THE_FORM = ("unbind_identity", "deny", "human_handoff", "safety_injection", "check_for_family",
                    "feedback_helpful", "feedback_unhelpful")
#: The channel of a REST message that does not name one.
DEFAULT_CHANNEL = "rest"


def chat_identity(tracker: Tracker) -> tuple[str, str]:
    """The chat identity the app binds: (sender, channel)."""
    return tracker.sender_id, tracker.get_latest_input_channel() or DEFAULT_CHANNEL


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


class ActionOfferVerification(Action):
    """After the policy answer: a verified chat goes straight to the check, others get the link."""

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return "action_offer_verification"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            member_ref = await asyncio.to_thread(self.client.bound_member, *chat_identity(tracker))
        except AppUnavailable as exc:
            log.warning("verification status unavailable: %s", exc)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if member_ref:
            return [SlotSet(MEMBER_REF, member_ref), FollowupAction("action_start_eligibility")]
        return [SlotSet(MEMBER_REF, None), FollowupAction("verification_form")]


class ActionAskMemberRef(Action):
    """The verification form's question: the link, or silence while the link already sent is valid.

    The form comes back to this question after every interruption; repeating the link each time
    would bury the conversation, so a new link goes out only when the resident asks about the card
    or for verification again, or when none was sent yet.
    """

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return "action_ask_member_ref"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if tracker.get_slot(LINK_EXPIRES_AT) is not None and latest_intent(tracker) not in LINK_INTENTS:
            return []
        try:
            link = await asyncio.to_thread(self.client.verification_link, *chat_identity(tracker))
        except AppUnavailable as exc:
            log.warning("verification link unavailable: %s", exc)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        dispatcher.utter_message(response="utter_verification_link", url=link["url"],
                                 minutes=int(link["expires_in_s"]) // 60)
        return [SlotSet(LINK_EXPIRES_AT, time.time() + float(link["expires_in_s"]))]


class ValidateVerificationForm(FormValidationAction):
    """Fills member_ref once the app reports this chat as bound; otherwise fills nothing, so the
    resident's message is answered as usual and the form keeps waiting."""

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return "validate_verification_form"

    async def extract_member_ref(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if latest_intent(tracker) in NOT_FOR_THE_FORM:
            return {}
        try:
            member_ref = await asyncio.to_thread(self.client.bound_member, *chat_identity(tracker))
        except AppUnavailable as exc:
            log.warning("verification status unavailable: %s", exc)
            return {}
        if member_ref or tracker.get_slot(MEMBER_REF) is not None:
            return {MEMBER_REF: member_ref}
        return {}

    async def validate_member_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {MEMBER_REF: value or None, LINK_EXPIRES_AT: None if value else tracker.get_slot(LINK_EXPIRES_AT)}


class ActionUnbindIdentity(Action):
    """"解除绑定": remove this chat's binding, forget the member and stop any check in progress."""

    def __init__(self) -> None:
        self.client = AppClient()

    def name(self) -> str:
        return "action_unbind_identity"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            unbound = await asyncio.to_thread(self.client.unbind, *chat_identity(tracker))
        except AppUnavailable as exc:
            log.warning("unbind unavailable: %s", exc)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        dispatcher.utter_message(response="utter_unbound" if unbound else "utter_not_bound")
        events: list[dict[str, Any]] = [SlotSet(MEMBER_REF, None), SlotSet(LINK_EXPIRES_AT, None)]
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        return events
