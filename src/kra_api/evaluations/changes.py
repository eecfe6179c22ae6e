"""What changed between two revisions: every number as shown, compared path by path.

Numbers are compared as the API shows them (values 6 decimals, scores 2, anchors, coverages and
contributions exact up to 6 decimals), so a change listed is a change a reader can see.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kra_api.numbers import format_decimal
from kra_api.scoring import engine
from kra_api.scoring.exact import Fraction

PLACES = 6
Path = tuple[str, ...]
ANCHORS = {
    "threshold": "threshold",
    "target": "target",
    "stretch": "stretch",
    "low_threshold": "lowThreshold",
    "low_target": "lowTarget",
    "high_target": "highTarget",
    "high_threshold": "highThreshold",
}


def exact_shown(raw: str | None) -> str | None:
    """An exact number as shown: exact within 6 decimals (trailing zeros dropped), else rounded."""
    if raw is None:
        return None
    value = Fraction(raw)
    rounded = engine.round_half_up(value, PLACES)
    if Fraction(rounded) != value:
        return format_decimal(rounded)
    return format_decimal(rounded.normalize() if rounded else Decimal(0))


def value_shown(raw: str | None) -> str | None:
    """A KPI value or baseline as shown: 6 decimals, half-up."""
    return None if raw is None else format_decimal(engine.quantize_value(Fraction(raw)))


def plain(raw: object) -> str | None:
    """Any other field as text (scores, statuses, flags)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def _item(item: dict[str, Any]) -> dict[str, str | None]:
    shown: dict[str, str | None] = {
        "status": item["status"],
        "value": value_shown(item["value"]),
        "baseline": value_shown(item["baseline"]),
        "segment": item["segment"],
        "score": plain(item["score"]),
        "contribution": exact_shown(item["contribution"]),
        "gatePassed": plain(item["gatePassed"]),
        "goals": ", ".join(f"v{g['version']} × {g['days']} days" for g in item["goals"]) or None,
    }
    anchors = item["anchors"] or {}
    for name, field in ANCHORS.items():
        shown[field] = exact_shown(anchors.get(name))
    for name, value in item["componentSums"].items():
        shown[f"componentSums.{name}"] = exact_shown(value)
    return shown


def flatten(snapshot: dict[str, Any]) -> dict[Path, str | None]:
    """Every shown number of a snapshot by path, e.g. ("kras", "Efficiency", "AHT", "score")."""
    overall = snapshot["overall"]
    band = overall["band"]
    kra_set = snapshot["kraSet"]
    found: dict[Path, str | None] = {
        ("overallScore",): plain(overall["score"]),
        ("overallStatus",): overall["status"],
        ("coverage",): exact_shown(overall["coverage"]),
        ("band",): None if band is None else f"{band['level']} {band['label']}",
        ("gateFailed",): plain(overall["gateFailed"]),
        ("kraSet",): None if kra_set is None else f"v{kra_set['version']}",
    }
    for kra in snapshot["kras"]:
        title = kra["title"]
        found[("kras", title, "score")] = plain(kra["score"])
        found[("kras", title, "status")] = kra["status"]
        found[("kras", title, "coverage")] = exact_shown(kra["coverage"])
        for item in kra["items"]:
            name = item["kpiCode"] + (" (gate)" if item["gate"] is not None else "")
            for field, value in _item(item).items():
                found[("kras", title, name, field)] = value
    return found


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The shown numbers that differ, as ``{path, before, after}`` in the after's order."""
    old, new = flatten(before), flatten(after)
    paths = list(new) + [p for p in old if p not in new]
    return [
        {"path": list(p), "before": old.get(p), "after": new.get(p)}
        for p in paths
        if old.get(p) != new.get(p)
    ]
