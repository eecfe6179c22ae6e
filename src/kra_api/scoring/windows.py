"""Date windows of readings: which subjects' readings count towards a group, on which days.

A *group* is what one KPI value is computed over (scoring.md §2, §6): an employee's own readings
over the period (SELF), the members and unit readings of the units a leader led (LED_UNITS), or a
team's subtree (team roll-up). It maps each subject (employee or org unit id) to the disjoint,
sorted date ranges ``[start, end)`` (organization time zone) whose readings count.

One aggregate query serves every group of a scoring run: each subject's timeline is cut at every
window bound of every group (``SegmentPlan``), the SQL sums readings per (subject, segment, KPI,
component), and groups are composed from whole segments in Python. A reading is thus read once,
however many groups it counts in.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from zoneinfo import ZoneInfo

DateRange = tuple[dt.date, dt.date]
Group = dict[uuid.UUID, list[DateRange]]


def clip(start: dt.date, end: dt.date | None, lo: dt.date, hi: dt.date) -> DateRange | None:
    """``[start, end)`` (end None: open) intersected with ``[lo, hi)``; None when empty."""
    a = max(start, lo)
    b = hi if end is None else min(end, hi)
    return (a, b) if a < b else None


def merge(ranges: Iterable[DateRange]) -> list[DateRange]:
    """Sorted, disjoint ranges covering the same days (adjacent ranges are joined)."""
    merged: list[DateRange] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


class GroupBuilder:
    """Collects (subject, range) pairs, possibly overlapping, into a ``Group``."""

    def __init__(self) -> None:
        self._ranges: dict[uuid.UUID, list[DateRange]] = defaultdict(list)

    def add(self, subject: uuid.UUID, rng: DateRange | None) -> None:
        """Count ``subject``'s readings on the days of ``rng`` (None: nothing)."""
        if rng is not None:
            self._ranges[subject].append(rng)

    def build(self) -> Group:
        """The group, each subject's ranges merged (a reading never counts twice)."""
        return {s: merge(r) for s, r in self._ranges.items()}


def instant(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The first instant of ``day`` in ``zone`` (readings belong to their start's local date)."""
    return dt.datetime.combine(day, dt.time(), zone)


def days_in(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every day of ``[start, end)``."""
    day = start
    while day < end:
        yield day
        day += dt.timedelta(days=1)


class SegmentPlan:
    """Each subject's timeline cut at every window bound of the groups it appears in.

    Segment ``i`` of a subject is ``[bounds[i], bounds[i + 1])``; only segments inside some
    window are queried. A window of any group is a whole number of consecutive segments.
    """

    def __init__(self, groups: Iterable[Group]) -> None:
        covered: dict[uuid.UUID, list[DateRange]] = defaultdict(list)
        cuts: dict[uuid.UUID, set[dt.date]] = defaultdict(set)
        for group in groups:
            for subject, ranges in group.items():
                covered[subject].extend(ranges)
                for a, b in ranges:
                    cuts[subject].update((a, b))
        self.bounds: dict[uuid.UUID, list[dt.date]] = {s: sorted(c) for s, c in cuts.items()}
        self._covered = {s: merge(r) for s, r in covered.items()}

    def segments(self) -> Iterator[tuple[uuid.UUID, int, dt.date, dt.date]]:
        """(subject, segment index, first day, end day) of every segment inside a window."""
        for subject, bounds in self.bounds.items():
            covered = self._covered[subject]
            for i in range(len(bounds) - 1):
                a, b = bounds[i], bounds[i + 1]
                if any(lo <= a and b <= hi for lo, hi in covered):
                    yield subject, i, a, b

    def whole(self, period: DateRange) -> list[uuid.UUID]:
        """The subjects whose only segment is the whole period (segment 0)."""
        span = [period[0], period[1]]
        return [s for s, bounds in self.bounds.items() if bounds == span]

    def query_arrays(
        self, zone: ZoneInfo, skip: Collection[uuid.UUID] = ()
    ) -> tuple[list[uuid.UUID], list[int], list[dt.datetime], list[dt.datetime]]:
        """The segments as parallel arrays for ``unnest`` (bounds as instants in ``zone``),
        leaving out the subjects in ``skip``."""
        subjects: list[uuid.UUID] = []
        indexes: list[int] = []
        los: list[dt.datetime] = []
        his: list[dt.datetime] = []
        for subject, i, a, b in self.segments():
            if subject in skip:
                continue
            subjects.append(subject)
            indexes.append(i)
            los.append(instant(a, zone))
            his.append(instant(b, zone))
        return subjects, indexes, los, his

    def segment_indexes(self, subject: uuid.UUID, ranges: list[DateRange]) -> list[int]:
        """The indexes of the subject's segments making up ``ranges``, in time order."""
        bounds = self.bounds.get(subject)
        if bounds is None:
            return []
        found: list[int] = []
        for a, b in ranges:
            found.extend(range(bisect.bisect_left(bounds, a), bisect.bisect_left(bounds, b)))
        return found
