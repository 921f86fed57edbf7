"""Dossiers through the GraphQL API: submission, staff actions, the stopped clock, apologies, access and tracking."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from strawberry import relay

from app.accounts.models import StaffRole
from app.catalogue.models import Centre
from app.dossiers.codes import normalise_dossier_code
from app.dossiers.models import Dossier, DossierEvent, DossierStatus, SupplementRequest
from app.working_days import LOCAL_TZ, add_working_time, due_at, working_start
from tests.documents.stored import birth_attachments
from tests.dossier_data import APPLICANT, BAI_CHAY, BORDERLESS_5_DAYS, HA_LONG, RESIDENCE_BOUND

DOSSIER_FIELDS = """code status portalStatus trackingSecret feeVnd dueAt isOverdue finishedEarly formFields
  receivedCentre { code } handlingCentre { code } procedure { code }
  timeRemaining { days hours overdue paused text }
  timeline { fromStatus toStatus actor note }
  supplementRequests { items suppliedAt suppliedDocuments }
  apologies { reason promisedAt }"""
SUBMIT = f"""mutation($input: SubmitDossierInput!) {{ submitDossier(input: $input) {{
  dossier {{ {DOSSIER_FIELDS} }} errors {{ code field message }} }} }}"""
UPDATE = f"""mutation($code: String!, $status: DossierStatus!, $note: String! = "") {{
  updateDossierStatus(input: {{code: $code, status: $status, note: $note}}) {{
    dossier {{ {DOSSIER_FIELDS} }} errors {{ code field }} }} }}"""
REQUEST_SUPPLEMENT = f"""mutation($code: String!, $deadline: DateTime!) {{
  requestSupplement(input: {{code: $code, items: ["Bản sao CCCD"], deadline: $deadline}}) {{
    dossier {{ {DOSSIER_FIELDS} }} errors {{ code field }} }} }}"""
SUPPLY = f"""mutation($code: String!) {{ supplyDocuments(input: {{code: $code, documents: ["CCCD.pdf"]}}) {{
  dossier {{ {DOSSIER_FIELDS} }} errors {{ code field }} }} }}"""
DOSSIER = f"query($code: String!) {{ dossier(code: $code) {{ {DOSSIER_FIELDS} }} }}"
TRACK = """query($code: String!, $secret: String!) { trackDossier(code: $code, secret: $secret) {
  code status portalStatus statusLabel procedureName handlingCentreName dueAt timeline { status } } }"""
APOLOGY = """mutation($code: String!, $at: DateTime!) {
  recordApology(input: {code: $code, reason: "Chờ xác minh", promisedAt: $at}) {
    apology { reason } errors { code field } } }"""


def centre_id(centre: Centre) -> str:
    return str(relay.GlobalID("Centre", str(centre.id)))


@pytest.fixture
async def citizen_token(sign_in_citizen, cast) -> str:
    return (await sign_in_citizen(cast.citizen.phone))["accessToken"]


@pytest.fixture
async def officer_token(sign_in_staff, cast) -> str:
    return (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]


async def submit(gql, token, centre: Centre, procedure=BORDERLESS_5_DAYS, answers=None, attachments=()) -> dict:
    variables = {
        "input": {
            "procedureCode": procedure,
            "centreId": centre_id(centre),
            "formFields": answers or APPLICANT,
            "attachments": list(attachments),
        }
    }
    return (await gql(SUBMIT, variables, token=token))["data"]["submitDossier"]


async def test_borderless_dossier_filed_away_from_home_is_processed_by_the_residence_centre(gql, cast, citizen_token):
    payload = await submit(gql, citizen_token, cast.bai_chay)
    assert payload["errors"] == []
    dossier = payload["dossier"]
    assert dossier["status"] == "RECEIVING" and dossier["portalStatus"] == "receiving"
    assert dossier["receivedCentre"] == {"code": BAI_CHAY} and dossier["handlingCentre"] == {"code": HA_LONG}
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", dossier["code"]) and normalise_dossier_code(dossier["code"])
    assert dossier["formFields"]["contactPhone"] == "+84912345678"
    assert dossier["timeline"] == [{"fromStatus": None, "toStatus": "RECEIVING", "actor": "CITIZEN", "note": ""}]
    assert dossier["dueAt"] is None and dossier["feeVnd"] == 0


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**APPLICANT, "citizenId": "12345"}, "formFields.citizenId"),
        ({k: v for k, v in APPLICANT.items() if k != "address"}, "formFields.address"),
        ({**APPLICANT, "favouriteColour": "blue"}, "formFields.favouriteColour"),
        ({**APPLICANT, "contactPhone": "call me"}, "formFields.contactPhone"),
    ],
)
async def test_bad_form_answers_are_refused_and_nothing_is_filed(gql, cast, citizen_token, answers, field):
    payload = await submit(gql, citizen_token, cast.ha_long, answers=answers)
    assert payload["dossier"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_FORM_FIELD", field)]
    assert await Dossier.all().count() == 0


async def test_residence_bound_procedure_only_at_the_residence_centre(gql, cast, citizen_token):
    birth = {**APPLICANT, "childName": "Nguyễn Minh An", "childBirthDate": "2026-11-20"}
    refused = await submit(gql, citizen_token, cast.bai_chay, RESIDENCE_BOUND, birth)
    assert [e["code"] for e in refused["errors"]] == ["CENTRE_NOT_ELIGIBLE"]
    assert "nơi bạn cư trú" in refused["errors"][0]["message"]
    attachments = await birth_attachments(cast.citizen.id)
    accepted = await submit(gql, citizen_token, cast.ha_long, RESIDENCE_BOUND, birth, attachments)
    assert accepted["errors"] == [] and accepted["dossier"]["formFields"]["childBirthDate"] == "2026-11-20"


async def test_unknown_procedure_and_staff_submitting(gql, cast, citizen_token, officer_token):
    assert [e["code"] for e in (await submit(gql, citizen_token, cast.ha_long, "9.999999"))["errors"]] == [
        "PROCEDURE_NOT_FOUND"
    ]
    variables = {"input": {"procedureCode": BORDERLESS_5_DAYS, "centreId": centre_id(cast.ha_long), "formFields": {}}}
    refused = await gql(SUBMIT, variables, token=officer_token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_intake_starts_the_working_day_clock(gql, cast, citizen_token, officer_token):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    received = (await gql(UPDATE, {"code": code, "status": "RECEIVED"}, token=officer_token))["data"]
    dossier = received["updateDossierStatus"]["dossier"]
    stored = await Dossier.get(code=code)
    assert stored.due_at == due_at(stored.received_at, 5)
    assert datetime.fromisoformat(dossier["dueAt"]) == stored.due_at
    assert dossier["portalStatus"] == "new" and dossier["timeRemaining"]["overdue"] is False


async def test_the_clock_stops_while_documents_are_requested(gql, cast, citizen_token, officer_token):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    for status in ("RECEIVED", "PROCESSING"):
        await gql(UPDATE, {"code": code, "status": status}, token=officer_token)
    deadline = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    paused = (await gql(REQUEST_SUPPLEMENT, {"code": code, "deadline": deadline}, token=officer_token))["data"]
    assert paused["requestSupplement"]["dossier"]["status"] == "SUPPLEMENT_REQUESTED"
    # Three working days and two hours were left when the clock stopped; days pass while the citizen gathers papers.
    left = timedelta(days=3, hours=2)
    await Dossier.filter(code=code).update(
        paused_remaining_seconds=int(left.total_seconds()), paused_at=datetime.now(UTC) - timedelta(days=6)
    )
    shown = (await gql(DOSSIER, {"code": code}, token=citizen_token))["data"]["dossier"]["timeRemaining"]
    assert shown == {"days": 3, "hours": 2, "overdue": False, "paused": True, "text": "còn 3 ngày 2 giờ"}

    before = datetime.now(UTC)
    supplied = (await gql(SUPPLY, {"code": code}, token=citizen_token))["data"]["supplyDocuments"]
    assert supplied["errors"] == [] and supplied["dossier"]["status"] == "PROCESSING"
    assert supplied["dossier"]["supplementRequests"][0]["suppliedDocuments"] == ["CCCD.pdf"]
    new_due = (await Dossier.get(code=code)).due_at
    # the clock restarts at the next office opening (now, during office hours)
    earliest, latest = working_start(before), working_start(datetime.now(UTC))
    assert add_working_time(earliest, left) <= new_due <= add_working_time(latest, left)
    assert supplied["dossier"]["timeRemaining"]["paused"] is False


async def test_supplying_without_an_open_request_is_refused(gql, cast, citizen_token):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    refused = (await gql(SUPPLY, {"code": code}, token=citizen_token))["data"]["supplyDocuments"]
    assert refused["errors"] == [{"code": "NO_OPEN_SUPPLEMENT_REQUEST", "field": "code"}]


async def test_illegal_transition_through_the_api_changes_nothing(gql, cast, citizen_token, officer_token):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    refused = (await gql(UPDATE, {"code": code, "status": "RETURNED"}, token=officer_token))["data"]
    assert refused["updateDossierStatus"]["errors"] == [{"code": "ILLEGAL_TRANSITION", "field": "status"}]
    assert (await Dossier.get(code=code)).status is DossierStatus.RECEIVING
    assert await DossierEvent.all().count() == 1


async def test_staff_of_another_centre_and_other_citizens_see_nothing(
    gql, cast, citizen_token, sign_in_staff, sign_in_citizen
):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    outsider = (await sign_in_staff("o2@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    stranger = (await sign_in_citizen("+84912999999"))["accessToken"]
    for token in (outsider, stranger):
        assert (await gql(DOSSIER, {"code": code}, token=token))["data"]["dossier"] is None
    moved = (await gql(UPDATE, {"code": code, "status": "RECEIVED"}, token=outsider))["data"]
    assert moved["updateDossierStatus"]["errors"] == [{"code": "DOSSIER_NOT_FOUND", "field": "code"}]
    listing = await gql(
        "query($c: ID!) { centreDossiers(centreId: $c) { totalCount } }", {"c": centre_id(cast.ha_long)}, token=outsider
    )
    assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(DOSSIER, {"code": code}))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_public_tracking_needs_the_receipt_secret_and_shows_no_personal_data(gql, cast, citizen_token):
    dossier = (await submit(gql, citizen_token, cast.ha_long))["dossier"]
    code, secret = dossier["code"], dossier["trackingSecret"]
    tracked = (await gql(TRACK, {"code": code.replace("-", " "), "secret": secret.lower()}, locale="en"))["data"]
    assert tracked["trackDossier"] == {
        "code": code,
        "status": "RECEIVING",
        "portalStatus": "receiving",
        "statusLabel": "Submitted online, awaiting intake",
        "procedureName": "Re-registration of marriage",
        "handlingCentreName": "Phường Hạ Long",
        "dueAt": None,
        "timeline": [{"status": "RECEIVING"}],
    }
    wrong = "AAAAAA" if secret != "AAAAAA" else "BBBBBB"
    for variables in ({"code": code, "secret": wrong}, {"code": "1234-5678-9012", "secret": secret}):
        assert (await gql(TRACK, variables))["data"]["trackDossier"] is None


async def test_late_dossier_gets_an_apology_the_citizen_sees(gql, cast, citizen_token, officer_token):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    for status in ("RECEIVED", "PROCESSING"):
        await gql(UPDATE, {"code": code, "status": status}, token=officer_token)
    promised = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    not_late = (await gql(APOLOGY, {"code": code, "at": promised}, token=officer_token))["data"]["recordApology"]
    assert not_late["errors"] == [{"code": "DOSSIER_NOT_LATE", "field": "code"}]

    await Dossier.filter(code=code).update(due_at=datetime.now(UTC) - timedelta(hours=1))
    overdue = await gql(
        "query($c: ID!) { centreDossiers(centreId: $c, overdue: true) { edges { node { code isOverdue } } } }",
        {"c": centre_id(cast.ha_long)},
        token=officer_token,
    )
    assert overdue["data"]["centreDossiers"]["edges"] == [{"node": {"code": code, "isOverdue": True}}]
    recorded = (await gql(APOLOGY, {"code": code, "at": promised}, token=officer_token))["data"]["recordApology"]
    assert recorded == {"apology": {"reason": "Chờ xác minh"}, "errors": []}
    seen = (await gql(DOSSIER, {"code": code}, token=citizen_token))["data"]["dossier"]
    assert seen["apologies"][0]["reason"] == "Chờ xác minh" and seen["timeRemaining"]["overdue"] is True


async def test_result_before_the_due_day_is_early(gql, cast, citizen_token, officer_token):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    for status in ("RECEIVED", "PROCESSING", "RESULT_READY"):
        result = (await gql(UPDATE, {"code": code, "status": status}, token=officer_token))["data"]
    dossier = result["updateDossierStatus"]["dossier"]
    assert dossier["finishedEarly"] is True and dossier["isOverdue"] is False and dossier["timeRemaining"] is None


async def test_citizen_withdraws_and_lists_by_status(gql, cast, citizen_token):
    first = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    await submit(gql, citizen_token, cast.ha_long)
    withdraw = """mutation($c: String!) { withdrawDossier(input: {code: $c, note: "Nộp nhầm"}) {
      dossier { status } errors { code } } }"""
    assert (await gql(withdraw, {"c": first}, token=citizen_token))["data"]["withdrawDossier"] == {
        "dossier": {"status": "WITHDRAWN"},
        "errors": [],
    }
    mine = "query($s: DossierStatus) { myDossiers(status: $s) { totalCount edges { node { code } } } }"
    assert (await gql(mine, {"s": "WITHDRAWN"}, token=citizen_token))["data"]["myDossiers"]["totalCount"] == 1
    assert (await gql(mine, {}, token=citizen_token))["data"]["myDossiers"]["totalCount"] == 2


@pytest.mark.parametrize("page_size", [10, 50])
async def test_listing_runs_a_fixed_number_of_statements(app, gql, cast, officer_token, caplog, page_size):
    service = app.state.services.dossiers
    procedures_codes = [BORDERLESS_5_DAYS, "1.000593", "1.000419"]
    for i in range(50):
        await service.submit(cast.citizen.id, procedures_codes[i % 3], cast.ha_long.id, APPLICANT)
    query = """query($c: ID!, $n: Int!) { centreDossiers(centreId: $c, first: $n) { edges { node {
      code procedure { name } receivedCentre { name } handlingCentre { name } timeline { toStatus at } } } } }"""
    logger = logging.getLogger("tortoise.db_client")
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        caplog.clear()
        result = await gql(query, {"c": centre_id(cast.ha_long), "n": page_size}, token=officer_token)
    assert len(result["data"]["centreDossiers"]["edges"]) == page_size
    statements = [
        r for r in caplog.records if r.name == logger.name and r.getMessage().lstrip().upper().startswith("SELECT")
    ]
    # The officer's sign-in (checked once per operation), COUNT, the page, procedures, centres, timeline events:
    # the same six whatever the page size.
    assert len(statements) == 6, [r.getMessage()[:80] for r in statements]


async def test_receiving_centre_staff_do_intake_only(gql, cast, citizen_token, sign_in_staff):
    code = (await submit(gql, citizen_token, cast.bai_chay))["dossier"]["code"]  # handled by Hạ Long
    receiver = (await sign_in_staff("o2@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    taken = (await gql(UPDATE, {"code": code, "status": "RECEIVED"}, token=receiver))["data"]["updateDossierStatus"]
    assert taken["errors"] == [] and taken["dossier"]["status"] == "RECEIVED"
    refused = await gql(UPDATE, {"code": code, "status": "PROCESSING"}, token=receiver)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await Dossier.get(code=code)).status is DossierStatus.RECEIVED


async def test_times_without_an_offset_are_vietnamese_local_time(gql, cast, citizen_token, officer_token):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    for status in ("RECEIVED", "PROCESSING"):
        await gql(UPDATE, {"code": code, "status": status}, token=officer_token)
    local_deadline = (datetime.now(UTC) + timedelta(days=3)).astimezone(LOCAL_TZ).replace(tzinfo=None, microsecond=0)
    paused = await gql(REQUEST_SUPPLEMENT, {"code": code, "deadline": local_deadline.isoformat()}, token=officer_token)
    assert paused["data"]["requestSupplement"]["errors"] == []
    stored = await SupplementRequest.get(dossier__code=code)
    assert stored.deadline == local_deadline.replace(tzinfo=LOCAL_TZ)


async def test_ineligible_centre_is_explained_in_english(gql, cast, citizen_token):
    birth = {**APPLICANT, "childName": "Nguyễn Minh An", "childBirthDate": "2026-11-20"}
    variables = {"input": {"procedureCode": RESIDENCE_BOUND, "centreId": centre_id(cast.bai_chay), "formFields": birth}}
    refused = (await gql(SUBMIT, variables, token=citizen_token, locale="en"))["data"]["submitDossier"]
    assert refused["errors"][0]["message"] == (
        "This centre cannot take this procedure. "
        "Residence-bound procedure: only the centre of your registered residence can take it."
    )


async def test_guessing_the_receipt_secret_locks_public_tracking(gql, cast, citizen_token):
    dossier = (await submit(gql, citizen_token, cast.ha_long))["dossier"]
    for guess in range(10):
        assert (await gql(TRACK, {"code": dossier["code"], "secret": f"WRONG{guess:03d}"}))["data"][
            "trackDossier"
        ] is None
    right = {"code": dossier["code"], "secret": dossier["trackingSecret"]}
    assert (await gql(TRACK, right))["data"]["trackDossier"] is None


async def test_paused_dossiers_follow_their_frozen_clock_in_the_overdue_filter(gql, cast, citizen_token, officer_token):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    for status in ("RECEIVED", "PROCESSING"):
        await gql(UPDATE, {"code": code, "status": status}, token=officer_token)
    deadline = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    await gql(REQUEST_SUPPLEMENT, {"code": code, "deadline": deadline}, token=officer_token)
    # The due date has passed in calendar time, but three working days were left when the clock stopped.
    await Dossier.filter(code=code).update(
        due_at=datetime.now(UTC) - timedelta(days=1), paused_remaining_seconds=3 * 86400
    )
    query = "query($c: ID!, $o: Boolean!) { centreDossiers(centreId: $c, overdue: $o) { totalCount } }"
    counts = [
        (await gql(query, {"c": centre_id(cast.ha_long), "o": flag}, token=officer_token))["data"]["centreDossiers"]
        for flag in (True, False)
    ]
    assert counts == [{"totalCount": 0}, {"totalCount": 1}]


async def test_withdrawing_while_documents_are_requested_clears_the_stopped_clock(
    gql, cast, citizen_token, officer_token
):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    for status in ("RECEIVED", "PROCESSING"):
        await gql(UPDATE, {"code": code, "status": status}, token=officer_token)
    deadline = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    await gql(REQUEST_SUPPLEMENT, {"code": code, "deadline": deadline}, token=officer_token)
    supply_nothing = """mutation($code: String!) { supplyDocuments(input: {code: $code, documents: [" "]}) {
      errors { code field } } }"""
    refused = (await gql(supply_nothing, {"code": code}, token=citizen_token))["data"]["supplyDocuments"]
    assert refused["errors"] == [{"code": "INVALID_SUPPLEMENT_ITEMS", "field": "documents"}]
    withdraw = (
        "mutation($c: String!) { withdrawDossier(input: {code: $c}) { dossier { status timeRemaining { days } } } }"
    )
    done = (await gql(withdraw, {"c": code}, token=citizen_token))["data"]["withdrawDossier"]["dossier"]
    assert done == {"status": "WITHDRAWN", "timeRemaining": None}
    stored = await Dossier.get(code=code)
    assert stored.paused_at is None and stored.paused_remaining_seconds is None and stored.finished_at is not None
