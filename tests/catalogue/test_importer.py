"""`import-procedures`: the national portal's procedure format, upserted by national code."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.catalogue.importer import import_procedures, read_portal_file
from app.catalogue.models import DelegationRule, Procedure, ProcedureLevel
from app.catalogue.search import published_procedures
from app.dossiers.models import Dossier
from app.errors import DomainError, ErrorCode
from tests.catalogue.portal_records import portal_record, write_jsonl
from tests.dossier_data import APPLICANT
from tests.test_cli import run_cli, succeeded

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CATALOGUE_SIZE = 2069


async def _import(path, complete: bool = True):
    return await import_procedures(read_portal_file(path), NOW, complete=complete)


async def test_the_full_catalogue_imports_and_a_second_import_changes_nothing(tmp_path):
    path = write_jsonl(tmp_path / "catalogue.jsonl", [portal_record(n) for n in range(CATALOGUE_SIZE)])

    first = await _import(path)
    assert (len(first.added), first.changed, first.rejected) == (CATALOGUE_SIZE, [], [])
    ids = dict(await Procedure.all().values_list("code", "id"))
    second = await _import(path)

    assert (second.added, second.changed, second.withdrawn, second.rejected) == ([], [], [], [])
    assert second.unchanged == CATALOGUE_SIZE
    assert dict(await Procedure.all().values_list("code", "id")) == ids


async def test_a_record_reads_into_fees_times_documents_and_forms(tmp_path):
    await _import(write_jsonl(tmp_path / "one.jsonl", [portal_record(5)]))

    stored = await Procedure.get(code="9.000005")
    assert (stored.level, stored.sector, stored.sector_code, stored.borderless) == (
        ProcedureLevel.COMMUNE,
        "Chứng thực",
        "G02",
        False,
    )
    assert (stored.fee_vnd, stored.processing_days) == (5000, 5)  # the direct channel (KENH 1), not the online one
    assert stored.fees == [{"channel": "direct", "code": "LP", "amount_vnd": 5000, "description": ""}]
    assert [doc["key"] for doc in stored.required_documents] == ["to_khai_theo_mau", "giay_to_tuy_than"]
    assert stored.forms == [{"document_key": "to_khai_theo_mau", "name": "Mẫu tờ khai", "url": "https://x"}]
    assert stored.agency == "Ủy ban nhân dân cấp xã"


async def test_a_re_import_changes_only_what_changed(tmp_path):
    records = [portal_record(n) for n in range(10)]
    await _import(write_jsonl(tmp_path / "v1.jsonl", records))
    before = {p.code: p for p in await Procedure.all()}
    records[3] = portal_record(3, TENTTHC="Thủ tục đổi tên")

    report = await _import(write_jsonl(tmp_path / "v2.jsonl", records))

    assert (report.added, report.changed, report.unchanged) == ([], ["9.000003"], 9)
    after = {p.code: p for p in await Procedure.all()}
    assert after["9.000003"].name_vi == "Thủ tục đổi tên"
    assert "doi ten" in after["9.000003"].search_text
    assert after["9.000004"].name_vi == before["9.000004"].name_vi


async def test_a_procedure_the_portal_withdraws_is_kept_for_its_dossiers_and_hidden(tmp_path, app, cast):
    await _import(write_jsonl(tmp_path / "v1.jsonl", [portal_record(n, PHIDIAGIOI=True) for n in range(3)]), False)
    dossiers = app.state.services.dossiers
    dossier = await dossiers.submit(cast.citizen.id, "9.000001", cast.ha_long.id, APPLICANT)

    withdrawn_by_flag = portal_record(0, TRANGTHAI=0)
    report = await _import(write_jsonl(tmp_path / "v2.jsonl", [withdrawn_by_flag, portal_record(2)]))

    assert {"9.000000", "9.000001"} <= set(report.withdrawn)  # one flagged, one no longer listed
    assert await Procedure.filter(code__startswith="9.").count() == 3, "never deleted"
    assert await Dossier.filter(id=dossier.id).exists()
    assert await published_procedures().values_list("code", flat=True) == ["9.000002"]
    with pytest.raises(DomainError) as refused:
        await dossiers.submit(cast.citizen.id, "9.000001", cast.ha_long.id, APPLICANT)
    assert refused.value.code is ErrorCode.PROCEDURE_NOT_FOUND

    back = await _import(write_jsonl(tmp_path / "v3.jsonl", [portal_record(n) for n in range(3)]))
    assert back.withdrawn == [] and await published_procedures().count() == 3


async def test_a_partial_import_withdraws_nothing_it_omits(tmp_path):
    await _import(write_jsonl(tmp_path / "v1.jsonl", [portal_record(n) for n in range(3)]))
    report = await _import(write_jsonl(tmp_path / "v2.jsonl", [portal_record(1)]), complete=False)
    assert report.withdrawn == [] and await published_procedures().count() == 3


async def test_rejected_lines_are_reported_with_their_line_and_reason_and_the_rest_imports(tmp_path):
    lines = [
        portal_record(1),
        "{not json",
        portal_record(2, MATTHC="abc"),
        portal_record(3, CAPTHUCHIEN="Cấp Huyện"),
        portal_record(1),
        portal_record(4, TENTTHC=""),
        portal_record(
            5, CACHTHUCTHUCHIEN=[{"KENH": 1, "THOIGIAN": [{"THOIGIANGIAIQUYET": 1, "PHILEPHI": [{"SOTIEN": -5}]}]}]
        ),
        portal_record(6),
    ]
    report = await _import(write_jsonl(tmp_path / "mixed.jsonl", lines))

    assert report.added == ["9.000001", "9.000006"]
    assert [(r.line, r.reason.split(" ")[0]) for r in report.rejected] == [
        (2, "not"),
        (3, "MATTHC"),
        (4, "CAPTHUCHIEN"),
        (5, "MATTHC"),
        (6, "TENTTHC"),
        (7, "PHILEPHI.SOTIEN"),
    ]
    assert "already on line 1" in report.rejected[3].reason
    assert sorted(await Procedure.all().values_list("code", flat=True)) == ["9.000001", "9.000006"]


async def test_a_json_document_as_the_portal_answers_imports_too(tmp_path):
    path = tmp_path / "answer.json"
    path.write_text(json.dumps({"result": [portal_record(1), {"MATTHC": "9.000002"}]}), encoding="utf-8")
    report = await _import(path)
    assert report.added == ["9.000001"]
    assert [(r.line, r.reason) for r in report.rejected] == [(2, "TENTTHC is missing")]


def test_the_command_prints_what_it_did_and_fails_on_rejected_lines(tmp_path):
    database = tmp_path / "cli.sqlite3"
    succeeded(run_cli(database, "migrate"))
    path = write_jsonl(tmp_path / "catalogue.jsonl", [portal_record(1), portal_record(2, MATTHC="x")])

    result = run_cli(database, "import-procedures", str(path))

    assert result.returncode == 1
    assert "Added (1): 9.000001" in result.stdout
    assert "Rejected line 2: MATTHC 'x' is not a national code" in result.stdout
    assert "added 1, changed 0, unchanged 0, withdrawn 0, rejected 1" in result.stdout


async def test_an_import_writes_and_keeps_which_procedures_a_delegate_may_do(tmp_path):
    marriage = portal_record(1, MATTHC="1.004746", TENTTHC="Thủ tục đăng ký lại kết hôn")
    path = write_jsonl(tmp_path / "rules.jsonl", [marriage, portal_record(2)])
    await _import(path)
    stored = await Procedure.get(code="1.004746")
    assert stored.delegation is DelegationRule.IN_PERSON_ONLY
    assert stored.delegation_reason["en"] == "both spouses must be present to register a marriage"
    assert (await Procedure.get(code="9.000002")).delegation is DelegationRule.ALLOWED
    await Procedure.filter(code="1.004746").update(delegation=DelegationRule.ALLOWED, delegation_reason={})

    report = await _import(path)

    assert report.changed == ["1.004746"]  # the province's rule is put back
    assert (await Procedure.get(code="1.004746")).delegation is DelegationRule.IN_PERSON_ONLY
