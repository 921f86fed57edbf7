"""Deadline facts of a dossier: overdue, finished early, working time left (with the stopped clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q

from app.dossiers.lifecycle import FINISHED
from app.dossiers.models import Dossier, DossierStatus
from app.working_days import LOCAL_TZ, TimeLeft, add_working_time

RESULT_STATUSES = (DossierStatus.RESULT_READY, DossierStatus.RETURNED)


def is_paused(dossier: Dossier) -> bool:
    """The clock is stopped while documents are requested."""
    return dossier.paused_remaining_seconds is not None


def is_overdue(dossier: Dossier, now: datetime) -> bool:
    """Past the due date: while processing (a stopped clock counts what was left), or finished late."""
    if is_paused(dossier):
        return dossier.paused_remaining_seconds < 0
    return dossier.due_at is not None and (dossier.finished_at or now) > dossier.due_at


def finished_early(dossier: Dossier) -> bool:
    """The result was ready on a day before the due date's day (local time)."""
    if dossier.due_at is None or dossier.finished_at is None or dossier.status not in RESULT_STATUSES:
        return False
    return dossier.finished_at.astimezone(LOCAL_TZ).date() < dossier.due_at.astimezone(LOCAL_TZ).date()


def time_left(dossier: Dossier, now: datetime) -> TimeLeft | None:
    """Working time left (negative when late); None without a due date or once finished."""
    if dossier.due_at is None or dossier.status in FINISHED:
        return None
    if is_paused(dossier):
        return TimeLeft.of(timedelta(seconds=dossier.paused_remaining_seconds))
    return TimeLeft.until(dossier.due_at, now)


def overdue_condition(now: datetime) -> Q:
    """SQL condition matching `is_overdue` for unfinished dossiers."""
    running_late = Q(paused_remaining_seconds__isnull=True, due_at__lt=now)
    return (running_late | Q(paused_remaining_seconds__lt=0)) & ~Q(status__in=list(FINISHED))


def on_time_condition(now: datetime) -> Q:
    """SQL condition for unfinished dossiers with a due date that are not overdue."""
    running = Q(paused_remaining_seconds__isnull=True, due_at__gte=now)
    return (running | Q(paused_remaining_seconds__gte=0)) & ~Q(status__in=list(FINISHED))


def due_within_a_working_day_condition(now: datetime) -> Q:
    """SQL condition for unfinished dossiers whose running clock ends within one working day of `now` (or ended)."""
    horizon = add_working_time(now, timedelta(days=1))
    return Q(due_at__lte=horizon, paused_at=None) & ~Q(status__in=list(FINISHED))
