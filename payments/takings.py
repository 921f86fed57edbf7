"""A centre's takings for reconciliation: receipts issued per local day, with refunds, in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.errors import DomainError, ErrorCode
from app.working_days import LOCAL_TZ, local_midnight
from payments.models import Receipt

MAX_DAYS = 31


@dataclass
class DayTakings:
    day: date
    count: int = 0
    amount_vnd: int = 0
    refunded_vnd: int = 0

    @property
    def net_vnd(self) -> int:
        return self.amount_vnd - self.refunded_vnd


@dataclass
class Takings:
    days: list[DayTakings]
    receipts: list[Receipt] = field(default_factory=list)

    @property
    def amount_vnd(self) -> int:
        return sum(day.amount_vnd for day in self.days)

    @property
    def refunded_vnd(self) -> int:
        return sum(day.refunded_vnd for day in self.days)


async def centre_takings(centre_id: int, first: date, last: date) -> Takings:
    """Every day from `first` to `last` (local dates, at most 31) with the fees collected for the centre's
    dossiers, by receipt date; refunds count against the day of the payment they return."""
    if first > last or (last - first).days >= MAX_DAYS:
        raise DomainError(ErrorCode.INVALID_DATE_RANGE, "from")
    receipts = (
        await Receipt.filter(
            centre_id=centre_id,
            paid_at__gte=local_midnight(first),
            paid_at__lt=local_midnight(last + timedelta(days=1)),
        )
        .select_related("payment", "dossier")
        .order_by("paid_at", "id")
    )
    span = range((last - first).days + 1)
    days = {first + timedelta(days=n): DayTakings(first + timedelta(days=n)) for n in span}
    for receipt in receipts:
        day = days[receipt.paid_at.astimezone(LOCAL_TZ).date()]
        day.count += 1
        day.amount_vnd += receipt.amount_vnd
        day.refunded_vnd += receipt.payment.refunded_vnd
    return Takings(days=list(days.values()), receipts=list(receipts))
