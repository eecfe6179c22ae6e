"""The groups of readings a KPI value is computed over (scoring.md §2, §6), from a Structure."""

from __future__ import annotations

import uuid

from kra_api.scoring.structure import Structure
from kra_api.scoring.windows import DateRange, Group, GroupBuilder, clip


def self_group(employee: uuid.UUID, period: DateRange) -> Group:
    """An employee's own readings over the whole period (wherever they worked)."""
    return {employee: [period]}


def led_units_group(structure: Structure, subject: uuid.UUID, period: DateRange) -> Group:
    """LED_UNITS: members and unit readings of every unit the subject led, subtree included.

    Members count on the days they were members while the subject led (effective membership and
    leadership). A subject who led no unit during the period gets the other members (and the
    unit readings) of their own unit(s), on the days they belonged there. The subject's own
    readings never count: that is what SELF items are for.
    """
    builder = GroupBuilder()
    leads = [lead for lead in structure.leads_by_employee.get(subject, ())]
    windows = [(lead.unit_id, clip(lead.start, lead.end, *period)) for lead in leads]
    led = [(unit, w) for unit, w in windows if w is not None]
    if led:
        for top, window in led:
            for unit in structure.subtree(top):
                _add_unit(builder, structure, unit, window, subject)
    else:
        for own in structure.stints_in(subject, period):
            _add_unit(builder, structure, own.unit_id, (own.start, own.end), subject)
    return builder.build()


def team_group(structure: Structure, unit: uuid.UUID, period: DateRange) -> Group:
    """A unit's subtree: every member while a member, plus the units' own readings."""
    builder = GroupBuilder()
    for member_unit in structure.subtree(unit):
        _add_unit(builder, structure, member_unit, period, None)
    return builder.build()


def _add_unit(
    builder: GroupBuilder,
    structure: Structure,
    unit: uuid.UUID,
    window: DateRange,
    excluded: uuid.UUID | None,
) -> None:
    builder.add(unit, window)
    for stint in structure.by_unit.get(unit, ()):
        if stint.employee_id != excluded:
            builder.add(stint.employee_id, clip(stint.start, stint.end, *window))
