"""Loading the real centres and procedures from the CSV files into the database."""

from __future__ import annotations

import csv
import io
from importlib import resources

from app.catalogue.demo_data import load_centres, load_procedures
from app.catalogue.models import Centre, CentreKind, Procedure, ProcedureLevel
from app.vietnamese import fold


def csv_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("app.catalogue").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


PROCEDURE_ROWS = csv_rows("procedures_sample.csv")
CENTRE_ROWS = csv_rows("quang_ninh_units.csv")


async def test_loading_twice_keeps_one_row_per_centre_and_procedure():
    assert await load_centres() == 55
    assert await load_procedures() == 62
    ids = dict(await Procedure.all().values_list("code", "id"))

    assert await load_centres() == 55
    assert await load_procedures() == 62

    assert await Centre.all().count() == 55
    assert await Procedure.all().count() == 62
    assert dict(await Procedure.all().values_list("code", "id")) == ids, "reloading must update rows in place"


async def test_reloading_restores_rows_edited_in_the_database(catalogue):
    await Procedure.filter(code="1.001193").update(name_vi="Sửa tay", fee_vnd=999, processing_days=99)
    await Centre.filter(code="06652").update(name_vi="Sửa tay", is_island=True)

    await load_procedures()
    await load_centres()

    birth = await Procedure.get(code="1.001193")
    assert (birth.name_vi, birth.fee_vnd, birth.processing_days) == ("Thủ tục đăng ký khai sinh", 0, 0)
    ha_tu = await Centre.get(code="06652")
    assert (ha_tu.name_vi, ha_tu.is_island) == ("Phường Hà Tu", False)


async def test_a_blank_fee_or_processing_time_is_stored_as_unknown_never_zero(catalogue):
    stored = {p.code: p for p in await Procedure.all()}
    blank_fees = [row["code"] for row in PROCEDURE_ROWS if not row["fee_vnd"].strip()]
    blank_days = [row["code"] for row in PROCEDURE_ROWS if not row["processing_days"].strip()]
    assert blank_fees and blank_days
    assert [code for code in blank_fees if stored[code].fee_vnd is not None] == []
    assert [code for code in blank_days if stored[code].processing_days is not None] == []
    for row in PROCEDURE_ROWS:
        if row["fee_vnd"].strip():
            assert stored[row["code"]].fee_vnd == int(row["fee_vnd"]), row["code"]
        if row["processing_days"].strip():
            assert stored[row["code"]].processing_days == int(row["processing_days"]), row["code"]
    assert await Procedure.filter(fee_vnd=0).count() == sum(row["fee_vnd"] == "0" for row in PROCEDURE_ROWS)


async def test_required_documents_are_structured_sourced_where_known_else_optional_summaries(catalogue):
    birth = await Procedure.get(code="1.001193")
    assert [(item["key"], item["mandatory"]) for item in birth.required_documents] == [
        ("birth_medical_certificate", True),
        ("applicant_id_card", True),
    ]
    assert birth.required_documents[1]["reusable_kind"] == "citizen_id_card"
    for procedure in await Procedure.all():
        assert procedure.required_documents, procedure.code
        for item in procedure.required_documents:
            assert set(item) == {
                "key",
                "name_vi",
                "name_en",
                "mandatory",
                "accepted_types",
                "max_bytes",
                "reusable_kind",
            }, procedure.code
    # Not known from a source: the summary names, split on ";" only, none enforced.
    poor = await Procedure.get(code="1.011606")
    assert [(item["name_vi"], item["mandatory"]) for item in poor.required_documents] == [
        ("Giấy đề nghị rà soát hộ nghèo, hộ cận nghèo (theo mẫu)", False)
    ]
    assert poor.required_documents[0]["key"] == "giay_de_nghi_ra_soat_ho_ngheo_ho_can_ngheo_theo_mau"


async def test_search_text_is_folded_and_holds_code_names_and_sector(catalogue):
    birth = await Procedure.get(code="1.001193")
    for part in ("1.001193", "thu tuc dang ky khai sinh", "birth registration", "ho tich"):
        assert part in birth.search_text
    for procedure in await Procedure.all():
        assert procedure.search_text.isascii(), procedure.code
        assert procedure.search_text == fold(procedure.search_text) == procedure.search_text.strip()
        assert procedure.code in procedure.search_text


async def test_procedure_level_and_borderless_follow_the_csv(catalogue):
    stored = {p.code: p for p in await Procedure.all()}
    for row in PROCEDURE_ROWS:
        assert stored[row["code"]].level is ProcedureLevel(row["level"])
        assert stored[row["code"]].borderless is (row["borderless"] == "true")


async def test_centres_have_kind_island_flag_and_folded_name(catalogue):
    stored = {c.code: c for c in await Centre.all()}
    assert len(stored) == len(CENTRE_ROWS) == 55
    for row in CENTRE_ROWS:
        centre = stored[row["code"]]
        assert centre.kind is CentreKind(row["kind"])
        assert centre.is_island is (row["island"] == "true")
        assert centre.name_folded == fold(row["name_vi"])
        assert centre.address.endswith("tỉnh Quảng Ninh")
    assert stored["06994"].name_folded == "dac khu van don"


async def test_only_the_provincial_centre_opens_on_saturday(catalogue):
    province = await Centre.get(kind=CentreKind.PROVINCE)
    assert province.opening_hours["5"] == [["08:00", "11:30"]]
    others = await Centre.exclude(kind=CentreKind.PROVINCE)
    assert all(set(centre.opening_hours) == {"0", "1", "2", "3", "4"} for centre in others)
