"""Appointments through the GraphQL API, with the real clock: booking, staff lists and the live booking feed."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import date, datetime, timedelta

from strawberry import relay

from app.accounts.models import StaffRole
from app.working_days import LOCAL_TZ, is_working_day
from tests.api.test_dossier_subscriptions import open_subscription
from tests.dossier_data import BAI_CHAY, BORDERLESS_5_DAYS, HA_LONG

BOOK = """mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) {
  appointment { id ticket qrPayload status startsAt procedureCode } errors { code field } } }"""
SLOTS = """query($c: ID!, $p: String!, $f: Date!, $d: Int!) { availableSlots(centreId: $c, procedureCode: $p,
  from: $f, days: $d) { slots { startsAt remaining capacity } errors { code } } }"""
LIST = """query($c: ID!, $d: Date!) { centreAppointments(centreId: $c, date: $d) { ticket status } }"""
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
    assert listed["data"]["centreAppointments"] == [{"ticket": appointment["ticket"], "status": "CHECKED_IN"}]
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
