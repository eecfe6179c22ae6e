"""The README's "Define KRAs" example runs as written, step by step, against the API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.conftest import Gql
from tests.kras.support import ROLE_SETS

README = Path(__file__).resolve().parents[1] / "README.md"
PLACEHOLDER = re.compile(r"<([A-Za-z]+)>")


def example_steps() -> list[str]:
    """The GraphQL blocks of the README section "Define KRAs", in order."""
    text = README.read_text()
    section = text.split("## Define KRAs", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```graphql\n(.*?)```", section, flags=re.DOTALL)


def capture(data: dict[str, Any], names: dict[str, str]) -> None:
    """Remember the ids the README tells the reader to reuse (by code, alias or role)."""
    for alias, payload in data.items():
        if not isinstance(payload, dict):
            continue
        assert payload.get("userErrors", []) == [], (alias, payload)
        for kpi in payload.get("kpis", []):
            names[kpi["code"]] = kpi["id"]
        if payload.get("role"):
            names["roleId"] = payload["role"]["id"]
            names["draftId"] = payload["role"]["kraSets"][0]["id"]
        if payload.get("kra"):
            names[alias] = payload["kra"]["id"]


async def test_the_define_kras_example_works(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    steps = example_steps()
    assert len(steps) == 8
    names: dict[str, str] = {}
    result: dict[str, Any] = {}
    for step in steps:
        document = PLACEHOLDER.sub(lambda m: names[m.group(1)], step)
        result = await gql.data(document, token=token)
        capture(result, names)
    roles = result["organization"]["roles"]["edges"]
    [agent] = [r["node"] for r in roles]
    assert agent["code"] == "AGENT"
    assert agent["kraSet"]["version"] == 1
    kras = agent["kraSet"]["kras"]
    assert [(k["title"], k["weight"]) for k in kras] == [
        ("Customer experience", "40"),
        ("Efficiency", "30"),
        ("Quality", "30"),
    ]
    assert kras[2]["items"][1] == {
        "kpi": {"code": "COMPLIANCE"},
        "scope": "SELF",
        "weight": None,
        "gate": {"minimum": None, "maximum": "0"},
    }
    goals = [g["node"] for g in result["organization"]["goals"]["edges"]]
    assert sorted(g["kpi"]["code"] for g in goals) == ["ADH", "AHT", "CSAT", "FCR", "QA"]
    assert {g["version"] for g in goals} == {1}
    # The closing paragraph: a second version from March 1.
    draft = await gql.data(
        "mutation($id: ID!) { kraSetDraft(input: {roleId: $id}) { kraSet { id version } } }",
        {"id": names["roleId"]},
        token,
    )
    v2 = draft["kraSetDraft"]["kraSet"]
    assert v2["version"] == 2
    published = await gql.data(
        'mutation($id: ID!) { kraSetPublish(input: {kraSetId: $id, effectiveFrom: "2026-03-01"})'
        " { userErrors { code } } }",
        {"id": v2["id"]},
        token,
    )
    assert published["kraSetPublish"]["userErrors"] == []
    for day, version in (("2026-02-15", 1), ("2026-03-01", 2)):
        node = (await gql.data(ROLE_SETS, {"id": names["roleId"], "at": day}, token))["node"]
        assert node["kraSet"]["version"] == version
