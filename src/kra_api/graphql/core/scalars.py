"""Scalars of the contract: Decimal as a string, DateTime with offset (UTC out), Long."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import NewType

import strawberry
from graphql import GraphQLError

from kra_api.numbers import format_decimal


def _parse_decimal(value: object) -> decimal.Decimal:
    if not isinstance(value, str):
        raise GraphQLError('Decimal must be sent as a string, e.g. "105.54"')
    try:
        parsed = decimal.Decimal(value.strip())
    except decimal.InvalidOperation as exc:
        raise GraphQLError(f"{value!r} is not a decimal number") from exc
    return parsed


def _serialize_datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def _parse_datetime(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise GraphQLError("DateTime must be an ISO 8601 string")
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise GraphQLError(f"{value!r} is not an ISO 8601 date-time") from exc


def _parse_long(value: object) -> int:
    if isinstance(value, bool):
        raise GraphQLError("Long must be an integer")
    if isinstance(value, int):
        result = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        result = int(value)
    else:
        raise GraphQLError(f"{value!r} is not a 64-bit integer")
    if not -(2**63) <= result < 2**63:
        raise GraphQLError(f"{value!r} does not fit in 64 bits")
    return result


Long = NewType("Long", int)

SCALAR_MAP = {
    decimal.Decimal: strawberry.scalar(
        name="Decimal",
        description='Exact decimal as a JSON string, e.g. "105.54"; no exponent.',
        serialize=format_decimal,
        parse_value=_parse_decimal,
    ),
    dt.datetime: strawberry.scalar(
        name="DateTime",
        description="ISO 8601 instant with offset; output in UTC.",
        serialize=_serialize_datetime,
        parse_value=_parse_datetime,
    ),
    Long: strawberry.scalar(
        name="Long",
        description="64-bit integer as a JSON number or string.",
        serialize=int,
        parse_value=_parse_long,
    ),
}
