"""create_app(): FastAPI with the GraphQL router, health endpoints and middleware."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from kra_api.api.middleware import BodySizeLimitMiddleware, RequestIdMiddleware
from kra_api.api.readings import router as readings_router
from kra_api.auth.authenticate import authenticate
from kra_api.auth.tokens import TokenVerifier
from kra_api.config import Settings, get_settings
from kra_api.db import migrate
from kra_api.db.session import Database
from kra_api.errors import ServiceUnavailable
from kra_api.graphql.core.context import Context, Services
from kra_api.graphql.core.errors import (
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_RETRY_SECONDS,
    is_unavailable,
)
from kra_api.graphql.schema import build_schema
from kra_api.scoring import background

_log = logging.getLogger("kra_api.app")


def _database(settings: Settings) -> Database:
    if not settings.database_url:
        raise RuntimeError("KRA_DATABASE_URL is not set (the CLI starts the embedded server)")
    url = settings.app_database_url or settings.database_url
    return Database(
        url,
        set_role=settings.app_database_url is None,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The ASGI application. ``database`` may be injected (tests share one engine)."""
    settings = settings or get_settings()
    services = Services(
        settings=settings,
        database=database or _database(settings),
        verifier=TokenVerifier(settings),
    )
    owns_database = database is None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await background.cancel()  # e.g. a month-sum build: rolled back, done again later
        if owns_database:
            await services.database.dispose()

    async def get_context(request: Request) -> AsyncIterator[Context]:
        request_id = getattr(request.state, "request_id", None) or uuid.uuid4().hex
        try:
            auth = await authenticate(
                services.database, services.verifier, request.headers, request_id
            )
        except Exception as exc:
            if is_unavailable(exc):  # credentials are checked against the database
                _log.warning("database unavailable (request %s): %s", request_id, exc)
                raise ServiceUnavailable(UNAVAILABLE_MESSAGE) from exc
            raise
        context = Context(services, auth.principal, auth.error, request_id)
        try:
            yield context
        finally:
            await context.db.close()

    router: GraphQLRouter[Context, None] = GraphQLRouter(
        build_schema(settings),
        context_getter=get_context,  # type: ignore[arg-type] # FastAPI runs it as a dependency
        graphql_ide=None if settings.is_production else "graphiql",
        allow_queries_via_get=False,
        multipart_uploads_enabled=False,
    )
    app = FastAPI(
        title="kra-api",
        lifespan=lifespan,
        docs_url=None if settings.is_production else "/docs",
        redoc_url=None,
        openapi_url=None if settings.is_production else "/openapi.json",
    )
    app.state.services = services

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(request: Request, exc: ServiceUnavailable) -> JSONResponse:
        request_id = getattr(request.state, "request_id", None)
        error = {"message": exc.message, "extensions": {"code": exc.code, "requestId": request_id}}
        return JSONResponse(
            {"data": None, "errors": [error]},
            status_code=503,
            headers={"Retry-After": UNAVAILABLE_RETRY_SECONDS},
        )

    app.include_router(router, prefix="/graphql")
    app.include_router(readings_router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        try:
            await services.database.ping()
            current = await migrate.current_revision(settings.database_url or services.database.url)
        except Exception as exc:
            return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, 503)
        head = migrate.head_revision()
        if current != head:
            return JSONResponse(
                {"status": "migrations pending", "current": current, "head": head}, 503
            )
        return JSONResponse({"status": "ready", "revision": current})

    app.add_middleware(
        BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, paths=("/graphql",)
    )
    app.add_middleware(
        BodySizeLimitMiddleware, max_bytes=settings.max_ingest_bytes, paths=("/v1/readings",)
    )
    app.add_middleware(RequestIdMiddleware)
    return app
