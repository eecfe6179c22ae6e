"""Strawberry permission classes implementing the auth matrix of architecture.md."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from kra_api.auth.principal import Scope, UserRole
from kra_api.errors import Forbidden


def allow(*roles: UserRole, scope: Scope | None = None) -> type[BasePermission]:
    """A permission class: users need one of ``roles``; integrations need ``scope``."""

    class Allow(BasePermission):
        message = "not allowed"

        def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
            principal = info.context.require_principal()
            if principal.is_integration:
                allowed = scope is not None and principal.has_scope(scope)
            else:
                allowed = principal.has_role(*roles)
            if not allowed:
                raise Forbidden(f"{principal.label} may not call {info.field_name}")
            return True

    return Allow


class Authenticated(BasePermission):
    """Any valid credential."""

    message = "authentication required"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        info.context.require_principal()
        return True


ALL_USERS = (UserRole.ADMIN, UserRole.HR, UserRole.MANAGER, UserRole.EMPLOYEE)
CanRead = allow(*ALL_USERS, scope=Scope.SCORECARDS_READ)
CanWritePeople = allow(UserRole.ADMIN, UserRole.HR, scope=Scope.PEOPLE_WRITE)
CanWriteDefinitions = allow(UserRole.ADMIN, UserRole.HR, scope=Scope.DEFINITIONS_WRITE)
CanWriteReadings = allow(UserRole.ADMIN, UserRole.HR, scope=Scope.READINGS_WRITE)
CanReviewQuarantine = allow(UserRole.ADMIN, UserRole.HR)
