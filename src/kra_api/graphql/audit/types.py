"""Who did something, as shown on goals and KRA sets (author, approver, publisher)."""

from __future__ import annotations

import enum
import uuid

import strawberry

from kra_api.graphql.core.context import Info
from kra_api.graphql.people.types import Employee


@strawberry.enum(description="What kind of caller acted.")
class ActorKind(enum.Enum):
    USER = "USER"
    INTEGRATION = "INTEGRATION"
    SYSTEM = "SYSTEM"


@strawberry.type(description="Who acted: a user, an integration (API key) or the service itself.")
class Actor:
    kind: ActorKind = strawberry.field(description="USER, INTEGRATION or SYSTEM.")
    label: str = strawberry.field(description="The user's subject, the API key's name, ...")
    employee_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def of(cls, kind: str | None, label: str | None, employee_id: uuid.UUID | None) -> Actor | None:
        """An actor from stored columns; None when nobody is recorded."""
        if kind is None or label is None:
            return None
        return cls(kind=ActorKind(kind), label=label, employee_id=employee_id)

    @strawberry.field(description="The employee record of a user who acted, when known.")
    async def employee(self, info: Info) -> Employee | None:
        if self.employee_id is None:
            return None
        row = await info.context.loaders.employee.load(self.employee_id)
        return Employee.of(row) if row else None
