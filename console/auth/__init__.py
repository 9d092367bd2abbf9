"""Sign-in and sign-out (/login, /logout) and the console's front door (/console)."""

from console.auth.views import bp

__all__ = ["bp"]
