"""`kra-api import-readings FILE --source wfm --org SLUG`: the same ingestion as the endpoint."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import orjson

from kra_api.readings.importer import import_file
from tests.catalog.test_catalogue_cli import cli
from tests.conftest import Gql
from tests.readings.bulk_support import CSV_HEADER, csv_line, ndjson
from tests.readings.support import count, quarantined, reading, setup


async def test_import_a_gzipped_csv_file(
    gql: Gql, make_org: Any, database: Any, database_url: str, tmp_path: Path
) -> None:
    org = await make_org()
    await setup(gql, org)
    rows = [CSV_HEADER, *(csv_line("E1", n) for n in range(1, 6)), csv_line("E2", 1, "x")]
    path = tmp_path / "wfm.csv.gz"
    path.write_bytes(gzip.compress("\n".join(rows).encode()))
    args = ("import-readings", str(path), "--source", "wfm", "--org", org.slug)
    code, out, err = await cli(database_url, *args)
    assert code == 1, err  # one line was refused; the others are stored
    summary = orjson.loads(out)
    assert (summary["format"], summary["inserted"], summary["rejected"]) == ("csv", 5, 1)
    assert summary["errors"][0]["line"] == 7
    assert "rows/s" in err
    assert await count(database, org.id, "kpi_reading") == 5


async def test_import_ndjson_dry_run_then_for_real(
    gql: Gql, make_org: Any, database: Any, database_url: str, tmp_path: Path
) -> None:
    org = await make_org()
    await setup(gql, org)
    path = tmp_path / "acd.ndjson"
    path.write_bytes(ndjson([reading("E1"), reading("Q7")]))
    size = path.stat().st_size
    dry = await import_file(database_url, org.slug, path, size, "acd", dry_run=True)
    assert isinstance(dry, dict)
    assert (dry["inserted"], dry["quarantined"], dry["committed"]) == (1, 1, False)
    assert await quarantined(database, org.id) == []
    done = await import_file(database_url, org.slug, path, size, "acd")
    assert isinstance(done, dict)
    assert (done["inserted"], done["committed"]) == (1, True)
    assert await count(database, org.id, "kpi_reading") == 1


async def test_import_refusals(make_org: Any, database_url: str, tmp_path: Path) -> None:
    org = await make_org()
    path = tmp_path / "x.csv"
    path.write_text("kpi_code\nAHT\n")
    bad_header = await import_file(database_url, org.slug, path, 14, "wfm")
    assert isinstance(bad_header, str)
    assert "CSV header" in bad_header
    assert "--org SLUG" in str(await import_file(database_url, "nope", path, 14, "wfm"))
    assert "--source" in str(await import_file(database_url, org.slug, path, 14, " "))
