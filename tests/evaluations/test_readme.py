"""The README's "Evaluation cycle" sequence runs as written, step by step, with the token of
the employee, the reviewer and hr."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.conftest import Gql
from tests.evaluations.support import cycle

README = Path(__file__).resolve().parents[2] / "README.md"
PLACEHOLDER = re.compile(r"<([A-Za-z]+)>")
# Who runs each step of the sequence, in order.
ACTORS = ["reviewer", "employee", "reviewer", "hr", "hr", "employee", "hr", "hr", "hr"]


def steps() -> list[str]:
    """The GraphQL blocks of the README section "Evaluation cycle", in order."""
    section = README.read_text().split("## Evaluation cycle", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```graphql\n(.*?)```", section, flags=re.DOTALL)


async def test_the_evaluation_cycle_of_the_readme_works(gql: Gql, make_org: Any) -> None:
    c = await cycle(gql, make_org)
    tokens = {
        "employee": c.token("employee", "A1"),
        "reviewer": c.token("manager", "M1"),
        "hr": c.hr,
    }
    names = {"e": c.people["A1"], "p": c.march}
    found = steps()
    assert len(found) == len(ACTORS)
    results: list[dict[str, Any]] = []
    for step, actor in zip(found, ACTORS, strict=True):
        document = PLACEHOLDER.sub(lambda m: names[m.group(1)], step)
        data = await gql.data(document, token=tokens[actor])
        (payload,) = data.values()
        assert payload.get("userErrors", []) == [], payload
        if "evaluation" in payload and "id" in payload["evaluation"]:
            names["id"] = payload["evaluation"]["id"]
        results.append(payload)
    assert results[0]["evaluation"]["reviewer"] == {"name": "Agent M1"}
    assert results[4]["evaluation"]["scorecard"] == {
        "final": True,
        "overallScore": "105.54",
        "band": {"level": 4},
    }
    assert results[5]["evaluation"]["finalBand"] == {"level": 4}
    assert results[6]["evaluation"]["revisions"] == [
        {"revision": 2, "state": "FINALIZED"},
        {"revision": 1, "state": "ACKNOWLEDGED"},
    ]
    assert results[6]["evaluation"]["changes"] == []  # nothing moved since
    # A1's was final already; A2, M1 and S1 had none: created and finalized.
    assert (results[7]["period"]["state"], results[7]["finalized"], results[7]["created"]) == (
        "FINAL",
        3,
        3,
    )
    actions = [e["node"]["action"] for e in results[8]["edges"]]
    assert actions[0] == "evaluation.adjust"
