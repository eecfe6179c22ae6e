"""Frozen scorecards: a computed scorecard to JSON and back, losslessly, plus its input hash.

A snapshot keeps every number of the explainable scorecard exactly (Fractions as ``"n/d"``,
Decimals as strings), the goal versions used with their anchors, mode, basis and days, the KRA
set, KRAs and items with their weights, and the scoring settings. Read back, it gives the very
engine objects the live path renders, so a finalized scorecard has the live shape to the digit.
The input hash is sha256 over a canonical JSON of everything the numbers were computed from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from typing import Any, cast

import orjson

from kra_api.models import KraSet, Period
from kra_api.scoring import engine
from kra_api.scoring.exact import Fraction
from kra_api.scoring.service import Scorecard, ScoringRun

FORMAT = 1
ANCHOR_NAMES = (
    "threshold",
    "target",
    "stretch",
    "low_threshold",
    "low_target",
    "high_target",
    "high_threshold",
)
# What an item's numbers were computed from; everything else of an item is a result.
ITEM_INPUTS = ("itemId", "kpiId", "kpiCode", "formula", "scope", "weight", "gate", "componentSums")
ITEM_INPUTS_GOALS = ("baseline", "goals")


def _s(x: Fraction | Decimal | None) -> str | None:
    return None if x is None else str(x)


def _f(x: str | None) -> Fraction | None:
    return None if x is None else Fraction(x)


def _d(x: str | None) -> Decimal | None:
    return None if x is None else Decimal(x)


def _id(x: str | None) -> uuid.UUID | None:
    return None if x is None else uuid.UUID(x)


def band_json(band: engine.Band | None) -> dict[str, Any] | None:
    """A band as stored: level, label, minimum score."""
    if band is None:
        return None
    return {"level": band.level, "label": band.label, "minScore": str(band.min_score)}


def band_of(data: dict[str, Any] | None) -> engine.Band | None:
    """A stored band back as the engine's."""
    if data is None:
        return None
    return engine.Band(data["level"], data["label"], Decimal(data["minScore"]))


def _anchors_json(a: engine.Anchors | None) -> dict[str, str | None] | None:
    return None if a is None else {n: _s(getattr(a, n)) for n in ANCHOR_NAMES}


def _anchors_of(data: dict[str, str | None] | None) -> engine.Anchors | None:
    return None if data is None else engine.Anchors(**{n: _f(data[n]) for n in ANCHOR_NAMES})


def _settings_json(s: engine.ScoringSettings) -> dict[str, Any]:
    return {
        "anchorScores": {
            "threshold": str(s.anchor_scores.threshold),
            "target": str(s.anchor_scores.target),
            "stretch": str(s.anchor_scores.stretch),
        },
        "kraCoverageMinimum": str(s.kra_coverage_minimum),
        "overallCoverageMinimum": str(s.overall_coverage_minimum),
        "gateCap": str(s.gate_cap),
        "revisionMode": s.revision_mode.value,
        "bands": [band_json(b) for b in s.bands],
    }


def _item_json(r: engine.ItemResult, run: ScoringRun, items: dict[Any, Any]) -> dict[str, Any]:
    row = items[r.key]
    goals = []
    for use in r.goals:
        goal = run.goals.get(cast(uuid.UUID, use.version.id))
        goals.append(
            {
                "goalId": str(use.version.id),
                "version": None if goal is None else goal.version,
                "days": use.days,
                "mode": use.version.mode.value,
                "basis": use.version.basis.value,
                "anchors": _anchors_json(use.version.anchors),
            }
        )
    return {
        "itemId": str(row.id),
        "kpiId": str(row.kpi_id),
        "kpiCode": r.kpi_code,
        "formula": run.kpis[row.kpi_id].row.formula,
        "scope": row.scope,
        "weight": _s(r.weight),
        "gate": None
        if r.gate is None
        else {"minimum": _s(r.gate.minimum), "maximum": _s(r.gate.maximum)},
        "componentSums": {n: str(v) for n, v in sorted(r.component_sums.items())},
        "baseline": _s(r.baseline),
        "goals": goals,
        "status": r.status.value,
        "value": _s(r.value),
        "anchors": _anchors_json(r.anchors),
        "mode": None if r.mode is None else r.mode.value,
        "segment": None if r.segment is None else r.segment.value,
        "score": _s(r.score),
        "contribution": _s(r.contribution),
        "gatePassed": r.gate_passed,
    }


