"""Reconciliation: compare the gateway's recent payments with ours, repair what a lost webhook left behind and
report what cannot be repaired.

Meant to run every 15 minutes in one process (the worker's scheduler); running it twice at once is harmless,
since repairs go through `PaymentService.handle_event` with one event id per intent and state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from payments.gateway import IntentState
from payments.models import IssueKind, Payment, PaymentIssue, PaymentStatus
from payments.services import REPAIRABLE, Outcome, PaymentService, intent_event, report_issue

logger = logging.getLogger(__name__)

INTERVAL = timedelta(minutes=15)
LOOKBACK = timedelta(days=3)  # Stripe retries a webhook for up to three days
EXPECTED = {
    IntentState.SUCCEEDED: (PaymentStatus.SUCCEEDED,),
    IntentState.CANCELED: (PaymentStatus.CANCELED,),
    IntentState.OPEN: (PaymentStatus.PENDING, PaymentStatus.FAILED),
}


@dataclass
class ReconciliationReport:
    checked: int = 0
    repaired: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


async def reconcile_payments(payments: PaymentService, lookback: timedelta = LOOKBACK) -> ReconciliationReport:
    """List the gateway's payments of the last `lookback`, repair ours, report mismatches (stored as
    PaymentIssue rows that managers list, and logged)."""
    report = ReconciliationReport()
    intents = await payments.gateway.recent_intents(payments.clock() - lookback)
    known = {p.gateway_reference: p for p in await Payment.filter(gateway_reference__in=[i.reference for i in intents])}
    for intent in intents:
        report.checked += 1
        payment = known.get(intent.reference)
        if payment is None and "dossier_code" not in intent.metadata:
            continue  # not one of ours (another integration on the same account)
        if payment is not None and payment.status in EXPECTED[intent.state]:
            continue
        if intent.state in REPAIRABLE:
            outcome = await payments.handle_event(intent_event(intent, REPAIRABLE[intent.state], payments.clock()))
            if outcome is Outcome.APPLIED:
                report.repaired.append(intent.reference)
                continue
            if outcome in (Outcome.UNKNOWN_INTENT, Outcome.MISMATCH):
                report.issues.append(intent.reference)
                continue
        if payment is not None:
            detail = f"gateway says {intent.state}, we have {payment.status}"
            await report_issue(IssueKind.STATUS_MISMATCH, intent.reference, detail, payment)
            report.issues.append(intent.reference)
    logger.info(
        "payment reconciliation: %d checked, %d repaired, %d issues",
        report.checked,
        len(report.repaired),
        len(report.issues),
    )
    return report


async def open_issues(centre_id: int | None) -> list[PaymentIssue]:
    """Unresolved issues of a centre's payments, or every one (provincial admins: `centre_id` None)."""
    query = PaymentIssue.filter(resolved_at__isnull=True)
    if centre_id is not None:
        query = query.filter(centre_id=centre_id)
    return await query.order_by("-created_at", "-id").limit(200)
