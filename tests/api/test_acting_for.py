"""Acting for someone beyond filing: a delegate pays, books, moves, cancels, rates and reads for the person
represented under one shared check; every record says who acted, the person is told and sees it in their data
access log, each refusal is coded, and nobody reads what no grant covers."""

from __future__ import annotations

from app.accounts.models import Citizen, StaffRole
from app.appointments.models import Appointment
from app.catalogue.models import DelegationRule, Procedure
from app.dossiers.models import Dossier, DossierStatus
from app.ratings.models import Rating
from notifications.models import Reminder, ReminderKind
from payments.models import Payment
from tests.api.test_appointments import centre_id, working_day_ahead
from tests.api.test_delegation import ACCEPT, END, RECORD, REQUEST, SON, TRACK_FOR, gid, granted, terms
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS, HA_LONG

COPY_OF_EXTRACT = "2.000635"  # Cấp bản sao trích lục hộ tịch: a notarised authorisation is needed
CHECKOUT = """mutation($code: String!) { createFeeCheckout(input: {dossierCode: $code}) {
  checkout { amountVnd payment { actedBy } } errors { code field message } } }"""
BOOK = """mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) {
  appointment { id ticket status actedBy } errors { code field message } } }"""
CANCEL = """mutation($id: ID!) { cancelAppointment(input: {id: $id}) {
  appointment { status } errors { code field } } }"""
RESCHEDULE = """mutation($id: ID!, $at: DateTime!) { rescheduleAppointment(input: {id: $id, startsAt: $at}) {
  appointment { startsAt } errors { code field } } }"""
RATE = """mutation($code: String!) { rateDossier(input: {dossierCode: $code, level: SATISFIED}) {
  rating { level actedBy } errors { code field message } } }"""
DOSSIER = """query($code: String!) { dossier(code: $code) { code payments { actedBy }
  timeline { actor actedBy } } }"""
MY_APPOINTMENTS = "query { myAppointments { edges { node { ticket actedBy } } } }"
RATING = "query($code: String!) { dossierRating(code: $code) { level actedBy } }"
ACCESS_LOG = """query { myDataAccessLog { edges { node { kind staffName delegateId dossierCode } } } }"""
PROCEDURE = """query($code: String!) { procedures(search: $code) { edges { node { code delegation
  delegationReason } } } }"""


async def allow_delegation(code: str = BORDERLESS_5_DAYS) -> None:
    """The tests' dossier procedure (re-registration of marriage) is done in person: some tests lift that."""
    await Procedure.filter(code=code).update(delegation=DelegationRule.ALLOWED, delegation_reason={})


async def son_id() -> str:
    return gid("Citizen", (await Citizen.get(phone=SON)).id)


async def told(action: str) -> list[Reminder]:
    return [r for r in await Reminder.filter(kind=ReminderKind.DELEGATE_ACTED) if r.params["action"] == action]


def booking(cast, day, code=BORDERLESS_5_DAYS, hour="09:00", on_behalf_of=None) -> dict:
    wanted = {"centreId": centre_id(cast.ha_long), "procedureCode": code, "startsAt": f"{day.isoformat()}T{hour}:00"}
    return {"input": {**wanted, "onBehalfOf": on_behalf_of}}


async def test_a_son_pays_his_mothers_fee_and_she_sees_who_paid(gql, cast, payments, awaiting_fee, sign_in_citizen):
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    await granted(gql, mother, son, actions=("PAY",))
    in_person = (await gql(CHECKOUT, {"code": awaiting_fee.code}, son, locale="en"))["data"]["createFeeCheckout"]
    assert in_person["errors"] == [
        {
            "code": "PROCEDURE_NEEDS_PERSON",
            "field": "dossierCode",
            "message": "This procedure cannot be done by a delegate: both spouses must be present to register a "
            "marriage.",
        }
    ]
    await allow_delegation()

    paid = (await gql(CHECKOUT, {"code": awaiting_fee.code}, son))["data"]["createFeeCheckout"]

    assert paid["errors"] == [] and paid["checkout"]["payment"]["actedBy"] == await son_id()
    assert (await Payment.get()).acted_by_id == (await Citizen.get(phone=SON)).id
    seen = (await gql(DOSSIER, {"code": awaiting_fee.code}, mother))["data"]["dossier"]
    assert seen["payments"] == [{"actedBy": await son_id()}]
    [reminder] = await told("pay")
    assert reminder.citizen_id == cast.citizen.id and reminder.params["dossierCode"] == awaiting_fee.code
    log = [e["node"] for e in (await gql(ACCESS_LOG, None, mother))["data"]["myDataAccessLog"]["edges"]]
    assert {"kind": "ACTED_FOR", "staffName": SON, "delegateId": await son_id(), "dossierCode": awaiting_fee.code} in (
        log
    )