def freeze(card: Scorecard, run: ScoringRun, settings: engine.ScoringSettings) -> dict[str, Any]:
    """The snapshot of a scorecard computed by ``run`` (JSON-ready)."""
    kras = {k.id: k for k in run.kras}
    items = {i.id: i for i in run.items}
    r = card.result
    kra_set = card.kra_set
    return {
        "format": FORMAT,
        "employeeId": str(card.employee_id),
        "periodId": str(card.period.id),
        "day": None if card.day is None else card.day.isoformat(),
        "roleId": _s_id(card.role_id),
        "orgUnitId": _s_id(card.org_unit_id),
        "kraSet": None
        if kra_set is None
        else {"id": str(kra_set.id), "version": kra_set.version, "roleId": str(kra_set.role_id)},
        "computedAt": card.computed_at.isoformat(),
        "settings": _settings_json(settings),
        "overall": {
            "score": _s(r.score),
            "uncappedScore": _s(r.uncapped_score),
            "status": r.status.value,
            "coverage": str(r.coverage),
            "band": band_json(r.band),
            "gateFailed": r.gate_failed,
        },
        "kras": [
            {
                "kraId": str(k.key),
                "title": kras[cast(uuid.UUID, k.key)].title,
                "weight": str(k.weight),
                "score": _s(k.score),
                "status": k.status.value,
                "coverage": str(k.coverage),
                "items": [_item_json(i, run, items) for i in k.items],
            }
            for k in r.kras
        ],
    }


def _s_id(x: uuid.UUID | None) -> str | None:
    return None if x is None else str(x)


def _item_of(data: dict[str, Any]) -> engine.ItemResult:
    gate = data["gate"]
    goals = tuple(
        engine.GoalDays(
            engine.GoalVersion(
                id=uuid.UUID(g["goalId"]),
                anchors=_anchors_of(g["anchors"]) or engine.Anchors(),
                mode=engine.ScoringMode(g["mode"]),
                basis=engine.AnchorBasis(g["basis"]),
            ),
            g["days"],
        )
        for g in data["goals"]
    )
    return engine.ItemResult(
        key=uuid.UUID(data["itemId"]),
        kpi_code=data["kpiCode"],
        weight=_d(data["weight"]),
        gate=None if gate is None else engine.Gate(_d(gate["minimum"]), _d(gate["maximum"])),
        status=engine.ItemStatus(data["status"]),
        value=_f(data["value"]),
        component_sums={n: Fraction(v) for n, v in data["componentSums"].items()},
        baseline=_f(data["baseline"]),
        anchors=_anchors_of(data["anchors"]),
        mode=None if data["mode"] is None else engine.ScoringMode(data["mode"]),
        goals=goals,
        segment=None if data["segment"] is None else engine.Segment(data["segment"]),
        score=_d(data["score"]),
        contribution=_f(data["contribution"]),
        gate_passed=data["gatePassed"],
    )


def result_of(data: dict[str, Any]) -> engine.ScorecardResult:
    """The engine result a snapshot holds."""
    overall = data["overall"]
    kras = tuple(
        engine.KraResult(
            key=uuid.UUID(k["kraId"]),
            weight=Decimal(k["weight"]),
            score=_d(k["score"]),
            status=engine.RatingStatus(k["status"]),
            coverage=Fraction(k["coverage"]),
            items=tuple(_item_of(i) for i in k["items"]),
        )
        for k in data["kras"]
    )
    return engine.ScorecardResult(
        score=_d(overall["score"]),
        uncapped_score=_d(overall["uncappedScore"]),
        status=engine.RatingStatus(overall["status"]),
        coverage=Fraction(overall["coverage"]),
        band=band_of(overall["band"]),
        gate_failed=overall["gateFailed"],
        kras=kras,
    )


def thaw(data: dict[str, Any], period: Period, kra_set: KraSet | None) -> Scorecard:
    """The scorecard a snapshot froze (``kra_set``: the row its ``kraSet.id`` names)."""
    day = data["day"]
    return Scorecard(
        employee_id=uuid.UUID(data["employeeId"]),
        period=period,
        day=None if day is None else dt.date.fromisoformat(day),
        role_id=_id(data["roleId"]),
        org_unit_id=_id(data["orgUnitId"]),
        kra_set=kra_set,
        result=result_of(data),
        computed_at=dt.datetime.fromisoformat(data["computedAt"]),
    )


def kra_set_id(data: dict[str, Any]) -> uuid.UUID | None:
    """The KRA set a snapshot used."""
    kra_set = data["kraSet"]
    return None if kra_set is None else uuid.UUID(kra_set["id"])


def kpi_of_item(data: dict[str, Any]) -> dict[uuid.UUID, uuid.UUID]:
    """Item id → KPI id of every item in a snapshot."""
    return {uuid.UUID(i["itemId"]): uuid.UUID(i["kpiId"]) for k in data["kras"] for i in k["items"]}


def inputs_of(data: dict[str, Any]) -> dict[str, Any]:
    """What a snapshot's numbers were computed from (its results left out)."""
    keep = ITEM_INPUTS + ITEM_INPUTS_GOALS
    return {
        "format": data["format"],
        "employeeId": data["employeeId"],
        "periodId": data["periodId"],
        "day": data["day"],
        "roleId": data["roleId"],
        "orgUnitId": data["orgUnitId"],
        "kraSet": data["kraSet"],
        "settings": data["settings"],
        "kras": [
            {
                "kraId": k["kraId"],
                "title": k["title"],
                "weight": k["weight"],
                "items": [{n: i[n] for n in keep} for i in k["items"]],
            }
            for k in data["kras"]
        ],
    }


def input_hash(data: dict[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON (sorted keys, no spaces) of a snapshot's inputs."""
    canonical = orjson.dumps(inputs_of(data), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()
