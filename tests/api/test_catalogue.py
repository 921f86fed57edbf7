"""The catalogue through the GraphQL API: procedure search, filters, paging, details and service centres.

Expectations are derived from the real CSV files shipped with the app, so they follow the data when it changes.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import unicodedata
from collections import Counter
from importlib import resources

import pytest

from app.api.pagination import encode_cursor
from app.vietnamese import fold, words

PROCEDURES = """
query($search: String, $sector: String, $borderless: Boolean, $level: ProcedureLevel, $first: Int, $after: String) {
  procedures(search: $search, sector: $sector, borderless: $borderless, level: $level, first: $first, after: $after) {
    totalCount
    edges { cursor node { id code nameVi sector level borderless } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
PROCEDURE = """query($code: String!) { procedure(code: $code) {
  id code name nameVi nameEn sector level borderless feeVnd feeText processingDays processingTimeText
  requiredDocuments } }"""
SECTORS = "{ sectors { name procedureCount } }"
CENTRES = """query($kind: CentreKind, $first: Int, $after: String) {
  centres(kind: $kind, first: $first, after: $after) {
    totalCount
    edges { node { id code name kind isIsland } }
    pageInfo { hasNextPage endCursor }
  }
}"""
CENTRE = "query($id: ID!) { centre(id: $id) { id code name kind } }"
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Centre { code } ... on Procedure { code } } }"

CENTRES_BY_KIND = {"WARD": 30, "COMMUNE": 22, "SPECIAL_ZONE": 2, "PROVINCE": 1}
ISLAND_UNITS = {"Đặc khu Vân Đồn", "Đặc khu Cô Tô", "Xã Cái Chiên", "Xã Vĩnh Thực"}


def csv_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("app.catalogue").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


PROCEDURE_ROWS = csv_rows("procedures_sample.csv")
CENTRE_ROWS = csv_rows("quang_ninh_units.csv")
CSV_ORDER = [row["code"] for row in PROCEDURE_ROWS]


def row_with(**conditions: str) -> dict[str, str]:
    """The first CSV procedure whose columns have these values."""
    return next(row for row in PROCEDURE_ROWS if all(row[key] == value for key, value in conditions.items()))


def folded_name(row: dict[str, str]) -> str:
    return " ".join(words(row["name_vi"]))


def global_id(type_name: str, node_id: object) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


async def procedures(gql, locale: str | None = None, **variables) -> dict:
    """The `procedures` connection; fails the test on any GraphQL error."""
    result = await gql(PROCEDURES, variables, locale=locale)
    assert "errors" not in result, result
    return result["data"]["procedures"]


async def search_codes(gql, search: str, **filters) -> list[str]:
    """Codes of every procedure matching `search`, best first (the catalogue has fewer than 100)."""
    page = await procedures(gql, search=search, first=100, **filters)
    assert not page["pageInfo"]["hasNextPage"]
    return [edge["node"]["code"] for edge in page["edges"]]


async def procedure(gql, code: str, locale: str | None = None) -> dict | None:
    result = await gql(PROCEDURE, {"code": code}, locale=locale)
    assert "errors" not in result, result
    return result["data"]["procedure"]


async def all_centres(gql, kind: str | None = None) -> list[dict]:
    result = await gql(CENTRES, {"kind": kind, "first": 100})
    assert "errors" not in result, result
    assert not result["data"]["centres"]["pageInfo"]["hasNextPage"]
    return [edge["node"] for edge in result["data"]["centres"]["edges"]]


def error_code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


# --- Search -----------------------------------------------------------------------------------------------------


async def test_search_without_accents_finds_birth_registration_first(gql, catalogue):
    codes = await search_codes(gql, "dang ky khai sinh")
    assert codes[0] == "1.001193"
    assert (await procedure(gql, codes[0]))["nameVi"] == "Thủ tục đăng ký khai sinh"


async def test_search_ignores_accents_and_letter_case(gql, catalogue):
    accented = await search_codes(gql, "đăng ký kết hôn")
    assert accented[0] == "1.000894"  # Thủ tục đăng ký kết hôn
    assert await search_codes(gql, "dang ky ket hon") == accented
    assert await search_codes(gql, "DANG KY KET HON") == accented
    assert await search_codes(gql, "  Đăng   Ký, Kết Hôn! ") == accented


async def test_search_typed_with_combining_accents_finds_the_same(gql, catalogue):
    """Some keyboards send decomposed text (a letter followed by combining marks)."""
    text = "đăng ký khai sinh"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert await search_codes(gql, decomposed) == await search_codes(gql, text)


async def test_d_with_stroke_matches_plain_d(gql, catalogue):
    land = {row["code"] for row in PROCEDURE_ROWS if row["sector"] == "Đất đai"}
    with_stroke = await search_codes(gql, "đất đai")
    assert land <= set(with_stroke)
    assert await search_codes(gql, "dat dai") == with_stroke
    assert await search_codes(gql, "ĐẤT ĐAI") == with_stroke
    assert (await search_codes(gql, "dinh chinh"))[0] == "1.012790"  # Đính chính Giấy chứng nhận đã cấp


async def test_old_and_new_tone_placement_find_the_same_procedure(gql, catalogue):
    """'Hoà' (old style) and 'Hòa' (new style) are the same word."""
    new_style = await search_codes(gql, "Hòa giải")
    assert new_style[0] == "1.012812"  # Hòa giải tranh chấp đất đai
    assert await search_codes(gql, "Hoà giải") == new_style


@pytest.mark.parametrize("code", ["1.001193", "2.000635", "1.012790", "1.001138"])
async def test_search_by_national_code_returns_that_procedure_first(gql, catalogue, code):
    assert (await search_codes(gql, code))[0] == code
    assert (await search_codes(gql, f"  {code} "))[0] == code


async def test_nonsense_search_returns_an_empty_page(gql, catalogue):
    page = await procedures(gql, search="xyzzy quux")
    assert page == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
    }


