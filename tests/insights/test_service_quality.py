"""Every service-quality figure on the hand-built October, worked out by hand (see tests/insights/dataset.py)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app.dossiers.models import Dossier, DossierStatus
from app.errors import DomainError, ErrorCode
from app.insights import rollup
from app.insights.models import RollupState
from app.insights.rollup import refresh
from app.insights.service_quality import service_quality
from app.insights.sql import Period, Scope
from payments.models import Payment, PaymentStatus
from tests.insights.dataset import DAY, NOW, build_dataset, local

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


async def test_centre_figures(cast):
    data = await build_dataset(cast.citizen.id)
    quality = await service_quality(Scope(OCTOBER, centre_id=data.ha_long.id), now=NOW)

    # Dossiers 1-10 and 14 (submitted 1 Oct 00:05 local); 11 is 30 Sep local, 12 is 1 Nov local, 13 is at B.
    assert quality.dossiers == 11
    assert quality.online_rate == pytest.approx(8 / 11)  # 1, 3, 5, 6, 7, 9, 10, 14
    # Timed: result or stopped, with due and finish: 1, 2, 3, 4, 10 (5 withdrawn does not count).
    assert quality.timed_dossiers == 5
    assert quality.on_time_rate == pytest.approx(4 / 5)  # 3 finished an hour late
    assert quality.early_rate == pytest.approx(2 / 5)  # 1 and 4 finished on an earlier date; 2 and 10 on the day
    assert quality.overdue_count == 3  # 3 late, 6 open past due, 8 paused with time overrun; 7 paused in time
    # Fee-bearing with a result: 1 (paid), 2 (cash), 10 (failed then succeeded); 3 is free, 4 stopped.
    assert quality.fee_dossiers == 3
    assert quality.cashless_rate == pytest.approx(2 / 3)
    assert quality.average_working_days == pytest.approx((3 + 5 + 6 + 0.5) / 4)
    # Ratings given in October at A: 1, 2, 3, 10 (11's is November).
    assert (quality.ratings, quality.very_satisfied, quality.satisfied, quality.dissatisfied) == (4, 2, 1, 1)
    assert quality.satisfaction_index == pytest.approx(3 / 4)
    assert quality.criteria == pytest.approx(
        {"staff_attitude": 4.0, "processing_time": 3.5, "clarity": 4.0, "facilities": 13 / 3}
    )
    assert (quality.satisfaction_target, quality.on_time_target) == (0.99, 0.995)


async def test_province_figures_add_the_other_centre(cast):
    await build_dataset(cast.citizen.id)
    quality = await service_quality(Scope(OCTOBER), now=NOW)

    assert quality.dossiers == 12 and quality.online_rate == pytest.approx(8 / 12)
    assert quality.timed_dossiers == 6  # 13 finished two days late
    assert quality.on_time_rate == pytest.approx(4 / 6) and quality.early_rate == pytest.approx(2 / 6)
    assert quality.overdue_count == 4
    assert quality.cashless_rate == pytest.approx(2 / 3)  # 13 is free
    assert quality.average_working_days == pytest.approx((3 + 5 + 6 + 0.5 + 7) / 5)
    assert quality.ratings == 5 and quality.satisfaction_index == pytest.approx(3 / 5)


async def test_one_procedure(cast):
    data = await build_dataset(cast.citizen.id)
    quality = await service_quality(Scope(OCTOBER, procedure_id=data.birth.id), now=NOW)

    assert (quality.dossiers, quality.online_rate, quality.on_time_rate, quality.early_rate) == (1, 1.0, 1.0, 0.0)
    assert (quality.overdue_count, quality.cashless_rate, quality.average_working_days) == (0, 1.0, 0.5)
    assert (quality.ratings, quality.satisfaction_index) == (1, 1.0)


async def test_empty_scope_has_no_rates(cast):
    await build_dataset(cast.citizen.id)
    quality = await service_quality(Scope(Period(date(2025, 1, 1), date(2025, 1, 31))), now=NOW)

    assert quality.dossiers == 0 and quality.ratings == 0
    assert quality.on_time_rate is None and quality.satisfaction_index is None and quality.average_working_days is None


def test_period_rules():
    assert Period.of(None, date(2026, 10, 31), today=date(2026, 11, 15)).first == date(2025, 11, 1)
    for first, last in ((date(2026, 11, 2), date(2026, 11, 1)), (date(2020, 1, 1), date(2026, 1, 1))):
        with pytest.raises(DomainError) as error:
            Period.of(first, last, today=last)
        assert error.value.code is ErrorCode.INVALID_PERIOD


async def test_rollups_agree_with_the_source_rows_and_follow_changes(cast, monkeypatch):
    monkeypatch.setattr(rollup, "MARGIN", timedelta(0))  # only rows changed after the last refresh are rebuilt
    data = await build_dataset(cast.citizen.id)
    for scope in (Scope(OCTOBER), Scope(OCTOBER, centre_id=data.ha_long.id)):
        assert await service_quality(scope, now=NOW) == await service_quality(scope, now=NOW, live=True)

    # After the refresh, dossier 6 finishes late and dossier 2's fee is paid by card.
    await Dossier.filter(id=data.dossiers[6].id).update(
        status=DossierStatus.RETURNED,
        finished_at=local(10, 27),
        working_seconds_taken=9 * DAY,
        updated_at=datetime.now(UTC),
    )
    await Payment.create(
        dossier=data.dossiers[2],
        gateway="stripe",
        gateway_reference="pi_2",
        amount_vnd=50000,
        status=PaymentStatus.SUCCEEDED,
        paid_at=datetime.now(UTC),
    )
    changed = await service_quality(Scope(OCTOBER, centre_id=data.ha_long.id), now=NOW)
    assert changed == await service_quality(Scope(OCTOBER, centre_id=data.ha_long.id), now=NOW, live=True)
    assert changed.timed_dossiers == 6 and changed.on_time_rate == pytest.approx(4 / 6)
    assert changed.overdue_count == 3  # 6 moved from open-overdue to finished late
    assert changed.fee_dossiers == 4 and changed.cashless_rate == pytest.approx(3 / 4)  # 6 (cash) and 2 (now paid)
    assert changed.average_working_days == pytest.approx((3 + 5 + 6 + 0.5 + 9) / 5)


async def test_a_read_that_finds_the_rollups_current_writes_nothing(cast, monkeypatch, caplog, time_machine):
    monkeypatch.setattr(rollup, "MARGIN", timedelta(0))
    time_machine.move_to(NOW - timedelta(minutes=1), tick=True)
    data = await build_dataset(cast.citizen.id)
    time_machine.move_to(NOW, tick=True)  # the data set is older than the first refresh
    scope = Scope(OCTOBER, centre_id=data.ha_long.id)
    first = await service_quality(scope, now=NOW)

    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):  # every statement, on both databases
        again = await service_quality(scope, now=NOW)
    statements = [record.getMessage() for record in caplog.records if record.name == "tortoise.db_client"]
    assert again == first and statements
    assert [sql for sql in statements if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", sql, re.IGNORECASE)] == []


async def test_a_refresh_already_running_is_not_repeated(cast):
    data = await build_dataset(cast.citizen.id)
    assert await refresh(NOW) is True
    await Dossier.filter(id=data.dossiers[6].id).update(updated_at=NOW)  # something to refresh
    await RollupState.filter(id=1).update(refreshing_since=NOW)
    assert await refresh(NOW) is False
    await RollupState.filter(id=1).update(refreshing_since=NOW - timedelta(minutes=11))
    assert await refresh(NOW) is True  # an abandoned claim expires
