"""Why a verification step failed: one base class, one subclass per reason the page explains."""

from __future__ import annotations


class VerificationError(Exception):
    """A verification step was refused."""


class LinkInvalid(VerificationError):
    """The link's signature or content is wrong (tampered, or not one of ours)."""


class LinkExpired(VerificationError):
    """The link is older than its lifetime."""


class LinkUsed(VerificationError):
    """The link already completed a verification (links work once)."""


class AttemptsExhausted(VerificationError):
    """This chat identity used up its verification attempts for the day."""


class IdentityMismatch(VerificationError):
    """Name and ID number do not match one member (deliberately not saying which part)."""


class NoPhoneOnFile(VerificationError):
    """The member has no phone number to send a code to."""


class NoPendingCode(VerificationError):
    """No code was sent for this link, or it was already used."""


class CodeExpired(VerificationError):
    """The code is older than its lifetime."""


class CodeMismatch(VerificationError):
    """The code is wrong; ``remaining`` attempts are left today."""

    def __init__(self, remaining: int) -> None:
        super().__init__(f"wrong code; {remaining} attempt(s) left today")
        self.remaining = remaining


class NotBound(VerificationError):
    """The chat identity is not bound to the member it names."""


class SmsError(VerificationError):
    """The SMS gateway did not accept the message."""
