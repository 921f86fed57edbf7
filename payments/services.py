"""Fee checkout, gateway events, refunds and exemptions.

A gateway event is recorded by id in the same transaction as its effect, and every effect is a conditional update
(a payment succeeds only from PENDING, FAILED or CANCELED), so replays, retries, out-of-order delivery and
reconciliation repairs racing the webhook all end in one payment, one receipt and one notification.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app.accounts.models import Citizen
from app.clock import Clock, system_clock
from app.dossiers.models import Dossier, DossierStatus
from app.dossiers.services import DossierService
from app.errors import DomainError, ErrorCode
from notifications.models import ReminderKind
from notifications.outbox import notify_now
from payments import fees
from payments.fees import Fee
from payments.gateway import EventKind, GatewayError, GatewayEvent, Intent, IntentState, PaymentGateway
from payments.models import (
    DossierFeeItem,
    FeeAssessment,
    FeeExemption,
    GatewayCustomer,
    IssueKind,
    Payment,
    PaymentIssue,
    PaymentStatus,
    ProcedureFeeItem,
    Receipt,
    Refund,
    RefundStatus,
    WebhookEvent,
)
from payments.pg_success import DUPLICATE, Applied, apply_success
from payments.receipts import PAID_NOTE, issue_receipt
from payments.reminders import RECEIVED_SUBJECT

logger = logging.getLogger(__name__)

MAX_REASON = 1000
MAX_QUANTITY = 10_000
OPEN = (PaymentStatus.PENDING, PaymentStatus.FAILED)
MAY_SUCCEED = (PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.CANCELED)
# Intent states the gateway reports that our event path can apply without a webhook (checkout, reconciliation).
REPAIRABLE = {IntentState.SUCCEEDED: EventKind.PAYMENT_SUCCEEDED, IntentState.CANCELED: EventKind.PAYMENT_CANCELED}


class Outcome(StrEnum):
    """What processing a gateway event did."""

    APPLIED = "APPLIED"
    DUPLICATE = "DUPLICATE"
    ALREADY_APPLIED = "ALREADY_APPLIED"
    STALE = "STALE"
    UNKNOWN_INTENT = "UNKNOWN_INTENT"
    MISMATCH = "MISMATCH"
    IGNORED = "IGNORED"


@dataclass(frozen=True)
class Checkout:
    """What the mobile PaymentSheet needs; `intent` is None when nothing is due (the dossier moved on)."""

    fee: Fee
    payment: Payment | None = None
    intent: Intent | None = None
    customer: str = ""
    customer_session_secret: str = ""
    publishable_key: str = ""


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise DomainError(ErrorCode.REASON_REQUIRED, "reason")
    return reason


async def report_issue(kind: IssueKind, reference: str, detail: str, payment: Payment | None = None) -> None:
    """Store a mismatch for managers (once per kind and gateway reference) and log it."""
    logger.warning("payment issue %s on %s: %s", kind, reference, detail)
    centre_id = None
    if payment is not None:
        centre_id = (await Dossier.get(id=payment.dossier_id)).handling_centre_id  # type: ignore[attr-defined]
    try:
        async with in_transaction():  # a savepoint: a repeated report keeps the first
            await PaymentIssue.create(
                kind=kind,
                gateway_reference=reference,
                payment_id=payment.id if payment else None,
                centre_id=centre_id,
                detail=detail,
            )
    except IntegrityError:
        pass


class PaymentService:
    """The only way payments, receipts and refunds change."""

    def __init__(self, gateway: PaymentGateway, dossiers: DossierService, clock: Clock = system_clock) -> None:
        self.gateway = gateway
        self.clock = clock
        self._dossiers = dossiers

    # --- checkout -------------------------------------------------------------------------------------------

    async def checkout(self, dossier: Dossier, acted_by: int | None = None) -> Checkout:
        """Create or reuse the intent for exactly the fee due; a fee of 0 moves the dossier on without one.

        `acted_by` is the delegate paying for the dossier's owner, recorded on a new payment.
        """
        if dossier.status is not DossierStatus.PAYMENT_REQUESTED:
            code = ErrorCode.ALREADY_PAID if await self._paid(dossier) else ErrorCode.PAYMENT_NOT_REQUESTED
            raise DomainError(code, "dossier")
        fee = await fees.assess(dossier)
        if fee is None:
            raise DomainError(ErrorCode.FEE_UNKNOWN, "dossier")
        if fee.total_vnd == 0:
            await self._settle_without_payment(dossier, "Không phải nộp lệ phí (0 đồng).")
            return Checkout(fee=fee)
        if await self._paid(dossier):
            raise DomainError(ErrorCode.ALREADY_PAID, "dossier")
        await self._cancel_stale(dossier, fee)
        citizen = await Citizen.get(id=dossier.citizen_id)  # type: ignore[attr-defined]
        customer = await self._customer(citizen)
        payment, intent = await self._intent_for(dossier, fee, customer, acted_by)
        return Checkout(
            fee=fee,
            payment=payment,
            intent=intent,
            customer=customer,
            customer_session_secret=await self._gateway_call(self.gateway.customer_session_secret(customer)),
            publishable_key=self.gateway.publishable_key,
        )

    async def _intent_for(
        self, dossier: Dossier, fee: Fee, customer: str, acted_by: int | None
    ) -> tuple[Payment, Intent]:
        current = await Payment.filter(
            dossier_id=dossier.id, status__in=OPEN, fee_version=fee.version, amount_vnd=fee.total_vnd
        ).first()
        if current is not None:
            intent = await self._gateway_call(self.gateway.retrieve_intent(current.gateway_reference))
            if intent.state is IntentState.OPEN:
                return current, intent
            await self._apply_intent_state(current, intent)
            if intent.state is IntentState.SUCCEEDED:
                raise DomainError(ErrorCode.ALREADY_PAID, "dossier")
        attempt = await Payment.filter(dossier_id=dossier.id, fee_version=fee.version).count() + 1
        metadata = {
            "dossier_code": dossier.code,
            "dossier_id": str(dossier.id),
            "citizen_id": str(dossier.citizen_id),  # type: ignore[attr-defined]
            "fee_version": str(fee.version),
        }
        key = f"dossier-{dossier.id}-fee-v{fee.version}-attempt-{attempt}"
        intent = await self._gateway_call(self.gateway.create_intent(fee.total_vnd, customer, metadata, key))
        try:
            async with in_transaction():
                payment = await Payment.create(
                    dossier_id=dossier.id,
                    gateway=self.gateway.name,
                    gateway_reference=intent.reference,
                    amount_vnd=intent.amount_vnd,
                    currency=intent.currency,
                    fee_version=fee.version,
                    acted_by_id=acted_by,
                )
        except IntegrityError:  # a concurrent call with the same key got the same intent and recorded it first
            payment = await Payment.get(gateway_reference=intent.reference)
        return payment, intent

    async def _cancel_stale(self, dossier: Dossier, fee: Fee) -> None:
        """Cancel open intents for another amount or fee version, at the gateway first."""
        stale = await Payment.filter(dossier_id=dossier.id, status__in=OPEN).exclude(
            fee_version=fee.version, amount_vnd=fee.total_vnd
        )
        for payment in stale:
            try:
                intent = await self.gateway.cancel_intent(
                    payment.gateway_reference, f"cancel-{payment.gateway_reference}"
                )
            except GatewayError:
                intent = await self._gateway_call(self.gateway.retrieve_intent(payment.gateway_reference))
            await self._apply_intent_state(payment, intent)
            if intent.state is IntentState.SUCCEEDED:
                raise DomainError(ErrorCode.ALREADY_PAID, "dossier")

    async def _apply_intent_state(self, payment: Payment, intent: Intent) -> None:
        """Bring a payment in line with its intent through the event path (a deterministic event id)."""
        if intent.state in REPAIRABLE:
            await self.handle_event(intent_event(intent, REPAIRABLE[intent.state], self.clock()))

    async def _customer(self, citizen: Citizen) -> str:
        known = await GatewayCustomer.get_or_none(citizen_id=citizen.id, gateway=self.gateway.name)
        if known is not None:
            return known.reference
        reference = await self._gateway_call(
            self.gateway.ensure_customer(citizen.id, citizen.phone, citizen.full_name, f"customer-{citizen.id}")
        )
        await GatewayCustomer.get_or_create(
            citizen_id=citizen.id, gateway=self.gateway.name, defaults={"reference": reference}
        )
        return reference

    @staticmethod
    async def _paid(dossier: Dossier) -> bool:
        return await Payment.exists(dossier_id=dossier.id, status=PaymentStatus.SUCCEEDED)

    @staticmethod
    async def _gateway_call(call: Awaitable):
        try:
            return await call
        except GatewayError as error:
            logger.warning("payment gateway error: %s", error)
            raise DomainError(ErrorCode.PAYMENT_GATEWAY_ERROR, None) from error

    async def _settle_without_payment(self, dossier: Dossier, note: str) -> None:
        after_commit: list[Callable[[], Awaitable[None]]] = []
        async with in_transaction():
            fresh = await Dossier.get(id=dossier.id)
            if fresh.status is DossierStatus.PAYMENT_REQUESTED:
                await self._dossiers.resume_after_payment(fresh, note, after_commit)
        for publish in after_commit:
            await publish()

    # --- exemptions -----------------------------------------------------------------------------------------

    async def exempt(self, dossier: Dossier, staff_id: int, amount_vnd: int | None, reason: str) -> Fee:
        """Waive `amount_vnd` (None: everything still due) of an unpaid dossier's fee, with the reason."""
        reason = _checked_reason(reason)
        if await self._paid(dossier):
            raise DomainError(ErrorCode.ALREADY_PAID, "dossier")
        fee = await fees.assess(dossier)
        if fee is None:
            raise DomainError(ErrorCode.FEE_UNKNOWN, "dossier")
        amount = fee.total_vnd if amount_vnd is None else amount_vnd
        if amount <= 0 or amount > fee.total_vnd:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "amount_vnd")
        await FeeExemption.create(dossier_id=dossier.id, amount_vnd=amount, reason=reason, staff_id=staff_id)
        fee = await fees.assess(dossier)
        await self._cancel_stale(dossier, fee)
        if fee.total_vnd == 0:
            await self._settle_without_payment(dossier, f"Miễn lệ phí: {reason}")
        return fee

    async def set_quantities(self, dossier: Dossier, staff_id: int, quantities: dict[str, int]) -> Fee:
        """Record how many units of the procedure's per-unit charges (by item code) an unpaid dossier takes."""
        if await self._paid(dossier):
            raise DomainError(ErrorCode.ALREADY_PAID, "dossier")
        items = {
            item.code: item
            for item in await ProcedureFeeItem.filter(procedure_id=dossier.procedure_id)  # type: ignore[attr-defined]
        }
        for code, quantity in quantities.items():
            if code not in items:
                raise DomainError(ErrorCode.FEE_ITEM_NOT_FOUND, "items")
            if not 0 <= quantity <= MAX_QUANTITY:
                raise DomainError(ErrorCode.INVALID_AMOUNT, "items")
        async with in_transaction():
            for code, quantity in quantities.items():
                await DossierFeeItem.filter(dossier_id=dossier.id, item_id=items[code].id).delete()
                if quantity:
                    await DossierFeeItem.create(
                        dossier_id=dossier.id, item_id=items[code].id, quantity=quantity, staff_id=staff_id
                    )
        fee = await fees.assess(dossier)
        if fee is None:
            raise DomainError(ErrorCode.FEE_UNKNOWN, "dossier")
        await self._cancel_stale(dossier, fee)
        return fee

    # --- gateway events -------------------------------------------------------------------------------------

    async def receive_webhook(self, payload: bytes, signature: str) -> Outcome:
        """Verify a webhook body (raises InvalidWebhook) and process its event."""
        return await self.handle_event(self.gateway.verify_webhook(payload, signature))

    async def handle_event(self, event: GatewayEvent) -> Outcome:
        """Apply a verified gateway event exactly once; the event's id is recorded in the same transaction."""
        if event.kind is EventKind.PAYMENT_SUCCEEDED and connections.get("default").capabilities.dialect == "postgres":
            outcome = await self._succeed_in_one_statement(event)
            if outcome is not None:
                logger.info("gateway event %s %s: %s", event.type, event.id, outcome)
                return outcome
        after_commit: list[Callable[[], Awaitable[None]]] = []
        async with in_transaction():
            try:
                async with in_transaction():  # a savepoint: a concurrent or earlier copy makes this one a no-op
                    record = await WebhookEvent.create(gateway=self.gateway.name, event_id=event.id, type=event.type)
            except IntegrityError:
                return Outcome.DUPLICATE
            payment = None
            if event.intent_reference:
                payment = await Payment.get_or_none(gateway_reference=event.intent_reference)
            if event.kind is EventKind.OTHER:
                outcome = Outcome.IGNORED
            elif payment is None:
                await report_issue(
                    IssueKind.UNKNOWN_INTENT, event.intent_reference or event.id, f"{event.type} {event.id}"
                )
                outcome = Outcome.UNKNOWN_INTENT
            else:
                outcome = await self._apply(event, payment, after_commit)
            await WebhookEvent.filter(id=record.id).update(outcome=outcome, payment_id=payment.id if payment else None)
        for publish in after_commit:
            await publish()
        logger.info("gateway event %s %s: %s", event.type, event.id, outcome)
        return outcome

    async def _succeed_in_one_statement(self, event: GatewayEvent) -> Outcome | None:
        """A success applied by `payments.pg_success` (PostgreSQL), or None for the ORM path. With portal sync on,
        the portal's rows for the dossier's move are written in the same transaction as the statement."""
        portal = self._dossiers.syncs_portal
        async with in_transaction() if portal else nullcontext():
            done = await apply_success(self.gateway.name, event, MAY_SUCCEED, self.clock())
            if portal and isinstance(done, Applied):
                await self._dossiers.sync_portal(done.dossier_id, done.event_id)
        if done is None or done is DUPLICATE:
            return None if done is None else Outcome.DUPLICATE
        await self._dossiers.publish_change(done.dossier_id, done.dossier_code, done.citizen_id, done.event_id)
        return Outcome.APPLIED

    async def _apply(self, event: GatewayEvent, payment: Payment, after_commit: list) -> Outcome:
        if event.kind is EventKind.PAYMENT_SUCCEEDED:
            return await self._succeed(event, payment, after_commit)
        if event.kind is EventKind.PAYMENT_FAILED:
            changed = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
                status=PaymentStatus.FAILED, failure_message=event.detail[:500]
            )
            return Outcome.APPLIED if changed else Outcome.STALE
        if event.kind is EventKind.PAYMENT_CANCELED:
            changed = await Payment.filter(id=payment.id, status__in=OPEN).update(status=PaymentStatus.CANCELED)
            return Outcome.APPLIED if changed else Outcome.STALE
        if event.kind is EventKind.CHARGE_REFUNDED:
            return await self._refunded(event, payment)
        await Payment.filter(id=payment.id, disputed_at__isnull=True).update(disputed_at=event.created)
        detail = f"Dispute for {event.amount_vnd} VND: {event.detail}"
        await report_issue(IssueKind.DISPUTE, event.intent_reference, detail, payment)
        return Outcome.APPLIED

    async def _succeed(self, event: GatewayEvent, payment: Payment, after_commit: list) -> Outcome:
        dossier = await Dossier.filter(id=payment.dossier_id).select_related("citizen").get()
        mismatch = _mismatch(event.intent, payment, dossier)
        if mismatch:
            await report_issue(IssueKind.AMOUNT_MISMATCH, payment.gateway_reference, mismatch, payment)
            return Outcome.MISMATCH
        claimed = await Payment.filter(id=payment.id, status__in=MAY_SUCCEED).update(
            status=PaymentStatus.SUCCEEDED, paid_at=event.created, failure_message=""
        )
        if not claimed:
            return Outcome.ALREADY_APPLIED
        payment.status, payment.paid_at = PaymentStatus.SUCCEEDED, event.created
        assessment = await FeeAssessment.get_or_none(dossier_id=dossier.id)
        receipt = await issue_receipt(payment, dossier, dossier.citizen, assessment)
        if dossier.status is DossierStatus.PAYMENT_REQUESTED:
            note = PAID_NOTE % (payment.amount_vnd, receipt.number)
            await self._dossiers.resume_after_payment(dossier, note, after_commit)
        else:
            detail = f"paid {payment.amount_vnd} VND while dossier {dossier.code} was {dossier.status}"
            await report_issue(IssueKind.UNEXPECTED_PAYMENT, payment.gateway_reference, detail, payment)
        await notify_now(
            ReminderKind.PAYMENT_RECEIVED,
            RECEIVED_SUBJECT % payment.id,
            self.clock(),
            citizen_id=dossier.citizen_id,  # type: ignore[attr-defined]
            params={"amountVnd": payment.amount_vnd, "receiptNumber": receipt.number, "dossierCode": dossier.code},
        )
        return Outcome.APPLIED

    @staticmethod
    async def _refunded(event: GatewayEvent, payment: Payment) -> Outcome:
        """The gateway's refunded total is the truth: settle our pending refunds up to it, oldest first."""
        await Payment.filter(id=payment.id, refunded_vnd__lt=event.amount_vnd).update(refunded_vnd=event.amount_vnd)
        settled = 0
        for refund in await Refund.filter(payment_id=payment.id).exclude(status=RefundStatus.FAILED).order_by("id"):
            settled += refund.amount_vnd
            confirmed = refund.gateway_reference in event.refund_references or settled <= event.amount_vnd
            if refund.status is RefundStatus.PENDING and confirmed:
                await Refund.filter(id=refund.id, status=RefundStatus.PENDING).update(
                    status=RefundStatus.SUCCEEDED, settled_at=event.created
                )
        return Outcome.APPLIED

    # --- refunds --------------------------------------------------------------------------------------------

    async def refund(self, dossier: Dossier, staff_id: int, amount_vnd: int, reason: str, request_key: str) -> Refund:
        """Refund part or all of what was paid; the same `request_key` twice refunds once."""
        reason = _checked_reason(reason)
        if amount_vnd <= 0:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "amount_vnd")
        payment = await Payment.filter(dossier_id=dossier.id, status=PaymentStatus.SUCCEEDED).order_by("-id").first()
        if payment is None:
            raise DomainError(ErrorCode.NOTHING_TO_REFUND, "dossier")
        existing = await Refund.get_or_none(payment_id=payment.id, request_key=request_key)
        if existing is not None:
            return existing
        try:
            async with in_transaction():
                reserved = await Payment.filter(
                    id=payment.id, refund_requested_vnd__lte=payment.amount_vnd - amount_vnd
                ).update(refund_requested_vnd=F("refund_requested_vnd") + amount_vnd)
                if not reserved:
                    raise DomainError(ErrorCode.REFUND_EXCEEDS_PAID, "amount_vnd")
                refund = await Refund.create(
                    payment_id=payment.id,
                    amount_vnd=amount_vnd,
                    reason=reason,
                    request_key=request_key,
                    requested_by_id=staff_id,
                )
        except IntegrityError:  # the same request key, concurrently: the first one stands
            return await Refund.get(payment_id=payment.id, request_key=request_key)
        metadata = {"dossier_code": dossier.code, "refund_id": str(refund.id)}
        try:
            reference = await self.gateway.refund(
                payment.gateway_reference, amount_vnd, f"refund-{refund.id}", metadata
            )
        except GatewayError as error:
            async with in_transaction():
                await Refund.filter(id=refund.id).update(status=RefundStatus.FAILED, settled_at=self.clock())
                await Payment.filter(id=payment.id).update(refund_requested_vnd=F("refund_requested_vnd") - amount_vnd)
            logger.warning("refund %s refused by the gateway: %s", refund.id, error)
            raise DomainError(ErrorCode.PAYMENT_GATEWAY_ERROR, None) from error
        await Refund.filter(id=refund.id).update(gateway_reference=reference)
        return await Refund.get(id=refund.id)

    # --- development ----------------------------------------------------------------------------------------

    async def simulate(self, dossier: Dossier, succeeded: bool) -> Outcome:
        """Settle the dossier's open intent at the simulated gateway and process the event it would send."""
        settle = getattr(self.gateway, "settle", None)
        if settle is None:
            raise DomainError(ErrorCode.PAYMENT_SIMULATION_UNAVAILABLE, None)
        payment = await Payment.filter(dossier_id=dossier.id, status__in=OPEN).order_by("-id").first()
        if payment is None:
            raise DomainError(ErrorCode.PAYMENT_NOT_REQUESTED, "dossier")
        return await self.handle_event(await settle(payment.gateway_reference, succeeded))


