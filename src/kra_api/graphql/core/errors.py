"""Error shaping: public errors keep their message and code; anything else is masked.

Parse and validation errors stay readable (without "Did you mean" hints in production). A bug
becomes "Unexpected error." with the request id, and is logged with its stack trace.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from strawberry.extensions import SchemaExtension

from kra_api.errors import KraError

_log = logging.getLogger("kra_api.graphql")
_SUGGESTION = re.compile(r"\s*Did you mean .*\?")
UNAVAILABLE_RETRY_SECONDS = "5"
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable; retry shortly."


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached (not a bug: HTTP 503)."""
    if isinstance(exc, OperationalError | InterfaceError | ConnectionError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _with(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


class PublicErrors(SchemaExtension):
    """Maps domain errors to codes, masks the rest, sets 503 when the database is down."""

    def __init__(self, *, production: bool = False) -> None:
        self.production = production

    def _shape(self, error: GraphQLError, request_id: str) -> GraphQLError:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            if self.production:
                return _with(error, _SUGGESTION.sub("", error.message), error.extensions or {})
            return error
        if isinstance(original, KraError):
            return _with(error, original.message, {"code": original.code})
        if is_unavailable(original):
            _log.warning("database unavailable (request %s): %s", request_id, original)
            response = getattr(self.execution_context.context, "response", None)
            if response is not None:
                response.status_code = 503
                response.headers["Retry-After"] = UNAVAILABLE_RETRY_SECONDS
            return _with(
                error,
                UNAVAILABLE_MESSAGE,
                {"code": "SERVICE_UNAVAILABLE", "requestId": request_id},
            )
        _log.error("unexpected error (request %s)", request_id, exc_info=original)
        return _with(
            error, "Unexpected error.", {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        )

    def on_operation(self) -> Iterator[None]:
        """Reshape every error of the result once execution is over."""
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is None or not errors:
            return
        request_id = getattr(self.execution_context.context, "request_id", "-")
        result.errors = [self._shape(e, request_id) for e in errors]
