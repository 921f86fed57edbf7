"""The scheduler's other jobs and rules: the staff digest, token pruning, quiet-hour windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.accounts.models import StaffMember, StaffRole
from app.dossiers.digest import schedule_staff_digests
from app.dossiers.models import ActorKind, Dossier, DossierStatus
from app.dossiers.services import Actor
from app.working_days import LOCAL_TZ
from notifications.devices import prune_unused
from notifications.models import Device, Notification, Platform, Reminder, ReminderKind, ReminderState
from notifications.quiet_hours import quiet_until
from notifications.sweep import Sweep
from tests.fakes.push import RecordingPushSender

MONDAY_0730 = datetime(2026, 11, 30, 7, 30, tzinfo=LOCAL_TZ)
SATURDAY_0730 = datetime(2026, 11, 28, 7, 30, tzinfo=LOCAL_TZ)


async def test_staff_get_a_digest_of_dossiers_due_within_a_working_day(app, cast, dossier, time_machine):
    time_machine.move_to(MONDAY_0730, tick=True)  # the digest's own moment: a working day, outside quiet hours
    await app.state.services.dossiers.change_status(
        dossier, DossierStatus.RECEIVED, Actor(ActorKind.STAFF, cast.officer.id)
    )
    await Dossier.filter(id=dossier.id).update(due_at=datetime.now(UTC) + timedelta(hours=2))
    await Device.create(token="staff-phone", staff=cast.officer, platform=Platform.IOS, last_seen_at=datetime.now(UTC))
    await Reminder.filter(kind=ReminderKind.DOSSIER_UPDATED).update(state=ReminderState.CANCELLED)

    assert await schedule_staff_digests(SATURDAY_0730) == 0
    assert await schedule_staff_digests(MONDAY_0730) == 1
    assert await schedule_staff_digests(MONDAY_0730) == 1  # the same day again: still one reminder
    assert await Reminder.filter(kind=ReminderKind.STAFF_DIGEST).count() == 1
    await Reminder.filter(kind=ReminderKind.STAFF_DIGEST).update(due_at=datetime.now(UTC))
    push = RecordingPushSender()
    await Sweep(push, app.state.services.sms, app.state.services.bus, worker_id="test").run()

    [message] = push.sent
    assert message.token == "staff-phone" and message.title == "1 hồ sơ đến hạn trong 1 ngày làm việc"
    assert dossier.code in message.body and message.deep_link == "centre/dossiers"
    staff_ids = await StaffMember.filter(centre_id=cast.ha_long.id, role=StaffRole.OFFICER).values_list("id", flat=True)
    assert await Notification.filter(staff_id__in=staff_ids).count() == len(staff_ids)
    assert await Notification.filter(staff_id=cast.other_centre_officer.id).count() == 0


async def test_tokens_unused_for_60_days_are_pruned(cast):
    now = datetime.now(UTC)
    for token, age in (("old", 61), ("recent", 59)):
        await Device.create(
            token=token, citizen=cast.citizen, platform=Platform.ANDROID, last_seen_at=now - timedelta(days=age)
        )
    assert await prune_unused(now) == 1
    assert await Device.all().values_list("token", flat=True) == ["recent"]


def _local(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 27, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


def test_quiet_hours_wrap_past_midnight():
    start, end = 21 * 60, 7 * 60
    assert quiet_until(_local(20, 59), start, end) is None
    assert quiet_until(_local(22), start, end) == datetime(2026, 11, 28, 7, 0, tzinfo=LOCAL_TZ)
    assert quiet_until(_local(6, 30), start, end) == datetime(2026, 11, 27, 7, 0, tzinfo=LOCAL_TZ)
    assert quiet_until(_local(7), start, end) is None


def test_quiet_hours_within_a_day_and_switched_off():
    assert quiet_until(_local(13), 12 * 60, 14 * 60) == datetime(2026, 11, 27, 14, 0, tzinfo=LOCAL_TZ)
    assert quiet_until(_local(15), 12 * 60, 14 * 60) is None
    assert quiet_until(_local(3), 0, 0) is None
