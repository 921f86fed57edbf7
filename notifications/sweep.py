"""The sweep: claim due reminders, re-check that each still applies, store it in the inbox, push it (or text it),
and record the outcome, lateness and counts.

Per claimed batch: reminders that no longer apply are SKIPPED; a switched-off category keeps the inbox entry but
sends nothing; a non-urgent push inside the citizen's quiet hours waits for the window to end; a citizen without a
device gets deadline-critical reminders by SMS. Reminders are marked SENDING just before they go on the wire, so a
worker dying mid-send never causes a second delivery (see notifications.claims).

Throughput: a worker runs several lanes, each claiming and handling batches one after another, so one batch's
database work overlaps another's pushes. Only one wave is on the wire at a time: a lane takes the wire lock, marks
its wave SENDING, sends it and records the outcomes before releasing it, and a wave holds no more messages than the
sender writes at once. So a worker dying at any moment leaves at most one wave (at most one batch) unconfirmed, and
every row of it was being written to, or answered by, the network.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.functions import Count

from app import metrics
from app.clock import Clock, system_clock
from app.events import EventBus
from app.sms import SmsDeliveryError, SmsSender
from notifications import devices as device_tokens
from notifications.claims import claim_due, give_up_unconfirmed, mark_sending, mark_sent, release_expired
from notifications.counts import record_counts
from notifications.inbox import inbox_channel
from notifications.models import Device, Notification, Reminder, ReminderState
from notifications.preferences import preferences_for
from notifications.push import PushMessage, PushOutcome, PushResult, PushSender
from notifications.quiet_hours import quiet_until
from notifications.recipients import Recipient, citizens
from notifications.subjects import Delivery, load_deliveries
from notifications.templates import TEMPLATES, Rendered, render

logger = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
LATE_AFTER = timedelta(minutes=1)


@dataclass
class Plan:
    """What to do with one claimed reminder that still applies."""

    reminder: Reminder
    delivery: Delivery
    texts: dict[tuple[str, int], Rendered] = field(default_factory=dict)  # ("citizen" | "staff", id) -> text
    messages: list[PushMessage] = field(default_factory=list)
    sms: list[tuple[str, str]] = field(default_factory=list)  # (phone, text)

    def render_for(self, citizens: dict[int, Recipient]) -> None:
        """Each recipient's text, once: in the citizen's language, Vietnamese for staff."""
        kind, values = self.reminder.kind, self.delivery.values
        for citizen_id in self.delivery.citizen_ids:
            self.texts["citizen", citizen_id] = render(kind, citizens[citizen_id].locale, values)
        for staff_id in self.delivery.staff_ids:
            self.texts["staff", staff_id] = render(kind, "vi", values)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter: between half and all of 30 s, 60 s, 120 s ... capped at an hour."""
    ceiling = min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)
    return timedelta(seconds=random.uniform(ceiling.total_seconds() / 2, ceiling.total_seconds()))


