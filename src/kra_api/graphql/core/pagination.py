"""Relay connection types over keyset pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar

import strawberry

from kra_api.db.keyset import Page

T = TypeVar("T")


@strawberry.type(description="Where a page sits in its connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More rows follow this page.")
    has_previous_page: bool = strawberry.field(description="This page was fetched with `after`.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


@strawberry.type(description="One node and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position for `after`.")
    node: T = strawberry.field(description="The object.")


@strawberry.type(description="A keyset-paginated list (`first` 1..100 required).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's objects.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")

    @classmethod
    def of(cls, page: Page[Any], convert: Callable[[Any], T]) -> Self:
        """A connection from a keyset page, converting rows to GraphQL objects."""
        edges = [
            Edge(cursor=c, node=convert(r)) for r, c in zip(page.rows, page.cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
        )
