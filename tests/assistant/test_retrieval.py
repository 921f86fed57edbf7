"""Reading questions: spelling variants, typos fixed only where they make sense, the evaluation set's codes."""

from __future__ import annotations

import csv
from pathlib import Path

from app.assistant.index import CatalogueEntry, ProcedureIndex
from app.assistant.requirements import requirement_names
from app.catalogue.models import Procedure

ROOT = Path(__file__).resolve().parents[2]


def entry(number: int, code: str, name: str, sector: str = "Hộ tịch") -> CatalogueEntry:
    return CatalogueEntry(number, code, name, "", sector, (), ())


INDEX = ProcedureIndex(
    [
        entry(1, "1.001193", "Thủ tục đăng ký khai sinh"),
        entry(2, "1.000894", "Thủ tục đăng ký kết hôn"),
        entry(3, "1.000656", "Thủ tục đăng ký khai tử"),
        entry(4, "1.012786", "Cấp lại Giấy chứng nhận do bị mất", "Đất đai"),
    ]
)


def codes(question: str) -> list[str]:
    return [match.code for match in INDEX.search(question).matches]


def test_ky_and_ki_are_one_spelling():
    assert codes("dang ki ket hon")[0] == "1.000894"


def test_a_typo_is_fixed_when_it_pairs_with_a_neighbour():
    assert codes("khia sinh")[0] == "1.001193"
    units = INDEX.search("tôi 40 tuổi khai sinh").units
    assert ("tuoi",) in [unit.said for unit in units]  # not "fixed" into a catalogue word


def test_everyday_words_reach_the_administrative_term():
    assert codes("mất sổ đỏ")[0] == "1.012786"


def test_vague_or_outside_questions_find_nothing():
    assert codes("làm lại căn cước") == []
    assert codes("hôm nay trời đẹp") == []


def test_required_documents_are_read_in_both_forms():
    plain = Procedure(required_documents=["Tờ khai"])
    structured = Procedure(required_documents=[{"key": "form", "name_vi": "Tờ khai", "name_en": "Form"}])
    assert requirement_names(plain, "en") == ["Tờ khai"]
    assert requirement_names(structured, "vi") == ["Tờ khai"] and requirement_names(structured, "en") == ["Form"]


def test_the_evaluation_set_names_only_procedures_of_the_demo_catalogue():
    with (ROOT / "app/catalogue/data/procedures_sample.csv").open(encoding="utf-8") as file:
        known = {row["code"] for row in csv.DictReader(file)}
    with (ROOT / "bench/assistant_questions.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    named = {code for row in rows for code in row["expected"].split()}
    assert named <= known
    assert sum(bool(row["expected"]) for row in rows) >= 80 and any(not row["expected"] for row in rows)
