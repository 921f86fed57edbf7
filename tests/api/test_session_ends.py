"""Sessions end when they are ended: over websockets, a sign-out or a reused refresh token ends every live feed of
that sign-in at once, an expired socket token ends every feed, a staff member's feed follows their current centre,
and a malformed `Authorization` in `connection_init` is refused like any bad token."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import UTC, datetime, time, timedelta

import pytest
from httpx_ws import WebSocketDisconnect

from app.accounts.identity import Viewer, ViewerKind
from app.accounts.models import StaffMember, StaffRole
from app.accounts.sessions import start_session
from app.dossiers.models import ActorKind, DossierStatus
from app.dossiers.services import Actor
from app.working_days import LOCAL_TZ
from tests.api.test_appointments import FEED, centre_id, working_day_ahead
from tests.api.test_dossier_subscriptions import MY_UPDATES, open_subscription
from tests.api.test_websocket import websocket
from tests.dossier_data import BORDERLESS_5_DAYS, HA_LONG

RECEIVED = "subscription { notificationReceived { kind } }"
SIGN_OUT = """mutation($token: String!) { signOut(input: {refreshToken: $token}) { signedOut } }"""
REFRESH = """mutation($token: String!) { refreshToken(input: {refreshToken: $token}) {
  session { refreshToken } errors { code } } }"""
ME = "{ me { __typename } }"
EXPIRY = timedelta(minutes=16)  # past the 15-minute access token


async def ended_with(ws) -> str:
    """The code of the error that ended the subscription (the server completes it right after)."""
    message = await ws.receive_json(timeout=2)
    assert message["type"] == "next" and message["payload"]["data"] is None, message
    assert await ws.receive_json(timeout=2) == {"id": "s1", "type": "complete"}
    return message["payload"]["errors"][0]["extensions"]["code"]


async def book_at(app, cast, day) -> object:
    """A booking at Phường Hạ Long through `app`'s services (published on that app's bus)."""
    starts_at = datetime.combine(day, time(9), LOCAL_TZ)
    return await app.state.services.appointments.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, starts_at)


@pytest.mark.parametrize(
    "authorization",
    [
        "{token}",  # the token itself, without "Bearer "
        "Token {token}",
        "Bearer ",
        "Bearer",
        12345,
        ["Bearer", "{token}"],
        {"token": "{token}"},
        True,
    ],
)
async def test_a_malformed_authorization_closes_the_connection_with_4403(app, sign_in_citizen, authorization):
    token = (await sign_in_citizen())["accessToken"]
    shaped = {
        str: lambda value: value.format(token=token),
        list: lambda value: [part.format(token=token) for part in value],
        dict: lambda value: {key: part.format(token=token) for key, part in value.items()},
    }.get(type(authorization), lambda value: value)(authorization)
    async with websocket(app, {"Authorization": shaped}) as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_json(timeout=5)
    assert closed.value.code == 4403


async def test_a_signed_out_token_closes_the_connection_with_4403(app, gql, sign_in_citizen):
    session = await sign_in_citizen()
    await gql(SIGN_OUT, {"token": session["refreshToken"]})
    async with websocket(app, {"Authorization": f"Bearer {session['accessToken']}"}) as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_json(timeout=5)
    assert closed.value.code == 4403


async def test_sign_out_ends_the_feeds_of_that_sign_in_at_once(app, gql, settings, cast, sign_in_citizen):
    signed_out = await sign_in_citizen(cast.citizen.phone)
    other_phone = await start_session(settings, Viewer(ViewerKind.CITIZEN, cast.citizen.id), datetime.now(UTC))
    async with AsyncExitStack() as stack:
        inbox = await open_subscription(stack, app, signed_out["accessToken"], RECEIVED)
        dossiers = await open_subscription(stack, app, signed_out["accessToken"], MY_UPDATES)
        assert (await gql(SIGN_OUT, {"token": signed_out["refreshToken"]}))["data"]["signOut"]["signedOut"]
        assert await ended_with(inbox) == "SESSION_REVOKED"
        assert await ended_with(dossiers) == "SESSION_REVOKED"
    # The same citizen's other sign-in (another phone) goes on.
    assert (await gql(ME, token=other_phone.access_token))["data"]["me"] == {"__typename": "Citizen"}


async def test_a_reused_refresh_token_ends_the_staff_booking_feed(app, gql, cast, sign_in_staff):
    officer = await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG)
    async with AsyncExitStack() as stack:
        feed = await open_subscription(stack, app, officer["accessToken"], FEED, {"c": centre_id(cast.ha_long)})
        assert (await gql(REFRESH, {"token": officer["refreshToken"]}))["data"]["refreshToken"]["errors"] == []
        replay = await gql(REFRESH, {"token": officer["refreshToken"]})  # a stolen copy used again
        assert replay["data"]["refreshToken"]["errors"] == [{"code": "INVALID_REFRESH_TOKEN"}]
        assert await ended_with(feed) == "SESSION_REVOKED"


async def test_the_booking_feed_stops_when_the_socket_token_expires(clocked_app, manual_clock, cast, sign_in_staff):
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    day = working_day_ahead()
    async with AsyncExitStack() as stack:
        feed = await open_subscription(stack, clocked_app, officer, FEED, {"c": centre_id(cast.ha_long)})
        appointment = await book_at(clocked_app, cast, day)
        assert (await feed.receive_json(timeout=2))["payload"]["data"]["centreBookings"]["kind"] == "BOOKED"
        manual_clock.advance(EXPIRY)
        await clocked_app.state.services.appointments.cancel(appointment)
        assert await ended_with(feed) == "TOKEN_EXPIRED"


async def test_the_inbox_feed_stops_when_the_socket_token_expires(
    clocked_app, manual_clock, cast, dossier, sign_in_citizen
):
    services = clocked_app.state.services
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    officer = Actor(ActorKind.STAFF, cast.officer.id)
    async with AsyncExitStack() as stack:
        inbox = await open_subscription(stack, clocked_app, citizen, RECEIVED)
        dossier = await services.dossiers.change_status(dossier, DossierStatus.RECEIVED, officer)
        await services.sweep.run()
        assert (await inbox.receive_json(timeout=2))["payload"]["data"]["notificationReceived"] == {
            "kind": "DOSSIER_UPDATED"
        }
        manual_clock.advance(EXPIRY)
        await services.dossiers.change_status(dossier, DossierStatus.PROCESSING, officer)
        await services.sweep.run()
        assert await ended_with(inbox) == "TOKEN_EXPIRED"


async def test_the_booking_feed_stops_for_an_officer_moved_to_another_centre(
    clocked_app, manual_clock, cast, sign_in_staff
):
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    async with AsyncExitStack() as stack:
        feed = await open_subscription(stack, clocked_app, officer, FEED, {"c": centre_id(cast.ha_long)})
        await StaffMember.filter(email="officer@halong.vn").update(centre_id=cast.bai_chay.id)
        manual_clock.advance(timedelta(seconds=5))  # what a worker remembers of a sign-in lasts 5 seconds at most
        await book_at(clocked_app, cast, working_day_ahead())
        assert await ended_with(feed) == "FORBIDDEN"


async def test_a_sign_out_reaches_another_worker_within_five_seconds(gql, clocked_gql, manual_clock, sign_in_citizen):
    session = await sign_in_citizen()
    assert (await clocked_gql(ME, token=session["accessToken"]))["data"]["me"] == {"__typename": "Citizen"}
    await gql(SIGN_OUT, {"token": session["refreshToken"]})  # on the other worker, which publishes nothing here
    manual_clock.advance(timedelta(seconds=5))
    refused = await clocked_gql(ME, token=session["accessToken"])
    assert refused["data"]["me"] is None
    assert refused["errors"][0]["extensions"]["code"] == "SESSION_REVOKED"