@pytest.mark.parametrize("search", ["đăng ký khai sinh", "kết hôn", "chứng thực", "hộ kinh doanh"])
async def test_search_finds_every_procedure_named_with_all_the_words_and_only_matches(gql, catalogue, search):
    query_words = words(search)
    found = await search_codes(gql, search)
    named = {row["code"] for row in PROCEDURE_ROWS if set(query_words) <= set(words(row["name_vi"]))}
    assert named and named <= set(found)
    for row in PROCEDURE_ROWS:
        if row["code"] in found:
            text = fold(" ".join((row["code"], row["name_vi"], row["name_en"], row["sector"])))
            assert all(word in text for word in query_words), row["code"]
    assert len(found) == len(set(found))


# --- Ranking ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("search", ["dang ky khai sinh", "dang ky ket hon", "dang ky khai tu"])
async def test_whole_phrase_in_the_name_ranks_above_the_words_scattered(gql, catalogue, search):
    """'Đăng ký khai sinh ...' ranks above 'Đăng ký lại khai sinh', which only has the words apart."""
    phrase = " ".join(words(search))
    whole = {row["code"] for row in PROCEDURE_ROWS if f" {phrase} " in f" {folded_name(row)} "}
    scattered = {
        row["code"]
        for row in PROCEDURE_ROWS
        if set(words(search)) <= set(words(row["name_vi"])) and row["code"] not in whole
    }
    assert whole and scattered, "the data no longer has both kinds of match for this search"
    found = await search_codes(gql, search)
    last_whole = max(found.index(code) for code in whole)
    first_scattered = min(found.index(code) for code in scattered)
    assert last_whole < first_scattered


async def test_matches_in_the_name_rank_above_matches_only_in_the_sector(gql, catalogue):
    """'Hòa giải tranh chấp đất đai' ranks above 'Đính chính Giấy chứng nhận', which is only in sector Đất đai."""
    found = await search_codes(gql, "dat dai")
    in_name = [code for code in found if "dat dai" in folded_name(row_with(code=code))]
    only_sector = [code for code in found if code not in in_name]
    assert in_name and only_sector
    assert found == in_name + only_sector


