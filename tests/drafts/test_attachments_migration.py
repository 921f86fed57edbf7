"""Migration 0019 on a database with drafts: bare document references become {requirement_key, document_id} pairs
where they name a document of the draft's citizen uploaded for one of the procedure's requirements; the rest could
never be attached and are dropped. Run on a scratch SQLite file in a child process (migrating re-initialises the
ORM, which must not disturb the test session's)."""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

MIGRATE = """
import asyncio, sys
from tortoise import Tortoise
from tortoise.migrations.api import migrate
from app.db import tortoise_config
from app.settings import Settings

async def main():
    config = tortoise_config(Settings(app_env="test", database_url="sqlite:///" + sys.argv[1]))
    try:
        await migrate(config=config, target=sys.argv[2] or None)
    finally:
        await Tortoise.close_connections()

asyncio.run(main())
"""
NOW = "2026-11-30 08:00:00+00:00"


def migrate(path: Path, target: str = "") -> None:
    subprocess.run([sys.executable, "-c", MIGRATE, str(path), target], check=True, capture_output=True, timeout=60)


def requirement(key: str) -> dict:
    return {"key": key, "name_vi": key, "mandatory": True, "accepted_types": ["application/pdf"], "max_bytes": 1000}


def insert(db: sqlite3.Connection, table: str, **values) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(values.values())).lastrowid


def test_draft_references_become_attachments(tmp_path):
    path = tmp_path / "drafts.sqlite3"
    migrate(path, "models.0018_profiles_drafts_counter_delegation")
    with sqlite3.connect(path) as db:
        citizens = [insert(db, "citizen", phone=phone, full_name="", locale="vi", created_at=NOW) for phone in "12"]
        procedure = insert(
            db,
            "procedure",
            code="1.001193",
            name_vi="Đăng ký khai sinh",
            name_en="",
            sector="",
            level="commune",
            borderless=0,
            required_documents=json.dumps([requirement("applicant_id_card"), requirement("birth_certificate")]),
            search_text="",
            created_at=NOW,
            form_fields="[]",
            agency="",
            fees="[]",
            forms="[]",
            sector_code="",
        )

        def document(owner: int, kind: str) -> int:
            return insert(
                db,
                "document",
                kind=kind,
                file_name="scan.pdf",
                content_type="application/pdf",
                byte_size=10,
                sha256="0" * 64,
                original_key="k",
                status="clean",
                rejection_reason="",
                source="uploaded",
                created_at=NOW,
                owner_id=owner,
            )

        card, unkinded = document(citizens[0], "applicant_id_card"), document(citizens[0], "")
        theirs = document(citizens[1], "birth_certificate")
        card_global = base64.b64encode(f"Document:{card}".encode()).decode()
        references = [card_global, str(unkinded), str(theirs), "not-a-document", str(card), "999"]
        draft = insert(
            db,
            "dossier_draft",
            citizen_id=citizens[0],
            procedure_id=procedure,
            answers="{}",
            document_ids=json.dumps(references),
            version=3,
            created_at=NOW,
            updated_at=NOW,
            expires_at=NOW,
        )
    migrate(path)
    with sqlite3.connect(path) as db:
        [(attachments, version)] = db.execute(
            'SELECT attachments, version FROM "dossier_draft" WHERE id = ?', [draft]
        ).fetchall()
        indexes = {row[1] for row in db.execute("PRAGMA index_list('dossier_draft')")}
    assert json.loads(attachments) == [{"requirement_key": "applicant_id_card", "document_id": card}]
    assert version == 3
    assert {"idx_dossier_dra_expires_522492", "idx_dossier_dra_citizen_f2bb76"} <= indexes
