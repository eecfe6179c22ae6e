"""organizationSettingsUpdate: validation, audit, permissions, and live effect on scorecards."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Gql
from tests.kras.support import actions
from tests.scorecards.support import EXAMPLE_A, agents, hire, month, period, record, scorecard

UPDATE = """mutation($input: OrganizationSettingsUpdateInput!) {
  organizationSettingsUpdate(input: $input) {
    organization { timezone settings { thresholdScore targetScore stretchScore
      kraCoverageMinimum overallCoverageMinimum gateCap revisionMode graceDays
      bands { level label minScore } } }
    userErrors { code field message } } }"""
BANDS = [
    {"level": 1, "label": "Low", "minScore": "0"},
    {"level": 2, "label": "Mid", "minScore": "70"},
    {"level": 3, "label": "High", "minScore": "100"},
]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (
            {"bands": [{**BANDS[0], "minScore": "10"}, *BANDS[1:]]},
            "BANDS_ORDER",
            "bands.0.minScore",
        ),
        (
            {"bands": [BANDS[0], {**BANDS[1], "minScore": "100"}, {**BANDS[2], "minScore": "70"}]},
            "BANDS_ORDER",
            "bands.2.minScore",
        ),
        ({"bands": [BANDS[0], {**BANDS[1], "minScore": "0"}]}, "BANDS_ORDER", "bands.1.minScore"),
        ({"bands": [BANDS[0], {**BANDS[1], "level": 1}]}, "INVALID", "bands.1.level"),
        ({"bands": [{**BANDS[0], "label": " "}]}, "INVALID", "bands.0.label"),
        ({"bands": []}, "INVALID", "bands"),
        ({"thresholdScore": "100"}, "ANCHOR_SCORES_ORDER", "thresholdScore"),
        ({"stretchScore": "100"}, "ANCHOR_SCORES_ORDER", "stretchScore"),
        ({"targetScore": "130"}, "ANCHOR_SCORES_ORDER", "targetScore"),
        ({"kraCoverageMinimum": "0"}, "INVALID", "kraCoverageMinimum"),
        ({"kraCoverageMinimum": "1.01"}, "INVALID", "kraCoverageMinimum"),
        ({"overallCoverageMinimum": "-0.5"}, "INVALID", "overallCoverageMinimum"),
        ({"gateCap": "-1"}, "INVALID", "gateCap"),
        ({"gateCap": "NaN"}, "INVALID", "gateCap"),
        ({"graceDays": -1}, "INVALID", "graceDays"),
        ({"graceDays": 367}, "INVALID", "graceDays"),
        ({"timezone": "Mars/Olympus_Mons"}, "INVALID", "timezone"),
    ],
)
async def test_validation(
    gql: Gql, make_org: Any, change: dict[str, Any], code: str, field: str
) -> None:
    org = await make_org()
    result = (await gql.data(UPDATE, {"input": change}, org.token("admin")))[
        "organizationSettingsUpdate"
    ]
    assert result["organization"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        (code, ["input", *field.split(".")])
    ]
    assert await actions(org.database, org.id) == []


async def test_update_every_setting_is_audited(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    change = {
        "thresholdScore": "40",
        "targetScore": "90",
        "stretchScore": "110",
        "kraCoverageMinimum": "1",
        "overallCoverageMinimum": "0.75",
        "gateCap": "0",
        "revisionMode": "END_OF_PERIOD",
        "graceDays": 0,
        "bands": BANDS,
        "timezone": "Asia/Manila",
    }
    result = (await gql.data(UPDATE, {"input": change}, org.token("hr")))[
        "organizationSettingsUpdate"
    ]
    assert result["userErrors"] == []
    assert result["organization"] == {
        "timezone": "Asia/Manila",
        "settings": {
            "thresholdScore": "40",
            "targetScore": "90",
            "stretchScore": "110",
            "kraCoverageMinimum": "1",
            "overallCoverageMinimum": "0.75",
            "gateCap": "0",
            "revisionMode": "END_OF_PERIOD",
            "graceDays": 0,
            "bands": BANDS,
        },
    }
    assert await actions(org.database, org.id) == ["organization.settingsUpdate"]
    # Only what is given changes.
    again = await gql.data(UPDATE, {"input": {"graceDays": 5}}, org.token("admin"))
    settings = again["organizationSettingsUpdate"]["organization"]["settings"]
    assert (settings["graceDays"], settings["targetScore"]) == (5, "90")


async def test_only_admin_hr_and_definition_writers(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    variables = {"input": {"graceDays": 4}}
    for role in ("manager", "employee"):
        body = await gql(UPDATE, variables, org.token(role))
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    key = await org.api_key(["definitions:write"])
    result = (await gql.data(UPDATE, variables, key))["organizationSettingsUpdate"]
    assert result["organization"]["settings"]["graceDays"] == 4
    reader = await org.api_key(["scorecards:read"])
    assert (await gql(UPDATE, variables, reader))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_band_boundary_moves_a_live_scorecard(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    employee = await hire(gql, s, "A1")
    await record(gql, s.token, month("A1", EXAMPLE_A))
    march = await period(gql, s.token)
    before = await scorecard(gql, s.token, employee, march)
    assert (before["overallScore"], before["band"]["level"]) == ("105.54", 4)
    bands = [
        {"level": 1, "label": "Unsatisfactory", "minScore": "0"},
        {"level": 2, "label": "Needs improvement", "minScore": "60"},
        {"level": 3, "label": "Meets expectations", "minScore": "85"},
        {"level": 4, "label": "Exceeds expectations", "minScore": "105.55"},
        {"level": 5, "label": "Outstanding", "minScore": "115"},
    ]
    result = await gql.data(UPDATE, {"input": {"bands": bands}}, s.token)
    assert result["organizationSettingsUpdate"]["userErrors"] == []
    after = await scorecard(gql, s.token, employee, march)
    assert (after["overallScore"], after["band"]) == (
        "105.54",
        {"level": 3, "label": "Meets expectations", "minScore": "85"},
    )
    # Anchor scores move the numbers themselves: CSAT 88.461538 now scores 90 + 3.461538 / 10
    # × 20 with target 90 and stretch 110.
    changed = {"thresholdScore": "40", "targetScore": "90", "stretchScore": "110"}
    assert (await gql.data(UPDATE, {"input": changed}, s.token))["organizationSettingsUpdate"][
        "userErrors"
    ] == []
    rescored = await scorecard(gql, s.token, employee, march)
    csat = next(i for k in rescored["kras"] for i in k["items"] if i["kpi"]["code"] == "CSAT")
    assert csat["score"] == "96.92"
