"""Citizens rate their dossiers; centre staff read the ratings and managers answer them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

import strawberry
from strawberry import relay

from app.accounts.models import StaffRole
from app.api.acting_for import ON_BEHALF_ERRORS, dossier_acted_on
from app.api.arguments import Input
from app.api.context import Info
from app.api.dossier_reference import NamesDossier
from app.api.enums import described_enum
from app.api.errors import UserError, bad_input, coded_mutation
from app.api.ids import citizen_id, database_id
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen, require_staff_of
from app.delegation.models import GrantAction
from app.dossiers.codes import normalise_dossier_code
from app.errors import DomainError, ErrorCode
from app.insights.sql import Period, day_start
from app.ratings import models, services
from app.ratings.models import RatingLevel

described_enum(
    RatingLevel,
    "RatingLevel",
    "How satisfied the citizen was, the three levels of the national public service portal.",
    {
        RatingLevel.VERY_SATISFIED: "Very satisfied (Rất hài lòng).",
        RatingLevel.SATISFIED: "Satisfied (Hài lòng).",
        RatingLevel.DISSATISFIED: "Dissatisfied (Không hài lòng); the centre's manager should answer.",
    },
)

RATING_RELATIONS = ("dossier", "procedure")


@strawberry.type(description="Scores 1 to 5 per criterion; null when the citizen skipped one.")
class RatingCriteria:
    staff_attitude: int | None = strawberry.field(description="Attitude of the staff.")
    processing_time: int | None = strawberry.field(description="Processing time.")
    clarity: int | None = strawberry.field(description="Clarity of the procedure.")
    facilities: int | None = strawberry.field(description="Facilities of the centre.")


@strawberry.type(description="The centre manager's answer to a rating.")
class RatingResponse:
    text: str = strawberry.field(description="The answer.")
    responded_at: datetime = strawberry.field(description="When it was given.")


@strawberry.type(description="A citizen's rating of one dossier.")
class Rating:
    id: relay.GlobalID = strawberry.field(description="The rating's ID.")
    dossier_code: str = strawberry.field(description="Code of the rated dossier.")
    procedure_code: str = strawberry.field(description="National code of the dossier's procedure.")
    centre_id: relay.GlobalID = strawberry.field(description="The centre that handled the dossier.")
    level: RatingLevel = strawberry.field(description="How satisfied the citizen was.")
    criteria: RatingCriteria = strawberry.field(description="Scores per criterion.")
    comment: str = strawberry.field(description="The citizen's comment (may be empty).")
    created_at: datetime = strawberry.field(description="When the rating was first given.")
    updated_at: datetime = strawberry.field(description="When it was last changed.")
    editable_until: datetime = strawberry.field(description="The citizen may change it until then (7 days).")
    response: RatingResponse | None = strawberry.field(description="The centre's answer, null until given.")
    needs_answer: bool = strawberry.field(description="Dissatisfied and not answered yet: flagged for the manager.")
    acted_by: relay.GlobalID | None = strawberry.field(
        description="The delegate (a Citizen ID) who last rated for the citizen; null when the citizen did."
    )

    @classmethod
    def from_model(cls, rating: models.Rating) -> Rating:
        """Needs `dossier` and `procedure` fetched."""
        return cls(
            id=relay.GlobalID("Rating", str(rating.id)),
            dossier_code=rating.dossier.code,
            procedure_code=rating.procedure.code,
            centre_id=relay.GlobalID("Centre", str(rating.centre_id)),  # type: ignore[attr-defined]
            level=rating.level,
            criteria=RatingCriteria(
                staff_attitude=rating.staff_attitude,
                processing_time=rating.processing_time,
                clarity=rating.clarity,
                facilities=rating.facilities,
            ),
            comment=rating.comment,
            created_at=rating.created_at,
            updated_at=rating.updated_at,
            editable_until=rating.created_at + timedelta(days=services.EDITABLE_DAYS),
            response=(
                RatingResponse(text=rating.response, responded_at=rating.responded_at)
                if rating.responded_at is not None and rating.response is not None
                else None
            ),
            needs_answer=services.needs_answer(rating),
            acted_by=citizen_id(rating.acted_by_id),  # type: ignore[attr-defined]
        )

    @classmethod
    async def load(cls, rating: models.Rating) -> Rating:
        await rating.fetch_related(*RATING_RELATIONS)
        return cls.from_model(rating)


@strawberry.input(description="Scores 1 to 5 per criterion; leave out the ones the citizen skips.")
class RatingCriteriaInput:
    staff_attitude: int | None = strawberry.field(default=None, description="Attitude of the staff, 1 to 5.")
    processing_time: int | None = strawberry.field(default=None, description="Processing time, 1 to 5.")
    clarity: int | None = strawberry.field(default=None, description="Clarity of the procedure, 1 to 5.")
    facilities: int | None = strawberry.field(default=None, description="Facilities of the centre, 1 to 5.")


@strawberry.input(
    description="Rate one's own dossier (or, with a RATE grant, that of the person represented) once its result is "
    "ready, or change the rating within 7 days."
)
class RateDossierInput(NamesDossier):
    level: RatingLevel = strawberry.field(description="How satisfied the citizen was.")
    criteria: RatingCriteriaInput | None = strawberry.field(default=None, description="Scores per criterion.")
    comment: str = strawberry.field(default="", description="Free text, at most 2000 characters.")


@strawberry.input(description="Answer a rating of your centre (managers).")
class RespondToRatingInput:
    id: relay.GlobalID = strawberry.field(description="The rating's ID.")
    response: str = strawberry.field(description="The answer, 1 to 2000 characters; the citizen is notified.")


@strawberry.type(description="Result of `rateDossier` and `respondToRating`.")
class RatingPayload:
    rating: Rating | None = strawberry.field(default=None, description="The rating after the change.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


def _scores(criteria: RatingCriteriaInput | None) -> services.CriterionScores:
    if criteria is None:
        return services.CriterionScores()
    return services.CriterionScores(
        staff_attitude=criteria.staff_attitude,
        processing_time=criteria.processing_time,
        clarity=criteria.clarity,
        facilities=criteria.facilities,
    )


@strawberry.type
class RatingsQuery:
    @strawberry.field(description="Your rating of one of your dossiers, with the centre's answer; null if none.")
    async def dossier_rating(
        self, info: Info, code: Annotated[str, strawberry.argument(description="Dossier code.")]
    ) -> Rating | None:
        viewer = require_citizen(info)
        normalised = normalise_dossier_code(code)
        rating = (
            await models.Rating.get_or_none(dossier__code=normalised, citizen_id=viewer.id).select_related(
                *RATING_RELATIONS
            )
            if normalised
            else None
        )
        return Rating.from_model(rating) if rating else None

    @strawberry.field(description="Ratings of a centre's dossiers, newest first (its staff only).")
    async def centre_ratings(
        self,
        info: Info,
        centre_id: Annotated[relay.GlobalID, strawberry.argument(description="The centre.")],
        level: Annotated[RatingLevel | None, strawberry.argument(description="Only this level.")] = None,
        from_: Annotated[
            date | None, strawberry.argument(name="from", description="Given on or after this local date.")
        ] = None,
        to: Annotated[date | None, strawberry.argument(description="Given on or before this local date.")] = None,
        needs_answer: Annotated[
            bool | None, strawberry.argument(description="Only dissatisfied ratings waiting for an answer.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Rating]:
        centre = database_id(centre_id, "Centre")
        require_staff_of(info, centre)
        queryset = models.Rating.filter(centre_id=centre)
        if level is not None:
            queryset = queryset.filter(level=level)
        if from_ is not None and to is not None:
            try:
                Period.of(from_, to, today=to)  # reversed or too long is bad input; a side not given stays open
            except DomainError as error:
                raise bad_input(error.message(info.context.locale)) from error
        if from_ is not None:
            queryset = queryset.filter(created_at__gte=day_start(from_))
        if to is not None:
            queryset = queryset.filter(created_at__lt=day_start(to + timedelta(days=1)))
        if needs_answer:
            queryset = queryset.filter(level=RatingLevel.DISSATISFIED, responded_at__isnull=True)
        ordered = queryset.order_by("-created_at", "-id").select_related(*RATING_RELATIONS)
        return await paginate_queryset(info, ordered, first, after, Rating.from_model)


@strawberry.type
class RatingsMutation:
    @coded_mutation(
        RatingPayload,
        description="Rate your dossier once its result is ready; change it within 7 days. A delegate with RATE rates "
        "for the person represented: the rating records them, the person is told.",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.RATING_NOT_OPEN,
            ErrorCode.RATING_LOCKED,
            ErrorCode.INVALID_SCORE,
            ErrorCode.INVALID_NOTE,
            *ON_BEHALF_ERRORS,
        ],
    )
    async def rate_dossier(self, info: Info, input: Input[RateDossierInput]) -> RatingPayload:
        dossier, acting = await dossier_acted_on(info, input.named_code(), GrantAction.RATE)
        rating = await services.rate_dossier(
            acting.owner_id,
            dossier.code,
            input.level,
            _scores(input.criteria),
            input.comment,
            info.context.services.clock(),
            acting.acted_by,
        )
        await acting.record(info, GrantAction.RATE, dossier=dossier)
        return RatingPayload(rating=await Rating.load(rating))

    @coded_mutation(
        RatingPayload,
        description="Answer a rating of your centre once (managers); the citizen is notified.",
        errors=[ErrorCode.RATING_NOT_FOUND, ErrorCode.RATING_ALREADY_ANSWERED, ErrorCode.INVALID_RESPONSE],
    )
    async def respond_to_rating(self, info: Info, input: Input[RespondToRatingInput]) -> RatingPayload:
        rating = await models.Rating.get_or_none(id=database_id(input.id, "Rating"))
        if rating is None:
            raise DomainError(ErrorCode.RATING_NOT_FOUND, "id")
        viewer = require_staff_of(info, rating.centre_id, StaffRole.MANAGER, StaffRole.ADMIN)  # type: ignore[attr-defined]
        rating = await services.answer_rating(rating, viewer.id, input.response, info.context.services.clock())
        return RatingPayload(rating=await Rating.load(rating))