def intent_event(intent: Intent, kind: EventKind, now: datetime) -> GatewayEvent:
    """The event reconciliation and checkout use to apply an intent's state: one id per intent and state, so
    repeated repairs dedupe like webhook retries."""
    return GatewayEvent(
        id=f"repair:{intent.reference}:{kind}",
        type=f"repair.{kind.lower()}",
        kind=kind,
        created=now,
        intent_reference=intent.reference,
        intent=intent,
    )


def _mismatch(intent: Intent | None, payment: Payment, dossier: Dossier) -> str:
    """Why a succeeded intent does not match the payment we created, or ''."""
    if intent is None:
        return "the event carries no payment"
    if intent.amount_vnd != payment.amount_vnd or intent.currency != payment.currency:
        return f"paid {intent.amount_vnd} {intent.currency}, expected {payment.amount_vnd} {payment.currency}"
    if intent.metadata.get("dossier_code") != dossier.code:
        return f"metadata names dossier {intent.metadata.get('dossier_code')!r}, expected {dossier.code}"
    if intent.metadata.get("citizen_id") != str(dossier.citizen_id):  # type: ignore[attr-defined]
        return "metadata names another citizen"
    return ""


async def receipt_of(dossier: Dossier) -> Receipt | None:
    """The receipt of the dossier's latest successful payment."""
    return await Receipt.filter(dossier_id=dossier.id).order_by("-id").select_related("dossier").first()