async def test_without_a_search_procedures_come_in_catalogue_order(gql, catalogue):
    page = await procedures(gql, first=100)
    assert [edge["node"]["code"] for edge in page["edges"]] == CSV_ORDER


# --- Filters ----------------------------------------------------------------------------------------------------


async def test_sector_counts_match_the_catalogue_and_the_sector_filter(gql, catalogue):
    sectors = (await gql(SECTORS))["data"]["sectors"]
    counts = {sector["name"]: sector["procedureCount"] for sector in sectors}
    assert counts == Counter(row["sector"] for row in PROCEDURE_ROWS)
    assert sum(counts.values()) == len(PROCEDURE_ROWS)
    for name, count in counts.items():
        page = await procedures(gql, sector=name, first=100)
        assert page["totalCount"] == count, name
        assert {edge["node"]["sector"] for edge in page["edges"]} == {name}


async def test_an_unknown_sector_has_no_procedures(gql, catalogue):
    assert (await procedures(gql, sector="Không có lĩnh vực này"))["totalCount"] == 0


async def test_borderless_and_residence_bound_procedures_add_up_to_the_whole(gql, catalogue):
    borderless = await procedures(gql, borderless=True, first=100)
    bound = await procedures(gql, borderless=False, first=100)
    everything = await procedures(gql)
    assert borderless["totalCount"] == sum(row["borderless"] == "true" for row in PROCEDURE_ROWS) > 0
    assert borderless["totalCount"] + bound["totalCount"] == everything["totalCount"] == len(PROCEDURE_ROWS)
    assert all(edge["node"]["borderless"] for edge in borderless["edges"])
    assert not any(edge["node"]["borderless"] for edge in bound["edges"])


async def test_level_filter_counts_match_the_catalogue(gql, catalogue):
    provincial = await procedures(gql, level="PROVINCIAL", first=100)
    commune = await procedures(gql, level="COMMUNE", first=100)
    assert provincial["totalCount"] == sum(row["level"] == "provincial" for row in PROCEDURE_ROWS) > 0
    assert commune["totalCount"] == len(PROCEDURE_ROWS) - provincial["totalCount"]
    assert {edge["node"]["level"] for edge in provincial["edges"]} == {"PROVINCIAL"}


async def test_filters_narrow_a_search(gql, catalogue):
    everything = await search_codes(gql, "dang ky")
    borderless = await search_codes(gql, "dang ky", borderless=True)
    assert borderless and len(borderless) < len(everything)
    assert borderless == [code for code in everything if row_with(code=code)["borderless"] == "true"]
    civil_status = await search_codes(gql, "dang ky", sector="Hộ tịch")
    assert civil_status == [code for code in everything if row_with(code=code)["sector"] == "Hộ tịch"]


# --- Paging -----------------------------------------------------------------------------------------------------


async def test_pages_of_seven_visit_every_procedure_once_in_catalogue_order(gql, catalogue):
    seen: list[str] = []
    pages: list[dict] = []
    after = None
    while True:
        page = await procedures(gql, first=7, after=after)
        pages.append(page)
        assert page["totalCount"] == len(PROCEDURE_ROWS)
        assert 1 <= len(page["edges"]) <= 7
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        seen += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(pages) < 20, "paging does not end"
    assert seen == CSV_ORDER
    assert len(pages) == math.ceil(len(PROCEDURE_ROWS) / 7)
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False] + [True] * (len(pages) - 1)
    assert [page["pageInfo"]["hasNextPage"] for page in pages] == [True] * (len(pages) - 1) + [False]


