"""Dossier changes reach the fake national portal through the outbox: in order, retried, never twice, parked when
refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.dossiers.models import DossierStatus
from app.portal_sync.delivery import backoff
from app.portal_sync.figures import portal_sync_figures, retry_parked
from app.portal_sync.models import OutboxState, PortalOutbox
from app.portal_sync.records import portal_time
from app.working_days import LOCAL_TZ
from payments.gateway import EventKind, GatewayEvent, Intent, IntentState
from payments.models import Payment
from tests.payments.fixtures import FEE
from tests.portal_sync.conftest import outbox_states

S = DossierStatus
LIFE = (S.RECEIVED, S.PROCESSING, S.RESULT_READY, S.RETURNED)
LIFE_CODES = ["receiving", "new", "processing", "releasing", "done"]


async def test_with_sync_off_the_outbox_keeps_nothing(dossier):
    assert await PortalOutbox.all().count() == 0


async def test_a_dossier_and_each_status_change_reach_the_portal_in_order(synced, cast):
    dossier = await synced.file(cast)
    await synced.move(dossier, cast, *LIFE)
    assert await PortalOutbox.all().count() == 2 * (1 + len(LIFE))  # the record, then the step, per change

    await synced.deliver()

    portal = synced.portal
    assert portal.shape_errors == []
    assert portal.steps(dossier.code) == LIFE_CODES
    record = portal.records[dossier.code]
    assert record["TrangThaiHoSo"] == "done" and record["MaTTHC"] == "1.004746"
    assert record["NgayTiepNhan"] == dossier.received_at.astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M%S")
    assert portal_time(None) == ""
    assert set(await outbox_states()) == {OutboxState.DELIVERED}
    assert (await portal_sync_figures(dossier.updated_at)).backlog == 0


async def test_answers_out_of_order_across_dossiers_keep_each_dossier_in_order(synced, cast):
    slow, quick = await synced.file(cast), await synced.file(cast)
    synced.portal.delay[slow.code] = 0.3  # the slow dossier's answers come after the quick one's
    await synced.move(slow, cast, *LIFE)
    await synced.move(quick, cast, S.RECEIVED, S.PROCESSING)

    await synced.deliver()

    assert synced.portal.steps(slow.code) == LIFE_CODES
    assert synced.portal.steps(quick.code) == ["receiving", "new", "processing"]
    assert synced.portal.shape_errors == []


async def test_errors_and_timeouts_are_retried_with_backoff_and_never_applied_twice(synced, cast, time_machine):
    time_machine.move_to(datetime.now(UTC), tick=True)  # wherever the suite's clock is, from here on we move it
    dossier = await synced.file(cast)
    synced.portal.fail_next = 1
    await synced.deliver()
    row = await PortalOutbox.all().order_by("id").first()
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert "503" in row.last_error
    assert row.next_attempt_at >= dossier.submitted_at + timedelta(seconds=10)
    figures = await portal_sync_figures(dossier.submitted_at)
    assert (figures.backlog, figures.failing) == (2, 1)
    assert synced.portal.steps(dossier.code) == []  # the step waits for its record

    time_machine.shift(timedelta(seconds=11))
    synced.portal.time_out_next = 1  # applied, but the answer comes after the client gave up
    await synced.deliver()
    row = await PortalOutbox.get(id=row.id)
    assert (row.state, row.attempts) == (OutboxState.PENDING, 2)
    assert row.next_attempt_at >= dossier.submitted_at + timedelta(seconds=11 + 20)  # doubled

    time_machine.shift(timedelta(seconds=21))
    await synced.deliver()
    assert synced.portal.repeats == 1, "the resend was answered from the first attempt, with no second effect"
    assert synced.portal.steps(dossier.code) == ["receiving"]
    assert set(await outbox_states()) == {OutboxState.DELIVERED}


async def test_a_refused_record_is_parked_with_the_answer_and_holds_back_its_dossier(synced, cast):
    refused, fine = await synced.file(cast), await synced.file(cast)
    synced.portal.refuse.add(refused.code)
    await synced.move(refused, cast, S.RECEIVED)

    await synced.deliver()

    parked = await PortalOutbox.get(state=OutboxState.PARKED)
    assert parked.portal_answer == {"error_code": "-1", "message": f"Hồ sơ {refused.code} không hợp lệ"}
    assert await PortalOutbox.filter(dossier_id=refused.id, state=OutboxState.PENDING).count() == 3
    assert synced.portal.steps(fine.code) == ["receiving"]
    figures = await portal_sync_figures(refused.updated_at)
    assert (figures.parked, figures.backlog) == (1, 3)

    synced.portal.refuse.clear()  # staff had the cause fixed
    assert await retry_parked(parked.id, refused.updated_at) is not None
    assert await retry_parked(parked.id, refused.updated_at) is None, "no longer parked"
    await synced.deliver()
    assert synced.portal.steps(refused.code) == ["receiving", "new"]
    assert set(await outbox_states()) == {OutboxState.DELIVERED}


async def test_an_expired_session_signs_in_again_and_sends(synced, cast):
    first = await synced.file(cast)
    await synced.deliver()
    synced.portal.expire_session()
    await synced.move(first, cast, S.RECEIVED)

    await synced.deliver()

    assert synced.portal.sign_ins == 2
    assert synced.portal.steps(first.code) == ["receiving", "new"]
    assert set(await outbox_states()) == {OutboxState.DELIVERED}


def test_backoff_doubles_from_the_first_wait_up_to_the_maximum():
    waits = [backoff(attempt, 10, 3600).total_seconds() for attempt in (1, 2, 3, 9, 40)]
    assert waits == [10, 20, 40, 2560, 3600]


async def test_a_paid_fee_reaches_the_portal_with_the_move_back_to_processing(synced, cast):
    dossier = await synced.file(cast)
    await synced.move(dossier, cast, S.RECEIVED, S.PROCESSING, S.PAYMENT_REQUESTED)
    await Payment.create(dossier_id=dossier.id, gateway="simulated", gateway_reference="pi_portal", amount_vnd=FEE)
    paid_at = datetime.now(UTC)
    metadata = {"dossier_code": dossier.code, "citizen_id": str(cast.citizen.id)}
    intent = Intent("pi_portal", FEE, "vnd", IntentState.SUCCEEDED, metadata, paid_at)
    succeeded = GatewayEvent("evt_portal", "payment_intent.succeeded", EventKind.PAYMENT_SUCCEEDED, paid_at,
                             "pi_portal", intent)  # fmt: skip

    assert await synced.services.payments.handle_event(succeeded) == "APPLIED"
    await synced.deliver()

    assert synced.portal.steps(dossier.code) == ["receiving", "new", "processing", "paying", "processing"]
    assert synced.portal.records[dossier.code]["TrangThaiHoSo"] == "processing"
