"""Conversations for agents: filter, read the transcript, take over, reply, hand back (audited)."""

from console.conversations.views import bp

__all__ = ["bp"]
