"""Service quality, bottlenecks, demand forecast and next-procedure suggestions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from app.accounts.models import StaffRole
from app.api.catalogue import Centre, Procedure
from app.api.context import Info
from app.api.enums import described_enum
from app.api.errors import UserError, bad_input, returns_user_errors
from app.api.ids import database_id
from app.api.permissions import require_citizen, require_staff, require_staff_of
from app.catalogue import models as catalogue
from app.catalogue.models import localised_name
from app.dossiers.models import DossierStatus
from app.errors import DomainError, ErrorCode
from app.insights import bottlenecks, forecast, service_quality, suggestions
from app.insights.bottlenecks import Grouping
from app.insights.forecast import DemandKind
from app.insights.sql import Period, Scope
from app.working_days import is_public_holiday, local_today

MAX_RANKING = 50
MAX_SUGGESTIONS = 20

described_enum(
    Grouping,
    "InsightGrouping",
    "What a bottleneck ranking compares.",
    {Grouping.PROCEDURE: "Procedures.", Grouping.CENTRE: "Centres (handling centre of the dossiers)."},
)
described_enum(
    DemandKind,
    "DemandKind",
    "What a demand forecast counts per day.",
    {
        DemandKind.DOSSIERS: "Dossiers filed at the centre (online or in person).",
        DemandKind.APPOINTMENTS: "Appointments booked at the centre (cancelled ones excluded).",
    },
)

CentreArg = Annotated[
    relay.GlobalID | None,
    strawberry.argument(description="One centre (its staff only); omit for the whole province."),
]
ProcedureArg = Annotated[str | None, strawberry.argument(description="Only this procedure (national code).")]
FromArg = Annotated[
    date | None,
    strawberry.argument(name="from", description="First local date; default 364 days before `to`."),
]
ToArg = Annotated[date | None, strawberry.argument(description="Last local date, included; default today.")]
GroupByArg = Annotated[Grouping, strawberry.argument(description="Compare procedures or centres.")]
LimitArg = Annotated[int, strawberry.argument(description=f"How many, 1 to {MAX_RANKING}.")]


@strawberry.type(description="Average score per criterion of the period's ratings (1 to 5; null without scores).")
class CriteriaAverages:
    staff_attitude: float | None = strawberry.field(description="Attitude of the staff.")
    processing_time: float | None = strawberry.field(description="Processing time.")
    clarity: float | None = strawberry.field(description="Clarity of the procedure.")
    facilities: float | None = strawberry.field(description="Facilities of the centre.")


@strawberry.type(
    description="Service-quality index of a period. Rates are 0 to 1 and null when their population is empty; "
    "see the README for each population."
)
class ServiceQuality:
    from_: date = strawberry.field(name="from", description="First local date.")
    to: date = strawberry.field(description="Last local date, included.")
    dossiers: int = strawberry.field(description="Dossiers submitted in the period.")
    online_submission_rate: float | None = strawberry.field(description="Share of them submitted online.")
    timed_dossiers: int = strawberry.field(
        description="Of them, finished with a result (or stopped) and having a due date: the on-time population."
    )
    on_time_rate: float | None = strawberry.field(description="Finished at or before the due moment.")
    on_time_target: float = strawberry.field(description="The province's target for `onTimeRate` (above 0.995).")
    meets_on_time_target: bool | None = strawberry.field(description="`onTimeRate` is above the target.")
    early_rate: float | None = strawberry.field(description="Finished on a local date before the due date's.")
    overdue_count: int = strawberry.field(description="Finished late, or still open and past due now.")
    fee_dossiers: int = strawberry.field(description="Dossiers with a fee that got their result.")
    cashless_payment_rate: float | None = strawberry.field(description="Of those, paid cashless in the app.")
    average_processing_working_days: float | None = strawberry.field(
        description="Mean working days (weekends and holidays excluded) from receipt to result."
    )
    ratings: int = strawberry.field(description="Ratings given in the period.")
    very_satisfied: int = strawberry.field(description="Ratings VERY_SATISFIED.")
    satisfied: int = strawberry.field(description="Ratings SATISFIED.")
    dissatisfied: int = strawberry.field(description="Ratings DISSATISFIED.")
    satisfaction_index: float | None = strawberry.field(description="(Very satisfied + satisfied) / ratings.")
    satisfaction_target: float = strawberry.field(description="The province's target (above 0.99).")
    meets_satisfaction_target: bool | None = strawberry.field(description="`satisfactionIndex` is above the target.")
    criteria: CriteriaAverages = strawberry.field(description="Average score per criterion.")

    @classmethod
    def of(cls, period: Period, quality: service_quality.ServiceQuality) -> ServiceQuality:
        return cls(
            from_=period.first,
            to=period.last,
            dossiers=quality.dossiers,
            online_submission_rate=quality.online_rate,
            timed_dossiers=quality.timed_dossiers,
            on_time_rate=quality.on_time_rate,
            on_time_target=quality.on_time_target,
            meets_on_time_target=_above(quality.on_time_rate, quality.on_time_target),
            early_rate=quality.early_rate,
            overdue_count=quality.overdue_count,
            fee_dossiers=quality.fee_dossiers,
            cashless_payment_rate=quality.cashless_rate,
            average_processing_working_days=quality.average_working_days,
            ratings=quality.ratings,
            very_satisfied=quality.very_satisfied,
            satisfied=quality.satisfied,
            dissatisfied=quality.dissatisfied,
            satisfaction_index=quality.satisfaction_index,
            satisfaction_target=quality.satisfaction_target,
            meets_satisfaction_target=_above(quality.satisfaction_index, quality.satisfaction_target),
            criteria=CriteriaAverages(**quality.criteria),
        )


def _above(value: float | None, target: float) -> bool | None:
    return None if value is None else value > target


@strawberry.type(description="Result of `serviceQuality`.")
class ServiceQualityPayload:
    quality: ServiceQuality | None = strawberry.field(default=None, description="The figures.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="`PROCEDURE_NOT_FOUND`; a bad period is a top-level `BAD_USER_INPUT`."
    )


@strawberry.type(description="A procedure or centre and its overdue rate.")
class OverdueRank:
    rank: int = strawberry.field(description="1 for the worst; ties share a rank.")
    procedure: Procedure | None = strawberry.field(description="The procedure (PROCEDURE rankings).")
    centre: Centre | None = strawberry.field(description="The centre (CENTRE rankings).")
    dossiers: int = strawberry.field(description="Dossiers with a due date.")
    overdue: int = strawberry.field(description="Of them, finished late or open past due.")
    overdue_rate: float = strawberry.field(description="overdue / dossiers.")


@strawberry.type(description="Mean time a procedure's or centre's dossiers spent in one status.")
class StatusDwell:
    rank: int = strawberry.field(description="1 for the longest; ties share a rank.")
    procedure: Procedure | None = strawberry.field(description="The procedure (PROCEDURE rankings).")
    centre: Centre | None = strawberry.field(description="The centre (CENTRE rankings).")
    status: DossierStatus = strawberry.field(description="The status.")
    spans: int = strawberry.field(description="Times dossiers passed through it.")
    average_hours: float = strawberry.field(description="Mean calendar hours spent in it.")


@strawberry.type(description="How often a procedure was filed and sent back for documents.")
class ProcedureUse:
    procedure: Procedure = strawberry.field(description="The procedure.")
    dossiers: int = strawberry.field(description="Dossiers submitted in the period.")
    supplement_requests: int = strawberry.field(description="Of them, asked at least once for more documents.")
    supplement_rate: float | None = strawberry.field(description="supplementRequests / dossiers.")


async def _groups(info: Info, grouping: Grouping, group_ids: list[int]) -> list[dict]:
    """The procedure or centre of each group, loaded in one batch."""
    loaders = info.context.loaders
    if grouping is Grouping.PROCEDURE:
        procedures = await loaders.procedure_by_id.load_many(group_ids)
        return [{"procedure": Procedure.from_model(p), "centre": None} for p in procedures]
    centres = await loaders.centre_by_id.load_many(group_ids)
    return [{"procedure": None, "centre": Centre.from_model(c)} for c in centres]


def _check_limit(limit: int, maximum: int = MAX_RANKING) -> None:
    if not 1 <= limit <= maximum:
        raise bad_input(f"`limit` must be between 1 and {maximum}.")


@strawberry.type(description="Where dossiers get stuck in a period; each list is computed when asked for.")
class Bottlenecks:
    scope: strawberry.Private[Scope]

    @strawberry.field(description="Procedures or centres by overdue rate, worst first (at least 5 dossiers each).")
    async def by_overdue_rate(self, info: Info, group_by: GroupByArg, limit: LimitArg = 10) -> list[OverdueRank]:
        _check_limit(limit)
        rows = await bottlenecks.overdue_ranking(self.scope, group_by, limit, now=info.context.services.clock())
        groups = await _groups(info, group_by, [row.group_id for row in rows])
        return [
            OverdueRank(
                rank=row.rank, dossiers=row.dossiers, overdue=row.overdue, overdue_rate=row.overdue_rate, **group
            )
            for row, group in zip(rows, groups, strict=True)
        ]

    @strawberry.field(description="(Procedure or centre, status) pairs by mean time in the status, longest first.")
    async def by_time_in_status(self, info: Info, group_by: GroupByArg, limit: LimitArg = 10) -> list[StatusDwell]:
        _check_limit(limit)
        rows = await bottlenecks.status_dwell_ranking(self.scope, group_by, limit)
        groups = await _groups(info, group_by, [row.group_id for row in rows])
        return [
            StatusDwell(rank=row.rank, status=row.status, spans=row.spans, average_hours=row.average_hours, **group)
            for row, group in zip(rows, groups, strict=True)
        ]

    @strawberry.field(description="Procedures filed least in the period (never filed first).")
    async def rarely_used(self, info: Info, limit: LimitArg = 10) -> list[ProcedureUse]:
        return await self._use(info, limit, rarest=True)

    @strawberry.field(description="Procedures most often sent back for documents (at least 5 dossiers each).")
    async def often_sent_back(self, info: Info, limit: LimitArg = 10) -> list[ProcedureUse]:
        return await self._use(info, limit, rarest=False)

    async def _use(self, info: Info, limit: int, rarest: bool) -> list[ProcedureUse]:
        _check_limit(limit)
        rows = await bottlenecks.procedure_use(self.scope, limit, rarest=rarest)
        procedures = await info.context.loaders.procedure_by_id.load_many([row.procedure_id for row in rows])
        return [
            ProcedureUse(
                procedure=Procedure.from_model(procedure),
                dossiers=row.dossiers,
                supplement_requests=row.supplement_requests,
                supplement_rate=row.supplement_rate,
            )
            for row, procedure in zip(rows, procedures, strict=True)
        ]


@strawberry.type(description="Result of `bottlenecks`.")
class BottlenecksPayload:
    bottlenecks: Bottlenecks | None = strawberry.field(default=None, description="The rankings.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="`PROCEDURE_NOT_FOUND`; a bad period is a top-level `BAD_USER_INPUT`."
    )


@strawberry.type(description="Expected count on one local date.")
class DemandDay:
    date: date = strawberry.field(description="The local date.")
    expected: float = strawberry.field(description="Expected count.")
    public_holiday: bool = strawberry.field(description="A Vietnamese public holiday.")


@strawberry.type(description="How the forecast did on the last 28 days, fitted only on what came before them.")
class ForecastBacktest:
    days: int = strawberry.field(description="Days tested.")
    mean_absolute_error: float = strawberry.field(description="The forecast's mean absolute error per day.")
    baseline_mean_absolute_error: float = strawberry.field(
        description="Seasonal-naive baseline's (same weekday of the last observed week)."
    )


@strawberry.type(description="Expected dossiers or appointments per day.")
class DemandSeries:
    kind: DemandKind = strawberry.field(description="What is counted.")
    days: list[DemandDay] = strawberry.field(description="From tomorrow on.")
    weekday_means: list[float] = strawberry.field(description="Expected count per ordinary weekday, Monday first.")
    holiday_factor: float = strawberry.field(description="A public holiday's count relative to its weekday's.")
    backtest: ForecastBacktest = strawberry.field(description="Error against the baseline.")


@strawberry.type(description="Result of `demandForecast`.")
class DemandForecastPayload:
    series: list[DemandSeries] = strawberry.field(default_factory=list, description="Dossiers, then appointments.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Always empty: an out-of-range argument is a top-level `BAD_USER_INPUT` (README, Errors).",
        deprecation_reason="Bad arguments come as a top-level `BAD_USER_INPUT` with `extensions.reason`.",
    )


@strawberry.type(description="A procedure the citizen may need next.")
class SuggestedProcedure:
    procedure: Procedure = strawberry.field(description="The suggested procedure.")
    after: Procedure = strawberry.field(description="The procedure in your history it usually follows.")
    share: float = strawberry.field(description="Share (0 to 1) of people who did `after` and then this one.")
    reason: str = strawberry.field(description="A short reason, in your language.")


async def _scope(info: Info, centre_id: relay.GlobalID | None, procedure_code: str | None, from_, to) -> Scope:
    """The scope asked for; a centre's only for its staff. PROCEDURE_NOT_FOUND as a user error, a bad period as
    BAD_USER_INPUT."""
    centre = database_id(centre_id, "Centre") if centre_id is not None else None
    if centre is not None:
        require_staff_of(info, centre)
    procedure = None
    if procedure_code is not None:
        found = await catalogue.Procedure.get_or_none(code=procedure_code.strip()).only("id")
        if found is None:
            raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedure_code")
        procedure = found.id
    return Scope(Period.of(from_, to, local_today(info.context.services.clock())), centre, procedure)


@strawberry.type
class InsightsQuery:
    @strawberry.field(
        description="Satisfaction, on-time, early, overdue, online, cashless and processing-time figures with the "
        "province's targets. Public for the province; a centre's figures for its staff only."
    )
    @returns_user_errors(ServiceQualityPayload)
    async def service_quality(
        self,
        info: Info,
        centre_id: CentreArg = None,
        procedure_code: ProcedureArg = None,
        from_: FromArg = None,
        to: ToArg = None,
    ) -> ServiceQualityPayload:
        scope = await _scope(info, centre_id, procedure_code, from_, to)
        return ServiceQualityPayload(
            quality=ServiceQuality.of(
                scope.period, await service_quality.service_quality(scope, info.context.services.clock())
            )
        )

    @strawberry.field(description="Bottleneck rankings: a centre's for its staff, the province's for admins.")
    @returns_user_errors(BottlenecksPayload)
    async def bottlenecks(
        self,
        info: Info,
        centre_id: CentreArg = None,
        procedure_code: ProcedureArg = None,
        from_: FromArg = None,
        to: ToArg = None,
    ) -> BottlenecksPayload:
        if centre_id is None:
            require_staff(info, StaffRole.ADMIN)
        return BottlenecksPayload(
            bottlenecks=Bottlenecks(scope=await _scope(info, centre_id, procedure_code, from_, to))
        )

    @strawberry.field(description="Expected dossiers and appointments per day at your centre, with a backtest.")
    @returns_user_errors(DemandForecastPayload)
    async def demand_forecast(
        self,
        info: Info,
        centre_id: Annotated[relay.GlobalID, strawberry.argument(description="The centre (its staff only).")],
        days: Annotated[int, strawberry.argument(description=f"Days ahead, 1 to {forecast.MAX_DAYS}.")] = 14,
    ) -> DemandForecastPayload:
        centre = database_id(centre_id, "Centre")
        require_staff_of(info, centre)
        return DemandForecastPayload(
            series=[
                _series(result)
                for result in await forecast.demand_forecast(centre, days, local_today(info.context.services.clock()))
            ]
        )

    @strawberry.field(description="Procedures that commonly follow the ones in your history, with a short reason.")
    async def suggested_procedures(
        self,
        info: Info,
        limit: Annotated[int, strawberry.argument(description=f"How many, 1 to {MAX_SUGGESTIONS}.")] = 5,
    ) -> list[SuggestedProcedure]:
        viewer = require_citizen(info)
        _check_limit(limit, MAX_SUGGESTIONS)
        found = []
        suggested = await suggestions.suggested_procedures(viewer.id, limit)
        ids = [i for s in suggested for i in (s.procedure_id, s.source_procedure_id)]
        procedures = await info.context.loaders.procedure_by_id.load_many(ids)
        for suggestion, target, source in zip(suggested, procedures[0::2], procedures[1::2], strict=True):
            source_name = localised_name(source.name_vi, source.name_en, info.context.locale)
            found.append(
                SuggestedProcedure(
                    procedure=Procedure.from_model(target),
                    after=Procedure.from_model(source),
                    share=suggestion.share,
                    reason=suggestion.reason(info.context.locale, source_name),
                )
            )
        return found


def _series(result: forecast.Forecast) -> DemandSeries:
    return DemandSeries(
        kind=result.kind,
        days=[DemandDay(date=day, expected=value, public_holiday=is_public_holiday(day)) for day, value in result.days],
        weekday_means=list(result.model.weekday_means),
        holiday_factor=result.model.holiday_factor,
        backtest=ForecastBacktest(
            days=result.backtest.days,
            mean_absolute_error=result.backtest.model_error,
            baseline_mean_absolute_error=result.backtest.baseline_error,
        ),
    )
