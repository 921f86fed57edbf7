"""GraphQL of the nearest-centre search: where can I take this procedure, and how long is the trip."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

import strawberry

from app.accounts.models import Citizen
from app.api.catalogue import Centre
from app.api.context import Info
from app.api.enums import described_enum
from app.api.errors import UserError, bad_input, returns_user_errors
from app.catalogue import models
from app.errors import DomainError, ErrorCode
from geo.nearest import Candidate
from geo.routing import FERRY_FIXED_MINUTES, FERRY_SPEED_KMH, TimeSource, TravelMode

MAX_TRAVEL_MINUTES = 240
MAX_CANDIDATES = 20

described_enum(
    TravelMode,
    "TravelMode",
    "How the citizen travels to the centre.",
    {
        TravelMode.MOTORBIKE: "By motorbike (estimate: 30 km/h).",
        TravelMode.CAR: "By car (estimate: 40 km/h).",
        TravelMode.WALKING: "On foot (estimate: 4.5 km/h).",
    },
)
described_enum(
    TimeSource,
    "TimeSource",
    "Where a travel time comes from.",
    {
        TimeSource.ROUTED: "The routing engine (OSRM) computed it on the road network.",
        TimeSource.ESTIMATED: "Estimated from the straight-line distance (no routing engine, it failed, or a ferry).",
    },
)


@strawberry.input(description="A point on the map, WGS 84.")
class CoordinatesInput:
    latitude: float = strawberry.field(description="Latitude, -90 to 90.")
    longitude: float = strawberry.field(description="Longitude, -180 to 180.")


@strawberry.input(description="Where the citizen starts from: exactly one of `coordinates` and `address`.")
class NearInput:
    coordinates: CoordinatesInput | None = strawberry.field(default=None, description="The phone's position.")
    address: str | None = strawberry.field(
        default=None, description="A typed address, e.g. 'Phường Hạ Long' or 'P. Hạ Long, Quảng Ninh'."
    )


@strawberry.type(description="The starting point as understood.")
class Origin:
    latitude: float = strawberry.field(description="Latitude, WGS 84.")
    longitude: float = strawberry.field(description="Longitude, WGS 84.")
    label: str | None = strawberry.field(description="What the address was matched to; null for coordinates.")


@strawberry.type(description="A centre that can take the procedure, and the trip there.")
class CentreCandidate:
    model: strawberry.Private[models.Centre]
    centre: Centre = strawberry.field(description="The centre.")
    travel_minutes: int = strawberry.field(description="Door-to-door travel time, rounded up to the minute.")
    distance_km: float = strawberry.field(description="Travel distance in km (road, or straight line by boat).")
    time_source: TimeSource = strawberry.field(description="Routed by the engine or estimated.")
    within_limit: bool = strawberry.field(description="The trip fits within `maxTravelMinutes`.")
    via_ferry: bool = strawberry.field(
        description="The trip needs a boat: the centre and the start are not on the same land."
    )
    eligibility: str = strawberry.field(description="Why this centre can take the procedure, in the caller's language.")
    travel_note: str | None = strawberry.field(
        description="How the time was reckoned when it includes a boat; else null."
    )

    @strawberry.field(
        description="The centre's earliest appointment slot with a place left (at least 2 hours ahead, within 30 "
        "days); null when none is free."
    )
    async def next_free_slot(self, info: Info) -> datetime | None:
        return await info.context.loaders.next_free_slot_by_centre.load(self.model)


@strawberry.type(description="Result of `nearestCentres`.")
class NearestCentresPayload:
    origin: Origin | None = strawberry.field(default=None, description="The starting point as understood.")
    candidates: list[CentreCandidate] = strawberry.field(
        default_factory=list,
        description="Fastest first. Centres within the limit if any; otherwise the nearest ones, beyond the limit.",
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="ADDRESS_NOT_FOUND, PROCEDURE_NOT_FOUND or RESIDENCE_REQUIRED."
    )


def _ferry_note(locale: str) -> str:
    fixed, speed = int(FERRY_FIXED_MINUTES), int(FERRY_SPEED_KMH)
    if locale == "en":
        return f"Reached by boat: {fixed} minutes for the pier and waiting, plus the crossing at {speed} km/h."
    return f"Đi bằng tàu thủy: {fixed} phút ra bến và chờ tàu, cộng thời gian đi biển với tốc độ {speed} km/h."


def _candidate(found: Candidate, locale: str) -> CentreCandidate:
    return CentreCandidate(
        model=found.centre,
        centre=Centre.from_model(found.centre),
        travel_minutes=max(1, math.ceil(found.trip.minutes)),
        distance_km=round(found.trip.distance_km, 1),
        time_source=found.trip.source,
        within_limit=found.within_limit,
        via_ferry=found.trip.via_ferry,
        eligibility=found.eligibility.reason(locale),
        travel_note=_ferry_note(locale) if found.trip.via_ferry else None,
    )


def _checked_near(near: NearInput) -> CoordinatesInput | str:
    address = near.address.strip() if near.address is not None else None
    if (near.coordinates is None) == (address is None):
        raise bad_input("`near` needs exactly one of `coordinates` and `address`.")
    if near.coordinates is None:
        if not address:
            raise bad_input("`near.address` is empty.")
        return address
    if not (-90 <= near.coordinates.latitude <= 90 and -180 <= near.coordinates.longitude <= 180):
        raise bad_input("`near.coordinates` is outside -90..90 latitude or -180..180 longitude.")
    return near.coordinates


async def _residence_centre_id(info: Info) -> int | None:
    viewer = info.context.viewer
    if viewer is None or not viewer.is_citizen:
        return None
    return await Citizen.filter(id=viewer.id).first().values_list("residence_centre_id", flat=True)


@strawberry.type
class GeoQuery:
    @strawberry.field(
        description="Centres that can take a procedure for the caller, fastest trip first. Borderless procedures: "
        "any centre. Residence-bound: the centre of the signed-in citizen's registered residence. Provincial: the "
        "provincial centre."
    )
    @returns_user_errors(
        NearestCentresPayload,
        [ErrorCode.PROCEDURE_NOT_FOUND, ErrorCode.ADDRESS_NOT_FOUND, ErrorCode.RESIDENCE_REQUIRED],
        fields={"address": "near.address"},
    )
    async def nearest_centres(
        self,
        info: Info,
        near: Annotated[NearInput, strawberry.argument(description="Coordinates or an address.")],
        procedure_code: Annotated[str, strawberry.argument(description="National procedure code, e.g. 1.001193.")],
        max_travel_minutes: Annotated[
            int, strawberry.argument(description=f"Travel time limit, 1 to {MAX_TRAVEL_MINUTES} minutes.")
        ] = 30,
        mode: Annotated[TravelMode, strawberry.argument(description="How the citizen travels.")] = TravelMode.MOTORBIKE,
        first: Annotated[int, strawberry.argument(description=f"How many centres, 1 to {MAX_CANDIDATES}.")] = 5,
    ) -> NearestCentresPayload:
        start = _checked_near(near)
        if not 1 <= max_travel_minutes <= MAX_TRAVEL_MINUTES:
            raise bad_input(f"`maxTravelMinutes` must be between 1 and {MAX_TRAVEL_MINUTES}.")
        if not 1 <= first <= MAX_CANDIDATES:
            raise bad_input(f"`first` must be between 1 and {MAX_CANDIDATES}.")
        procedure = await models.Procedure.get_or_none(code=procedure_code.strip())
        if procedure is None:
            raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedure_code")
        services = info.context.services
        if isinstance(start, str):
            place = await services.geocoder.locate(start)
            origin = Origin(latitude=place.latitude, longitude=place.longitude, label=place.label)
        else:
            origin = Origin(latitude=start.latitude, longitude=start.longitude, label=None)
        found = await services.nearest_centres.search(
            origin.latitude,
            origin.longitude,
            procedure,
            await _residence_centre_id(info),
            mode,
            max_travel_minutes,
            first,
        )
        locale = info.context.locale
        return NearestCentresPayload(origin=origin, candidates=[_candidate(c, locale) for c in found])
