"""The reminder sweep: exactly once, only while it applies, quiet hours, muted categories, locales, SMS fallback,
dead tokens, transient failures and crashed workers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.models import Citizen
from app.appointments.models import Appointment, AppointmentStatus
from app.appointments.reminders import appointment_reminder_subject
from app.catalogue.models import Procedure
from app.dossiers.models import ActorKind, DossierStatus
from app.dossiers.reminders import supplement_subject
from app.dossiers.services import Actor
from app.ratings.models import RatingLevel
from app.ratings.services import CriterionScores, rate_dossier
from app.seeding.due_reminders import seed_due_reminders
from app.sms import HttpSmsSender
from app.working_days import LOCAL_TZ, add_working_time
from notifications import outbox
from notifications.claims import claim_due
from notifications.models import Device, Notification, Platform, Reminder, ReminderKind, ReminderState
from notifications.preferences import update_preferences
from notifications.sweep import Sweep
from tests.dossier_data import BORDERLESS_5_DAYS
from tests.fakes.push import RecordingPushSender
from tests.fakes.sms import RecordingSmsSender
from tests.fakes.sms_gateway import TOKEN, sms_gateway

pytestmark = pytest.mark.usefixtures("weekday_morning")  # due times, working days and quiet hours from a known moment


@pytest.fixture
def push() -> RecordingPushSender:
    return RecordingPushSender()


@pytest.fixture
def texts() -> RecordingSmsSender:
    return RecordingSmsSender()


@pytest.fixture
def sweep(app, push, texts) -> Sweep:
    return Sweep(push, texts, app.state.services.bus, worker_id="test")


def _staff(cast):
    return Actor(ActorKind.STAFF, cast.officer.id)


async def _awaiting_documents(app, cast, dossier, deadline: datetime | None = None):
    """The dossier received, in processing, then asked for documents by `deadline` (30 days by default)."""
    dossiers = app.state.services.dossiers
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        dossier = await dossiers.change_status(dossier, status, _staff(cast))
    deadline = deadline or datetime.now(UTC) + timedelta(days=30)
    return await dossiers.request_supplement(dossier, cast.officer.id, ["Bản sao CCCD"], deadline)


async def _device(citizen: Citizen, token: str = "phone-1") -> Device:
    return await Device.create(token=token, citizen=citizen, platform=Platform.ANDROID, last_seen_at=datetime.now(UTC))


async def _no_quiet_hours(citizen: Citizen) -> None:
    await update_preferences(citizen.id, quiet_start="00:00", quiet_end="00:00")


async def _quiet_now(citizen: Citizen) -> datetime:
    """Quiet hours around the current local time; returns when they end."""
    local = datetime.now(LOCAL_TZ)
    start, end = local - timedelta(hours=1), local + timedelta(hours=1)
    await update_preferences(citizen.id, quiet_start=f"{start:%H:%M}", quiet_end=f"{end:%H:%M}")
    return end.replace(second=0, microsecond=0).astimezone(UTC)


async def _make_due(*kinds: ReminderKind) -> None:
    await Reminder.filter(kind__in=kinds).update(due_at=datetime.now(UTC) - timedelta(seconds=5))


async def test_a_status_change_reaches_inbox_and_phone_exactly_once(app, cast, dossier, sweep, push):
    await _no_quiet_hours(cast.citizen)
    await _device(cast.citizen)
    await app.state.services.dossiers.change_status(dossier, DossierStatus.RECEIVED, _staff(cast))

    first = await sweep.run()
    second = await sweep.run()

    assert first["sent"] == 1 and not +second
    [message] = push.sent
    assert message.deep_link == f"dossier/{dossier.code}" and message.token == "phone-1"
    assert message.title == f"Hồ sơ {dossier.code} đã chuyển trạng thái" and "Đã tiếp nhận" in message.body
    [entry] = await Notification.filter(citizen_id=cast.citizen.id)
    assert (entry.title, entry.deep_link, entry.read_at) == (message.title, message.deep_link, None)
    reminder = await Reminder.get(kind=ReminderKind.DOSSIER_UPDATED)
    assert reminder.state is ReminderState.SENT and reminder.lateness_ms is not None


async def test_a_successful_push_refreshes_a_devices_last_use_at_most_daily(app, cast, dossier, sweep, push):
    await _no_quiet_hours(cast.citizen)
    now = datetime.now(UTC)
    stale, fresh = [
        await Device.create(token=token, citizen=cast.citizen, platform=Platform.ANDROID, last_seen_at=now - age)
        for token, age in (("phone-stale", timedelta(days=2)), ("phone-fresh", timedelta(hours=1)))
    ]
    await app.state.services.dossiers.change_status(dossier, DossierStatus.RECEIVED, _staff(cast))

    await sweep.run()

    assert len(push.sent) == 2
    assert (await Device.get(id=stale.id)).last_seen_at >= now  # kept from pruning for another 60 days
    assert (await Device.get(id=fresh.id)).last_seen_at == fresh.last_seen_at  # not rewritten at every push


async def test_english_speakers_get_english(app, cast, dossier, sweep, push):
    await Citizen.filter(id=cast.citizen.id).update(locale="en")
    await _no_quiet_hours(cast.citizen)
    await _device(cast.citizen)
    await app.state.services.dossiers.change_status(dossier, DossierStatus.RECEIVED, _staff(cast))

    await sweep.run()

    [message] = push.sent
    assert message.title == f"Dossier {dossier.code} has moved on" and "Received" in message.body


async def test_quiet_hours_hold_a_push_but_not_the_inbox(app, cast, dossier, sweep, push):
    ends = await _quiet_now(cast.citizen)
    await _device(cast.citizen)
    await app.state.services.dossiers.change_status(dossier, DossierStatus.RECEIVED, _staff(cast))

    counts = await sweep.run()

    assert counts["deferred"] == 1 and push.sent == []
    reminder = await Reminder.get(kind=ReminderKind.DOSSIER_UPDATED)
    assert reminder.state is ReminderState.PENDING and reminder.due_at == ends
    assert await Notification.filter(citizen_id=cast.citizen.id).count() == 1
    await _no_quiet_hours(cast.citizen)  # as if the window were over
    await Reminder.filter(id=reminder.id).update(due_at=datetime.now(UTC))
    await sweep.run()
    assert len(push.sent) == 1 and await Notification.filter(citizen_id=cast.citizen.id).count() == 1


async def test_the_last_day_of_a_deadline_ignores_quiet_hours(app, cast, dossier, sweep, push):
    await _quiet_now(cast.citizen)
    await _device(cast.citizen)
    deadline = add_working_time(datetime.now(UTC), timedelta(days=1, minutes=2))  # the last day starts in 2 minutes
    await _awaiting_documents(app, cast, dossier, deadline)
    assert await Reminder.filter(kind=ReminderKind.SUPPLEMENT_DUE_2D).count() == 0  # already past: not scheduled
    await Reminder.filter(kind=ReminderKind.SUPPLEMENT_DUE_1D).update(due_at=datetime.now(UTC) - timedelta(seconds=1))
    await Reminder.filter(kind=ReminderKind.DOSSIER_UPDATED).update(state=ReminderState.CANCELLED)

    await sweep.run()

    [message] = push.sent
    assert message.urgent and message.data["kind"] == "SUPPLEMENT_DUE_1D"
    assert message.body == f"Hồ sơ {dossier.code} (Thủ tục đăng ký lại kết hôn) còn 1 ngày làm việc để bổ sung giấy tờ."


async def test_a_switched_off_category_keeps_the_inbox_entry_only(app, cast, dossier, sweep, push):
    await _no_quiet_hours(cast.citizen)
    await update_preferences(cast.citizen.id, muted=["DOSSIER_UPDATES"])
    await _device(cast.citizen)
    await app.state.services.dossiers.change_status(dossier, DossierStatus.RECEIVED, _staff(cast))

    counts = await sweep.run()

    assert counts["muted"] == 1 and push.sent == []
    assert await Notification.filter(citizen_id=cast.citizen.id).count() == 1
    assert (await Reminder.get(kind=ReminderKind.DOSSIER_UPDATED)).state is ReminderState.SENT


async def test_a_cancelled_appointment_is_not_reminded(app, cast, sweep, push):
    await _no_quiet_hours(cast.citizen)
    await _device(cast.citizen)
    starts = datetime.now(UTC) + timedelta(hours=2)
    appointment = await Appointment.create(
        ticket="ACDEF3",
        citizen=cast.citizen,
        centre=cast.ha_long,
        procedure=await Procedure.get(code=BORDERLESS_5_DAYS),
        starts_at=starts,
        local_day=starts.astimezone(LOCAL_TZ).date(),
    )
    await outbox.schedule(
        ReminderKind.APPOINTMENT_1H,
        appointment_reminder_subject(appointment.id, starts),
        datetime.now(UTC),
        citizen_id=cast.citizen.id,
    )
    await Appointment.filter(id=appointment.id).update(status=AppointmentStatus.CANCELLED)

    counts = await sweep.run()

    assert counts["skipped"] == 1 and push.sent == []
    assert (await Reminder.get(kind=ReminderKind.APPOINTMENT_1H)).state is ReminderState.SKIPPED


async def test_supplying_the_documents_cancels_the_deadline_reminders(app, cast, dossier, sweep, push):
    await _no_quiet_hours(cast.citizen)
    await _device(cast.citizen)
    dossiers = app.state.services.dossiers
    dossier = await _awaiting_documents(app, cast, dossier)
    warnings = await Reminder.filter(kind__in=[ReminderKind.SUPPLEMENT_DUE_2D, ReminderKind.SUPPLEMENT_DUE_1D])
    assert len(warnings) == 2 and all(w.state is ReminderState.PENDING for w in warnings)

    await dossiers.supply_documents(dossier, cast.citizen.id, ["Bản sao CCCD"])

    states = await Reminder.filter(id__in=[w.id for w in warnings]).values_list("state", flat=True)
    assert set(states) == {ReminderState.CANCELLED}


async def test_a_supplement_already_supplied_is_skipped_even_when_due(app, cast, dossier, sweep, push):
    dossiers = app.state.services.dossiers
    dossier = await _awaiting_documents(app, cast, dossier)
    request_subject = supplement_subject((await dossier.supplement_requests.all().first()).id)
    await Reminder.filter(subject=request_subject).update(due_at=datetime.now(UTC))
    await dossiers.supply_documents(dossier, cast.citizen.id, ["Bản sao CCCD"])
    await Reminder.filter(subject=request_subject).update(state=ReminderState.PENDING)  # as if the cancel was lost

    counts = await sweep.run()

    assert counts["skipped"] >= 2 and not [m for m in push.sent if m.data["kind"].startswith("SUPPLEMENT")]
    assert set(await Reminder.filter(subject=request_subject).values_list("state", flat=True)) == {
        ReminderState.SKIPPED
    }


async def test_deadline_warnings_go_by_sms_to_citizens_without_the_app(app, cast, dossier, push):
    await _no_quiet_hours(cast.citizen)
    dossier = await _awaiting_documents(app, cast, dossier)
    await _make_due(ReminderKind.SUPPLEMENT_DUE_2D)
    with sms_gateway() as (url, gateway):
        sweep = Sweep(push, HttpSmsSender(url, TOKEN), app.state.services.bus, worker_id="test")
        counts = await sweep.run()

    assert counts["sms"] == 1  # the status-change notices are not deadline-critical: inbox only
    [text] = gateway.messages
    assert text["to"] == cast.citizen.phone
    assert text["text"].isascii() and len(text["text"]) <= 160
    assert f"Ho so {dossier.code}" in text["text"] and "ngay lam viec de bo sung giay to" in text["text"]


async def test_an_unreachable_sms_gateway_is_retried_later(app, cast, dossier, push, texts):
    await _no_quiet_hours(cast.citizen)
    dossier = await _awaiting_documents(app, cast, dossier)
    await _make_due(ReminderKind.SUPPLEMENT_DUE_2D)
    texts.failing = True

    counts = await Sweep(push, texts, app.state.services.bus, worker_id="test").run()

    reminder = await Reminder.get(kind=ReminderKind.SUPPLEMENT_DUE_2D)
    assert counts["retried"] == 1 and reminder.state is ReminderState.PENDING
    assert reminder.due_at > datetime.now(UTC) and "sms" in reminder.last_error


async def test_dead_tokens_are_deleted_and_transient_failures_retried(app, cast, dossier, sweep, push):
    await _no_quiet_hours(cast.citizen)
    await _device(cast.citizen, "dead-1")
    await _device(cast.citizen, "busy-1")
    await app.state.services.dossiers.change_status(dossier, DossierStatus.RECEIVED, _staff(cast))

    counts = await sweep.run()

    assert counts["dead_tokens"] == 1 and counts["retried"] == 1
    assert await Device.filter(citizen_id=cast.citizen.id).values_list("token", flat=True) == ["busy-1"]
    reminder = await Reminder.get(kind=ReminderKind.DOSSIER_UPDATED)
    assert reminder.state is ReminderState.PENDING and reminder.attempts == 1


async def test_a_reminder_failing_every_time_is_given_up(app, cast, dossier, push, texts):
    await _no_quiet_hours(cast.citizen)
    await _device(cast.citizen, "busy-1")
    await app.state.services.dossiers.change_status(dossier, DossierStatus.RECEIVED, _staff(cast))
    sweep = Sweep(push, texts, app.state.services.bus, worker_id="test", max_attempts=2)

    for _ in range(2):
        await sweep.run()
        await _make_due(ReminderKind.DOSSIER_UPDATED)

    reminder = await Reminder.get(kind=ReminderKind.DOSSIER_UPDATED)
    assert reminder.state is ReminderState.FAILED and reminder.attempts == 2


async def test_a_crashed_workers_claims_are_taken_over_but_its_pushes_on_the_wire_never_resent(
    app, cast, dossier, sweep, push
):
    await _no_quiet_hours(cast.citizen)
    await _device(cast.citizen)
    await app.state.services.dossiers.change_status(dossier, DossierStatus.RECEIVED, _staff(cast))
    now = datetime.now(UTC)
    [claimed] = await claim_due("crashed", now, 10, timedelta(seconds=30))
    assert await sweep.run() == {}  # the claim still holds

    await Reminder.filter(id=claimed.id).update(claimed_until=now - timedelta(seconds=1))  # the lease ran out
    assert (await sweep.run())["sent"] == 1 and len(push.sent) == 1

    await outbox.notify_now(ReminderKind.RESULT_READY, "dossier:999999", datetime.now(UTC), citizen_id=cast.citizen.id)
    await Reminder.filter(subject="dossier:999999").update(
        state=ReminderState.SENDING, claimed_until=now - timedelta(seconds=1)
    )
    counts = await sweep.run()
    assert counts["unconfirmed"] == 1 and len(push.sent) == 1
    assert (await Reminder.get(subject="dossier:999999")).state is ReminderState.FAILED


async def test_a_replayed_source_schedules_once(cast):
    due = datetime.now(UTC) + timedelta(hours=1)
    for _ in range(3):
        await outbox.schedule(ReminderKind.RATING_PROMPT, "dossier:1", due, citizen_id=cast.citizen.id)
    await Reminder.filter(subject="dossier:1").update(state=ReminderState.SENT)
    await outbox.schedule(ReminderKind.RATING_PROMPT, "dossier:1", due + timedelta(hours=1), citizen_id=cast.citizen.id)

    [reminder] = await Reminder.filter(subject="dossier:1")
    assert reminder.state is ReminderState.SENT and reminder.due_at == due


@pytest.mark.parametrize("rated_first", [False, True])
async def test_a_returned_dossier_asks_for_a_rating_unless_already_rated(app, cast, dossier, sweep, push, rated_first):
    await _no_quiet_hours(cast.citizen)
    await _device(cast.citizen)
    dossiers = app.state.services.dossiers
    for status in (
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.RESULT_READY,
        DossierStatus.RETURNED,
    ):
        dossier = await dossiers.change_status(dossier, status, _staff(cast))
    prompt = await Reminder.get(kind=ReminderKind.RATING_PROMPT)
    assert prompt.due_at > datetime.now(UTC) + timedelta(minutes=59)  # an hour after the return
    if rated_first:
        await rate_dossier(
            cast.citizen.id, dossier.code, RatingLevel.SATISFIED, CriterionScores(), "", datetime.now(UTC)
        )
    await Reminder.exclude(id=prompt.id).update(state=ReminderState.CANCELLED)
    await _make_due(ReminderKind.RATING_PROMPT)

    await sweep.run()

    prompts = [m for m in push.sent if m.data["kind"] == "RATING_PROMPT"]
    assert (await Reminder.get(id=prompt.id)).state is (ReminderState.SKIPPED if rated_first else ReminderState.SENT)
    assert [m.deep_link for m in prompts] == ([] if rated_first else [f"dossier/{dossier.code}"])


class _SlowWire(RecordingPushSender):
    """Answers after a pause, noting how many calls overlap and how many reminders wait claimed meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.on_the_wire = self.most_on_the_wire = self.most_claimed_meanwhile = 0

    async def send(self, messages):
        self.on_the_wire += 1
        self.most_on_the_wire = max(self.most_on_the_wire, self.on_the_wire)
        await asyncio.sleep(0.05)
        claimed = await Reminder.filter(state=ReminderState.CLAIMED).count()
        self.most_claimed_meanwhile = max(self.most_claimed_meanwhile, claimed)
        self.on_the_wire -= 1
        return await super().send(messages)


