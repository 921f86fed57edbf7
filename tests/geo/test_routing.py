"""Travel times: the real HTTP OSRM client against a loopback fake, its fallbacks, the estimate and the ferry."""

from __future__ import annotations

import time

import pytest

from geo.geocoding import geodesic_km
from geo.routing import EstimateEngine, OsrmEngine, Site, TimeSource, TravelMode
from tests.fakes.geo_servers import FakeOsrm, serve

HA_LONG = Site(20.9470, 107.1157)
BAI_CHAY = Site(20.9620, 107.0320)
HONG_GAI = Site(20.9541, 107.0783)
CO_TO = Site(20.9900, 107.7560, island="07192")


@pytest.fixture
def osrm():
    fake = FakeOsrm()
    with serve(fake) as url:
        yield fake, url


async def test_one_table_request_in_lon_lat_order_gives_routed_minutes(osrm):
    fake, url = osrm
    trips = await OsrmEngine(url).trips(HA_LONG, [BAI_CHAY, HONG_GAI], TravelMode.CAR)
    assert len(fake.requests) == 1
    profile, points, query = fake.requests[0]
    assert profile == "driving"
    assert points == [(107.1157, 20.947), (107.032, 20.962), (107.0783, 20.9541)]
    assert query == {"sources": "0", "destinations": "1;2", "annotations": "duration,distance"}
    assert [trip.source for trip in trips] == [TimeSource.ROUTED, TimeSource.ROUTED]
    # The fake drives at 60 s per km: minutes equal kilometres.
    assert trips[0].minutes == pytest.approx(trips[0].distance_km, rel=1e-6)
    assert 8 < trips[0].distance_km < 10 and trips[1].distance_km < trips[0].distance_km


async def test_walking_asks_the_walking_profile(osrm):
    fake, url = osrm
    await OsrmEngine(url).trips(HA_LONG, [BAI_CHAY], TravelMode.WALKING)
    assert fake.requests[0][0] == "walking"


@pytest.mark.parametrize("behaviour", ["error", "malformed", "null"])
async def test_a_failing_engine_falls_back_to_the_estimate(osrm, behaviour):
    fake, url = osrm
    fake.behaviour = behaviour
    trips = await OsrmEngine(url).trips(HA_LONG, [BAI_CHAY, HONG_GAI], TravelMode.MOTORBIKE)
    assert trips == await EstimateEngine().trips(HA_LONG, [BAI_CHAY, HONG_GAI], TravelMode.MOTORBIKE)
    assert all(trip.source is TimeSource.ESTIMATED for trip in trips)
    assert len(fake.requests) == 1


async def test_a_slow_engine_times_out_and_falls_back(osrm):
    fake, url = osrm
    fake.behaviour, fake.delay = "slow", 2.0
    started = time.monotonic()
    trips = await OsrmEngine(url, timeout_seconds=0.3).trips(HA_LONG, [BAI_CHAY], TravelMode.CAR)
    assert time.monotonic() - started < 1.5
    assert trips[0].source is TimeSource.ESTIMATED


async def test_an_unreachable_engine_falls_back():
    trips = await OsrmEngine("http://127.0.0.1:9", timeout_seconds=0.5).trips(HA_LONG, [BAI_CHAY], TravelMode.CAR)
    assert trips[0].source is TimeSource.ESTIMATED


def test_the_estimate_uses_the_circuity_factor_and_the_speed_of_each_mode():
    straight = geodesic_km((HA_LONG.latitude, HA_LONG.longitude), (BAI_CHAY.latitude, BAI_CHAY.longitude))
    motorbike = EstimateEngine.trip(HA_LONG, BAI_CHAY, TravelMode.MOTORBIKE)
    assert motorbike.distance_km == pytest.approx(straight * 1.3)
    assert motorbike.minutes == pytest.approx(straight * 1.3 / 30 * 60)
    assert EstimateEngine.trip(HA_LONG, BAI_CHAY, TravelMode.CAR).minutes == pytest.approx(straight * 1.3 / 40 * 60)
    assert EstimateEngine.trip(HA_LONG, BAI_CHAY, TravelMode.WALKING).minutes == pytest.approx(
        straight * 1.3 / 4.5 * 60
    )
    assert not motorbike.via_ferry


async def test_an_island_is_reached_by_ferry_and_never_routed_by_road(osrm):
    fake, url = osrm
    trips = await OsrmEngine(url).trips(HA_LONG, [CO_TO, BAI_CHAY], TravelMode.CAR)
    ferry, road = trips
    assert ferry.via_ferry and ferry.source is TimeSource.ESTIMATED
    straight = geodesic_km((HA_LONG.latitude, HA_LONG.longitude), (CO_TO.latitude, CO_TO.longitude))
    assert ferry.minutes == pytest.approx(60 + straight / 25 * 60)
    assert road.source is TimeSource.ROUTED and not road.via_ferry
    assert len(fake.requests[0][1]) == 2  # the origin and Bãi Cháy: Cô Tô was not asked


def test_the_island_itself_needs_no_ferry_but_leaving_it_does():
    on_co_to = Site(20.98, 107.75, island="07192")
    assert not EstimateEngine.trip(on_co_to, CO_TO, TravelMode.MOTORBIKE).via_ferry
    assert EstimateEngine.trip(on_co_to, HA_LONG, TravelMode.MOTORBIKE).via_ferry
    assert EstimateEngine.trip(on_co_to, Site(21.15, 107.47, island="06994"), TravelMode.MOTORBIKE).via_ferry
