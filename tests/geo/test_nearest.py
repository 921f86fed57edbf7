"""The nearest-centre search on the real centres: eligibility, ranking, islands, the limit and the prefilter."""

from __future__ import annotations

import pytest

from app.catalogue.models import Centre, Procedure
from app.errors import DomainError, ErrorCode
from geo.nearest import NearestCentres
from geo.routing import EstimateEngine, OsrmEngine, TimeSource, TravelMode
from tests.dossier_data import BAI_CHAY, BORDERLESS_5_DAYS, RESIDENCE_BOUND
from tests.fakes.geo_servers import FakeOsrm, serve

HA_LONG_POINT = (20.9470, 107.1157)
CO_TO_POINT = (20.985, 107.75)
PROVINCIAL = "1.000302"  # a provincial, not borderless, procedure of the demo catalogue
PROVINCIAL_CENTRE = "QN-TTPVHCC-TINH"
VAN_DON = "06994"


async def search(point, code, residence=None, engine=None, mode=TravelMode.MOTORBIKE, minutes=30, first=5):
    procedure = await Procedure.get(code=code)
    finder = NearestCentres(engine or EstimateEngine())
    return await finder.search(*point, procedure, residence, mode, minutes, first)


async def test_borderless_any_centre_fastest_first_within_the_limit(catalogue):
    found = await search(HA_LONG_POINT, BORDERLESS_5_DAYS)
    assert len(found) == 5
    assert found[0].centre.code == "06688"  # Phường Hạ Long itself
    minutes = [candidate.trip.minutes for candidate in found]
    assert minutes == sorted(minutes) and all(m <= 30 for m in minutes)
    assert all(candidate.within_limit for candidate in found)
    assert found[0].eligibility.reason("en") == "Borderless procedure: any centre can take it."


async def test_residence_bound_only_the_residence_centre_even_beyond_the_limit(catalogue):
    mong_cai = await Centre.get(code="06712")
    found = await search(HA_LONG_POINT, RESIDENCE_BOUND, residence=mong_cai.id)
    assert [candidate.centre.code for candidate in found] == ["06712"]
    assert not found[0].within_limit and found[0].trip.minutes > 120
    assert found[0].eligibility.reason("en") == "Filed at the centre of your registered residence."


async def test_residence_bound_without_a_residence_needs_one(catalogue):
    with pytest.raises(DomainError) as refused:
        await search(HA_LONG_POINT, RESIDENCE_BOUND)
    assert refused.value.code is ErrorCode.RESIDENCE_REQUIRED


async def test_provincial_only_the_provincial_centre(catalogue):
    procedure = await Procedure.get(code=PROVINCIAL)
    assert procedure.level == "provincial" and not procedure.borderless
    bai_chay = await Centre.get(code=BAI_CHAY)
    found = await search(HA_LONG_POINT, PROVINCIAL, residence=bai_chay.id)
    assert [candidate.centre.code for candidate in found] == [PROVINCIAL_CENTRE]
    assert found[0].eligibility.reason("en") == "Provincial procedure: processed by the provincial centre."


async def test_on_co_to_the_island_centre_is_near_and_the_mainland_is_a_boat_away(catalogue):
    found = await search(CO_TO_POINT, BORDERLESS_5_DAYS, minutes=30, first=3)
    assert [candidate.centre.code for candidate in found] == ["07192"]
    assert not found[0].trip.via_ferry and found[0].within_limit
    beyond = await search(CO_TO_POINT, BORDERLESS_5_DAYS, minutes=1, first=3)
    assert beyond[0].centre.code == "07192" and not beyond[0].within_limit
    assert all(candidate.trip.via_ferry and candidate.trip.minutes > 60 for candidate in beyond[1:])


async def test_from_the_mainland_van_don_is_a_ferry_trip_even_with_a_routing_engine(catalogue):
    van_don = await Centre.get(code=VAN_DON)
    fake = FakeOsrm()
    with serve(fake) as url:
        found = await search(HA_LONG_POINT, RESIDENCE_BOUND, residence=van_don.id, engine=OsrmEngine(url))
    assert [candidate.centre.code for candidate in found] == [VAN_DON]
    assert found[0].trip.via_ferry and found[0].trip.source is TimeSource.ESTIMATED
    assert fake.requests == []


async def test_nothing_within_the_limit_still_returns_the_nearest_flagged_beyond(catalogue):
    between_centres = (20.925, 107.095)  # about 3 km from the nearest centre
    found = await search(between_centres, BORDERLESS_5_DAYS, mode=TravelMode.WALKING, minutes=5, first=3)
    assert len(found) == 3 and not any(candidate.within_limit for candidate in found)
    minutes = [candidate.trip.minutes for candidate in found]
    assert minutes == sorted(minutes) and minutes[0] > 5


async def test_the_engine_is_asked_about_a_handful_of_centres_only(catalogue):
    fake = FakeOsrm()
    with serve(fake) as url:
        found = await search(HA_LONG_POINT, BORDERLESS_5_DAYS, engine=OsrmEngine(url), mode=TravelMode.CAR, first=3)
    assert len(fake.requests) == 1
    _, points, _ = fake.requests[0]
    assert 1 + 3 <= len(points) <= 1 + 6  # the origin and at most two candidates per wanted result, of 55 centres
    assert all(candidate.trip.source is TimeSource.ROUTED for candidate in found)
