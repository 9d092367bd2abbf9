"""Exceptions of the members package; the CLI and the chat layer turn them into messages."""

from __future__ import annotations


class MembersError(Exception):
    """Base class of every error raised by the members package."""


class RecordNotFound(MembersError, LookupError):
    """No member record matches the reference or identifiers given."""


class ImportFileError(MembersError):
    """An import file has bad lines; ``errors`` lists ``"line N: path: problem"`` strings."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s); nothing was imported:\n" + "\n".join(errors))


class ParametersNotFound(MembersError, LookupError):
    """No region policy parameter file exists for a region code or policy reference."""


class ParameterFileError(MembersError, ValueError):
    """A region policy parameter file is malformed."""
