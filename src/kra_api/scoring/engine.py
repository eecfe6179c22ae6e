"""The pure scoring engine (scoring.md): component sums and goals in, an explained scorecard out.

No I/O and nothing from the rest of the project: the scoring service loads component aggregates,
goal versions and baselines with set-based SQL, then calls ``score_scorecard`` once per employee.
All arithmetic is exact (``Fraction``); scores are rounded to 2 decimals half-up at each level in
the order of §7, values only on output (``quantize_value``). Every public name of the engine is
re-exported here, so callers import from this module only.

Decisions where the spec is silent:
- A gate is not scored, so its status is NO_DATA / INSUFFICIENT_SAMPLE / SCORED (SCORED meaning
  "evaluated"); goals given for a gate are ignored. A COUNT gate without a reading is evaluated at
  value 0 (status SCORED); a gate whose min sample is not met is unknown (``gate_passed`` None).
- Items that are not SCORED still show their value and effective anchors when those exist.
- ``contribution`` is reported for every SCORED item, also inside a NOT_RATED KRA (display only).
- Under PRORATE an optional anchor (stretch) survives only if every version used has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .aggregate import (
    DEFAULT_BANDS,
    Band,
    Gate,
    RatingStatus,
    band_for,
    check_bands,
    contribution,
    gate_passes,
    roll_up,
)
from .anchors import (
    Anchors,
    AnchorScores,
    Direction,
    ScoringMode,
    Segment,
    check_anchors,
    score_cap,
    score_value,
)
from .exact import Exact, Fraction, quantize_score, quantize_value, round_half_up, to_fraction
from .goals import (
    AnchorBasis,
    EffectiveGoal,
    GoalAssignment,
    GoalCandidate,
    GoalDays,
    GoalScopeKind,
    GoalVersion,
    RevisionMode,
    assign_goals,
    resolve_goal,
    scope_rank,
    winning_version,
)
from .model import (
    ItemInput,
    ItemResult,
    ItemStatus,
    KpiSpec,
    KpiUnit,
    KraInput,
    KraResult,
    ScorecardResult,
    ScoringSettings,
)
from .values import (
    FormulaLike,
    MinSample,
    baseline_value,
    exact_sums,
    exact_value,
    kpi_value,
    sample_met,
)

__all__ = [
    "DEFAULT_BANDS",
    "AnchorBasis",
    "AnchorScores",
    "Anchors",
    "Band",
    "Direction",
    "EffectiveGoal",
    "Exact",
    "FormulaLike",
    "Gate",
    "GoalAssignment",
    "GoalCandidate",
    "GoalDays",
    "GoalScopeKind",
    "GoalVersion",
    "ItemInput",
    "ItemResult",
    "ItemStatus",
    "KpiSpec",
    "KpiUnit",
    "KraInput",
    "KraResult",
    "MinSample",
    "RatingStatus",
    "RevisionMode",
    "ScorecardResult",
    "ScoringMode",
    "ScoringSettings",
    "Segment",
    "assign_goals",
    "band_for",
    "baseline_value",
    "check_anchors",
    "check_bands",
    "gate_passes",
    "kpi_value",
    "quantize_score",
    "quantize_value",
    "resolve_goal",
    "roll_up",
    "round_half_up",
    "scope_rank",
    "score_cap",
    "score_item",
    "score_kra",
    "score_scorecard",
    "score_value",
    "winning_version",
]


def score_item(item: ItemInput, settings: ScoringSettings) -> ItemResult:
    """Value, status, anchors, segment and rounded score of one item (contribution left None)."""
    kpi = item.kpi
    sums = exact_sums(item.sums or {})
    has_reading = bool(sums)
    value = exact_value(kpi.formula, sums) if has_reading else None
    sample_ok = has_reading and sample_met(kpi.min_sample, sums)
    baseline = None if item.baseline is None else to_fraction(item.baseline)
    if item.gate is not None:
        return _score_gate(item, item.gate, sums, value, sample_ok)

    effective = None
    if item.goals is not None:
        effective = resolve_goal(item.goals, settings.revision_mode, baseline)
    status: ItemStatus
    score: Decimal | None = None
    segment: Segment | None = None
    if effective is None:
        status = ItemStatus.NO_GOAL
    elif value is None:
        status = ItemStatus.NO_DATA
    elif not sample_ok:
        status = ItemStatus.INSUFFICIENT_SAMPLE
    elif effective.anchors is None:
        status = ItemStatus.NO_BASELINE
    else:
        status = ItemStatus.SCORED
        exact, segment = score_value(
            value, effective.anchors, kpi.direction, effective.mode, settings.anchor_scores
        )
        score = quantize_score(exact)
    return ItemResult(
        key=item.key,
        kpi_code=kpi.code,
        weight=item.weight,
        gate=None,
        status=status,
        value=value,
        component_sums=sums,
        baseline=baseline if effective is not None and effective.relative else None,
        anchors=None if effective is None else effective.anchors,
        mode=None if effective is None else effective.mode,
        goals=() if effective is None else effective.uses,
        segment=segment,
        score=score,
        contribution=None,
        gate_passed=None,
    )


def _score_gate(
    item: ItemInput,
    gate: Gate,
    sums: dict[str, Fraction],
    value: Fraction | None,
    sample_ok: bool,
) -> ItemResult:
    status = ItemStatus.SCORED
    if not sums and item.kpi.unit is KpiUnit.COUNT:
        value = Fraction(0)
    elif value is None:
        status = ItemStatus.NO_DATA
    elif not sample_ok:
        status = ItemStatus.INSUFFICIENT_SAMPLE
    passed = gate_passes(gate, value) if status is ItemStatus.SCORED else None
    return ItemResult(
        key=item.key,
        kpi_code=item.kpi.code,
        weight=None,
        gate=gate,
        status=status,
        value=value,
        component_sums=sums,
        baseline=None,
        anchors=None,
        mode=None,
        goals=(),
        segment=None,
        score=None,
        contribution=None,
        gate_passed=passed,
    )


def score_kra(kra: KraInput, settings: ScoringSettings) -> KraResult:
    """Score a KRA's items and roll the rounded KPI scores up into the rounded KRA score."""
    items = [score_item(i, settings) for i in kra.items]
    rollup = roll_up(
        ((i.weight, i.score) for i in items if i.weight is not None),
        settings.kra_coverage_minimum,
    )
    for i in items:
        if i.weight is not None and i.score is not None:
            # Set on results made just above, not yet seen by anyone: building each scored item
            # a second time (dataclasses.replace) cost a run of 80 000 items over a second.
            share = contribution(i.weight, i.score, rollup.scored_weight)
            object.__setattr__(i, "contribution", share)
    return KraResult(
        key=kra.key,
        weight=kra.weight,
        score=rollup.score,
        status=rollup.status,
        coverage=rollup.coverage,
        items=tuple(items),
    )


def score_scorecard(kras: Sequence[KraInput], settings: ScoringSettings) -> ScorecardResult:
    """Score a whole scorecard: KRAs, overall from the rounded KRA scores, gates, band (§6-§7)."""
    results = tuple(score_kra(k, settings) for k in kras)
    rollup = roll_up(((k.weight, k.score) for k in results), settings.overall_coverage_minimum)
    gate_failed = any(i.gate_passed is False for k in results for i in k.items)
    score = rollup.score
    if score is not None and gate_failed:
        score = quantize_score(min(to_fraction(score), to_fraction(settings.gate_cap)))
    return ScorecardResult(
        score=score,
        uncapped_score=rollup.score,
        status=rollup.status,
        coverage=rollup.coverage,
        band=None if score is None else band_for(score, settings.bands),
        gate_failed=gate_failed,
        kras=results,
    )
