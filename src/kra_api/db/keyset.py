"""Keyset pagination: cursors encode the sort key and id; pages are ORDER BY key, id LIMIT n+1."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import Select, tuple_

from kra_api.errors import BadUserInput

T = TypeVar("T")
MAX_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows with their cursors."""

    rows: list[T]
    cursors: list[str]
    has_next: bool
    has_previous: bool


def check_first(first: int | None) -> int:
    """``first`` is required and within 1..100."""
    if first is None:
        raise BadUserInput("`first` is required on connections (1..100)")
    if not 1 <= first <= MAX_PAGE:
        raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE}, got {first}")
    return first


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for a row's sort key."""
    return base64.urlsafe_b64encode(orjson.dumps([_plain(v) for v in values])).decode()


def _parse(parse: Callable[[Any], Any], value: Any) -> Any:
    if value is None:
        return None
    # Cursors hold JSON strings and numbers only: refuse containers, and anything but a string
    # where the column is text, instead of letting a parser coerce or choke on it.
    if isinstance(value, list | dict) or (parse is str and not isinstance(value, str)):
        raise ValueError(f"unexpected {type(value).__name__} in cursor")
    return parse(value)


def decode_cursor(cursor: str, parsers: Sequence[Callable[[Any], Any]]) -> list[Any]:
    """The sort key inside ``cursor``; a readable BAD_USER_INPUT when it is not ours."""
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(raw, list) or len(raw) != len(parsers):
            raise ValueError("wrong shape")
        return [_parse(parse, v) for parse, v in zip(parsers, raw, strict=True)]
    except (ValueError, TypeError, AttributeError, binascii.Error, orjson.JSONDecodeError) as exc:
        # uuid.UUID(2) raises AttributeError, date.fromisoformat(2) TypeError: all are input errors
        raise BadUserInput("`after` is not a valid cursor for this connection") from exc


@dataclass(frozen=True)
class Keyset:
    """The sort columns of a connection (the last one must be unique, normally ``id``)."""

    columns: Sequence[Any]
    parsers: Sequence[Callable[[Any], Any]]
    descending: bool = False

    def apply(self, stmt: Select[Any], first: int | None, after: str | None) -> Select[Any]:
        """Add the cursor predicate, the order and the limit (first + 1) to ``stmt``."""
        limit = check_first(first)
        if after is not None:
            values = decode_cursor(after, self.parsers)
            key = tuple_(*self.columns)
            stmt = stmt.where(key < tuple_(*values) if self.descending else key > tuple_(*values))
        order = [c.desc() if self.descending else c.asc() for c in self.columns]
        return stmt.order_by(*order).limit(limit + 1)

    def page(
        self,
        rows: Sequence[T],
        first: int | None,
        after: str | None,
        key: Callable[[T], Sequence[Any]],
    ) -> Page[T]:
        """Cut the extra row and build cursors."""
        limit = check_first(first)
        kept = list(rows[:limit])
        return Page(
            rows=kept,
            cursors=[encode_cursor(key(r)) for r in kept],
            has_next=len(rows) > limit,
            has_previous=after is not None,
        )
