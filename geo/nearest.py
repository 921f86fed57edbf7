"""The nearest-centre search: which eligible centres can be reached, how fast, nearest first.

The engine is asked about a handful of centres only: a bounding-box query (reading a few columns, building no
models) and a haversine ranking find the eligible centres within the straight-line reach of the time limit (at most
CANDIDATES_PER_RESULT per wanted result), or else the nearest eligible ones; the box doubles until it holds enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.catalogue.eligibility import Eligibility, check_eligibility, provincial_centre_id
from app.catalogue.models import Centre, CentreKind, Procedure
from app.errors import DomainError, ErrorCode
from geo.routing import SPEED_KMH, Site, TravelMode, TravelTimeEngine, Trip

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = 111.32
MAX_RADIUS_KM = 500.0  # wider than the province: the search has looked everywhere
CANDIDATES_PER_RESULT = 2
START_RADIUS_KM = 5.0  # the first box; dense areas stop there, sparse ones double it


@dataclass(frozen=True)
class Candidate:
    """An eligible centre and the trip there."""

    centre: Centre
    trip: Trip
    within_limit: bool
    eligibility: Eligibility


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere: fast, and close enough to rank candidates."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def reach_km(max_minutes: int, mode: TravelMode) -> float:
    """The straight-line distance a trip of `max_minutes` could cover at the mode's speed (roads only add)."""
    return SPEED_KMH[mode] * max_minutes / 60


@dataclass(frozen=True)
class _Row:
    """What the prefilter reads of a centre: no model is built for the centres it passes over."""

    distance_km: float
    id: int
    code: str
    kind: CentreKind
    is_island: bool
    latitude: float
    longitude: float

    @property
    def site(self) -> Site:
        return Site(self.latitude, self.longitude, self.code if self.is_island else None)


async def centres_around(latitude: float, longitude: float, radius_km: float) -> list[_Row]:
    """Every centre in the box of `radius_km` around the point, nearest first."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    rows = await Centre.filter(
        latitude__gte=latitude - dlat,
        latitude__lte=latitude + dlat,
        longitude__gte=longitude - dlon,
        longitude__lte=longitude + dlon,
    ).values_list("id", "code", "kind", "is_island", "latitude", "longitude")
    ranked = [
        _Row(haversine_km(latitude, longitude, lat, lon), pk, code, CentreKind(kind), bool(island), lat, lon)
        for pk, code, kind, island, lat, lon in rows
    ]
    ranked.sort(key=lambda row: row.distance_km)
    return ranked


async def _nearest_eligible(
    latitude: float, longitude: float, procedure: Procedure, residence_centre_id: int | None, reach: float, first: int
) -> tuple[list[_Row], list[tuple[_Row, Eligibility]]]:
    """All centres of the final box, nearest first, and its nearest eligible ones (at most CANDIDATES_PER_RESULT
    per wanted result) with their verdicts: the box doubles until its inscribed circle holds enough of them."""
    provincial_id = await provincial_centre_id()
    wanted = first * CANDIDATES_PER_RESULT
    radius = min(reach, START_RADIUS_KM)
    while True:
        ranked = await centres_around(latitude, longitude, radius)
        eligible: list[tuple[_Row, Eligibility]] = []
        for row in ranked:
            # The rule reads the centre's id and kind only: a partial, unsaved Centre carries them.
            partial = Centre(id=row.id, kind=row.kind)
            verdict = check_eligibility(procedure, partial, residence_centre_id, provincial_id)  # type: ignore[arg-type]
            if verdict.eligible:
                eligible.append((row, verdict))
                if len(eligible) == wanted:
                    break
        in_circle = sum(1 for row, _ in eligible if row.distance_km <= radius)
        if in_circle >= wanted or (in_circle >= first and radius >= reach) or radius >= MAX_RADIUS_KM:
            return ranked, eligible
        radius *= 2


class NearestCentres:
    """Finds the eligible centres nearest in travel time to a point."""

    def __init__(self, engine: TravelTimeEngine) -> None:
        self._engine = engine

    async def search(
        self,
        latitude: float,
        longitude: float,
        procedure: Procedure,
        residence_centre_id: int | None,
        mode: TravelMode,
        max_minutes: int,
        first: int,
    ) -> list[Candidate]:
        """Up to `first` eligible centres within `max_minutes`, fastest first; when none is, the nearest ones anyway.

        RESIDENCE_REQUIRED when no centre at all may take the procedure for this caller.
        """
        reach = reach_km(max_minutes, mode)
        ranked, eligible = await _nearest_eligible(latitude, longitude, procedure, residence_centre_id, reach, first)
        if not eligible:
            raise DomainError(ErrorCode.RESIDENCE_REQUIRED, "procedure_code")
        within_reach = sum(1 for row, _ in eligible if row.distance_km <= reach)
        asked = eligible[: max(first, within_reach)]
        origin = Site(latitude, longitude, ranked[0].site.island)
        trips = await self._engine.trips(origin, [row.site for row, _ in asked], mode)
        centres = {centre.id: centre for centre in await Centre.filter(id__in=[row.id for row, _ in asked])}
        found = sorted(
            (
                Candidate(centres[row.id], trip, trip.minutes <= max_minutes, verdict)
                for (row, verdict), trip in zip(asked, trips, strict=True)
            ),
            key=lambda candidate: candidate.trip.minutes,
        )
        within = [candidate for candidate in found if candidate.within_limit]
        return (within or found)[:first]
