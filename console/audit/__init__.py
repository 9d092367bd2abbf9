"""The audit log for admins: logins, member lookups, knowledge-base changes, takeovers."""

from console.audit.views import bp

__all__ = ["bp"]
