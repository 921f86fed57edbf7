"""After a gap in the event bus (Redis restarted: events may have been lost), every live subscription ends with
RESYNC_REQUIRED, so the app reads the current state and subscribes again; the socket stays usable."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from app.accounts.models import StaffRole
from tests.api.test_appointments import FEED, centre_id
from tests.api.test_dossier_subscriptions import MY_UPDATES, open_subscription
from tests.api.test_session_ends import RECEIVED, ended_with
from tests.dossier_data import HA_LONG

UPDATED = "subscription($c: String!) { dossierUpdated(code: $c) { dossier { status } } }"


@pytest.mark.parametrize("feed", ["dossierUpdated", "myDossierUpdates", "notificationReceived", "centreBookings"])
async def test_a_gap_in_the_bus_ends_every_subscription_with_resync_required(
    app, cast, dossier, sign_in_citizen, sign_in_staff, feed
):
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    token, query, variables = {
        "dossierUpdated": (citizen, UPDATED, {"c": dossier.code}),
        "myDossierUpdates": (citizen, MY_UPDATES, {}),
        "notificationReceived": (citizen, RECEIVED, {}),
        "centreBookings": (officer, FEED, {"c": centre_id(cast.ha_long)}),
    }[feed]
    async with AsyncExitStack() as stack:
        ws = await open_subscription(stack, app, token, query, variables)
        app.state.services.bus.resync()
        assert await ended_with(ws) == "RESYNC_REQUIRED"
        await ws.send_json({"id": "s2", "type": "subscribe", "payload": {"query": "{ me { __typename } }"}})
        assert (await ws.receive_json(timeout=2))["payload"]["data"]["me"]["__typename"] in {"Citizen", "StaffMember"}
