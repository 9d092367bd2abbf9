"""Questions the bot could not answer, grouped by similarity, each a start for a new entry."""

from console.unanswered.views import bp

__all__ = ["bp"]
