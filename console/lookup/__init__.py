"""Member lookup for agents: a masked profile and an eligibility check, each lookup with a stated reason."""

from console.lookup.views import bp

__all__ = ["bp"]
