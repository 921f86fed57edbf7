"""Own affairs through the assistant: only the signed-in citizen's dossiers, appointments and fees."""

from __future__ import annotations

from tests.assistant.test_ask import ask


async def test_a_citizen_hears_about_their_own_dossier(gql, dossier, sign_in_citizen):
    session = await sign_in_citizen("+84912345678")
    answer = (await ask(gql, "hồ sơ của tôi đến đâu rồi", token=session["accessToken"]))["answer"]
    assert dossier.code in answer["text"] and "Thủ tục đăng ký lại kết hôn" in answer["text"]
    assert {"kind": "TRACK_DOSSIER", "deepLink": f"dossier/{dossier.code}"}.items() <= answer["actions"][0].items()


async def test_another_citizen_never_hears_about_it(gql, dossier, sign_in_citizen):
    owner = await sign_in_citizen("+84912345678")
    stranger = await sign_in_citizen("+84912000111")
    first = (await ask(gql, "hồ sơ của tôi đến đâu rồi", token=owner["accessToken"]))["answer"]
    answer = await ask(gql, "hồ sơ của tôi đến đâu rồi", first["conversationId"], token=stranger["accessToken"])
    assert dossier.code not in answer["answer"]["text"]
    assert answer["answer"]["text"] == "Bạn không có hồ sơ nào đang giải quyết."
    assert answer["answer"]["conversationId"] != first["conversationId"]


async def test_anonymous_callers_are_asked_to_sign_in(gql, dossier):
    answer = (await ask(gql, "hồ sơ của tôi đến đâu rồi"))["answer"]
    assert dossier.code not in answer["text"]
    assert [action["deepLink"] for action in answer["actions"]] == ["sign-in", "track"]


async def test_appointments_and_fees_of_a_citizen_without_any(gql, catalogue, sign_in_citizen):
    session = await sign_in_citizen("+84912000222")
    hen = (await ask(gql, "khi nào tôi có hẹn", token=session["accessToken"]))["answer"]
    assert hen["text"] == "Bạn không có lịch hẹn sắp tới."
    fees = (await ask(gql, "tôi còn phải nộp bao nhiêu", token=session["accessToken"], locale="en"))["answer"]
    assert fees["text"] == "You have no fee to pay."


async def test_a_citizen_hears_what_they_still_have_to_pay(gql, awaiting_fee, sign_in_citizen):
    session = await sign_in_citizen("+84912345678")
    answer = (await ask(gql, "tôi còn phải nộp bao nhiêu", token=session["accessToken"]))["answer"]
    assert answer["text"].startswith("Bạn cần nộp tổng cộng") and awaiting_fee.code in answer["text"]
    assert answer["actions"][0]["deepLink"] == f"dossier/{awaiting_fee.code}/pay"
    stranger = await sign_in_citizen("+84912000111")
    other = (await ask(gql, "tôi còn phải nộp bao nhiêu", token=stranger["accessToken"]))["answer"]
    assert other["text"] == "Bạn không có khoản lệ phí nào cần nộp."
