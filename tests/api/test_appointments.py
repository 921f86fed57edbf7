"""Appointments through the GraphQL API, with the real clock: booking, staff lists and the live booking feed."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import date, datetime, timedelta

from strawberry import relay

from app.accounts.models import StaffRole
from app.working_days import LOCAL_TZ, is_working_day
from tests.api.test_dossier_subscriptions import open_subscription
from tests.dossier_data import BAI_CHAY, BORDERLESS_5_DAYS, HA_LONG, RESIDENCE_BOUND

BOOK = """mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) {
  appointment { id ticket qrPayload status startsAt procedureCode } errors { code field } } }"""
SLOTS = """query($c: ID!, $p: String!, $f: Date!, $d: Int!) { availableSlots(centreId: $c, procedureCode: $p,
  from: $f, days: $d) { slots { startsAt remaining capacity } errors { code } } }"""
LIST = """query($c: ID!, $d: Date!, $s: AppointmentStatus, $first: Int, $after: String) {
  centreAppointments(centreId: $c, date: $d, status: $s, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ticket status } } } }"""
FEED = "subscription($c: ID!) { centreBookings(centreId: $c) { kind appointment { ticket status } } }"
CHECK_IN = """mutation($input: CheckInAppointmentInput!) { checkInAppointment(input: $input) {
  appointment { status } errors { code } } }"""


def working_day_ahead() -> date:
    """A working date 2 to 12 days ahead, so 09:00 is past the minimum notice and within the horizon."""
    day = datetime.now(LOCAL_TZ).date() + timedelta(days=2)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def centre_id(centre) -> str:
    return str(relay.GlobalID("Centre", str(centre.id)))


async def test_a_citizen_books_and_the_centres_staff_see_it_live(app, gql, cast, sign_in_citizen, sign_in_staff):
    day = working_day_ahead()
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    slots = await gql(SLOTS, {"c": centre_id(cast.ha_long), "p": BORDERLESS_5_DAYS, "f": day.isoformat(), "d": 1})
    first = slots["data"]["availableSlots"]["slots"][0]
    assert first["remaining"] == first["capacity"] == 4
    async with AsyncExitStack() as stack:
        ws = await open_subscription(stack, app, officer, FEED, {"c": centre_id(cast.ha_long)})
        booked = await gql(
            BOOK,
            {
                "input": {
                    "centreId": centre_id(cast.ha_long),
                    "procedureCode": BORDERLESS_5_DAYS,
                    "startsAt": f"{day.isoformat()}T09:00:00",
                }
            },
            token=citizen,
        )
        appointment = booked["data"]["bookAppointment"]["appointment"]
        assert booked["data"]["bookAppointment"]["errors"] == []
        assert appointment["qrPayload"] == f"QNDVC:APPT:{appointment['ticket']}"
        assert appointment["startsAt"].startswith(f"{day.isoformat()}T02:00:00")  # 09:00 in Vietnam, in UTC
        message = await ws.receive_json(timeout=2)
        assert message["payload"]["data"]["centreBookings"] == {
            "kind": "BOOKED",
            "appointment": {"ticket": appointment["ticket"], "status": "BOOKED"},
        }
        checked = await gql(
            CHECK_IN,
            {"input": {"centreId": centre_id(cast.ha_long), "ticket": appointment["qrPayload"]}},
            token=officer,
        )
        assert checked["data"]["checkInAppointment"] == {"appointment": {"status": "CHECKED_IN"}, "errors": []}
        message = await ws.receive_json(timeout=2)
        assert message["payload"]["data"]["centreBookings"]["kind"] == "CHECKED_IN"
    listed = await gql(LIST, {"c": centre_id(cast.ha_long), "d": day.isoformat()}, token=officer)
    page = listed["data"]["centreAppointments"]
    assert page["totalCount"] == 1
    assert [edge["node"] for edge in page["edges"]] == [{"ticket": appointment["ticket"], "status": "CHECKED_IN"}]
    again = await gql(
        BOOK,
        {
            "input": {
                "centreId": centre_id(cast.ha_long),
                "procedureCode": BORDERLESS_5_DAYS,
                "startsAt": f"{day.isoformat()}T14:00:00",
            }
        },
        token=citizen,
    )
    assert again["data"]["bookAppointment"] == {
        "appointment": None,
        "errors": [{"code": "TOO_MANY_BOOKINGS", "field": "startsAt"}],
    }


async def test_staff_of_another_centre_are_refused(app, gql, cast, sign_in_staff):
    outsider = (await sign_in_staff("o2@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    listed = await gql(LIST, {"c": centre_id(cast.ha_long), "d": working_day_ahead().isoformat()}, token=outsider)
    assert listed["data"] is None and listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with AsyncExitStack() as stack:
        ws = await open_subscription(stack, app, outsider, FEED, {"c": centre_id(cast.ha_long)})
        message = await ws.receive_json(timeout=2)
    assert message["type"] == "next" and message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"


RESCHEDULE = """mutation($input: RescheduleAppointmentInput!) { rescheduleAppointment(input: $input) {
  appointment { id status startsAt } errors { code field } } }"""
CANCEL = """mutation($input: CancelAppointmentInput!) { cancelAppointment(input: $input) {
  appointment { status } errors { code } } }"""
NO_SHOW = (
    """mutation($input: MarkNoShowInput!) { markNoShow(input: $input) { appointment { status } errors { code } } }"""
)
CLOSE = """mutation($input: AddCentreClosureInput!) { addCentreClosure(input: $input) { ok errors { code field } } }"""
CAPACITY = (
    """mutation($input: SetCentreCapacityInput!) { setCentreCapacity(input: $input) { ok errors { code field } } }"""
)
NODE = """query($id: ID!) { node(id: $id) { ... on Appointment { id status startsAt ticket
  centre { code } procedure { code } } } }"""
MINE = """query($upcoming: Boolean, $first: Int, $after: String) { myAppointments(upcoming: $upcoming, first: $first,
  after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { startsAt status procedureCode } } } }"""


def working_days_ahead(count: int) -> list[date]:
    """`count` consecutive working dates, the first 2 to 12 days ahead."""
    days = [working_day_ahead()]
    while len(days) < count:
        day = days[-1] + timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
        days.append(day)
    return days


def local(day: date, clock: str) -> str:
    return f"{day.isoformat()}T{clock}:00"


async def book(gql, token: str, centre, day: date, clock: str, procedure: str = BORDERLESS_5_DAYS) -> dict:
    result = await gql(
        BOOK,
        {"input": {"centreId": centre_id(centre), "procedureCode": procedure, "startsAt": local(day, clock)}},
        token=token,
    )
    return result["data"]["bookAppointment"]


async def remaining(gql, centre, day: date) -> dict[str, int]:
    """Places left by local HH:MM on `day`."""
    result = await gql(SLOTS, {"c": centre_id(centre), "p": BORDERLESS_5_DAYS, "f": day.isoformat(), "d": 1})
    slots = result["data"]["availableSlots"]["slots"]
    return {datetime.fromisoformat(s["startsAt"]).astimezone(LOCAL_TZ).strftime("%H:%M"): s["remaining"] for s in slots}


async def test_rescheduling_moves_the_booking_and_frees_the_old_place(app, gql, cast, sign_in_citizen, sign_in_staff):
    day, next_day = working_days_ahead(2)
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    appointment = (await book(gql, citizen, cast.ha_long, day, "09:00"))["appointment"]
    async with AsyncExitStack() as stack:
        ws = await open_subscription(stack, app, officer, FEED, {"c": centre_id(cast.ha_long)})
        moved = await gql(
            RESCHEDULE, {"input": {"id": appointment["id"], "startsAt": local(next_day, "14:00")}}, token=citizen
        )
        message = await ws.receive_json(timeout=2)
    assert moved["data"]["rescheduleAppointment"]["errors"] == []
    assert moved["data"]["rescheduleAppointment"]["appointment"]["startsAt"].startswith(f"{next_day}T07:00:00")
    assert message["payload"]["data"]["centreBookings"]["kind"] == "RESCHEDULED"
    assert (await remaining(gql, cast.ha_long, day))["09:00"] == 4
    assert (await remaining(gql, cast.ha_long, next_day))["14:00"] == 3


async def test_a_failed_reschedule_keeps_the_old_booking(gql, cast, sign_in_citizen, sign_in_staff):
    day, closed_day = working_days_ahead(2)
    manager = (await sign_in_staff("manager@halong.vn", StaffRole.MANAGER, HA_LONG))["accessToken"]
    set_one = {"input": {"centreId": centre_id(cast.ha_long), "perSlot": 1}}
    assert (await gql(CAPACITY, set_one, token=manager))["data"]["setCentreCapacity"] == {"ok": True, "errors": []}
    closure = {"input": {"centreId": centre_id(cast.ha_long), "date": closed_day.isoformat(), "reason": "Bảo trì"}}
    assert (await gql(CLOSE, closure, token=manager))["data"]["addCentreClosure"] == {"ok": True, "errors": []}
    mine = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    other = (await sign_in_citizen("+84912000900"))["accessToken"]
    appointment = (await book(gql, mine, cast.ha_long, day, "09:00"))["appointment"]
    assert (await book(gql, other, cast.ha_long, day, "14:00"))["errors"] == []
    for starts_at, code in ((local(day, "14:00"), "SLOT_FULL"), (local(closed_day, "09:00"), "CENTRE_CLOSED")):
        refused = await gql(RESCHEDULE, {"input": {"id": appointment["id"], "startsAt": starts_at}}, token=mine)
        assert refused["data"]["rescheduleAppointment"] == {
            "appointment": None,
            "errors": [{"code": code, "field": "startsAt"}],
        }
    kept = (await gql(NODE, {"id": appointment["id"]}, token=mine))["data"]["node"]
    assert kept["status"] == "BOOKED" and kept["startsAt"] == appointment["startsAt"]
    assert "09:00" not in await remaining(gql, cast.ha_long, day), "the old place is still taken"


async def test_staff_record_a_no_show_and_the_citizen_sees_it_in_their_history(
    gql, cast, sign_in_citizen, sign_in_staff
):
    day = working_day_ahead()
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    outsider = (await sign_in_staff("o2@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    appointment = (await book(gql, citizen, cast.ha_long, day, "09:00"))["appointment"]
    refused = await gql(NO_SHOW, {"input": {"id": appointment["id"]}}, token=outsider)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    marked = await gql(NO_SHOW, {"input": {"id": appointment["id"]}}, token=officer)
    assert marked["data"]["markNoShow"] == {"appointment": {"status": "NO_SHOW"}, "errors": []}
    again = await gql(NO_SHOW, {"input": {"id": appointment["id"]}}, token=officer)
    assert again["data"]["markNoShow"] == {"appointment": None, "errors": [{"code": "APPOINTMENT_NOT_ACTIVE"}]}
    cancelled = await gql(CANCEL, {"input": {"id": appointment["id"]}}, token=citizen)
    assert cancelled["data"]["cancelAppointment"]["errors"] == [{"code": "APPOINTMENT_NOT_ACTIVE"}]
    past = (await gql(MINE, {"upcoming": False}, token=citizen))["data"]["myAppointments"]
    assert [edge["node"]["status"] for edge in past["edges"]] == ["NO_SHOW"]
    assert (await gql(MINE, {"upcoming": True}, token=citizen))["data"]["myAppointments"]["totalCount"] == 0
    assert (await book(gql, citizen, cast.ha_long, day, "10:00"))["errors"] == [], "a missed day is free again"


async def test_a_managers_closure_and_capacity_change_apply_at_once(gql, cast, sign_in_citizen, sign_in_staff):
    day, closed_day = working_days_ahead(2)
    manager = (await sign_in_staff("manager@halong.vn", StaffRole.MANAGER, HA_LONG))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    other_manager = (await sign_in_staff("manager@baichay.vn", StaffRole.MANAGER, BAI_CHAY))["accessToken"]
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    closure = {"input": {"centreId": centre_id(cast.ha_long), "date": closed_day.isoformat()}}
    capacity = {"input": {"centreId": centre_id(cast.ha_long), "perSlot": 2}}
    for token in (officer, other_manager):
        for mutation, variables in ((CLOSE, closure), (CAPACITY, capacity)):
            refused = await gql(mutation, variables, token=token)
            assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await remaining(gql, cast.ha_long, closed_day), "refused changes changed nothing"
    assert (await gql(CLOSE, closure, token=manager))["data"]["addCentreClosure"]["ok"] is True
    assert await remaining(gql, cast.ha_long, closed_day) == {}
    assert (await book(gql, citizen, cast.ha_long, closed_day, "09:00"))["errors"] == [
        {"code": "CENTRE_CLOSED", "field": "startsAt"}
    ]
    assert (await gql(CAPACITY, capacity, token=manager))["data"]["setCentreCapacity"]["ok"] is True
    assert set((await remaining(gql, cast.ha_long, day)).values()) == {2}
    too_many = {"input": {"centreId": centre_id(cast.ha_long), "perSlot": 101}}
    assert (await gql(CAPACITY, too_many, token=manager))["data"]["setCentreCapacity"] == {
        "ok": False,
        "errors": [{"code": "INVALID_CAPACITY", "field": "perSlot"}],
    }
    assert set((await remaining(gql, cast.ha_long, day)).values()) == {2}


async def test_staff_of_another_centre_cannot_check_in_or_see_an_appointment(gql, cast, sign_in_citizen, sign_in_staff):
    day = working_day_ahead()
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    outsider = (await sign_in_staff("o2@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    appointment = (await book(gql, citizen, cast.ha_long, day, "09:00"))["appointment"]
    at_their_centre = {"input": {"centreId": centre_id(cast.bai_chay), "ticket": appointment["ticket"]}}
    assert (await gql(CHECK_IN, at_their_centre, token=outsider))["data"]["checkInAppointment"] == {
        "appointment": None,
        "errors": [{"code": "APPOINTMENT_NOT_FOUND"}],
    }
    at_ours = {"input": {"centreId": centre_id(cast.ha_long), "ticket": appointment["ticket"]}}
    refused = await gql(CHECK_IN, at_ours, token=outsider)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(NODE, {"id": appointment["id"]}, token=outsider))["data"]["node"] is None
    seen = (await gql(NODE, {"id": appointment["id"]}, token=officer))["data"]["node"]
    assert seen["ticket"] == appointment["ticket"] and seen["centre"] == {"code": HA_LONG}
    stranger = (await sign_in_citizen("+84912000901"))["accessToken"]
    assert (await gql(NODE, {"id": appointment["id"]}, token=stranger))["data"]["node"] is None
    assert (await gql(CANCEL, {"input": {"id": appointment["id"]}}, token=stranger))["data"]["cancelAppointment"][
        "errors"
    ] == [{"code": "APPOINTMENT_NOT_FOUND"}]


async def test_my_appointments_and_the_centre_list_are_paged(gql, cast, sign_in_citizen, sign_in_staff):
    days = working_days_ahead(3)
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    for day in reversed(days):
        assert (await book(gql, citizen, cast.ha_long, day, "09:00"))["errors"] == []
    assert (await book(gql, citizen, cast.ha_long, days[0], "10:00", RESIDENCE_BOUND))["errors"] == []
    first = (await gql(MINE, {"upcoming": True, "first": 2}, token=citizen))["data"]["myAppointments"]
    assert first["totalCount"] == 4 and first["pageInfo"]["hasNextPage"] is True
    rest_page = await gql(MINE, {"upcoming": True, "after": first["pageInfo"]["endCursor"]}, token=citizen)
    rest = rest_page["data"]["myAppointments"]
    starts = [edge["node"]["startsAt"] for edge in first["edges"] + rest["edges"]]
    assert starts == sorted(starts) and len(starts) == 4, "upcoming: earliest first, no overlap between pages"
    assert rest["pageInfo"]["hasNextPage"] is False
    listed = await gql(LIST, {"c": centre_id(cast.ha_long), "d": days[0].isoformat(), "first": 1}, token=officer)
    page = listed["data"]["centreAppointments"]
    assert page["totalCount"] == 2 and len(page["edges"]) == 1 and page["pageInfo"]["hasNextPage"] is True
    cancelled_only = await gql(
        LIST, {"c": centre_id(cast.ha_long), "d": days[0].isoformat(), "s": "CANCELLED"}, token=officer
    )
    assert cancelled_only["data"]["centreAppointments"]["totalCount"] == 0
    staff_refused = await gql(MINE, {}, token=officer)
    assert staff_refused["data"] is None and staff_refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other = (await sign_in_citizen("+84912000902"))["accessToken"]
    assert (await gql(MINE, {}, token=other))["data"]["myAppointments"]["totalCount"] == 0
