"""The per-request GraphQL context: principal, request session and DataLoaders."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, cast

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from kra_api.auth.principal import Principal
from kra_api.auth.tokens import TokenVerifier
from kra_api.config import Settings
from kra_api.dates import today_in
from kra_api.db.request import RequestDb
from kra_api.db.session import Database
from kra_api.errors import Unauthenticated
from kra_api.models import Organization

if TYPE_CHECKING:
    from kra_api.graphql.core.loaders import Loaders

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Services:
    """Process-wide dependencies, built once at start-up."""

    settings: Settings
    database: Database
    verifier: TokenVerifier


class Context(BaseContext):
    """What every resolver can reach through ``info.context``."""

    def __init__(
        self,
        services: Services,
        principal: Principal | None,
        auth_error: str | None,
        request_id: str,
    ) -> None:
        super().__init__()
        self.services = services
        self.principal = principal
        self.auth_error = auth_error
        self.request_id = request_id
        self.db = RequestDb(services.database, principal.organization_id if principal else None)
        self._organization: Organization | None = None
        self._named_loaders: dict[str, DataLoader[Any, Any]] = {}

    def require_principal(self) -> Principal:
        """The caller, or UNAUTHENTICATED."""
        if self.principal is None:
            raise Unauthenticated(self.auth_error or "authentication required")
        return self.principal

    @property
    def organization_id(self) -> uuid.UUID:
        """The caller's organization (from the credential)."""
        return self.require_principal().organization_id

    @cached_property
    def loaders(self) -> Loaders:
        """DataLoaders of this request only (never shared: they would cache across tenants)."""
        from kra_api.graphql.core.loaders import Loaders

        return Loaders(self)

    def loader(
        self, name: str, load_fn: Callable[[Context, list[K]], Awaitable[list[V]]]
    ) -> DataLoader[K, V]:
        """A DataLoader of this request kept with its domain's GraphQL code, made on first use."""
        found = self._named_loaders.get(name)
        if found is None:

            async def load(keys: list[K]) -> list[V]:
                return await load_fn(self, keys)

            found = self._named_loaders[name] = DataLoader(load_fn=load)
        return cast(DataLoader[K, V], found)

    async def organization(self) -> Organization:
        """The caller's organization row, read once per request."""
        if self._organization is None:
            org = await self.loaders.organization.load(self.organization_id)
            if org is None:
                raise Unauthenticated("the organization of this credential no longer exists")
            self._organization = org
        return self._organization

    async def today(self) -> dt.date:
        """Today in the organization's time zone (the default of every ``at:``)."""
        return today_in((await self.organization()).timezone)

    def forget_cached(self) -> None:
        """Drop loader caches after a write so the payload shows the new state."""
        self.__dict__.pop("loaders", None)
        self._named_loaders.clear()
        self._organization = None


Info = strawberry.Info[Context, Any]