class Sweep:
    """Sends due reminders; run by the scheduler in exactly one process (and safe if more run).

    Each lane claims `batch_size` reminders at a time; `lanes` lanes run at once. A claim lasts `lease`; a reminder
    is tried `max_attempts` times.
    """

    def __init__(
        self,
        push: PushSender,
        sms: SmsSender,
        bus: EventBus,
        *,
        worker_id: str,
        batch_size: int = 100,
        lanes: int = 3,
        lease: timedelta = timedelta(seconds=60),
        max_attempts: int = 5,
        clock: Clock = system_clock,
    ) -> None:
        self._push = push
        self._sms = sms
        self._bus = bus
        self._worker_id = worker_id
        self._batch_size = batch_size
        self._lanes = lanes
        self._lease = lease
        self._max_attempts = max_attempts
        self._clock = clock
        self._running = asyncio.Lock()
        self._on_the_wire = asyncio.Lock()

    async def idle(self) -> None:
        """Return once no run is in progress (a stopping worker finishes the batch in hand)."""
        async with self._running:
            pass

    async def run(self, max_batches: int = 100) -> Counter[str]:
        """Handle due reminders batch by batch until none is due (or `max_batches`); returns the counts."""
        async with self._running:
            return await self._run(max_batches)

    async def _run(self, max_batches: int) -> Counter[str]:
        now = self._clock()
        counts: Counter[str] = Counter(
            unconfirmed=await give_up_unconfirmed(now), expired_claims=await release_expired(now)
        )
        batches = iter(range(max_batches))  # shared by the lanes: `max_batches` in all
        async with asyncio.TaskGroup() as lanes:
            handled = [lanes.create_task(self._lane(batches)) for _ in range(self._lanes)]
        for lane in handled:
            counts += lane.result()
        counts = +counts
        if counts:
            await record_counts(counts, self._clock())
            for outcome, amount in counts.items():
                metrics.REMINDERS.labels(outcome).inc(amount)
            logger.info("reminder sweep %s", dict(counts), extra={"worker": self._worker_id})
        return counts

    async def _lane(self, batches: Iterator[int]) -> Counter[str]:
        """Claim and handle batches one after another until none is due; the lanes overlap one batch's database
        work with another's pushes."""
        counts: Counter[str] = Counter()
        for _ in batches:
            batch = await claim_due(self._worker_id, self._clock(), self._batch_size, self._lease)
            if not batch:
                break
            counts += await self._handle(batch)
        return counts

    async def _handle(self, batch: list[Reminder]) -> Counter[str]:
        now = self._clock()
        counts: Counter[str] = Counter()
        deliveries = await load_deliveries(batch, now)
        gone = [r for r in batch if r.id not in deliveries]
        if gone:
            await Reminder.filter(id__in=[r.id for r in gone]).update(
                state=ReminderState.SKIPPED, last_error="no longer applies", sent_at=now
            )
            counts["skipped"] += len(gone)
        live = [Plan(r, deliveries[r.id]) for r in batch if r.id in deliveries]
        if not live:
            return counts
        recipients = await citizens({i for p in live for i in p.delivery.citizen_ids})
        for plan in live:
            plan.render_for(recipients)
        await self._store_in_inbox(live)
        deferred = await self._plan(live, recipients, now, counts)
        ready = [p for p in live if p.messages or p.sms]
        silent = [p for p in live if not (p.messages or p.sms)]  # inbox only, or deferred: nothing on the wire
        await self._record(silent, deferred, [], {}, self._clock(), counts)
        for wave in _waves(ready, self._push.in_flight_limit):
            await self._put_on_the_wire(wave, counts)
        return counts

    async def _put_on_the_wire(self, plans: list[Plan], counts: Counter[str]) -> None:
        """Mark the wave SENDING, push and text it, and record the outcomes, all under the wire lock: the only
        SENDING rows of this worker are the wave being written or answered, so a death leaves no other."""
        async with self._on_the_wire:
            if not await self._push.ready():  # no access token: mark nothing, the claims run out and rows go back
                counts["push_not_ready"] += len(plans)
                return
            held = await mark_sending([p.reminder for p in plans], self._clock(), self._lease)
            if len(held) < len(plans):  # claims that ran out while the batch was prepared: maybe another's now
                counts["lost_claims"] += len(plans) - len(held)
                plans = [p for p in plans if p.reminder.id in held]
            texting = [p for p in plans if p.sms]
            results, texted = await asyncio.gather(
                self._push.send([m for p in plans for m in p.messages]),
                asyncio.gather(*(self._text(p.sms, counts) for p in texting)),
            )
            texts = dict(zip((p.reminder.id for p in texting), texted, strict=True))
            dead, alive = await self._record(plans, [], results, texts, self._clock(), counts)  # lateness as of now
        counts["dead_tokens"] += await device_tokens.delete_dead(dead)
        await device_tokens.touch(alive, self._clock())

    async def _store_in_inbox(self, plans: list[Plan]) -> None:
        """One inbox entry per recipient, once per reminder (a deferred reminder was stored the first time)."""
        entries = [
            _entry(plan.reminder, text, plan.delivery, **{f"{owner}_id": owner_id})
            for plan in plans
            if not plan.reminder.params.get("inboxed")
            for (owner, owner_id), text in plan.texts.items()
        ]
        if not entries:
            return
        await Notification.bulk_create(entries, ignore_conflicts=True)
        await self._bus.publish_many(
            (inbox_channel(citizen_id=entry.citizen_id, staff_id=entry.staff_id), {"reminderId": entry.reminder_id})
            for entry in entries
        )

    async def _plan(
        self, plans: list[Plan], citizens: dict[int, Recipient], now: datetime, counts: Counter[str]
    ) -> list[Plan]:
        """Fill in each plan's pushes and texts; return the plans deferred by quiet hours."""
        citizen_ids = set(citizens)
        staff_ids = {i for p in plans for i in p.delivery.staff_ids}
        preferences = await preferences_for(citizen_ids)
        tokens: dict[tuple[str, int], list[str]] = {}
        for device in await Device.filter(Q(citizen_id__in=citizen_ids) | Q(staff_id__in=staff_ids)):
            owner = ("citizen", device.citizen_id) if device.citizen_id else ("staff", device.staff_id)
            tokens.setdefault(owner, []).append(device.token)
        unread = await _unread_counts(citizen_ids)
        deferred = []
        for plan in plans:
            reminder, delivery = plan.reminder, plan.delivery
            template = TEMPLATES[reminder.kind]
            for citizen_id in delivery.citizen_ids:
                citizen, wishes = citizens[citizen_id], preferences[citizen_id]
                if template.category in wishes.muted_categories:
                    counts["muted"] += 1
                    continue
                quiet = quiet_until(now, wishes.quiet_start_minute, wishes.quiet_end_minute)
                until = None if delivery.urgent else quiet
                if until is not None:
                    reminder.due_at, reminder.params = until, reminder.params | {"inboxed": True}
                    deferred.append(plan)
                    continue
                text = plan.texts["citizen", citizen_id]
                phones = tokens.get(("citizen", citizen_id), [])
                plan.messages += [_message(reminder, delivery, text, t, unread.get(citizen_id)) for t in phones]
                if not phones and template.deadline_critical:
                    plan.sms.append((citizen.phone, text.sms()))
            for staff_id in delivery.staff_ids:
                text = plan.texts["staff", staff_id]
                plan.messages += [_message(reminder, delivery, text, t) for t in tokens.get(("staff", staff_id), [])]
        counts["deferred"] += len(deferred)
        return deferred

    async def _record(
        self,
        plans: list[Plan],
        deferred: list[Plan],
        results: list[PushResult],
        texts: dict[int, tuple[int, list[PushResult]]],
        now: datetime,
        counts: Counter[str],
    ) -> tuple[list[str], list[str]]:
        """Turn push and SMS outcomes (`texts`: by reminder id, SMS sent and failures) into reminder states and counts;
        returns the dead and the working device tokens."""
        by_token = iter(results)
        waiting = {p.reminder.id for p in deferred}
        sent, retry, failed = [], [], []
        dead, alive = [], []
        for plan in plans:
            if plan.reminder.id in waiting:
                continue
            reminder = plan.reminder
            outcomes = [next(by_token) for _ in plan.messages]
            dead += [r.token for r in outcomes if r.outcome == PushOutcome.DEAD_TOKEN]
            alive += [r.token for r in outcomes if r.outcome == PushOutcome.SENT]
            counts["push_retries"] += sum(r.attempts - 1 for r in outcomes)
            texted, sms_failures = texts.get(reminder.id, (0, []))
            transient = [r for r in outcomes if r.outcome == PushOutcome.TRANSIENT] + sms_failures
            if any(r.outcome == PushOutcome.SENT for r in outcomes) or texted:
                sent.append(reminder)
            elif transient:
                reminder.last_error = _error(transient)
                retry.append(reminder)
            elif any(r.outcome == PushOutcome.REJECTED for r in outcomes):
                reminder.last_error = _error([r for r in outcomes if r.outcome == PushOutcome.REJECTED])
                failed.append(reminder)
            else:
                sent.append(reminder)  # stored in the inbox; nothing to push (muted, no device, dead tokens)
        await self._finish(sent, retry, failed, deferred, now, counts)
        return dead, alive

    async def _text(self, texts: list[tuple[str, str]], counts: Counter[str]) -> tuple[int, list[PushResult]]:
        """Send the SMS fallbacks; returns how many went and a TRANSIENT result per gateway failure."""
        outcomes = await asyncio.gather(*(self._sms.send(phone, text) for phone, text in texts), return_exceptions=True)
        failures = [o for o in outcomes if isinstance(o, Exception)]
        unexpected = [f for f in failures if not isinstance(f, SmsDeliveryError)]
        if unexpected:
            raise unexpected[0]
        counts["sms"] += len(outcomes) - len(failures)
        return len(outcomes) - len(failures), [PushResult("sms", PushOutcome.TRANSIENT, f"sms: {f}") for f in failures]

    async def _finish(
        self,
        sent: list[Reminder],
        retry: list[Reminder],
        failed: list[Reminder],
        deferred: list[Plan],
        now: datetime,
        counts: Counter[str],
    ) -> None:
        counts["sent"] += len(sent)
        counts["late"] += sum(1 for r in sent if now - r.due_at > LATE_AFTER)
        for reminder in sent:
            metrics.REMINDER_LATENESS.observe(max(0.0, (now - reminder.due_at).total_seconds()))
        failed += [r for r in retry if r.attempts >= self._max_attempts]
        retry = [r for r in retry if r.attempts < self._max_attempts]
        for reminder in retry:
            reminder.state, reminder.due_at = ReminderState.PENDING, now + retry_delay(reminder.attempts)
        counts["retried"] += len(retry)
        for reminder in failed:
            reminder.state, reminder.sent_at = ReminderState.FAILED, now
        counts["failed"] += len(failed)
        for plan in deferred:
            plan.reminder.state = ReminderState.PENDING
        await mark_sent(sent, now)
        groups = (
            (retry, ["state", "due_at", "last_error"]),
            (failed, ["state", "sent_at", "last_error"]),
            ([p.reminder for p in deferred], ["state", "due_at", "params"]),
        )
        for reminders, fields in groups:
            if reminders:
                await Reminder.bulk_update(reminders, fields=fields)


