"""Decimal formatting shared by every output: plain notation, never an exponent."""

from __future__ import annotations

from decimal import Decimal


def format_decimal(value: Decimal | int | str) -> str:
    """``Decimal('1E+2')`` → ``'100'``; trailing zeros of the stored scale are kept."""
    number = Decimal(value)
    text = format(number, "f")
    return "0" if text in {"-0", "-0.0"} else text
