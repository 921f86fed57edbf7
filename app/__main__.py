"""Command line: `python -m app <command>`; `python -m app --help` lists the commands."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import random
import sys
from collections.abc import Awaitable, Callable

from tortoise import Tortoise
from tortoise.exceptions import OperationalError

from app import db
from app.clock import system_clock
from app.logs import configure_logging
from app.settings import PROJECT_ROOT, Settings, SettingsError, load_settings

SCHEMA_PATH = PROJECT_ROOT / "schema.graphql"


class SchemaMissing(Exception):
    """The database has no tables yet."""


async def _with_orm(settings: Settings, work: Callable[[], Awaitable[None]]) -> None:
    await Tortoise.init(config=db.tortoise_config(settings))
    try:
        await work()
    except OperationalError as error:
        if "no such table" in str(error) or "does not exist" in str(error):
            raise SchemaMissing(str(error)) from error
        raise
    finally:
        await Tortoise.close_connections()


def uvicorn_options(settings: Settings) -> dict[str, object]:
    """How `serve` runs uvicorn, besides the app, host, port and workers (bench/api.py serves its baselines so)."""
    return {
        "log_config": None,
        "proxy_headers": False,  # the app reads X-Forwarded-For from TRUSTED_PROXIES only (app/main.py)
        "ws_max_size": settings.max_graphql_body_bytes,  # one websocket message: no larger than an HTTP body
        # the lightest connection measured by bench/fanout.py that keeps websockets' C framing (README, fan-out)
        "ws": "websockets-sansio",
        "ws_per_message_deflate": False,  # a zlib context per socket costs memory; payloads are small JSON
    }


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers > 1 and (not settings.redis_url or settings.uses_sqlite):
        print("Several workers need REDIS_URL (live updates cross workers) and PostgreSQL.", file=sys.stderr)
        return 2
    uvicorn.run(
        "app.main:create_served_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        **uvicorn_options(settings),
    )
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from app.worker import run_worker

    asyncio.run(run_worker(settings))
    return 0


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    asyncio.run(db.apply_migrations(settings))
    print("Database schema is up to date.")
    return 0


def cmd_makemigrations(settings: Settings, args: argparse.Namespace) -> int:
    writers = asyncio.run(db.detect_model_changes(settings))
    if args.check:
        if writers:
            print("Models and migrations disagree; run `python -m app makemigrations`.", file=sys.stderr)
            return 1
        print("Models and migrations agree.")
        return 0
    for writer in writers:
        print(f"Created {writer.write()}")
    if not writers:
        print("No changes detected.")
    return 0


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    if not (args.demo or args.synthetic):
        print("Choose --demo and/or --synthetic.", file=sys.stderr)
        return 2

    async def work() -> None:
        if args.demo:
            from app.seeding.demo import DEMO_PASSWORD, load_demo

            summary = await load_demo()
            print(f"Loaded {summary.centres} centres and {summary.procedures} procedures.")
            print(f"Demo staff (password: {DEMO_PASSWORD}):")
            for email, role, centre in summary.staff:
                print(f"  {email:42} {role:8} {centre}")
            print("Demo citizens (sign in with requestSignInCode; in development the code is printed to the log):")
            for phone, name in summary.citizens:
                print(f"  {phone}  {name}")
        if args.synthetic:
            from app.catalogue.models import Procedure
            from app.seeding.synthetic import create_synthetic_citizens, create_synthetic_procedures
            from app.seeding.synthetic_dossiers import create_synthetic_dossiers

            rng = random.Random(args.random_seed)
            added = await create_synthetic_procedures(args.procedures, rng)
            print(f"Added {added} synthetic procedures (catalogue now {await Procedure.all().count()}).")
            print(f"Added {await create_synthetic_citizens(args.citizens, rng)} synthetic citizens.")
            print(f"Added {await create_synthetic_dossiers(args.dossiers, rng, system_clock())} synthetic dossiers.")

    asyncio.run(_with_orm(settings, work))
    return 0


def cmd_export_schema(settings: Settings, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from app.api.schema import build_schema
    from app.api.trusted_documents import MANIFEST_PATH, manifest_text

    # the contract outside development: development-only fields (simulatePayment) stay out of schema.graphql
    outputs = {
        SCHEMA_PATH: build_schema(replace(settings, app_env="production"), trusted_manifest=None).as_str() + "\n",
        MANIFEST_PATH: manifest_text(),  # the app's operations, graphql/*.graphql
    }
    if args.check:
        stale = [p.name for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print(f"{', '.join(stale)} out of date; run `python -m app export-schema`.", file=sys.stderr)
            return 1
        print("schema.graphql and the trusted-document manifest are up to date.")
        return 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"Wrote {path}")
    return 0


def cmd_check_breaking_changes(settings: Settings, args: argparse.Namespace) -> int:
    from app.api.breaking_changes import INTENDED, RELEASE_SCHEMA, intended_changes, unlisted_breaking_changes

    release = RELEASE_SCHEMA.read_text(encoding="utf-8")
    unlisted = unlisted_breaking_changes(release, SCHEMA_PATH.read_text(encoding="utf-8"), intended_changes())
    if unlisted:
        print(f"Breaking changes against {RELEASE_SCHEMA.name} not listed in {INTENDED.name}:", file=sys.stderr)
        print("\n".join(f"  {change}" for change in unlisted), file=sys.stderr)
        return 1
    print("No unlisted breaking change against the previous release.")
    return 0


def cmd_create_staff(settings: Settings, args: argparse.Namespace) -> int:
    from app.accounts.models import StaffRole
    from app.accounts.staff import create_staff
    from app.errors import DomainError

    password = args.password or getpass.getpass("Password: ")

    async def work() -> None:
        staff = await create_staff(args.email, password, StaffRole(args.role), args.centre, args.name)
        print(f"Created {staff.role.value} {staff.email} (id {staff.id}).")

    try:
        asyncio.run(_with_orm(settings, work))
    except DomainError as error:
        print(f"error: {error.code.value}: {error.message('en')}", file=sys.stderr)
        return 1
    return 0


def cmd_import_procedures(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.catalogue.importer import import_procedures, read_portal_file

    path = Path(args.file)
    if not path.is_file():
        print(f"No such file: {path}", file=sys.stderr)
        return 2
    outcome = {}

    async def work() -> None:
        report = await import_procedures(read_portal_file(path), system_clock(), complete=not args.partial)
        for title, codes in (("Added", report.added), ("Changed", report.changed), ("Withdrawn", report.withdrawn)):
            if codes:
                print(f"{title} ({len(codes)}): {', '.join(codes)}")
        for rejection in report.rejected:
            print(f"Rejected line {rejection.line}: {rejection.reason}")
        print(f"Import done: {report.summary()}.")
        outcome["rejected"] = bool(report.rejected)

    asyncio.run(_with_orm(settings, work))
    return 1 if outcome["rejected"] else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="Serve HTTP and websockets with uvicorn.")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=cmd_serve)

    commands.add_parser(
        "worker", help="Run the scheduler: reminder sweep, staff digest, token pruning (one process only)."
    ).set_defaults(run=cmd_worker)
    commands.add_parser("migrate", help="Apply committed migrations.").set_defaults(run=cmd_migrate)

    make = commands.add_parser("makemigrations", help="Write migrations for model changes.")
    make.add_argument("--check", action="store_true", help="Only fail when a migration is missing.")
    make.set_defaults(run=cmd_makemigrations)

    seed = commands.add_parser("seed", help="Load demo data or synthetic volume.")
    seed.add_argument("--demo", action="store_true", help="Real centres and procedures, demo accounts.")
    seed.add_argument("--synthetic", action="store_true", help="Synthetic volume for benchmarks.")
    seed.add_argument("--procedures", type=int, default=2069, help="Catalogue size to reach.")
    seed.add_argument("--citizens", type=int, default=50000, help="Citizens to add.")
    seed.add_argument("--dossiers", type=int, default=500000, help="Dossiers (with timelines) to add.")
    seed.add_argument("--random-seed", type=int, default=2026)
    seed.set_defaults(run=cmd_seed)

    catalogue = commands.add_parser(
        "import-procedures", help="Import procedures in the national portal's format (README, Catalogue import)."
    )
    catalogue.add_argument("file", help="A .jsonl file (one record a line) or a .json LayThuTuc answer.")
    catalogue.add_argument(
        "--partial", action="store_true", help="Only some procedures: do not withdraw the ones the file omits."
    )
    catalogue.set_defaults(run=cmd_import_procedures)

    export = commands.add_parser("export-schema", help="Write schema.graphql and the trusted-document manifest.")
    export.add_argument("--check", action="store_true", help="Only fail when either is stale.")
    export.set_defaults(run=cmd_export_schema)

    commands.add_parser(
        "check-breaking-changes",
        help="Fail on unlisted breaking changes of schema.graphql against contract/release-schema.graphql.",
    ).set_defaults(run=cmd_check_breaking_changes)

    staff = commands.add_parser("create-staff", help="Create a staff account.")
    staff.add_argument("--email", required=True)
    staff.add_argument("--role", choices=["officer", "manager", "admin"], required=True)
    staff.add_argument("--centre", help="Centre code (required for officers and managers).")
    staff.add_argument("--name", default="")
    staff.add_argument("--password", help="Prompted for when omitted.")
    staff.set_defaults(run=cmd_create_staff)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:
        return args.run(settings, args)
    except SchemaMissing as error:
        print(f"The database has no schema ({error}): run `python -m app migrate` first.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
