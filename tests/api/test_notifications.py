"""Devices, inbox, preferences and delivery counts through the API, and the live inbox feed."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import UTC, datetime

import pytest

from app.accounts.models import StaffRole
from app.dossiers.models import ActorKind, DossierStatus
from app.dossiers.services import Actor
from notifications.models import Device
from notifications.sweep import Sweep
from tests.api.test_dossier_subscriptions import open_subscription
from tests.dossier_data import HA_LONG
from tests.fakes.push import RecordingPushSender

REGISTER = """mutation($token: String!, $locale: String!) {
  registerDevice(input: {token: $token, platform: ANDROID, locale: $locale, appVersion: "2.3.1"}) {
    device { token platform locale appVersion } errors { code field } } }"""
UNREGISTER = """mutation($token: String!) { unregisterDevice(input: {token: $token}) { removed errors { code } } }"""
INBOX = """query($unread: Boolean) { unreadNotificationCount notifications(unreadOnly: $unread, first: 10) {
  totalCount edges { node { id kind category title deepLink readAt } } } }"""
MARK = """mutation($ids: [ID!], $all: Boolean) { markNotificationsRead(input: {ids: $ids, all: $all}) {
  marked unreadCount errors { code field message } } }"""
PREFERENCES = """mutation($muted: [NotificationCategory!], $start: String, $end: String) {
  updateNotificationPreferences(input: {mutedCategories: $muted, quietHoursStart: $start, quietHoursEnd: $end}) {
    preferences { mutedCategories quietHoursStart quietHoursEnd } errors { code field } } }"""
STATS = """query($day: Date!) { notificationStats(from: $day, to: $day) { sent skipped pendingNow overdueNow } }"""
RECEIVED = "subscription { notificationReceived { kind title deepLink } }"
pytestmark = pytest.mark.usefixtures("weekday_morning")  # pushes go out at once, the UTC day is the local day


async def _deliver(app, cast, dossier, *statuses: DossierStatus) -> None:
    """Move the dossier as staff and run one sweep."""
    for status in statuses:
        dossier = await app.state.services.dossiers.change_status(
            dossier, status, Actor(ActorKind.STAFF, cast.officer.id)
        )
    await Sweep(RecordingPushSender(), app.state.services.sms, app.state.services.bus, worker_id="api-test").run()


async def test_a_token_belongs_to_one_citizen_and_moves_when_registered_again(gql, cast, sign_in_citizen):
    first = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    second = (await sign_in_citizen("+84912999999"))["accessToken"]

    registered = await gql(REGISTER, {"token": "fcm-token-1", "locale": "en"}, token=first)
    assert registered["data"]["registerDevice"] == {
        "device": {"token": "fcm-token-1", "platform": "ANDROID", "locale": "en", "appVersion": "2.3.1"},
        "errors": [],
    }
    await gql(REGISTER, {"token": "fcm-token-1", "locale": "vi"}, token=second)

    [device] = await Device.all()
    assert device.citizen_id != cast.citizen.id and device.locale == "vi"
    assert (await gql(UNREGISTER, {"token": "fcm-token-1"}, token=first))["data"]["unregisterDevice"][
        "removed"
    ] is False
    assert (await gql(UNREGISTER, {"token": "fcm-token-1"}, token=second))["data"]["unregisterDevice"]["removed"]
    assert await Device.all().count() == 0


async def test_a_malformed_token_is_refused_and_nothing_stored(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    result = await gql(REGISTER, {"token": "has spaces", "locale": "vi"}, token=token)
    assert result["data"]["registerDevice"]["errors"] == [{"code": "INVALID_DEVICE_TOKEN", "field": "token"}]
    assert await Device.all().count() == 0


async def test_inbox_lists_counts_and_marks_read(app, gql, cast, dossier, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    await _deliver(app, cast, dossier, DossierStatus.RECEIVED)

    inbox = (await gql(INBOX, token=token))["data"]
    assert inbox["unreadNotificationCount"] == 1
    [edge] = inbox["notifications"]["edges"]
    assert edge["node"]["kind"] == "DOSSIER_UPDATED" and edge["node"]["deepLink"] == f"dossier/{dossier.code}"

    both = await gql(MARK, {"ids": [edge["node"]["id"]], "all": True}, token=token)
    assert both["data"]["markNotificationsRead"]["errors"][0]["code"] == "INVALID_NOTIFICATION_SELECTION"
    too_many = await gql(MARK, {"ids": [edge["node"]["id"]] * 101}, token=token)
    assert too_many["data"]["markNotificationsRead"]["errors"][0]["code"] == "TOO_MANY_IDS"
    marked = await gql(MARK, {"ids": [edge["node"]["id"]]}, token=token)
    assert marked["data"]["markNotificationsRead"] == {"marked": 1, "unreadCount": 0, "errors": []}
    unread = (await gql(INBOX, {"unread": True}, token=token))["data"]
    assert unread["notifications"]["totalCount"] == 0 and unread["unreadNotificationCount"] == 0


async def test_one_cannot_mark_someone_elses_notifications(app, gql, cast, dossier, sign_in_citizen):
    owner = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    stranger = (await sign_in_citizen("+84912999999"))["accessToken"]
    await _deliver(app, cast, dossier, DossierStatus.RECEIVED)
    [edge] = (await gql(INBOX, token=owner))["data"]["notifications"]["edges"]

    result = await gql(MARK, {"ids": [edge["node"]["id"]]}, token=stranger)

    assert result["data"]["markNotificationsRead"]["marked"] == 0
    assert (await gql(INBOX, token=owner))["data"]["unreadNotificationCount"] == 1


async def test_preferences_are_saved_and_bad_times_refused(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    saved = await gql(PREFERENCES, {"muted": ["RATINGS"], "start": "22:30", "end": "06:00"}, token=token)
    assert saved["data"]["updateNotificationPreferences"] == {
        "preferences": {"mutedCategories": ["RATINGS"], "quietHoursStart": "22:30", "quietHoursEnd": "06:00"},
        "errors": [],
    }
    refused = await gql(PREFERENCES, {"start": "25:00"}, token=token)
    assert refused["data"]["updateNotificationPreferences"]["errors"] == [
        {"code": "INVALID_QUIET_HOURS", "field": "quietHoursStart"}
    ]
    kept = await gql("{ notificationPreferences { quietHoursStart } }", token=token)
    assert kept["data"]["notificationPreferences"]["quietHoursStart"] == "22:30"


async def test_delivery_counts_are_for_staff_only(app, gql, cast, dossier, sign_in_citizen, sign_in_staff):
    await _deliver(app, cast, dossier, DossierStatus.RECEIVED, DossierStatus.PROCESSING)
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]

    today = {"day": datetime.now(UTC).date().isoformat()}
    refused = await gql(STATS, today, token=citizen)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    stats = (await gql(STATS, today, token=officer))["data"]["notificationStats"]
    assert stats == {"sent": 1, "skipped": 1, "pendingNow": 0, "overdueNow": 0}  # RECEIVED was overtaken


async def test_new_inbox_entries_arrive_live(app, cast, dossier, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    async with AsyncExitStack() as stack:
        ws = await open_subscription(stack, app, token, RECEIVED)
        await _deliver(app, cast, dossier, DossierStatus.RECEIVED)
        message = await ws.receive_json(timeout=2)
    assert message["payload"]["data"]["notificationReceived"] == {
        "kind": "DOSSIER_UPDATED",
        "title": f"Hồ sơ {dossier.code} đã chuyển trạng thái",
        "deepLink": f"dossier/{dossier.code}",
    }
