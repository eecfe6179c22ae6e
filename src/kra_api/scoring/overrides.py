"""What-if inputs of a scoring run: goal versions and a draft KRA set standing in for stored ones.

Override rows are transient objects (never added to a session): a run with overrides reads what
a normal run reads and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from kra_api.models import Goal, Kra, KraItem, KraSet
from kra_api.scoring.definitions import Definitions


@dataclass(frozen=True)
class DraftSet:
    """A KRA set scored as if in force for its role on every day of the run."""

    kra_set: KraSet
    kras: Sequence[Kra]
    items: Sequence[KraItem]


@dataclass(frozen=True)
class Overrides:
    """Replacements for one run: ``goals`` replace every version of their lines in the period;
    ``kra_set`` replaces its role's published sets."""

    goals: Sequence[Goal] = field(default_factory=tuple)
    kra_set: DraftSet | None = None

    def goals_with(self, rows: Sequence[Goal]) -> list[Goal]:
        """The period's stored versions, those of overridden lines swapped for the overrides."""
        lines = {(g.kpi_id, g.scope_kind, g.scope_id) for g in self.goals}
        kept = [r for r in rows if (r.kpi_id, r.scope_kind, r.scope_id) not in lines]
        return kept + list(self.goals)

    def apply(self, definitions: Definitions) -> None:
        """Put the draft set in force for its role, for every day (its rows stay untouched)."""
        if self.kra_set is None:
            return
        draft = self.kra_set.kra_set
        always = KraSet(
            organization_id=draft.organization_id,
            id=draft.id,
            role_id=draft.role_id,
            version=draft.version,
            status=draft.status,
            effective_from=dt.date.min,
        )
        definitions.put_in_force(always, self.kra_set.kras, self.kra_set.items)