async def test_lanes_prepare_batches_while_one_is_on_the_wire_and_send_each_reminder_once(app, texts):
    ids = await seed_due_reminders(350, datetime.now(UTC) - timedelta(minutes=1))
    push = _SlowWire()
    sweep = Sweep(push, texts, app.state.services.bus, worker_id="lanes", batch_size=50, lanes=4)

    counts = await sweep.run()

    assert counts["sent"] == 350 and push.calls == 7
    assert sorted(int(m.data["reminderId"]) for m in push.sent) == sorted(ids)
    assert push.most_on_the_wire == 1  # SENDING means on the wire: a dying worker leaves one batch unconfirmed
    assert push.most_claimed_meanwhile >= 50  # another lane had its batch claimed and prepared meanwhile
    assert await Notification.filter(reminder_id__in=ids).count() == 350


@dataclass
class _SendingSpy(RecordingPushSender):
    """Notes, at each send, which reminders are marked SENDING."""

    sending_at_each_send: list[set[int]] = field(default_factory=list)

    async def send(self, messages):
        sending = await Reminder.filter(state=ReminderState.SENDING).values_list("id", flat=True)
        self.sending_at_each_send.append(set(sending))
        return await super().send(messages)


async def test_only_the_reminders_being_written_are_sending(app, texts):
    ids = sorted(await seed_due_reminders(6, datetime.now(UTC) - timedelta(minutes=1)))
    citizens = await Reminder.filter(id__in=ids).order_by("id").values_list("citizen_id", flat=True)
    for citizen_id in citizens:  # a second phone each: 12 messages, more than the sender writes at once
        await Device.create(
            token=f"tablet-{citizen_id}", citizen_id=citizen_id, platform=Platform.IOS, last_seen_at=datetime.now(UTC)
        )
    push = _SendingSpy(in_flight_limit=4)
    sweep = Sweep(push, texts, app.state.services.bus, worker_id="waves", lanes=1)

    counts = await sweep.run()

    assert counts["sent"] == 6 and len(push.sent) == 12
    assert push.sending_at_each_send == [set(ids[0:2]), set(ids[2:4]), set(ids[4:6])]  # in waves of 4 messages
    assert await Reminder.filter(state=ReminderState.SENDING).count() == 0


class _NoAccessToken(RecordingPushSender):
    async def ready(self) -> bool:
        return False


async def test_without_an_access_token_nothing_is_marked_sending_nor_sent(app, texts):
    ids = await seed_due_reminders(3, datetime.now(UTC) - timedelta(minutes=1))
    push = _NoAccessToken()

    counts = await Sweep(push, texts, app.state.services.bus, worker_id="no-token").run(max_batches=1)

    assert counts["push_not_ready"] == 3 and push.calls == 0
    states = await Reminder.filter(id__in=ids).values_list("state", flat=True)
    assert set(states) == {ReminderState.CLAIMED}  # back to the pool when the claim runs out, never given up