async def test_first_defaults_to_twenty_and_allows_up_to_one_hundred(gql, catalogue):
    assert len((await procedures(gql))["edges"]) == 20
    assert len((await procedures(gql, first=100))["edges"]) == len(PROCEDURE_ROWS)
    assert len((await procedures(gql, first=1))["edges"]) == 1


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_page_size_out_of_range_is_bad_user_input(gql, catalogue, first):
    result = await gql(PROCEDURES, {"first": first})
    assert result["data"] is None
    assert error_code(result) == "BAD_USER_INPUT"
    assert "first" in result["errors"][0]["message"]
    centres = await gql(CENTRES, {"first": first})
    assert centres["data"] is None and error_code(centres) == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        base64.urlsafe_b64encode(b"not a cursor").decode(),
        base64.urlsafe_b64encode(b"offset:-1").decode(),
        base64.urlsafe_b64encode(b"offset:seven").decode(),
    ],
)
async def test_a_cursor_we_did_not_make_is_bad_user_input(gql, catalogue, cursor):
    result = await gql(PROCEDURES, {"after": cursor})
    assert result["data"] is None
    assert error_code(result) == "BAD_USER_INPUT"
    searched = await gql(PROCEDURES, {"after": cursor, "search": "dang ky"})
    assert searched["data"] is None and error_code(searched) == "BAD_USER_INPUT"


@pytest.mark.parametrize("search", [None, "dang ky"])
async def test_a_cursor_past_the_end_gives_an_empty_page(gql, catalogue, search):
    whole = await procedures(gql, search=search, first=100)
    empty_page = {"hasNextPage": False, "hasPreviousPage": True, "startCursor": None, "endCursor": None}
    for cursor in (whole["pageInfo"]["endCursor"], encode_cursor(10_000)):
        page = await procedures(gql, search=search, after=cursor)
        assert page["edges"] == []
        assert page["pageInfo"] == empty_page
        assert page["totalCount"] == whole["totalCount"]


async def test_search_results_can_be_paged(gql, catalogue):
    whole = await search_codes(gql, "dang ky")
    assert len(whole) > 3
    seen: list[str] = []
    after = None
    has_next = True
    while has_next:
        page = await procedures(gql, search="dang ky", first=3, after=after)
        assert page["totalCount"] == len(whole)
        assert page["pageInfo"]["hasPreviousPage"] == bool(seen)
        seen += [edge["node"]["code"] for edge in page["edges"]]
        has_next, after = page["pageInfo"]["hasNextPage"], page["pageInfo"]["endCursor"]
    assert seen == whole


# --- One procedure ----------------------------------------------------------------------------------------------


async def test_procedure_by_code_returns_its_details(gql, catalogue):
    row = row_with(code="1.001193")
    found = await procedure(gql, "1.001193")
    assert found["code"] == "1.001193"
    assert found["nameVi"] == found["name"] == row["name_vi"]
    assert found["nameEn"] == row["name_en"]
    assert found["sector"] == "Hộ tịch" and found["level"] == "COMMUNE" and found["borderless"] is False
    assert found["requiredDocuments"] == [
        "Giấy chứng sinh hoặc văn bản thay thế",
        "Giấy tờ tùy thân của người đi đăng ký",
        "Tờ khai đăng ký khai sinh",
    ]
    assert (await procedure(gql, " 1.001193 "))["code"] == "1.001193"


async def test_unknown_procedure_code_returns_null(gql, catalogue):
    assert await procedure(gql, "9.999999") is None
    assert await procedure(gql, "") is None


async def test_name_follows_the_callers_language(gql, catalogue):
    assert (await procedure(gql, "1.001193", locale="en"))["name"] == "Birth registration"
    assert (await procedure(gql, "1.001193", locale="en-GB,en;q=0.8"))["name"] == "Birth registration"
    assert (await procedure(gql, "1.001193", locale="vi"))["name"] == "Thủ tục đăng ký khai sinh"
    page = await gql("{ procedures(first: 1) { edges { node { name } } } }", locale="en")
    assert page["data"]["procedures"]["edges"][0]["node"]["name"] == PROCEDURE_ROWS[0]["name_en"]


async def test_an_unknown_fee_is_never_shown_as_free(gql, catalogue):
    code = row_with(fee_vnd="")["code"]
    vi = await procedure(gql, code)
    en = await procedure(gql, code, locale="en")
    assert vi["feeVnd"] is None and en["feeVnd"] is None
    assert vi["feeText"] == "Chưa có thông tin lệ phí"
    assert en["feeText"] == "Fee not known"


