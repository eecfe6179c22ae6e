"""Opaque Relay global ids: base64("Type:uuid"). A malformed or foreign id matches nothing."""

from __future__ import annotations

import base64
import binascii
import uuid

import strawberry

NIL = uuid.UUID(int=0)  # never a row's id: malformed ids look it up and find nothing


def to_global_id(type_name: str, row_id: uuid.UUID) -> strawberry.ID:
    """The global id of a row."""
    return strawberry.ID(base64.b64encode(f"{type_name}:{row_id}".encode()).decode())


def parse_global_id(value: str) -> tuple[str, uuid.UUID] | None:
    """(type, uuid) or None when ``value`` is not one of our ids."""
    try:
        type_name, _, raw = base64.b64decode(value.encode(), validate=True).decode().partition(":")
        return type_name, uuid.UUID(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def expect_id(value: str, type_name: str) -> uuid.UUID:
    """The uuid inside a global id of ``type_name``; NIL for anything else (→ NOT_FOUND)."""
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name:
        return NIL
    return parsed[1]


def optional_id(value: str | None, type_name: str) -> uuid.UUID | None:
    """Like expect_id, keeping None as None."""
    return None if value is None else expect_id(value, type_name)


def to_composite_id(type_name: str, *row_ids: uuid.UUID) -> strawberry.ID:
    """The global id of an object standing for several rows, e.g. a Scorecard (employee, period)."""
    raw = ":".join([type_name, *(str(r) for r in row_ids)])
    return strawberry.ID(base64.b64encode(raw.encode()).decode())


def parse_composite_id(value: str) -> tuple[str, tuple[uuid.UUID, ...]] | None:
    """(type, uuids) of a composite id, or None when ``value`` is not one of ours."""
    try:
        type_name, *raw = base64.b64decode(value.encode(), validate=True).decode().split(":")
        return type_name, tuple(uuid.UUID(r) for r in raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
