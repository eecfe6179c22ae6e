"""The Relay ``Node`` interface and the tenant-filtered ``node`` / ``nodes`` root fields."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from kra_api.errors import BadUserInput
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import parse_composite_id, parse_global_id

MAX_NODES = 100


@strawberry.interface(description="An object with an opaque global id.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id.")


NodeResolver = Callable[[Context, uuid.UUID], Awaitable[Any]]
CompositeResolver = Callable[[Context, tuple[uuid.UUID, ...]], Awaitable[Any]]
_RESOLVERS: dict[str, NodeResolver] = {}
_COMPOSITE_RESOLVERS: dict[str, CompositeResolver] = {}


def register_node(type_name: str, resolver: NodeResolver) -> None:
    """Make ``node(id:)`` answer ids of ``type_name`` (the resolver loads within the tenant)."""
    _RESOLVERS[type_name] = resolver


def register_composite_node(type_name: str, resolver: CompositeResolver) -> None:
    """Make ``node(id:)`` answer composite ids of ``type_name`` (objects standing for rows)."""
    _COMPOSITE_RESOLVERS[type_name] = resolver


async def _resolve(ctx: Context, global_id: str) -> Any:
    parsed = parse_global_id(global_id)
    if parsed is None:
        composite = parse_composite_id(global_id)
        if composite is None or composite[0] not in _COMPOSITE_RESOLVERS:
            return None
        return await _COMPOSITE_RESOLVERS[composite[0]](ctx, composite[1])
    if parsed[0] not in _RESOLVERS:
        return None
    return await _RESOLVERS[parsed[0]](ctx, parsed[1])


async def resolve_node(info: Info, id: strawberry.ID) -> Node | None:
    """Any object by global id; null for unknown ids and other tenants' ids alike."""
    info.context.require_principal()
    result: Node | None = await _resolve(info.context, id)
    return result


async def resolve_nodes(info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
    """Objects by global id, in order; null where unknown (at most 100 ids)."""
    info.context.require_principal()
    if len(ids) > MAX_NODES:
        raise BadUserInput(f"at most {MAX_NODES} ids, got {len(ids)}")
    return [await _resolve(info.context, i) for i in ids]
