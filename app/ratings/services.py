"""Rating rules: the owner rates a dossier once its result is ready, may change it for 7 days, and a manager answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.dossiers.codes import normalise_dossier_code
from app.dossiers.deadlines import RESULT_STATUSES
from app.dossiers.models import Dossier
from app.errors import DomainError, ErrorCode
from app.ratings.models import Rating, RatingLevel
from notifications.models import ReminderKind
from notifications.outbox import notify_now

EDITABLE_DAYS = 7
RATEABLE = frozenset(RESULT_STATUSES)
MAX_TEXT = 2000
SCORES = range(1, 6)


@dataclass(frozen=True)
class CriterionScores:
    """Scores 1 to 5 per criterion; None when the citizen skipped it."""

    staff_attitude: int | None = None
    processing_time: int | None = None
    clarity: int | None = None
    facilities: int | None = None

    def validated(self) -> dict[str, int | None]:
        values = {
            "staff_attitude": self.staff_attitude,
            "processing_time": self.processing_time,
            "clarity": self.clarity,
            "facilities": self.facilities,
        }
        for name, score in values.items():
            if score is not None and score not in SCORES:
                raise DomainError(ErrorCode.INVALID_SCORE, f"criteria.{name}")
        return values


def is_editable(rating: Rating, now: datetime) -> bool:
    """The citizen may still change the rating (within 7 days of giving it)."""
    return now < rating.created_at + timedelta(days=EDITABLE_DAYS)


def needs_answer(rating: Rating) -> bool:
    """A dissatisfied rating nobody at the centre has answered yet."""
    return rating.level is RatingLevel.DISSATISFIED and rating.responded_at is None


async def rate_dossier(
    citizen_id: int,
    code: str,
    level: RatingLevel,
    scores: CriterionScores,
    comment: str,
    now: datetime,
    acted_by: int | None = None,
) -> Rating:
    """Rate one's own dossier at `now`, or change one's rating of it within 7 days; `acted_by` is the delegate
    rating for the citizen, if one does."""
    comment = comment.strip()
    if len(comment) > MAX_TEXT:
        raise DomainError(ErrorCode.INVALID_NOTE, "comment")
    values = {"level": level, "comment": comment, "acted_by_id": acted_by, **scores.validated()}
    normalised = normalise_dossier_code(code)
    dossier = await Dossier.get_or_none(code=normalised, citizen_id=citizen_id) if normalised else None
    if dossier is None:
        raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, "dossier")
    if dossier.status not in RATEABLE:
        raise DomainError(ErrorCode.RATING_NOT_OPEN, "dossier")
    existing = await Rating.get_or_none(dossier_id=dossier.id)
    if existing is None:
        try:
            return await Rating.create(
                dossier_id=dossier.id,
                citizen_id=citizen_id,
                centre_id=dossier.handling_centre_id,  # type: ignore[attr-defined]
                procedure_id=dossier.procedure_id,  # type: ignore[attr-defined]
                created_at=now,
                updated_at=now,
                **values,
            )
        except IntegrityError:  # a concurrent first rating won: treat this one as an edit
            existing = await Rating.get(dossier_id=dossier.id)
    if not is_editable(existing, now):
        raise DomainError(ErrorCode.RATING_LOCKED, "dossier", days=EDITABLE_DAYS)
    await Rating.filter(id=existing.id).update(updated_at=now, **values)
    await existing.refresh_from_db()
    return existing


async def answer_rating(rating: Rating, staff_id: int, text: str, now: datetime) -> Rating:
    """Record a manager's answer at `now`, once, and notify the citizen in the same transaction."""
    text = text.strip()
    if not 1 <= len(text) <= MAX_TEXT:
        raise DomainError(ErrorCode.INVALID_RESPONSE, "response")
    async with in_transaction():
        answered = await Rating.filter(id=rating.id, responded_at__isnull=True).update(
            response=text, responded_by_id=staff_id, responded_at=now
        )
        if not answered:
            raise DomainError(ErrorCode.RATING_ALREADY_ANSWERED, "id")
        dossier = await Dossier.get(id=rating.dossier_id)  # type: ignore[attr-defined]
        await notify_now(
            ReminderKind.RATING_ANSWERED,
            f"rating:{rating.id}",
            now,
            citizen_id=rating.citizen_id,  # type: ignore[attr-defined]
            params={"dossierCode": dossier.code},
        )
    await rating.refresh_from_db()
    return rating
