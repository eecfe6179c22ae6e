"""The ``kra-api`` command line: serve, migrate, bootstrap tenants, tokens, schema export."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from kra_api.config import Settings, get_settings
from kra_api.db import migrate as migrations
from kra_api.db.resolve import resolve_database_url
from kra_api.errors import Invalid
from kra_api.signals import exit_cleanly_on_sigterm

app = typer.Typer(no_args_is_help=True, help="kra-api: KRA/KPI scorecards for contact centers.")
org_app = typer.Typer(no_args_is_help=True, help="Organizations (tenants).")
apikey_app = typer.Typer(no_args_is_help=True, help="API keys for integrations.")
catalogue_app = typer.Typer(no_args_is_help=True, help="The built-in KPI catalogue.")
app.add_typer(org_app, name="org")
app.add_typer(apikey_app, name="apikey")
app.add_typer(catalogue_app, name="catalogue")
err = Console(stderr=True)
T = TypeVar("T")


def _settings_with_url() -> tuple[Settings, str]:
    settings = get_settings()
    url = asyncio.run(resolve_database_url(settings))
    return settings.model_copy(update={"database_url": url}), url


def _run(factory: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(factory())  # type: ignore[arg-type]
    except Invalid as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from exc


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    migrate: Annotated[bool, typer.Option("--migrate", help="Upgrade the database first.")] = False,
    demo: Annotated[bool, typer.Option("--demo", help="Migrate and seed the demo org.")] = False,
) -> None:
    """Serve the API (GraphiQL at /graphql in development)."""
    import uvicorn

    from kra_api.app import create_app

    settings, url = _settings_with_url()
    if migrate or demo:
        migrations.upgrade_sync(url)
    if demo:
        from kra_api.demo import seed_demo

        token = _run(lambda: seed_demo(settings, url))
        err.print("[green]demo organization ready[/green] (slug: demo)\n")
        err.print(f"GraphiQL: http://{host}:{port}/graphql")
        err.print("Admin token (send as 'Authorization: Bearer <token>'):")
        print(token, flush=True)
    exit_cleanly_on_sigterm()  # so that stopping the server also stops the embedded database
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
def migrate() -> None:
    """Upgrade the database to the newest migration."""
    _, url = _settings_with_url()
    migrations.upgrade_sync(url)
    err.print(f"database at revision {migrations.head_revision()}")


@app.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL schema (SDL) built from the code."""
    from kra_api.graphql.schema import build_schema

    print(build_schema(Settings()).as_str())


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Option(help="Display name.")],
    slug: Annotated[str, typer.Option(help="Short unique name (a-z, 0-9, -).")],
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "UTC",
) -> None:
    """Create an organization; prints its id."""
    from kra_api.bootstrap import create_org, database_for_cli

    settings, url = _settings_with_url()

    async def work() -> str:
        database = database_for_cli(settings, url)
        try:
            org = await create_org(database, name=name, slug=slug, timezone=timezone)
            return str(org.id)
        finally:
            await database.dispose()

    print(_run(work))


@app.command()
def token(
    org: Annotated[str, typer.Option(help="Organization slug.")],
    role: Annotated[list[str], typer.Option(help="admin, hr, manager or employee (repeatable).")],
    employee: Annotated[str | None, typer.Option(help="Employee external id (sub).")] = None,
    ttl: Annotated[int | None, typer.Option(help="Lifetime in seconds.")] = None,
) -> None:
    """Print a development token (HS256, the configured secret); only the token on stdout."""
    from kra_api.auth.principal import UserRole
    from kra_api.auth.tokens import issue_token
    from kra_api.bootstrap import database_for_cli, organization_by_slug

    bad = [r for r in role if r not in UserRole._value2member_map_]
    if bad:
        err.print(f"[red]error:[/red] unknown role(s) {bad}; use admin, hr, manager, employee")
        raise typer.Exit(2)
    settings, url = _settings_with_url()

    async def work() -> str | None:
        database = database_for_cli(settings, url)
        try:
            found = await organization_by_slug(database, org)
            return str(found.id) if found else None
        finally:
            await database.dispose()

    org_id = _run(work)
    if org_id is None:
        err.print(f"[red]error:[/red] no organization with slug {org!r}")
        raise typer.Exit(2)
    print(issue_token(settings, organization=org_id, roles=role, subject=employee, ttl_seconds=ttl))


