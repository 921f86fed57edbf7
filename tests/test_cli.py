"""The command line as an operator runs it: `python -m app ...` in a subprocess against a scratch SQLite file."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from app.seeding.demo import DEMO_CITIZENS, DEMO_PASSWORD, DEMO_STAFF
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120
DEMO_COUNTS = {"centre": 55, "procedure": 62, "staff_member": len(DEMO_STAFF), "citizen": len(DEMO_CITIZENS)}
# Environment variables the settings read: none leaks in from the shell running the tests.
SETTING_VARIABLES = {field.name.upper() for field in dataclasses.fields(Settings)}


def run_cli(database: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name not in SETTING_VARIABLES}
    env.update({"DATABASE_URL": f"sqlite://{database}", "APP_ENV": "development", "PYTHONUTF8": "1"})
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
    )


def succeeded(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def query(database: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, params).fetchall()


def counts(database: Path) -> dict[str, int]:
    return {table: query(database, f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in DEMO_COUNTS}


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> Path:
    """A database migrated and seeded with the demo data once; tests work on copies."""
    database = tmp_path_factory.mktemp("cli-demo") / "demo.sqlite3"
    succeeded(run_cli(database, "migrate"))
    succeeded(run_cli(database, "seed", "--demo"))
    return database


@pytest.fixture
def database(tmp_path: Path, demo_database: Path) -> Path:
    """A private copy of the demo database."""
    copy = tmp_path / "cli.sqlite3"
    shutil.copyfile(demo_database, copy)
    return copy


def test_migrate_then_seed_demo_loads_the_catalogue_and_prints_how_to_sign_in(tmp_path: Path):
    database = tmp_path / "cli.sqlite3"
    migrated = succeeded(run_cli(database, "migrate"))
    assert "up to date" in migrated.stdout
    assert counts(database) == dict.fromkeys(DEMO_COUNTS, 0)

    seeded = succeeded(run_cli(database, "seed", "--demo"))
    assert "Loaded 55 centres and 62 procedures." in seeded.stdout
    assert DEMO_PASSWORD in seeded.stdout
    for email, *_ in DEMO_STAFF:
        assert email in seeded.stdout
    for phone, *_ in DEMO_CITIZENS:
        assert phone in seeded.stdout
    assert counts(database) == DEMO_COUNTS


def test_seeding_the_demo_again_changes_nothing(database: Path):
    staff_before = query(database, "SELECT id, email, role, centre_id FROM staff_member ORDER BY id")
    seeded = succeeded(run_cli(database, "seed", "--demo"))
    assert "Loaded 55 centres and 62 procedures." in seeded.stdout
    assert counts(database) == DEMO_COUNTS
    assert query(database, "SELECT id, email, role, centre_id FROM staff_member ORDER BY id") == staff_before


def test_create_staff_stores_an_officer_of_the_centre_with_an_argon2_hash(database: Path):
    created = succeeded(
        run_cli(
            database,
            *("create-staff", "--email", "x@y.vn", "--role", "officer", "--centre", "06688"),
            *("--password", "longenough123", "--name", "Ngô Thị Thu"),
        )
    )
    assert "x@y.vn" in created.stdout
    rows = query(
        database,
        "SELECT s.role, s.full_name, s.is_active, c.code, s.password_hash "
        "FROM staff_member s JOIN centre c ON c.id = s.centre_id WHERE s.email = ?",
        "x@y.vn",
    )
    assert len(rows) == 1
    role, full_name, is_active, centre, password_hash = rows[0]
    assert (role, full_name, bool(is_active), centre) == ("officer", "Ngô Thị Thu", True, "06688")
    assert password_hash.startswith("$argon2id$") and "longenough123" not in password_hash
    assert PasswordHasher().verify(password_hash, "longenough123")


@pytest.mark.parametrize(
    ("arguments", "code", "explanation"),
    [
        (["--email", "x@y.vn", "--role", "officer", "--centre", "99999"], "CENTRE_NOT_FOUND", "not found"),
        (["--email", "x@y.vn", "--role", "officer", "--centre", "06688", "--password", "short"], "WEAK_PASSWORD", "10"),
        (["--email", "x@y.vn", "--role", "officer"], "CENTRE_REQUIRED", "must belong to a centre"),
        (["--email", "x@y.vn", "--role", "manager"], "CENTRE_REQUIRED", "must belong to a centre"),
        (["--email", "OFFICER.HaLong@demo.quangninh.gov.vn", "--role", "admin"], "EMAIL_TAKEN", "already used"),
        (["--email", "not-an-email", "--role", "admin"], "INVALID_EMAIL", "not valid"),
    ],
    ids=["unknown-centre", "weak-password", "officer-without-centre", "manager-without-centre", "taken", "email"],
)
def test_create_staff_refusals_exit_1_with_the_error_code(database: Path, arguments, code, explanation):
    if "--password" not in arguments:
        arguments = [*arguments, "--password", "longenough123"]
    refused = run_cli(database, "create-staff", *arguments)
    assert refused.returncode == 1, refused.stderr
    assert code in refused.stderr and explanation in refused.stderr
    assert "Traceback" not in refused.stderr
    assert counts(database)["staff_member"] == len(DEMO_STAFF)


def test_makemigrations_check_finds_models_and_migrations_in_agreement(tmp_path: Path):
    migrations = sorted(path.name for path in (ROOT / "app" / "migrations").iterdir())
    checked = run_cli(tmp_path / "cli.sqlite3", "makemigrations", "--check")
    assert checked.returncode == 0, f"{checked.stdout}{checked.stderr}"
    assert "agree" in checked.stdout
    assert sorted(path.name for path in (ROOT / "app" / "migrations").iterdir()) == migrations


def test_export_schema_check_finds_schema_graphql_up_to_date(tmp_path: Path):
    schema = ROOT / "schema.graphql"
    before = schema.read_bytes()
    checked = run_cli(tmp_path / "cli.sqlite3", "export-schema", "--check")
    assert checked.returncode == 0, f"{checked.stdout}{checked.stderr}"
    assert "up to date" in checked.stdout
    assert schema.read_bytes() == before


def test_synthetic_seed_tops_the_catalogue_up_and_adds_citizens_and_dossiers(database: Path):
    args = ["--procedures", "100", "--citizens", "50", "--dossiers", "40"]
    seeded = succeeded(run_cli(database, "seed", "--synthetic", *args))
    assert "Added 50 synthetic citizens." in seeded.stdout and "Added 40 synthetic dossiers." in seeded.stdout
    after = counts(database)
    assert after["procedure"] == 100
    assert after["citizen"] == len(DEMO_CITIZENS) + 50
    assert query(database, "SELECT COUNT(*) FROM procedure WHERE code LIKE '9.%'") == [(100 - 62,)]
    assert query(database, "SELECT COUNT(DISTINCT phone) FROM citizen WHERE phone LIKE '+84988%'") == [(50,)]
    assert query(database, "SELECT COUNT(*) FROM dossier WHERE code LIKE '99%'") == [(40,)]


@pytest.mark.parametrize(
    "command",
    [
        ["migrate"],
        ["seed", "--demo"],
        ["export-schema", "--check"],
        ["create-staff", "--email", "x@y.vn", "--role", "admin", "--password", "longenough123"],
    ],
    ids=lambda command: command[0],
)
def test_production_without_a_secret_key_refuses_every_command(tmp_path: Path, command: list[str]):
    # Everything else a production deployment needs is set, so the missing secret is the only reason to refuse.
    refused = run_cli(
        tmp_path / "cli.sqlite3",
        *command,
        APP_ENV="production",
        DATABASE_URL="postgres://app@127.0.0.1:9/dichvucong",
        SMS_GATEWAY_URL="https://sms.example.vn/send",
        FIREBASE_CREDENTIALS="/run/secrets/firebase.json",
        STRIPE_SECRET_KEY="sk_live_x",
        STRIPE_PUBLISHABLE_KEY="pk_live_x",
        STRIPE_WEBHOOK_SECRET="whsec_x",
        RESULT_SIGNING_KEY_FILE="/run/secrets/result-signing.key",
        RESULT_SIGNING_CERT_FILE="/run/secrets/result-signing.crt",
    )
    assert refused.returncode == 2, f"{refused.stdout}{refused.stderr}"
    assert "SECRET_KEY" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_several_workers_need_redis_and_postgresql(database: Path):
    refused = run_cli(database, "serve", "--workers", "2")
    assert refused.returncode == 2 and "REDIS_URL" in refused.stderr