def _waves(plans: list[Plan], limit: int) -> Iterator[list[Plan]]:
    """The plans in order, cut so that a wave's messages fit in what the sender writes at once (a plan with more
    messages than that goes alone)."""
    wave: list[Plan] = []
    size = 0
    for plan in plans:
        if wave and size + len(plan.messages) > limit:
            yield wave
            wave, size = [], 0
        wave.append(plan)
        size += len(plan.messages)
    if wave:
        yield wave


def _entry(reminder: Reminder, text: Rendered, delivery: Delivery, **owner: int) -> Notification:
    return Notification(
        reminder_id=reminder.id,
        category=TEMPLATES[reminder.kind].category,
        kind=reminder.kind,
        title=text.title,
        body=text.body,
        deep_link=delivery.deep_link,
        **owner,
    )


def _message(
    reminder: Reminder, delivery: Delivery, text: Rendered, token: str, badge: int | None = None
) -> PushMessage:
    return PushMessage(
        token=token,
        title=text.title,
        body=text.body,
        deep_link=delivery.deep_link,
        data={"reminderId": str(reminder.id), "kind": reminder.kind.value},
        urgent=delivery.urgent,
        channel=TEMPLATES[reminder.kind].category.value.lower(),
        badge=badge,
    )


def _error(results: list[PushResult]) -> str:
    return "; ".join(sorted({r.error for r in results if r.error}))[:500]


async def _unread_counts(citizen_ids: set[int]) -> dict[int, int]:
    rows = (
        await Notification.filter(citizen_id__in=citizen_ids, read_at=None)
        .group_by("citizen_id")
        .annotate(unread=Count("id"))
        .values("citizen_id", "unread")
    )
    return {row["citizen_id"]: row["unread"] for row in rows}