async def test_a_son_books_moves_and_cancels_for_his_mother(gql, cast, sign_in_citizen):
    await allow_delegation()
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    await granted(gql, mother, son, actions=("BOOK",))
    day = working_day_ahead()
    for_her = gid("Citizen", cast.citizen.id)

    booked = (await gql(BOOK, booking(cast, day, on_behalf_of=for_her), son))["data"]["bookAppointment"]

    assert booked["errors"] == [] and booked["appointment"]["actedBy"] == await son_id()
    appointment = await Appointment.get()
    assert appointment.citizen_id == cast.citizen.id  # hers, not his
    mine = (await gql(MY_APPOINTMENTS, None, mother))["data"]["myAppointments"]["edges"]
    assert mine == [{"node": {"ticket": booked["appointment"]["ticket"], "actedBy": await son_id()}}]
    assert (await gql(MY_APPOINTMENTS, None, son))["data"]["myAppointments"]["edges"] == []
    appointment_id = booked["appointment"]["id"]
    moved = await gql(RESCHEDULE, {"id": appointment_id, "at": f"{day.isoformat()}T10:00:00"}, son)
    assert moved["data"]["rescheduleAppointment"]["errors"] == []
    cancelled = (await gql(CANCEL, {"id": appointment_id}, son))["data"]["cancelAppointment"]
    assert cancelled == {"appointment": {"status": "CANCELLED"}, "errors": []}
    reminders = await told("book")
    assert len(reminders) == 3 and {r.citizen_id for r in reminders} == {cast.citizen.id}
    assert {r.params["reference"] for r in reminders} == {booked["appointment"]["ticket"]}

    stranger = (await sign_in_citizen("+84912000777"))["accessToken"]
    refused = (await gql(CANCEL, {"id": appointment_id}, stranger))["data"]["cancelAppointment"]
    assert refused["errors"] == [{"code": "APPOINTMENT_NOT_FOUND", "field": "id"}]
    for_nobody = (await gql(BOOK, booking(cast, day, on_behalf_of=for_her), stranger))["data"]["bookAppointment"]
    assert for_nobody["errors"][0] == {
        "code": "DELEGATION_NOT_FOUND",
        "field": "onBehalfOf",
        "message": "Không tìm thấy ủy quyền.",
    }


async def test_a_son_rates_his_mothers_finished_dossier(gql, cast, dossier, sign_in_citizen):
    await allow_delegation()
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    await granted(gql, mother, son, actions=("RATE",))
    await Dossier.filter(id=dossier.id).update(status=DossierStatus.RESULT_READY)

    rated = (await gql(RATE, {"code": dossier.code}, son))["data"]["rateDossier"]

    assert rated["errors"] == [] and rated["rating"] == {"level": "SATISFIED", "actedBy": await son_id()}
    assert (await Rating.get()).citizen_id == cast.citizen.id
    assert (await gql(RATING, {"code": dossier.code}, mother))["data"]["dossierRating"]["actedBy"] == await son_id()
    assert len(await told("rate")) == 1
    again = (await gql(RATE, {"code": dossier.code}, mother))["data"]["rateDossier"]
    assert again["rating"]["actedBy"] is None  # she changed it herself


