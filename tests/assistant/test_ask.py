"""askAssistant: procedures with their facts and next steps, declines, follow-ups, unknown facts, languages."""

from __future__ import annotations

from app.catalogue.models import Procedure

ASK = """mutation($q: String!, $c: String) { askAssistant(input: {question: $q, conversationId: $c}) {
  answer { conversationId text declined
    procedures { rank procedure { code } matchedTerms why }
    facts { kind procedureCode known text items }
    actions { kind label deepLink procedureCode } }
  errors { code field message } } }"""


async def ask(gql, question: str, conversation: str | None = None, **kwargs) -> dict:
    result = await gql(ASK, {"q": question, "c": conversation}, **kwargs)
    assert "errors" not in result, result
    return result["data"]["askAssistant"]


async def test_an_everyday_question_finds_the_procedure_with_its_facts_and_next_steps(gql, catalogue):
    answer = (await ask(gql, "con tôi mới sinh cần làm giấy tờ gì"))["answer"]
    assert not answer["declined"]
    assert answer["procedures"][0]["procedure"]["code"] == "1.001193"
    assert any("moi sinh" in term for term in answer["procedures"][0]["matchedTerms"])
    [documents] = answer["facts"]  # it asked which papers
    assert documents["kind"] == "REQUIRED_DOCUMENTS" and documents["procedureCode"] == "1.001193"
    assert "Tờ khai đăng ký khai sinh" in documents["items"]
    links = {action["kind"]: action["deepLink"] for action in answer["actions"]}
    assert links["START_DOSSIER"] == "procedure/1.001193/submit"
    assert links["BOOK_APPOINTMENT"] == "procedure/1.001193/book"
    assert links["NEAREST_CENTRES"] == "centres/nearest?procedure=1.001193"


async def test_a_question_about_no_fact_in_particular_gets_every_fact(gql, catalogue):
    answer = (await ask(gql, "đăng ký khai sinh"))["answer"]
    facts = {fact["kind"]: fact for fact in answer["facts"]}
    assert list(facts) == ["FEE", "PROCESSING_TIME", "REQUIRED_DOCUMENTS", "WHERE", "RELATIVE_MAY_DO_IT"]
    assert facts["FEE"]["known"] and "miễn phí" in facts["FEE"]["text"]
    assert facts["WHERE"]["text"] == "Nơi nộp: trung tâm nơi bạn cư trú."
    assert all(fact["procedureCode"] == "1.001193" for fact in answer["facts"])


async def test_without_diacritics_with_a_typo_and_in_english(gql, catalogue):
    assert (await ask(gql, "dang ky ket hon can gi"))["answer"]["procedures"][0]["procedure"]["code"] == "1.000894"
    found = (await ask(gql, "khia sinh cần mang theo gì"))["answer"]["procedures"]
    assert "1.001193" in [p["procedure"]["code"] for p in found]
    english = (await ask(gql, "My father died how do I register the death", locale="en"))["answer"]
    assert english["procedures"][0]["procedure"]["code"] == "1.000656"
    assert "Death registration" in english["text"] and "Fee: free of charge." in english["text"]


async def test_whether_a_relative_may_do_it_is_said_to_be_unknown(gql, catalogue):
    answer = (await ask(gql, "người nhà làm thay đăng ký kết hôn được không"))["answer"]
    [fact] = answer["facts"]
    assert fact["kind"] == "RELATIVE_MAY_DO_IT" and not fact["known"]
    assert "chưa ghi rõ" in fact["text"]


async def test_a_fee_the_catalogue_does_not_know_is_said_to_be_unknown(gql, catalogue):
    await Procedure.filter(code="1.000894").update(fee_vnd=None)
    answer = (await ask(gql, "đăng ký kết hôn lệ phí bao nhiêu"))["answer"]
    [fee] = answer["facts"]
    assert fee["kind"] == "FEE" and not fee["known"] and "chưa có trong danh mục" in fee["text"]


async def test_a_matter_outside_the_catalogue_is_declined_with_human_help(gql, catalogue):
    answer = (await ask(gql, "lam lai can cuoc o dau"))["answer"]
    assert answer["declined"] and answer["procedures"] == [] and answer["facts"] == []
    assert "Công an" in answer["text"]
    assert "centres/nearest" in [action["deepLink"] for action in answer["actions"]]


async def test_a_question_it_cannot_answer_is_declined(gql, catalogue):
    answer = (await ask(gql, "thời tiết hôm nay thế nào"))["answer"]
    assert answer["declined"] and answer["procedures"] == []


async def test_a_follow_up_uses_the_conversation(gql, catalogue):
    first = (await ask(gql, "thủ tục đăng ký kết hôn"))["answer"]
    follow_up = (await ask(gql, "còn lệ phí thì sao?", first["conversationId"]))["answer"]
    assert follow_up["conversationId"] == first["conversationId"]
    assert [fact["kind"] for fact in follow_up["facts"]] == ["FEE"]
    assert follow_up["facts"][0]["procedureCode"] == "1.000894"
    assert follow_up["procedures"][0]["why"] == "Theo câu hỏi trước."
    alone = (await ask(gql, "còn lệ phí thì sao?"))["answer"]
    assert alone["declined"]


async def test_an_unknown_conversation_starts_a_new_one(gql, catalogue):
    answer = (await ask(gql, "còn lệ phí thì sao?", "0" * 32))["answer"]
    assert answer["declined"] and answer["conversationId"] != "0" * 32


async def test_an_empty_question_is_refused_with_a_code(gql, catalogue):
    payload = await ask(gql, "   ")
    assert payload["answer"] is None
    assert payload["errors"][0]["code"] == "INVALID_QUESTION" and payload["errors"][0]["field"] == "question"


async def test_a_new_procedure_is_found_once_the_catalogue_changes(app, gql, catalogue):
    assert (await ask(gql, "tổ yến"))["answer"]["declined"]
    await Procedure.create(
        code="1.999999",
        name_vi="Cấp phép khai thác tổ yến",
        name_en="Licence to harvest swiftlet nests",
        sector="Nông nghiệp",
        level="provincial",
        search_text="",
    )
    app.state.services.assistant.index.invalidate()
    answer = (await ask(gql, "tổ yến"))["answer"]
    assert answer["procedures"][0]["procedure"]["code"] == "1.999999"


async def test_asking_to_book_for_a_procedure_is_about_the_procedure(gql, catalogue):
    answer = (await ask(gql, "tôi muốn đặt lịch hẹn đăng ký kết hôn"))["answer"]
    assert answer["procedures"][0]["procedure"]["code"] == "1.000894"
    assert "procedure/1.000894/book" in [action["deepLink"] for action in answer["actions"]]
