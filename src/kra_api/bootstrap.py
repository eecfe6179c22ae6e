"""Tenant bootstrap done from the CLI: organizations, API keys, development tokens."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from kra_api.auth.api_keys import new_api_key
from kra_api.auth.principal import Scope
from kra_api.config import Settings
from kra_api.db.session import Database
from kra_api.errors import Invalid
from kra_api.models import ApiKey, Organization, TenantLookup
from kra_api.orgs import repository as org_repo
from kra_api.orgs.service import create_organization


async def organization_by_slug(database: Database, slug: str) -> Organization | None:
    """The organization with ``slug``, if any."""
    async with database.session(None) as session:
        org_id = await org_repo.organization_id_by_lookup(session, "slug", slug)
    if org_id is None:
        return None
    async with database.session(org_id) as session:
        return await org_repo.organization(session, org_id)


async def create_org(database: Database, *, name: str, slug: str, timezone: str) -> Organization:
    """Create an organization (raises Invalid on a bad or taken slug)."""
    org_id = uuid.uuid4()
    async with database.session(org_id) as session, session.begin():
        return await create_organization(session, org_id, name=name, slug=slug, timezone=timezone)


async def create_api_key(
    database: Database, org_id: uuid.UUID, *, name: str, scopes: Iterable[str]
) -> str:
    """Store a new key and return its secret (shown once)."""
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in Scope._value2member_map_]
    if unknown or not wanted:
        known = ", ".join(s.value for s in Scope)
        raise Invalid.one("INVALID", f"scopes must be some of: {known}", "scopes")
    secret, prefix, digest = new_api_key()
    async with database.session(org_id) as session, session.begin():
        session.add(
            ApiKey(
                organization_id=org_id, name=name, prefix=prefix, secret_hash=digest, scopes=wanted
            )
        )
        session.add(TenantLookup(kind="api_key", key=digest, organization_id=org_id))
    return secret


def database_for_cli(settings: Settings, url: str) -> Database:
    """A small engine for one CLI command."""
    return Database(url, set_role=True, pool_size=2, max_overflow=0)