async def test_a_tracking_delegate_reads_the_dossier_and_the_read_is_logged(app, gql, cast, dossier, sign_in_citizen):
    await allow_delegation()
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    grant_id = await granted(gql, mother, son, actions=("PAY",))
    assert (await gql(DOSSIER, {"code": dossier.code}, son))["data"]["dossier"] is None  # PAY is not TRACK
    await gql(END, {"id": grant_id}, mother)
    await granted(gql, mother, son, actions=("TRACK",))

    read = (await gql(DOSSIER, {"code": dossier.code}, son))["data"]["dossier"]

    assert read["code"] == dossier.code and read["timeline"] == [{"actor": "CITIZEN", "actedBy": None}]
    log = [e["node"] for e in (await gql(ACCESS_LOG, None, mother))["data"]["myDataAccessLog"]["edges"]]
    viewed = {"kind": "VIEWED_DOSSIER", "staffName": SON, "delegateId": await son_id(), "dossierCode": dossier.code}
    assert log == [viewed]
    listed = await gql(TRACK_FOR, {"id": gid("Citizen", cast.citizen.id)}, son)
    assert listed["data"]["representedDossiers"] == [{"code": dossier.code}]
    log = [e["node"] for e in (await gql(ACCESS_LOG, None, mother))["data"]["myDataAccessLog"]["edges"]]
    assert log == [{**viewed, "kind": "LISTED_DOSSIER"}, viewed]
    assert await told("track") == []  # reading is logged, not notified

    neighbour = await Citizen.create(phone="+84912000888")
    theirs = await app.state.services.dossiers.submit(neighbour.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    assert (await gql(DOSSIER, {"code": theirs.code}, son))["data"]["dossier"] is None  # the son acts for A only


async def test_each_refusal_is_coded(gql, cast, dossier, sign_in_citizen, sign_in_staff):
    await allow_delegation()
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    await Dossier.filter(id=dossier.id).update(status=DossierStatus.RESULT_READY)

    async def rating_refusal(token: str = son) -> tuple[str, str]:
        [error] = (await gql(RATE, {"code": dossier.code}, token))["data"]["rateDossier"]["errors"]
        return error["code"], error["field"]

    assert await rating_refusal() == ("DOSSIER_NOT_FOUND", "dossierCode")  # no grant: nothing to see
    asked = await gql(REQUEST, {"input": {"delegatePhone": SON, "terms": terms(actions=("RATE",))}}, mother)
    grant_id = asked["data"]["requestDelegation"]["delegation"]["id"]
    assert await rating_refusal() == ("DELEGATION_NOT_ACCEPTED", "dossierCode")
    await gql(ACCEPT, {"id": grant_id}, son)
    await gql(END, {"id": grant_id}, son)
    assert await rating_refusal() == ("DELEGATION_ENDED", "dossierCode")
    await granted(gql, mother, son, actions=("BOOK",))
    assert await rating_refusal() == ("DELEGATION_NOT_COVERED", "dossierCode")

    other_phone = "+84912000444"
    scoped = terms(("RATE",), codes=[COPY_OF_EXTRACT])
    asked = await gql(REQUEST, {"input": {"delegatePhone": other_phone, "terms": scoped}}, mother)
    other = (await sign_in_citizen(other_phone))["accessToken"]
    await gql(ACCEPT, {"id": asked["data"]["requestDelegation"]["delegation"]["id"]}, other)
    assert await rating_refusal(other) == ("DELEGATION_PROCEDURE_NOT_COVERED", "dossierCode")

    day = working_day_ahead()
    for_her = gid("Citizen", cast.citizen.id)
    notarised = await gql(BOOK, booking(cast, day, COPY_OF_EXTRACT, on_behalf_of=for_her), son, locale="en")
    [refusal] = notarised["data"]["bookAppointment"]["errors"]
    assert (refusal["code"], refusal["field"]) == ("PROCEDURE_NEEDS_NOTARISED_AUTHORISATION", "procedureCode")
    assert refusal["message"] == (
        "A delegate may do this procedure only under a grant recorded by staff: the authorisation must be a "
        "notarised or certified paper, checked and recorded by centre staff."
    )
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    checked_phone = "+84912000333"
    paper = {"grantorPhone": cast.citizen.phone, "delegatePhone": checked_phone, "terms": terms(actions=["BOOK"])}
    assert (await gql(RECORD, {"input": paper}, officer))["data"]["recordDelegation"]["errors"] == []
    checked = (await sign_in_citizen(checked_phone))["accessToken"]
    recorded = await gql(BOOK, booking(cast, day, COPY_OF_EXTRACT, on_behalf_of=for_her), checked)
    assert recorded["data"]["bookAppointment"]["errors"] == []
    assert await Appointment.filter(citizen_id=cast.citizen.id).count() == 1


async def test_the_catalogue_says_which_procedures_a_delegate_may_do(gql, catalogue):
    found = await gql(PROCEDURE, {"code": COPY_OF_EXTRACT}, locale="en")
    [node] = [e["node"] for e in found["data"]["procedures"]["edges"] if e["node"]["code"] == COPY_OF_EXTRACT]
    assert node["delegation"] == "NOTARISED_AUTHORISATION_REQUIRED"
    assert "notarised" in node["delegationReason"]
    plain = await gql(PROCEDURE, {"code": "1.004222"})
    assert [e["node"]["delegationReason"] for e in plain["data"]["procedures"]["edges"]] == [None]
