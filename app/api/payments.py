"""Fee checkout for citizens; refunds, exemptions, per-unit counts, takings and payment issues for staff; payment
simulation in development."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from app.accounts.models import StaffRole
from app.api.acting_for import ON_BEHALF_ERRORS, dossier_acted_on
from app.api.arguments import Input
from app.api.context import Info
from app.api.dossier_access import dossier_to_change, own_dossier
from app.api.dossier_reference import DOSSIER_FIELD
from app.api.errors import UserError, bad_input, coded_mutation, returns_user_errors
from app.api.ids import database_id
from app.api.payment_types import Fee, Payment, Receipt, Refund
from app.api.permissions import require_staff, require_staff_of, require_viewer
from app.delegation.models import GrantAction
from app.errors import ErrorCode
from payments import models
from payments.models import IssueKind
from payments.reconciliation import open_issues
from payments.takings import centre_takings

MAX_REQUEST_KEY = 64
CentreId = Annotated[relay.GlobalID, strawberry.argument(description="The centre's ID.")]


@strawberry.type(description="What the mobile PaymentSheet needs to take the payment.")
class FeeCheckout:
    payment_intent_client_secret: str = strawberry.field(description="Stripe PaymentIntent client secret.")
    customer_id: str = strawberry.field(description="Stripe Customer of the citizen.")
    customer_session_client_secret: str = strawberry.field(
        description="Stripe CustomerSession client secret (saved payment methods in the sheet)."
    )
    publishable_key: str = strawberry.field(description="Stripe publishable key to initialise the SDK with.")
    amount_vnd: int = strawberry.field(description="Amount the sheet will take, in dong.")
    currency: str = strawberry.field(description="Always `vnd` (zero-decimal: the amount is whole dong).")
    payment: Payment = strawberry.field(description="The payment this checkout settles.")


@strawberry.type(description="Result of `createFeeCheckout`.")
class CreateFeeCheckoutPayload:
    fee: Fee | None = strawberry.field(default=None, description="The fee due.")
    checkout: FeeCheckout | None = strawberry.field(
        default=None, description="Present the PaymentSheet with this; null when nothing is due (the dossier moved on)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `refundFee`.")
class RefundFeePayload:
    refund: Refund | None = strawberry.field(default=None, description="The refund (the first one, for a repeat).")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `applyFeeExemption` and `setFeeItemQuantities`.")
class FeePayload:
    fee: Fee | None = strawberry.field(default=None, description="The fee due after the change.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `simulatePayment`.")
class SimulatePaymentPayload:
    outcome: str | None = strawberry.field(default=None, description="What processing the simulated event did.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Fees collected on one local day.")
class DayTakings:
    date: date = strawberry.field(description="The local date (Asia/Ho_Chi_Minh).")
    count: int = strawberry.field(description="Payments received.")
    amount_vnd: int = strawberry.field(description="Amount received, in dong.")
    refunded_vnd: int = strawberry.field(description="Of which refunded since, in dong.")
    net_vnd: int = strawberry.field(description="Received minus refunded, in dong.")


@strawberry.type(description="A centre's takings over a date range, for reconciliation.")
class CentrePayments:
    days: list[DayTakings] = strawberry.field(description="Every day of the range, including days without payments.")
    amount_vnd: int = strawberry.field(description="Total received, in dong.")
    refunded_vnd: int = strawberry.field(description="Total refunded since, in dong.")
    receipts: list[Receipt] = strawberry.field(description="The receipts of the range, oldest first.")


@strawberry.type(description="Result of `centrePayments`.")
class CentrePaymentsPayload:
    report: CentrePayments | None = strawberry.field(default=None, description="The takings.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Always empty: an out-of-range argument is a top-level `BAD_USER_INPUT` (README, Errors).",
        deprecation_reason="Bad arguments come as a top-level `BAD_USER_INPUT` with `extensions.reason`.",
    )


@strawberry.type(description="A mismatch between the payment gateway and our records, for managers.")
class PaymentIssue:
    kind: IssueKind = strawberry.field(description="What is wrong.")
    gateway_reference: str = strawberry.field(description="The gateway's id of the payment (to look it up there).")
    detail: str = strawberry.field(description="What was found, in English.")
    created_at: datetime = strawberry.field(description="When it was found.")


@strawberry.input(description="Pay the fee of one's own dossier, or of a person one represents with a PAY grant.")
class CreateFeeCheckoutInput:
    dossier_code: str = strawberry.field(description="The dossier's code.")


@strawberry.input(description="Refund (part of) a paid fee (managers of the handling centre).")
class RefundFeeInput:
    dossier_code: str = strawberry.field(description="The dossier's code.")
    amount_vnd: int = strawberry.field(description="Dong to refund: at most what was paid and not yet refunded.")
    reason: str = strawberry.field(description="Why (kept with the refund).")
    idempotency_key: str = strawberry.field(
        description="Unique per intended refund (e.g. a UUID made when the form opens): resending it refunds once."
    )


@strawberry.input(description="Waive part or all of a dossier's fee (staff of the handling centre).")
class ApplyFeeExemptionInput:
    dossier_code: str = strawberry.field(description="The dossier's code.")
    reason: str = strawberry.field(description="The legal ground, e.g. a poor household's certificate.")
    amount_vnd: int | None = strawberry.field(default=None, description="Dong to waive; null waives all still due.")


@strawberry.input(description="How many units of one per-unit charge a dossier takes.")
class FeeItemQuantityInput:
    item_code: str = strawberry.field(description="The procedure's fee item code, e.g. `copy` or `page`.")
    quantity: int = strawberry.field(description="Units, 0 to 10,000 (0 removes the item).")


@strawberry.input(description="Count per-unit charges of a dossier (staff of the handling centre).")
class SetFeeItemQuantitiesInput:
    dossier_code: str = strawberry.field(description="The dossier's code.")
    items: list[FeeItemQuantityInput] = strawberry.field(description="Quantities by item code.")


@strawberry.input(description="Pretend the payer paid (or failed): development only, without Stripe keys.")
class SimulatePaymentInput:
    dossier_code: str = strawberry.field(description="One's own dossier with an open checkout.")
    succeeded: bool = strawberry.field(default=True, description="False simulates a declined card.")


@strawberry.type
class PaymentsQuery:
    @strawberry.field(description="A receipt by number: its owner, or staff of the centre that collected it.")
    async def receipt(
        self, info: Info, number: Annotated[str, strawberry.argument(description="The receipt number.")]
    ) -> Receipt | None:
        viewer = require_viewer(info)
        found = await models.Receipt.filter(number=number.strip().upper()).select_related("dossier").first()
        if found is None:
            return None
        mine = viewer.is_citizen and found.dossier.citizen_id == viewer.id  # type: ignore[attr-defined]
        if not mine and not (viewer.is_staff and viewer.works_at(found.centre_id)):  # type: ignore[attr-defined]
            return None
        return Receipt.from_model(found, info.context.locale)

    @strawberry.field(description="Fees a centre collected per local day, for reconciliation (its staff).")
    @returns_user_errors(CentrePaymentsPayload)
    async def centre_payments(
        self,
        info: Info,
        centre_id: CentreId,
        from_: Annotated[date, strawberry.argument(name="from", description="First local date.")],
        to: Annotated[date, strawberry.argument(description="Last local date (at most 31 days in all).")],
    ) -> CentrePaymentsPayload:
        centre = database_id(centre_id, "Centre")
        require_staff_of(info, centre)
        takings = await centre_takings(centre, from_, to)
        locale = info.context.locale
        return CentrePaymentsPayload(
            report=CentrePayments(
                days=[
                    DayTakings(
                        date=d.day,
                        count=d.count,
                        amount_vnd=d.amount_vnd,
                        refunded_vnd=d.refunded_vnd,
                        net_vnd=d.net_vnd,
                    )
                    for d in takings.days
                ],
                amount_vnd=takings.amount_vnd,
                refunded_vnd=takings.refunded_vnd,
                receipts=[Receipt.from_model(r, locale) for r in takings.receipts],
            )
        )

    @strawberry.field(description="Unresolved payment mismatches of a centre (its managers), newest first.")
    async def payment_issues(self, info: Info, centre_id: CentreId) -> list[PaymentIssue]:
        centre = database_id(centre_id, "Centre")
        require_staff_of(info, centre, StaffRole.MANAGER, StaffRole.ADMIN)
        return [
            PaymentIssue(kind=i.kind, gateway_reference=i.gateway_reference, detail=i.detail, created_at=i.created_at)
            for i in await open_issues(centre)
        ]


@strawberry.type
class PaymentsMutation:
    @coded_mutation(
        CreateFeeCheckoutPayload,
        description="Start or resume paying one's own dossier's fee (the same intent until it changes), or, as a "
        "delegate with PAY, the fee of a dossier of the person represented: the payment records you, they are told.",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.PAYMENT_NOT_REQUESTED,
            ErrorCode.ALREADY_PAID,
            ErrorCode.FEE_UNKNOWN,
            ErrorCode.PAYMENT_GATEWAY_ERROR,
            *ON_BEHALF_ERRORS,
        ],
        fields=DOSSIER_FIELD,
    )
    async def create_fee_checkout(self, info: Info, input: Input[CreateFeeCheckoutInput]) -> CreateFeeCheckoutPayload:
        dossier, acting = await dossier_acted_on(info, input.dossier_code, GrantAction.PAY)
        checkout = await info.context.services.payments.checkout(dossier, acting.acted_by)
        await acting.record(info, GrantAction.PAY, dossier=dossier)
        fee = Fee.from_lines(checkout.fee.lines_json(), info.context.locale)
        if checkout.intent is None or checkout.payment is None:
            return CreateFeeCheckoutPayload(fee=fee)
        return CreateFeeCheckoutPayload(
            fee=fee,
            checkout=FeeCheckout(
                payment_intent_client_secret=checkout.intent.client_secret,
                customer_id=checkout.customer,
                customer_session_client_secret=checkout.customer_session_secret,
                publishable_key=checkout.publishable_key,
                amount_vnd=checkout.intent.amount_vnd,
                currency=checkout.intent.currency,
                payment=Payment.from_model(checkout.payment),
            ),
        )

    @coded_mutation(
        RefundFeePayload,
        description="Refund (part of) a paid fee, e.g. for a dossier denied after payment (managers).",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.INVALID_AMOUNT,
            ErrorCode.REASON_REQUIRED,
            ErrorCode.NOTHING_TO_REFUND,
            ErrorCode.REFUND_EXCEEDS_PAID,
            ErrorCode.PAYMENT_GATEWAY_ERROR,
        ],
        fields=DOSSIER_FIELD,
    )
    async def refund_fee(self, info: Info, input: Input[RefundFeeInput]) -> RefundFeePayload:
        viewer = require_staff(info, StaffRole.MANAGER, StaffRole.ADMIN)
        if not 1 <= len(input.idempotency_key) <= MAX_REQUEST_KEY:
            raise bad_input(f"idempotencyKey must be 1 to {MAX_REQUEST_KEY} characters.")
        dossier = await dossier_to_change(info, input.dossier_code)
        refund = await info.context.services.payments.refund(
            dossier, viewer.id, input.amount_vnd, input.reason, input.idempotency_key
        )
        return RefundFeePayload(refund=Refund.from_model(refund))

    @coded_mutation(
        FeePayload,
        description="Waive part or all of an unpaid fee, with the reason (staff).",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.ALREADY_PAID,
            ErrorCode.FEE_UNKNOWN,
            ErrorCode.INVALID_AMOUNT,
            ErrorCode.REASON_REQUIRED,
        ],
        fields=DOSSIER_FIELD,
    )
    async def apply_fee_exemption(self, info: Info, input: Input[ApplyFeeExemptionInput]) -> FeePayload:
        viewer = require_staff(info)
        dossier = await dossier_to_change(info, input.dossier_code)
        fee = await info.context.services.payments.exempt(dossier, viewer.id, input.amount_vnd, input.reason)
        return FeePayload(fee=Fee.from_lines(fee.lines_json(), info.context.locale))

    @coded_mutation(
        FeePayload,
        description="Count per-unit charges (pages, copies) of an unpaid dossier (staff).",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.ALREADY_PAID,
            ErrorCode.FEE_UNKNOWN,
            ErrorCode.FEE_ITEM_NOT_FOUND,
            ErrorCode.INVALID_AMOUNT,
        ],
        fields=DOSSIER_FIELD,
    )
    async def set_fee_item_quantities(self, info: Info, input: Input[SetFeeItemQuantitiesInput]) -> FeePayload:
        viewer = require_staff(info)
        dossier = await dossier_to_change(info, input.dossier_code)
        quantities = {item.item_code: item.quantity for item in input.items}
        fee = await info.context.services.payments.set_quantities(dossier, viewer.id, quantities)
        return FeePayload(fee=Fee.from_lines(fee.lines_json(), info.context.locale))


@strawberry.type
class PaymentSimulationMutation:
    @coded_mutation(
        SimulatePaymentPayload,
        description="Development only: settle one's own open checkout as if the gateway's webhook arrived.",
        errors=[ErrorCode.DOSSIER_NOT_FOUND, ErrorCode.PAYMENT_SIMULATION_UNAVAILABLE, ErrorCode.PAYMENT_NOT_REQUESTED],
        fields=DOSSIER_FIELD,
    )
    async def simulate_payment(self, info: Info, input: Input[SimulatePaymentInput]) -> SimulatePaymentPayload:
        dossier = await own_dossier(info, input.dossier_code)
        outcome = await info.context.services.payments.simulate(dossier, input.succeeded)
        return SimulatePaymentPayload(outcome=outcome)
