"""Rating rules: the owner only, once the result is ready, once per dossier, changeable for 7 days; one answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.models import Citizen
from app.dossiers.models import Dossier, DossierStatus
from app.errors import DomainError, ErrorCode
from app.ratings.models import Rating, RatingLevel
from app.ratings.services import CriterionScores, answer_rating, needs_answer, rate_dossier
from notifications.models import Reminder, ReminderKind, ReminderState

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


async def ready(dossier: Dossier, status: DossierStatus = DossierStatus.RESULT_READY) -> Dossier:
    await Dossier.filter(id=dossier.id).update(status=status)
    return dossier


async def refused(code: ErrorCode, call) -> DomainError:
    with pytest.raises(DomainError) as error:
        await call
    assert error.value.code is code
    return error.value


@pytest.mark.parametrize("status", [DossierStatus.RESULT_READY, DossierStatus.RETURNED])
async def test_the_owner_rates_a_finished_dossier(cast, dossier, status):
    await ready(dossier, status)
    rating = await rate_dossier(
        cast.citizen.id, dossier.code, RatingLevel.SATISFIED, CriterionScores(5, 4, 3, None), "  Nhanh gọn  ", NOW
    )
    assert (rating.level, rating.comment, rating.staff_attitude, rating.facilities) == (
        RatingLevel.SATISFIED,
        "Nhanh gọn",
        5,
        None,
    )
    assert rating.centre_id == dossier.handling_centre_id and rating.procedure_id == dossier.procedure_id


@pytest.mark.parametrize("status", [DossierStatus.RECEIVING, DossierStatus.PROCESSING, DossierStatus.WITHDRAWN])
async def test_not_before_the_result(cast, dossier, status):
    await ready(dossier, status)
    await refused(
        ErrorCode.RATING_NOT_OPEN,
        rate_dossier(cast.citizen.id, dossier.code, RatingLevel.SATISFIED, CriterionScores(), "", NOW),
    )
    assert await Rating.all().count() == 0


async def test_only_the_owner(cast, dossier):
    await ready(dossier)
    stranger = await Citizen.create(phone="+84912000999", full_name="Trần Văn Nam")
    await refused(
        ErrorCode.DOSSIER_NOT_FOUND,
        rate_dossier(stranger.id, dossier.code, RatingLevel.DISSATISFIED, CriterionScores(), "", NOW),
    )
    assert await Rating.all().count() == 0


async def test_once_per_dossier_and_changeable_for_seven_days(cast, dossier):
    await ready(dossier)
    first = await rate_dossier(
        cast.citizen.id, dossier.code, RatingLevel.DISSATISFIED, CriterionScores(1, 1, 1, 1), "", NOW
    )
    changed = await rate_dossier(
        cast.citizen.id, dossier.code, RatingLevel.VERY_SATISFIED, CriterionScores(5), "Ổn", NOW
    )
    assert changed.id == first.id and await Rating.all().count() == 1
    assert (changed.level, changed.staff_attitude, changed.clarity, changed.comment) == (
        RatingLevel.VERY_SATISFIED,
        5,
        None,
        "Ổn",
    )
    assert changed.created_at == first.created_at and changed.updated_at >= first.updated_at

    await Rating.filter(id=first.id).update(created_at=first.created_at - timedelta(days=7, seconds=1))
    error = await refused(
        ErrorCode.RATING_LOCKED,
        rate_dossier(cast.citizen.id, dossier.code, RatingLevel.SATISFIED, CriterionScores(), "", NOW),
    )
    assert "7" in error.message("en")
    assert (await Rating.get(id=first.id)).level is RatingLevel.VERY_SATISFIED


@pytest.mark.parametrize(
    "scores, field",
    [(CriterionScores(0), "criteria.staff_attitude"), (CriterionScores(facilities=6), "criteria.facilities")],
)
async def test_scores_are_one_to_five(cast, dossier, scores, field):
    await ready(dossier)
    error = await refused(
        ErrorCode.INVALID_SCORE, rate_dossier(cast.citizen.id, dossier.code, RatingLevel.SATISFIED, scores, "", NOW)
    )
    assert error.field == field and await Rating.all().count() == 0


async def test_long_comment_refused(cast, dossier):
    await ready(dossier)
    await refused(
        ErrorCode.INVALID_NOTE,
        rate_dossier(cast.citizen.id, dossier.code, RatingLevel.SATISFIED, CriterionScores(), "x" * 2001, NOW),
    )


async def test_an_answer_notifies_the_citizen_once(cast, dossier):
    await ready(dossier)
    rating = await rate_dossier(cast.citizen.id, dossier.code, RatingLevel.DISSATISFIED, CriterionScores(), "Chậm", NOW)
    assert needs_answer(rating)

    answered = await answer_rating(rating, cast.officer.id, " Xin lỗi anh/chị, chúng tôi sẽ khắc phục. ", NOW)
    assert (
        answered.response == "Xin lỗi anh/chị, chúng tôi sẽ khắc phục." and answered.responded_by_id == cast.officer.id
    )
    assert not needs_answer(answered)
    reminder = await Reminder.get(kind=ReminderKind.RATING_ANSWERED, subject=f"rating:{rating.id}")
    assert reminder.citizen_id == cast.citizen.id and reminder.state is ReminderState.PENDING
    assert reminder.params == {"dossierCode": dossier.code}

    await refused(ErrorCode.RATING_ALREADY_ANSWERED, answer_rating(rating, cast.officer.id, "Lần hai", NOW))
    assert (await Rating.get(id=rating.id)).response == answered.response
    assert await Reminder.filter(kind=ReminderKind.RATING_ANSWERED).count() == 1


async def test_an_empty_answer_changes_nothing(cast, dossier):
    await ready(dossier)
    rating = await rate_dossier(cast.citizen.id, dossier.code, RatingLevel.DISSATISFIED, CriterionScores(), "", NOW)
    await refused(ErrorCode.INVALID_RESPONSE, answer_rating(rating, cast.officer.id, "   ", NOW))
    assert (await Rating.get(id=rating.id)).responded_at is None and await Reminder.all().count() == 0