@apikey_app.command("create")
def apikey_create(
    org: Annotated[str, typer.Option(help="Organization slug.")],
    scopes: Annotated[str, typer.Option(help="Comma-separated, e.g. readings:write,people:write")],
    name: Annotated[str, typer.Option(help="What the key is for.")] = "integration",
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from kra_api.bootstrap import create_api_key, database_for_cli, organization_by_slug

    settings, url = _settings_with_url()

    async def work() -> str | None:
        database = database_for_cli(settings, url)
        try:
            found = await organization_by_slug(database, org)
            if found is None:
                return None
            wanted = [s.strip() for s in scopes.split(",") if s.strip()]
            return await create_api_key(database, found.id, name=name, scopes=wanted)
        finally:
            await database.dispose()

    secret = _run(work)
    if secret is None:
        err.print(f"[red]error:[/red] no organization with slug {org!r}")
        raise typer.Exit(2)
    print(secret)


@catalogue_app.command("list")
def catalogue_list() -> None:
    """Print the built-in KPI catalogue as a table."""
    from rich.table import Table

    from kra_api.catalog.builtin import load_catalogue

    table = Table(title="Built-in KPI catalogue")
    for column in ("code", "name", "unit", "direction", "subject", "formula", "min sample"):
        table.add_column(column, overflow="fold")
    for kpi in load_catalogue():
        sample = kpi.min_sample
        table.add_row(
            kpi.code,
            kpi.name,
            kpi.unit.value,
            kpi.direction.value,
            kpi.subject.value,
            kpi.formula,
            f"{sample.component} >= {sample.minimum}" if sample else "",
        )
    Console().print(table)


@catalogue_app.command("import")
def catalogue_import(
    org: Annotated[str, typer.Option(help="Organization slug.")],
    codes: Annotated[list[str] | None, typer.Argument(help="Codes, e.g. AHT CSAT.")] = None,
    all_codes: Annotated[bool, typer.Option("--all", help="Every catalogue KPI.")] = False,
) -> None:
    """Copy built-in KPIs into an organization: all codes or none; prints the codes copied."""
    from kra_api.auth.principal import system_principal
    from kra_api.bootstrap import database_for_cli, organization_by_slug
    from kra_api.catalog import service
    from kra_api.catalog.builtin import load_catalogue

    if bool(codes) == all_codes:
        err.print("[red]error:[/red] give catalogue codes or --all (not both)")
        raise typer.Exit(2)
    wanted = [k.code for k in load_catalogue()] if all_codes else list(codes or [])
    settings, url = _settings_with_url()

    async def work() -> list[str] | None:
        database = database_for_cli(settings, url)
        try:
            found = await organization_by_slug(database, org)
            if found is None:
                return None
            principal = system_principal(found.id, "kra-api catalogue import")
            async with database.session(found.id) as session, session.begin():
                kpis = await service.import_catalogue(session, principal, wanted)
            return [k.code for k in kpis]
        finally:
            await database.dispose()

    imported = _run(work)
    if imported is None:
        err.print(f"[red]error:[/red] no organization with slug {org!r}")
        raise typer.Exit(2)
    err.print(f"[green]imported {len(imported)} KPI(s)[/green]")
    print("\n".join(imported))


@app.command("import-readings")
def import_readings(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="NDJSON or CSV.")],
    source: Annotated[str, typer.Option(help="The sending system, e.g. wfm.")],
    org: Annotated[
        str | None, typer.Option(help="Organization slug (default: the only one).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="ndjson or csv (default: name).")
    ] = None,
    atomic: Annotated[bool, typer.Option("--atomic", help="All lines or none.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and count only.")] = False,
) -> None:
    """Import readings from a file (.gz too) like POST /v1/readings; prints the JSON summary."""
    import orjson

    from kra_api.readings.importer import import_file

    _, url = _settings_with_url()
    size = file.stat().st_size
    outcome = _run(
        lambda: import_file(url, org, file, size, source, fmt=fmt, atomic=atomic, dry_run=dry_run)
    )
    if isinstance(outcome, str):
        err.print(f"[red]error:[/red] {outcome}")
        raise typer.Exit(2)
    print(orjson.dumps(outcome, option=orjson.OPT_INDENT_2).decode())
    if not outcome["committed"] and not dry_run:
        raise typer.Exit(2)
    if outcome["rejected"]:
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``kra-api`` script."""
    app()


if __name__ == "__main__":
    main()
