"""Structured document requirements: the sourced data file, the conversion of summary names, the data migration."""

from __future__ import annotations

import importlib
import json
from importlib import resources

from app.catalogue.document_requirements import known_requirements, structured
from app.catalogue.models import Procedure
from tests.catalogue.test_demo_data import PROCEDURE_ROWS

MIGRATION = importlib.import_module("app.migrations.0013_documents")


def test_every_sourced_entry_is_valid_names_a_real_procedure_and_says_where_it_comes_from():
    text = resources.files("app.catalogue").joinpath("data", "document_requirements.json").read_text("utf-8")
    entries = json.loads(text)["procedures"]
    codes = {row["code"] for row in PROCEDURE_ROWS}
    assert set(entries) <= codes
    assert all(entry["source"].strip() for entry in entries.values())
    assert set(known_requirements()) == set(entries)  # validated on loading


def test_summary_names_become_optional_requirements_with_unique_keys():
    converted = structured(["Giấy tờ tùy thân", "Giấy tờ tùy thân", "Đơn đề nghị (nếu có)"])
    assert [(item["key"], item["mandatory"]) for item in converted] == [
        ("giay_to_tuy_than", False),
        ("giay_to_tuy_than_2", False),
        ("don_de_nghi_neu_co", False),
    ]
    assert converted[0]["accepted_types"] == ["application/pdf", "image/jpeg", "image/png", "image/heic"]
    assert structured(converted) == converted, "converting twice changes nothing"


class _Apps:
    def get_model(self, app_label: str, model_name: str):
        return {"Procedure": Procedure}[model_name]


async def test_the_data_migration_converts_stored_string_lists(catalogue):
    await Procedure.filter(code="1.011606").update(required_documents=["Giấy đề nghị rà soát hộ nghèo"])
    untouched = (await Procedure.get(code="1.001193")).required_documents
    await MIGRATION.structure_required_documents(_Apps(), None)
    poor = await Procedure.get(code="1.011606")
    assert poor.required_documents == structured(["Giấy đề nghị rà soát hộ nghèo"])
    assert (await Procedure.get(code="1.001193")).required_documents == untouched
