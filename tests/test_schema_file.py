"""The committed schema.graphql is the schema the code builds (regenerate with export-schema)."""

from __future__ import annotations

from pathlib import Path

from kra_api.config import Settings
from kra_api.graphql.schema import build_schema


def test_schema_file_is_current() -> None:
    committed = (Path(__file__).resolve().parents[1] / "schema.graphql").read_text()
    exported = build_schema(Settings()).as_str() + "\n"
    assert committed == exported, (
        "schema.graphql is stale: run `uv run kra-api export-schema > schema.graphql`"
    )
