"""Dossier drafts through the API: saved between devices with versions, conflicts carry the server's draft,
submission goes through the dossier service, expiry with a reminder before, and nobody else's drafts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from strawberry import relay

from app.dossiers.models import Dossier
from app.drafts.models import DossierDraft
from app.drafts.services import DraftContent
from notifications.models import Notification, Reminder, ReminderKind, ReminderState
from notifications.sweep import Sweep
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS
from tests.fakes.push import RecordingPushSender

DRAFT = "id version procedure { code } centre { code } formFields documentIds createdAt updatedAt expiresAt"
SAVE = f"""mutation($input: SaveDossierDraftInput!) {{ saveDossierDraft(input: $input) {{
  draft {{ {DRAFT} }} current {{ version formFields }} errors {{ code field message }} }} }}"""
SUBMIT = """mutation($input: DraftVersionInput!) { submitDossierDraft(input: $input) {
  dossier { code status formFields timeline { actor } } current { version } errors { code field message } } }"""
DISCARD = """mutation($input: DraftVersionInput!) { discardDossierDraft(input: $input) {
  discarded current { version } errors { code field message } } }"""
MINE = f"query {{ myDossierDrafts {{ totalCount edges {{ node {{ {DRAFT} }} }} }} }}"
ONE = f"query($id: ID!) {{ dossierDraft(id: $id) {{ {DRAFT} }} }}"


def gid(kind: str, pk: int) -> str:
    return str(relay.GlobalID(kind, str(pk)))


async def start(gql, token, cast, answers=None, **extra) -> dict:
    values = {"procedureCode": BORDERLESS_5_DAYS, "centreId": gid("Centre", cast.ha_long.id)}
    result = await gql(SAVE, {"input": {**values, "formFields": answers or {}, **extra}}, token)
    payload = result["data"]["saveDossierDraft"]
    assert payload["errors"] == [], payload
    return payload["draft"]


async def test_a_draft_is_saved_read_back_and_a_stale_save_gets_the_current_one(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    draft = await start(gql, token, cast, {"applicantName": "Nguyễn Thị Hoa"})
    assert draft["version"] == 1 and draft["procedure"]["code"] == BORDERLESS_5_DAYS
    assert draft["centre"]["code"] == cast.ha_long.code

    phone = {"id": draft["id"], "version": 1, "formFields": {"applicantName": "Nguyễn Thị Hoa", "address": "Hạ Long"}}
    saved = (await gql(SAVE, {"input": phone}, token))["data"]["saveDossierDraft"]
    assert saved["errors"] == [] and saved["draft"]["version"] == 2
    assert saved["draft"]["centre"] is None  # a save sends the whole state

    tablet = {"id": draft["id"], "version": 1, "formFields": {"applicantName": "Hoa"}}
    stale = (await gql(SAVE, {"input": tablet}, token, locale="en"))["data"]["saveDossierDraft"]
    assert stale["draft"] is None
    assert stale["current"] == {"version": 2, "formFields": {"applicantName": "Nguyễn Thị Hoa", "address": "Hạ Long"}}
    assert stale["errors"] == [
        {
            "code": "DRAFT_CHANGED",
            "field": "version",
            "message": "The draft was changed on another device (current version 2). Please reload it.",
        }
    ]
    unversioned = (await gql(SAVE, {"input": {**tablet, "version": None}}, token))["data"]["saveDossierDraft"]
    assert unversioned["errors"][0]["code"] == "DRAFT_CHANGED"
    mine = (await gql(MINE, None, token))["data"]["myDossierDrafts"]
    assert mine["totalCount"] == 1 and mine["edges"][0]["node"]["formFields"]["address"] == "Hạ Long"


async def test_bad_content_is_coded_and_nothing_changes(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    unknown = await gql(SAVE, {"input": {"procedureCode": "0.000000", "formFields": {}}}, token)
    assert unknown["data"]["saveDossierDraft"]["errors"][0]["code"] == "PROCEDURE_NOT_FOUND"
    draft = await start(gql, token, cast)
    cases = [
        ({"formFields": {"favouriteColour": "blue"}}, "INVALID_FORM_FIELD", "formFields.favouriteColour"),
        ({"formFields": {"applicantName": 7}}, "INVALID_FORM_FIELD", "formFields.applicantName"),
        ({"formFields": {}, "documentIds": ["a", "a"]}, "INVALID_DOCUMENT_REFERENCES", "documentIds"),
        ({"formFields": {}, "documentIds": [str(i) for i in range(21)]}, "INVALID_DOCUMENT_REFERENCES", "documentIds"),
    ]
    for change, code, field in cases:
        result = await gql(SAVE, {"input": {"id": draft["id"], "version": 1, **change}}, token)
        assert [(e["code"], e["field"]) for e in result["data"]["saveDossierDraft"]["errors"]] == [(code, field)]
    assert await DossierDraft.all().values_list("version", flat=True) == [1]


async def test_submission_goes_through_the_dossier_rules_and_removes_the_draft(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    draft = await start(gql, token, cast, {"applicantName": "Nguyễn Thị Hoa"})
    incomplete = (await gql(SUBMIT, {"input": {"id": draft["id"], "version": 1}}, token))["data"]
    assert [(e["code"], e["field"]) for e in incomplete["submitDossierDraft"]["errors"]] == [
        ("INVALID_FORM_FIELD", "formFields.citizenId")
    ]
    assert await DossierDraft.all().values_list("version", flat=True) == [1]  # left as it was
    assert await Dossier.all().count() == 0

    saved = await gql(
        SAVE,
        {
            "input": {
                "id": draft["id"],
                "version": 1,
                "formFields": APPLICANT,
                "centreId": gid("Centre", cast.ha_long.id),
            }
        },
        token,
    )
    assert saved["data"]["saveDossierDraft"]["draft"]["version"] == 2
    stale = (await gql(SUBMIT, {"input": {"id": draft["id"], "version": 1}}, token))["data"]["submitDossierDraft"]
    assert stale["errors"][0]["code"] == "DRAFT_CHANGED" and stale["current"] == {"version": 2}

    filed = (await gql(SUBMIT, {"input": {"id": draft["id"], "version": 2}}, token))["data"]["submitDossierDraft"]
    assert filed["errors"] == [] and filed["dossier"]["status"] == "RECEIVING"
    assert filed["dossier"]["timeline"] == [{"actor": "CITIZEN"}]
    assert filed["dossier"]["formFields"]["contactPhone"] == "+84912345678"  # cleaned like submitDossier
    assert await DossierDraft.all().count() == 0
    assert await Reminder.filter(kind=ReminderKind.DRAFT_EXPIRING, state=ReminderState.PENDING).count() == 0
    again = (await gql(SUBMIT, {"input": {"id": draft["id"], "version": 2}}, token))["data"]["submitDossierDraft"]
    assert again["errors"][0]["code"] == "DRAFT_NOT_FOUND" and await Dossier.all().count() == 1


async def test_without_a_centre_submission_asks_for_one(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    result = await gql(SAVE, {"input": {"procedureCode": BORDERLESS_5_DAYS, "formFields": APPLICANT}}, token)
    draft = result["data"]["saveDossierDraft"]["draft"]
    refused = (await gql(SUBMIT, {"input": {"id": draft["id"], "version": 1}}, token))["data"]["submitDossierDraft"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("CENTRE_REQUIRED", "centreId")]


async def test_discard_checks_the_version(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    draft = await start(gql, token, cast)
    await gql(SAVE, {"input": {"id": draft["id"], "version": 1, "formFields": {"address": "Cô Tô"}}}, token)
    stale = (await gql(DISCARD, {"input": {"id": draft["id"], "version": 1}}, token))["data"]["discardDossierDraft"]
    assert stale["discarded"] is False and stale["current"] == {"version": 2}
    done = (await gql(DISCARD, {"input": {"id": draft["id"], "version": 2}}, token))["data"]["discardDossierDraft"]
    assert done == {"discarded": True, "current": None, "errors": []}
    assert await DossierDraft.all().count() == 0
    assert await Reminder.filter(state=ReminderState.PENDING).count() == 0


async def test_nobody_reads_or_changes_another_citizens_draft(gql, cast, sign_in_citizen, sign_in_staff):
    owner = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    draft = await start(gql, owner, cast, {"applicantName": "Nguyễn Thị Hoa"})
    stranger = (await sign_in_citizen("+84912000777"))["accessToken"]
    assert (await gql(ONE, {"id": draft["id"]}, stranger))["data"]["dossierDraft"] is None
    assert (await gql(MINE, None, stranger))["data"]["myDossierDrafts"]["totalCount"] == 0
    request = {"id": draft["id"], "version": 1}
    for mutation, name in ((SUBMIT, "submitDossierDraft"), (DISCARD, "discardDossierDraft")):
        result = (await gql(mutation, {"input": request}, stranger))["data"][name]
        assert result["errors"][0]["code"] == "DRAFT_NOT_FOUND" and result["current"] is None
    overwrite = await gql(SAVE, {"input": {**request, "formFields": {"applicantName": "X"}}}, stranger)
    assert overwrite["data"]["saveDossierDraft"]["errors"][0]["code"] == "DRAFT_NOT_FOUND"
    officer = (await sign_in_staff())["accessToken"]
    assert (await gql(ONE, {"id": draft["id"]}, officer))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(ONE, {"id": draft["id"]}, owner))["data"]["dossierDraft"]["version"] == 1


async def test_a_reminder_comes_before_expiry_and_expired_drafts_are_gone(
    app, gql, cast, sign_in_citizen, time_machine
):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    draft = await start(gql, token, cast)
    expires = datetime.fromisoformat(draft["expiresAt"])
    created = datetime.fromisoformat(draft["createdAt"])
    assert expires - created == timedelta(days=30)
    [reminder] = await Reminder.filter(kind=ReminderKind.DRAFT_EXPIRING)
    assert reminder.due_at == expires - timedelta(days=3) and reminder.citizen_id == cast.citizen.id

    await gql(SAVE, {"input": {"id": draft["id"], "version": 1, "formFields": {"address": "Vân Đồn"}}}, token)
    states = await Reminder.filter(kind=ReminderKind.DRAFT_EXPIRING).order_by("id").values_list("state", flat=True)
    assert states == [ReminderState.CANCELLED, ReminderState.PENDING]  # re-armed for the new expiry

    await Reminder.filter(state=ReminderState.PENDING).update(due_at=datetime.now(UTC))
    await Sweep(RecordingPushSender(), app.state.services.sms, app.state.services.bus, worker_id="test").run()
    [entry] = await Notification.filter(kind=ReminderKind.DRAFT_EXPIRING)
    assert (
        entry.citizen_id == cast.citizen.id
        and entry.deep_link == f"draft/{relay.GlobalID.from_id(draft['id']).node_id}"
    )
    assert entry.title == "Bản nháp hồ sơ sắp bị xóa" and "Thủ tục đăng ký lại kết hôn" in entry.body

    time_machine.move_to(datetime.now(UTC) + timedelta(days=31), tick=True)
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]  # the old access token has expired
    assert (await gql(MINE, None, token))["data"]["myDossierDrafts"]["totalCount"] == 0
    late = await gql(SAVE, {"input": {"id": draft["id"], "version": 2, "formFields": {}}}, token)
    assert late["data"]["saveDossierDraft"]["errors"][0]["code"] == "DRAFT_EXPIRED"
    assert await app.state.services.drafts.prune_expired() == 1
    assert await DossierDraft.all().count() == 0


async def test_a_citizen_keeps_a_bounded_number_of_drafts(app, gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    drafts = app.state.services.drafts
    for _ in range(app.state.services.settings.max_drafts_per_citizen):
        await drafts.start(cast.citizen.id, BORDERLESS_5_DAYS, DraftContent(None, {}, []))
    result = await gql(SAVE, {"input": {"procedureCode": BORDERLESS_5_DAYS, "formFields": {}}}, token, locale="en")
    assert result["data"]["saveDossierDraft"]["errors"] == [
        {
            "code": "TOO_MANY_DRAFTS",
            "field": None,
            "message": "You already have the maximum of 20 drafts. Submit or discard some first.",
        }
    ]
