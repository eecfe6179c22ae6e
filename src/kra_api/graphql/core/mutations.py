"""The mutation frame: one unit of work per mutation, userErrors from Invalid."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal
from kra_api.errors import Invalid
from kra_api.graphql.core.context import Context

R = TypeVar("R")
E = TypeVar("E")


@strawberry.interface(description="A business or validation failure of a mutation.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path into the arguments: ["input", ...].'
    )
    message: str = strawberry.field(description="What is wrong, in words.")


async def perform(
    ctx: Context, work: Callable[[AsyncSession, Principal], Awaitable[R]]
) -> R | Invalid:
    """Run ``work`` in one transaction: committed on success, nothing written on Invalid."""
    principal = ctx.require_principal()
    try:
        async with ctx.db.unit_of_work() as session:
            result = await work(session, principal)
    except Invalid as exc:
        return exc
    finally:
        # Committed or rolled back, rows cached before are stale (a rollback also expires them,
        # and an expired row cannot lazy-load under asyncio): the next mutation reads afresh.
        ctx.forget_cached()
    return result


def user_errors(exc: Invalid, error_type: Callable[..., E], codes: type[Enum]) -> list[E]:
    """The Invalid's errors as the mutation's own error type (unknown codes become INVALID)."""
    known: dict[str, Any] = {member.name: member for member in codes}
    return [
        error_type(
            field=list(e.field) or None,
            message=e.message,
            code=known.get(e.code, known.get("INVALID", next(iter(codes)))),
        )
        for e in exc.errors
    ]
