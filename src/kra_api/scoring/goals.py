"""Goal versions over a period (scoring.md §3 precedence, §8 PRORATE / END_OF_PERIOD).

The service decides which goal versions are candidates on each day (they depend on the employee's
role and unit that day); ``winning_version`` / ``assign_goals`` apply the precedence, and
``resolve_goal`` turns the resulting day counts into the effective anchors.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import lru_cache

from .anchors import Anchors, ScoringMode
from .exact import Fraction


class AnchorBasis(StrEnum):
    """ABSOLUTE anchors, or RELATIVE ones: multipliers of the baseline."""

    ABSOLUTE = "ABSOLUTE"
    RELATIVE = "RELATIVE"


class RevisionMode(StrEnum):
    """How several goal versions in one period combine."""

    PRORATE = "PRORATE"
    END_OF_PERIOD = "END_OF_PERIOD"


class GoalScopeKind(StrEnum):
    """Scope of a goal line, most specific first."""

    EMPLOYEE = "EMPLOYEE"
    ORG_UNIT = "ORG_UNIT"
    ROLE = "ROLE"


_KIND_RANK = {GoalScopeKind.EMPLOYEE: 0, GoalScopeKind.ORG_UNIT: 1, GoalScopeKind.ROLE: 2}


@dataclass(frozen=True)
class GoalVersion:
    """One approved goal version: its anchors (multipliers when RELATIVE), mode and basis."""

    id: Hashable
    anchors: Anchors
    mode: ScoringMode = ScoringMode.LINEAR
    basis: AnchorBasis = AnchorBasis.ABSOLUTE


def scope_rank(scope: GoalScopeKind, distance: int = 0) -> tuple[int, int]:
    """Sort key of a scope, smaller wins: EMPLOYEE, ORG_UNIT nearest first, ROLE."""
    if distance < 0:
        raise ValueError("distance must be >= 0")
    # Distance only orders org units (0 = the employee's own unit, 1 = its parent, ...).
    return (_KIND_RANK[scope], distance if scope is GoalScopeKind.ORG_UNIT else 0)


@dataclass(frozen=True)
class GoalCandidate:
    """A goal version in force on a day, with its scope; ``distance`` is for ORG_UNIT scopes."""

    version: GoalVersion
    scope: GoalScopeKind
    distance: int = 0

    @property
    def rank(self) -> tuple[int, int]:
        """Precedence key of this candidate (smaller wins)."""
        return scope_rank(self.scope, self.distance)


def winning_version(candidates: Iterable[GoalCandidate]) -> GoalVersion | None:
    """The version of the most specific scope among one day's candidates (None: no goal)."""
    best: GoalCandidate | None = None
    for c in candidates:
        if best is None or c.rank < best.rank:
            best = c
        elif c.rank == best.rank and c.version.id != best.version.id:
            # Versions of one goal line never overlap, so a tie means the caller mixed up scopes.
            raise ValueError(f"goal versions {best.version.id!r} and {c.version.id!r} tie on a day")
    return None if best is None else best.version


@dataclass(frozen=True)
class GoalDays:
    """A goal version and the number of period days it won."""

    version: GoalVersion
    days: int


@dataclass(frozen=True)
class GoalAssignment:
    """The versions governing a period with their days, and the one winning the last goal day."""

    uses: tuple[GoalDays, ...]
    last: GoalVersion
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = [u.version.id for u in self.uses]
        if not self.uses or len(set(ids)) != len(ids):
            raise ValueError("uses must list at least one version, each once")
        if any(u.days <= 0 for u in self.uses):
            raise ValueError("every version used must have at least one day")
        if self.last.id not in ids:
            raise ValueError("the last version must be one of the versions used")
        # Hashed once: resolve_goal's memo hashes the assignment of every item of a run, and
        # the generated hash would walk every version and its anchors each time.
        object.__setattr__(self, "_hash", hash((self.uses, self.last)))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        # The memo of resolve_goal compares the shared assignment with itself on every item.
        if self is other:
            return True
        if not isinstance(other, GoalAssignment):
            return NotImplemented
        return (self.uses, self.last) == (other.uses, other.last)

    def __reduce__(self) -> tuple[type[GoalAssignment], tuple[tuple[GoalDays, ...], GoalVersion]]:
        # Rebuilt through __init__ when unpickled or copied: string hashes differ per process.
        return GoalAssignment, (self.uses, self.last)

    @classmethod
    def single(cls, version: GoalVersion, days: int = 1) -> GoalAssignment:
        """One version governing every goal day of the period."""
        return cls((GoalDays(version, days),), version)


def assign_goals(days: Iterable[Iterable[GoalCandidate]]) -> GoalAssignment | None:
    """Decide the winning version day by day and count its days; None when no day has a goal."""
    counts: dict[Hashable, GoalDays] = {}
    last: GoalVersion | None = None
    for candidates in days:
        winner = winning_version(candidates)
        if winner is None:
            continue
        seen = counts.get(winner.id)
        counts[winner.id] = GoalDays(winner, 1 if seen is None else seen.days + 1)
        last = winner
    if last is None:
        return None
    return GoalAssignment(tuple(counts.values()), last)


@dataclass(frozen=True)
class EffectiveGoal:
    """What an item is scored against: absolute anchors (None: no usable baseline) and mode."""

    anchors: Anchors | None
    mode: ScoringMode
    uses: tuple[GoalDays, ...]
    relative: bool

    @property
    def baseline_missing(self) -> bool:
        """True when a relative version is behind the anchors but no usable baseline exists."""
        return self.anchors is None


# Pure and called once per item: a scoring run asks again and again for the same few (shared
# goal versions, no baseline), so results are memoized; every argument is immutable.
@lru_cache(maxsize=4096)
def resolve_goal(
    assignment: GoalAssignment, revision_mode: RevisionMode, baseline: Fraction | None
) -> EffectiveGoal:
    """Effective anchors for the period: day-weighted mean (PRORATE) or the last version."""
    if revision_mode is RevisionMode.END_OF_PERIOD:
        uses = tuple(u for u in assignment.uses if u.version.id == assignment.last.id)
    else:
        uses = assignment.uses
    relative = any(u.version.basis is AnchorBasis.RELATIVE for u in uses)
    mode = assignment.last.mode
    usable = baseline is not None and baseline > 0
    if relative and not usable:
        return EffectiveGoal(None, mode, uses, relative)
    absolute = [(_absolute(u.version, baseline), u.days) for u in uses]
    total = sum(d for _, d in absolute)
    merged: dict[str, Fraction | None] = {}
    for fl in fields(Anchors):
        parts = [(getattr(a, fl.name), d) for a, d in absolute]
        # An anchor some version lacks (an optional stretch) cannot be averaged: it is absent.
        if any(p is None for p, _ in parts):
            merged[fl.name] = None
        else:
            merged[fl.name] = sum((p * d for p, d in parts), Fraction(0)) / total
    return EffectiveGoal(Anchors(**merged), mode, uses, relative)


def _absolute(version: GoalVersion, baseline: Fraction | None) -> Anchors:
    if version.basis is AnchorBasis.ABSOLUTE:
        return version.anchors
    assert baseline is not None
    return version.anchors.scaled(baseline)
