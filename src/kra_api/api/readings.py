"""POST /v1/readings: NDJSON or CSV readings streamed from an integration (or an admin/hr user).

The body is never read whole: it goes line by line through the same ingestion service as
kpiReadingsRecord and the CLI. Answers a JSON summary: counts, the first 1000 errors by line.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kra_api.auth.authenticate import authenticate
from kra_api.auth.principal import Principal, Scope, UserRole
from kra_api.errors import ServiceUnavailable
from kra_api.graphql.core.context import Services
from kra_api.graphql.core.errors import UNAVAILABLE_MESSAGE, is_unavailable
from kra_api.readings.ingest import RETRYABLE, StreamIngestion, sqlstate
from kra_api.readings.lines import BadBody, decoded
from kra_api.readings.schemas import check_source

router = APIRouter()
_log = logging.getLogger(__name__)
FORMATS = {
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/json-lines": "ndjson",
    "text/csv": "csv",
    "application/csv": "csv",
}


def _error(status: int, code: str, message: str, request_id: str) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "requestId": request_id}}
    return JSONResponse(body, status_code=status)


def _allowed(principal: Principal) -> bool:
    if principal.is_integration:
        return principal.has_scope(Scope.READINGS_WRITE)
    return principal.has_role(UserRole.ADMIN, UserRole.HR)


def _flag(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name, "false").strip().lower()
    return {"true": True, "1": True, "false": False, "0": False}.get(raw)


@router.post("/v1/readings", summary="Stream KPI readings (NDJSON or CSV, optionally gzip)")
async def post_readings(request: Request) -> JSONResponse:
    """Ingest readings of ``?source=``; ``?atomic=true`` all or nothing, ``?dryRun=true``."""
    services: Services = request.app.state.services
    request_id = getattr(request.state, "request_id", None) or uuid.uuid4().hex
    try:
        auth = await authenticate(services.database, services.verifier, request.headers, request_id)
    except Exception as exc:
        if is_unavailable(exc):  # the app answers 503 with Retry-After
            raise ServiceUnavailable(UNAVAILABLE_MESSAGE) from exc
        raise
    if auth.principal is None:
        message = auth.error or "send an API key or a bearer token"
        return _error(401, "UNAUTHENTICATED", message, request_id)
    principal = auth.principal
    if not _allowed(principal):
        message = f"{principal.label} may not post readings (readings:write, admin or hr)"
        return _error(403, "FORBIDDEN", message, request_id)
    source = request.query_params.get("source", "")
    atomic, dry_run = _flag(request, "atomic"), _flag(request, "dryRun")
    if check_source(source) or atomic is None or dry_run is None:
        message = "?source= (1 to 100 characters) is required; atomic and dryRun are true/false"
        return _error(400, "INVALID", message, request_id)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in FORMATS:
        message = "Content-Type must be application/x-ndjson or text/csv"
        return _error(415, "UNSUPPORTED_MEDIA_TYPE", message, request_id)
    ingestion = StreamIngestion(
        services.database,
        principal,
        source,
        FORMATS[media],
        atomic=atomic,
        dry_run=dry_run,
        batch_rows=services.settings.ingest_batch_rows,
    )
    try:
        body = decoded(request.stream(), request.headers.get("content-encoding", ""))
        summary = await ingestion.run(body)
    except BadBody as exc:
        error = {"code": "BAD_BODY", "message": str(exc), "requestId": request_id}
        return JSONResponse({**ingestion.summary.as_json(), "error": error}, status_code=400)
    except Exception as exc:
        if sqlstate(exc) not in RETRYABLE:
            raise
        # A deadlock or serialization failure with a concurrent writer, after the retries.
        message = "a concurrent write got in the way; replaying the body is safe"
        response = _error(503, "RETRY", message, request_id)
        response.headers["Retry-After"] = "1"
        return response
    _log.info(
        "readings ingested (request %s): %s lines, %s errors",
        request_id,
        summary.lines,
        summary.error_count,
    )
    status = 422 if summary.atomic and summary.error_count else 200
    return JSONResponse(summary.as_json(), status_code=status)
