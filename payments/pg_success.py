"""A new succeeded payment applied by one PostgreSQL statement: the gateway event's record, the payment, its
receipt, the dossier's move back to processing with its timeline event, and the PAYMENT_RECEIVED notice.

The statement is its own transaction. It first locks the payment and its dossier, and does anything only when
the locked rows are exactly the case it knows: a payment that may still succeed, for the amount, currency, dossier
and citizen the event names, of a dossier awaiting its fee. Everything else (unknown intent, mismatch, payment
already taken, dossier moved on) is left untouched for the ORM path of `PaymentService.handle_event`, which
reports it. Locking before recording the event makes concurrent copies of the event wait, then find the payment
taken. The dossier's move is `DossierService.resume_after_payment` for this one case: the system moving
PAYMENT_REQUESTED to PROCESSING stops or starts no clock and schedules no reminder; with portal sync on, the caller
runs the statement in a transaction and adds the portal's rows for the move (`DossierService.sync_portal`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from tortoise import connections, timezone

from app.dossiers.models import ActorKind, DossierStatus
from notifications.models import ReminderKind, ReminderState
from notifications.outbox import on_conflict_move
from payments.gateway import GatewayEvent
from payments.models import PaymentStatus
from payments.receipts import PAID_NOTE, receipt_prefix, single_line
from payments.reminders import RECEIVED_SUBJECT


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# Parameters: $1 gateway, $2 event id, $3 event type, $4 intent reference, $5 amount, $6 currency, $7 dossier code
# and $8 citizen id from the intent's metadata, $9 paid at, $10 now (clock), $11 recorded at (wall clock, as the
# ORM's auto_now_add), $12 receipt number prefix, $13 the single receipt line, $14 the timeline note template,
# $15 the notice subject template (both `format` templates), $16 the payment states that may succeed.
STATEMENT = f"""
WITH seen AS (
    SELECT 1 FROM payment_webhook_event WHERE gateway = $1::text AND event_id = $2::text
), target AS (
    SELECT p.id, p.amount_vnd, d.id AS dossier_id, d.code, d.citizen_id, d.handling_centre_id, d.version,
           c.full_name, c.phone
    FROM payment p JOIN dossier d ON d.id = p.dossier_id JOIN citizen c ON c.id = d.citizen_id
    WHERE p.gateway_reference = $4::text AND NOT EXISTS (SELECT 1 FROM seen)
      AND p.status = ANY($16::text[]) AND p.amount_vnd = $5::bigint AND p.currency = $6::text
      AND d.code = $7::text AND d.citizen_id::text = $8::text AND d.status = {_text(DossierStatus.PAYMENT_REQUESTED)}
    FOR UPDATE OF p, d
), recorded AS (
    INSERT INTO payment_webhook_event (gateway, event_id, type, outcome, payment_id, received_at)
    SELECT $1::text, $2::text, $3::text, 'APPLIED', id, $11::timestamptz FROM target
    ON CONFLICT (gateway, event_id) DO NOTHING
    RETURNING payment_id
), paid AS (
    UPDATE payment SET status = {_text(PaymentStatus.SUCCEEDED)}, paid_at = $9::timestamptz, failure_message = ''
    FROM recorded WHERE payment.id = recorded.payment_id
    RETURNING payment.id
), receipt AS (
    INSERT INTO receipt (number, payment_id, dossier_id, centre_id, payer_name, payer_phone, lines, amount_vnd,
                         paid_at, issued_at)
    SELECT $12::text || lpad(t.id::text, greatest(6, length(t.id::text)), '0'), t.id, t.dossier_id,
           t.handling_centre_id, t.full_name, t.phone,
           CASE WHEN a.total_vnd = t.amount_vnd AND a.lines <> '[]'::jsonb THEN a.lines ELSE $13::jsonb END,
           t.amount_vnd, $9::timestamptz, $11::timestamptz
    FROM target t JOIN paid ON paid.id = t.id LEFT JOIN fee_assessment a ON a.dossier_id = t.dossier_id
    RETURNING number
), moved AS (
    UPDATE dossier SET status = {_text(DossierStatus.PROCESSING)}, version = dossier.version + 1,
                       updated_at = $10::timestamptz
    FROM target t, paid WHERE dossier.id = t.dossier_id AND dossier.version = t.version
    RETURNING dossier.id
), timeline AS (
    INSERT INTO dossier_event (dossier_id, from_status, to_status, actor_kind, note, created_at)
    SELECT moved.id, {_text(DossierStatus.PAYMENT_REQUESTED)}, {_text(DossierStatus.PROCESSING)},
           {_text(ActorKind.SYSTEM)}, format($14::text, t.amount_vnd, receipt.number), $10::timestamptz
    FROM moved, receipt, target t
    RETURNING id
), notice AS (
    INSERT INTO reminder (kind, subject, citizen_id, params, due_at, state, attempts, claimed_by, last_error,
                          created_at)
    SELECT {_text(ReminderKind.PAYMENT_RECEIVED)}, format($15::text, t.id), t.citizen_id,
           jsonb_build_object('amountVnd', t.amount_vnd, 'receiptNumber', receipt.number, 'dossierCode', t.code),
           $10::timestamptz, {_text(ReminderState.PENDING)}, 0, '', '', $11::timestamptz
    FROM target t, receipt
    {on_conflict_move(replace_params=True)}
)
SELECT EXISTS (SELECT 1 FROM seen) AS seen, (SELECT count(*) FROM recorded) AS recorded,
       t.id AS payment_id, t.dossier_id, t.code, t.citizen_id, (SELECT id FROM timeline) AS event_id
FROM (SELECT 1) AS one LEFT JOIN target t ON true
"""


@dataclass(frozen=True)
class Applied:
    """The statement took the payment and moved the dossier (its timeline event `event_id`)."""

    payment_id: int
    dossier_id: int
    dossier_code: str
    citizen_id: int
    event_id: int


DUPLICATE = "DUPLICATE"


async def apply_success(
    gateway: str, event: GatewayEvent, may_succeed: tuple[PaymentStatus, ...], now: datetime
) -> Applied | str | None:
    """Apply a verified PAYMENT_SUCCEEDED event: `Applied`, DUPLICATE (recorded before, nothing changed), or None
    when it is not the plain case (nothing written: the caller's ORM path handles it)."""
    intent = event.intent
    if intent is None:
        return None
    metadata = intent.metadata
    parameters = [
        *(gateway, event.id, event.type, event.intent_reference, intent.amount_vnd, intent.currency),
        *(metadata.get("dossier_code"), metadata.get("citizen_id"), event.created, now, timezone.now()),
        *(receipt_prefix(event.created), json.dumps(single_line(intent.amount_vnd)), PAID_NOTE, RECEIVED_SUBJECT),
        list(may_succeed),
    ]
    row = (await connections.get("default").execute_query_dict(STATEMENT, parameters))[0]
    if row["seen"] or (row["payment_id"] is not None and not row["recorded"]):
        return DUPLICATE
    if row["event_id"] is None:
        return None
    return Applied(row["payment_id"], row["dossier_id"], row["code"], row["citizen_id"], row["event_id"])