async def test_a_zero_fee_is_shown_as_free(gql, catalogue):
    code = row_with(fee_vnd="0")["code"]
    assert (await procedure(gql, code))["feeVnd"] == 0
    assert (await procedure(gql, code))["feeText"] == "Miễn phí"
    assert (await procedure(gql, code, locale="en"))["feeText"] == "Free"


async def test_a_fee_is_shown_in_dong_in_the_callers_language(gql, catalogue):
    found = await procedure(gql, "2.000635")  # Cấp bản sao Trích lục hộ tịch: 8000 ₫
    assert found["feeVnd"] == 8000
    assert found["feeText"] == "8.000 ₫"
    assert (await procedure(gql, "2.000635", locale="en"))["feeText"] == "8,000 VND"


async def test_an_unknown_processing_time_is_null_not_same_day(gql, catalogue):
    unknown = await procedure(gql, row_with(processing_days="")["code"])
    assert unknown["processingDays"] is None
    assert unknown["processingTimeText"] == "Chưa có thông tin thời hạn"
    same_day = await procedure(gql, row_with(processing_days="0")["code"], locale="en")
    assert same_day["processingDays"] == 0 and same_day["processingTimeText"] == "Same working day"
    three = await procedure(gql, row_with(processing_days="3")["code"])
    assert three["processingDays"] == 3 and three["processingTimeText"] == "3 ngày làm việc"


# --- Centres ----------------------------------------------------------------------------------------------------


async def test_there_are_55_centres_of_four_kinds(gql, catalogue):
    centres = await all_centres(gql)
    assert len(centres) == 55
    assert Counter(centre["kind"] for centre in centres) == CENTRES_BY_KIND
    for kind, count in CENTRES_BY_KIND.items():
        result = await gql(CENTRES, {"kind": kind, "first": 100})
        assert result["data"]["centres"]["totalCount"] == count, kind
        assert {edge["node"]["kind"] for edge in result["data"]["centres"]["edges"]} == {kind}


async def test_exactly_the_four_island_units_are_islands(gql, catalogue):
    centres = await all_centres(gql)
    assert {centre["name"] for centre in centres if centre["isIsland"]} == ISLAND_UNITS
    assert {row["name_vi"] for row in CENTRE_ROWS if row["island"] == "true"} == ISLAND_UNITS


async def test_centres_are_listed_by_name_ignoring_accents(gql, catalogue):
    names = [centre["name"] for centre in await all_centres(gql)]
    assert names == sorted(names, key=fold)
    assert names[0].startswith("Đặc khu")  # Đ sorts with D, not after Z


async def test_centre_by_id_returns_the_centre_of_the_list(gql, catalogue):
    listed = (await all_centres(gql))[10]
    result = await gql(CENTRE, {"id": listed["id"]})
    expected = {key: listed[key] for key in ("id", "code", "name", "kind")}
    assert result == {"data": {"centre": expected}}


async def test_an_unknown_centre_id_returns_null(gql, catalogue):
    result = await gql(CENTRE, {"id": global_id("Centre", 99_999)})
    assert result == {"data": {"centre": None}}


async def test_centre_with_a_procedure_id_is_bad_user_input(gql, catalogue):
    procedure_id = (await procedure(gql, "1.001193"))["id"]
    result = await gql(CENTRE, {"id": procedure_id})
    assert result["data"]["centre"] is None
    assert error_code(result) == "BAD_USER_INPUT"


async def test_node_resolves_centres_and_procedures_by_global_id(gql, catalogue):
    centre = (await all_centres(gql))[0]
    found = (await gql(NODE, {"id": centre["id"]}))["data"]["node"]
    assert found == {"__typename": "Centre", "id": centre["id"], "code": centre["code"]}

    birth = await procedure(gql, "1.001193")
    found = (await gql(NODE, {"id": birth["id"]}))["data"]["node"]
    assert found == {"__typename": "Procedure", "id": birth["id"], "code": "1.001193"}

    assert (await gql(NODE, {"id": global_id("Procedure", 99_999)}))["data"]["node"] is None
