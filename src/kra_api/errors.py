"""The domain error tree: every expected failure has a code and a readable message.

Services raise these; the GraphQL and REST layers are the only places that map them to responses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class KraError(Exception):
    """Base of every expected, public failure."""

    code = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(KraError):
    """No valid credential."""

    code = "UNAUTHENTICATED"


class Forbidden(KraError):
    """The caller may not do this."""

    code = "FORBIDDEN"


class BadUserInput(KraError):
    """A query argument is out of range (pagination, id lists, ...)."""

    code = "BAD_USER_INPUT"


class ServiceUnavailable(KraError):
    """The database cannot be reached."""

    code = "SERVICE_UNAVAILABLE"


@dataclass(frozen=True)
class FieldError:
    """One business or validation failure, with the path into the mutation's arguments."""

    code: str
    message: str
    field: tuple[str, ...] = ()

    def under(self, *prefix: str) -> FieldError:
        """The same error with ``prefix`` put before its path."""
        return FieldError(self.code, self.message, (*prefix, *self.field))


class Invalid(KraError):
    """A mutation's input was refused; nothing was written."""

    code = "INVALID"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(e.message for e in self.errors) or "invalid input")

    @classmethod
    def one(cls, code: str, message: str, *path: str) -> Invalid:
        """An Invalid carrying a single error at ``path``."""
        return cls([FieldError(code, message, tuple(path))])
