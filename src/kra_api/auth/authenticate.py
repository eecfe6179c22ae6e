"""Turn request credentials (bearer JWT or API key) into a Principal."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from kra_api.auth.api_keys import KEY_PREFIX, hash_api_key
from kra_api.auth.principal import Principal, Scope, UserRole
from kra_api.auth.tokens import InvalidToken, TokenVerifier
from kra_api.db.session import Database, enter_tenant
from kra_api.models import ApiKey
from kra_api.orgs import repository as org_repo


@dataclass(frozen=True)
class AuthResult:
    """The principal, or why there is none (None and None: no credential was sent)."""

    principal: Principal | None
    error: str | None = None


def _credential(headers: Mapping[str, str]) -> str | None:
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return headers.get("x-api-key") or None


async def _organization_id(database: Database, org_claim: str) -> uuid.UUID | None:
    """The organization the claim names, if it exists (an id is checked, not trusted)."""
    try:
        org_id = uuid.UUID(org_claim)
    except ValueError:
        async with database.session(None) as session:
            return await org_repo.organization_id_by_lookup(session, "slug", org_claim)
    async with database.session(org_id) as session:
        found = await org_repo.organization(session, org_id)
    return found.id if found is not None else None


async def _from_api_key(database: Database, secret: str, request_id: str) -> AuthResult:
    digest = hash_api_key(secret)
    # One transaction: the tenant-less lookup names the organization, whose key row is then
    # read under its row-level security (every integration request starts here).
    async with database.session(None) as session:
        org_id = await org_repo.organization_id_by_lookup(session, "api_key", digest)
        if org_id is None:
            return AuthResult(None, "unknown API key")
        await enter_tenant(session, org_id)
        key = (
            await session.execute(select(ApiKey).where(col(ApiKey.secret_hash) == digest))
        ).scalar_one_or_none()
    if key is None or key.revoked_at is not None:
        return AuthResult(None, "API key revoked")
    scopes = frozenset(Scope(s) for s in key.scopes if s in Scope._value2member_map_)
    return AuthResult(
        Principal(
            organization_id=org_id,
            kind="INTEGRATION",
            label=f"api-key:{key.name}",
            scopes=scopes,
            api_key_id=key.id,
            request_id=request_id,
        )
    )


async def authenticate(
    database: Database, verifier: TokenVerifier, headers: Mapping[str, str], request_id: str
) -> AuthResult:
    """Resolve the caller from ``Authorization: Bearer …`` or ``X-API-Key``."""
    credential = _credential(headers)
    if credential is None:
        return AuthResult(None)
    if credential.startswith(KEY_PREFIX):
        return await _from_api_key(database, credential, request_id)
    try:
        claims = verifier.verify(credential)
    except InvalidToken as exc:
        return AuthResult(None, f"invalid token: {exc}")
    org_claim = claims.get("org")
    if not isinstance(org_claim, str):
        return AuthResult(None, "invalid token: no organization")
    org_id = await _organization_id(database, org_claim)
    if org_id is None:
        return AuthResult(None, "invalid token: unknown organization")
    raw_roles = claims.get("roles") or []
    roles = frozenset(
        UserRole(r) for r in raw_roles if isinstance(r, str) and r in UserRole._value2member_map_
    )
    subject = claims.get("sub") if isinstance(claims.get("sub"), str) else None
    return AuthResult(
        Principal(
            organization_id=org_id,
            kind="USER",
            label=subject or "+".join(sorted(roles)) or "user",
            roles=roles,
            employee_external_id=subject,
            request_id=request_id,
        )
    )
