"""The dashboard: messages per day, fallback and handoff rates, top topics, as PNG charts."""

from console.dashboard.views import bp

__all__ = ["bp"]
