"""Nightly: compare what the portal holds for recent dossiers with ours and send the record again where they differ."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Subquery

from app.dossiers.lifecycle import PORTAL_CODES
from app.dossiers.models import Dossier
from app.portal_sync.client import PortalClient, PortalUnavailable
from app.portal_sync.models import OutboxState, PortalOutbox
from app.portal_sync.outbox import enqueue
from app.portal_sync.records import RECORD, dossier_record

logger = logging.getLogger(__name__)

RECONCILE_AT = {"hour": 2, "minute": 30}  # Asia/Ho_Chi_Minh
KEEP_DELIVERED = timedelta(days=30)


@dataclass
class ReconciliationReport:
    checked: int = 0
    resent: int = 0
    unreachable: int = 0


async def reconcile_with_portal(client: PortalClient, now: datetime, days: int) -> ReconciliationReport:
    """Check the dossiers changed in the last `days` days whose rows were all delivered; queue their record again
    when the portal lacks it or holds another status. Delivered rows older than 30 days are dropped."""
    report = ReconciliationReport()
    unsettled = Subquery(PortalOutbox.filter(state__not=OutboxState.DELIVERED).values("dossier_id"))
    synced = Subquery(PortalOutbox.filter(state=OutboxState.DELIVERED).values("dossier_id"))
    recent = Dossier.filter(updated_at__gte=now - timedelta(days=days), id__in=synced).exclude(id__in=unsettled)
    for dossier in await recent.select_related("procedure", "handling_centre", "citizen").order_by("id"):
        report.checked += 1
        try:
            held = await client.lookup(dossier.code)
        except PortalUnavailable as error:
            report.unreachable += 1
            logger.warning("reconciliation could not look up %s: %s", dossier.code, error)
            continue
        if held is not None and str(held.get("TrangThaiHoSo")) == PORTAL_CODES[dossier.status]:
            continue
        body = dossier_record(dossier, updating=held is not None)
        await enqueue(dossier, f"{dossier.code}:reconciled:{now:%Y%m%d%H%M}:{RECORD}", body, now)
        report.resent += 1
    await PortalOutbox.filter(state=OutboxState.DELIVERED, delivered_at__lt=now - KEEP_DELIVERED).delete()
    logger.info("portal reconciliation: %s", report)
    return report
