"""Insights through the API: public province figures, a centre's only for its staff, coded bad input."""

from __future__ import annotations

import pytest
from strawberry import relay

from app.accounts.models import StaffRole
from tests.dossier_data import BAI_CHAY, HA_LONG
from tests.insights.dataset import build_dataset

QUALITY = """query($c: ID, $p: String, $from: Date, $to: Date) {
  serviceQuality(centreId: $c, procedureCode: $p, from: $from, to: $to) {
    quality { from to dossiers onTimeRate onTimeTarget meetsOnTimeTarget satisfactionIndex satisfactionTarget
      meetsSatisfactionTarget cashlessPaymentRate averageProcessingWorkingDays criteria { staffAttitude } }
    errors { code field message } } }"""
BOTTLENECKS = """query($c: ID, $from: Date, $to: Date) { bottlenecks(centreId: $c, from: $from, to: $to) {
  bottlenecks { byOverdueRate(groupBy: PROCEDURE) { rank procedure { code } dossiers overdue overdueRate }
    rarelyUsed(limit: 2) { dossiers } }
  errors { code field message } } }"""
FORECAST = """query($c: ID!, $days: Int) { demandForecast(centreId: $c, days: $days) {
  series { kind days { date expected publicHoliday } weekdayMeans holidayFactor
    backtest { days meanAbsoluteError baselineMeanAbsoluteError } }
  } }"""
SUGGESTED = "{ suggestedProcedures { procedure { code } reason } }"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


def centre(model) -> str:
    return str(relay.GlobalID("Centre", str(model.id)))


async def test_province_figures_are_public(gql, cast):
    await build_dataset(cast.citizen.id)
    result = (await gql(QUALITY, OCTOBER))["data"]["serviceQuality"]
    assert result["errors"] == []
    quality = result["quality"]
    assert (quality["from"], quality["to"], quality["dossiers"]) == ("2026-10-01", "2026-10-31", 12)
    assert quality["onTimeRate"] == pytest.approx(4 / 6) and quality["meetsOnTimeTarget"] is False
    assert quality["satisfactionIndex"] == pytest.approx(3 / 5) and quality["meetsSatisfactionTarget"] is False
    assert (quality["onTimeTarget"], quality["satisfactionTarget"]) == (0.995, 0.99)
    assert quality["averageProcessingWorkingDays"] == pytest.approx(4.3)


async def test_a_centres_figures_for_its_staff_only(gql, cast, sign_in_staff):
    data = await build_dataset(cast.citizen.id)
    variables = {**OCTOBER, "c": centre(data.ha_long)}
    anonymous = await gql(QUALITY, variables)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    other = (await sign_in_staff("staff@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    assert (await gql(QUALITY, variables, other))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    own = (await sign_in_staff("staff@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    quality = (await gql(QUALITY, variables, own))["data"]["serviceQuality"]["quality"]
    assert quality["dossiers"] == 11 and quality["cashlessPaymentRate"] == pytest.approx(2 / 3)
    assert quality["criteria"] == {"staffAttitude": 4.0}


@pytest.mark.parametrize(
    "variables", [{"from": "2026-11-01", "to": "2026-10-01"}, {"from": "2020-01-01", "to": "2026-10-01"}]
)
async def test_a_bad_period_is_a_top_level_bad_user_input_naming_the_argument(gql, cast, variables):
    result = await gql(QUALITY, variables, locale="en")
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "from", "reason": "INVALID_PERIOD"}
    assert error["message"].startswith("Invalid period")


async def test_an_unknown_procedure_is_a_user_error_naming_the_argument(gql, cast):
    result = (await gql(QUALITY, {"p": "0.000000"}, locale="en"))["data"]["serviceQuality"]
    assert result["quality"] is None
    assert (result["errors"][0]["code"], result["errors"][0]["field"]) == ("PROCEDURE_NOT_FOUND", "procedureCode")
    assert result["errors"][0]["message"]


async def test_bottlenecks_for_centre_staff_and_province_admins(gql, cast, sign_in_staff):
    data = await build_dataset(cast.citizen.id)
    own = (await sign_in_staff("staff@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    assert (await gql(BOTTLENECKS, OCTOBER, own))["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # province
    mine = (await gql(BOTTLENECKS, {**OCTOBER, "c": centre(data.ha_long)}, own))["data"]["bottlenecks"]["bottlenecks"]
    # At A: P has 8 dossiers with a due date (1-8), 3 overdue (3, 6, 8); Q has one, under the minimum of 5.
    assert mine["byOverdueRate"] == [
        {"rank": 1, "procedure": {"code": data.marriage.code}, "dossiers": 8, "overdue": 3, "overdueRate": 3 / 8}
    ]
    assert mine["rarelyUsed"] == [{"dossiers": 0}, {"dossiers": 0}]
    admin = (await sign_in_staff("admin@qn.vn", StaffRole.ADMIN))["accessToken"]
    province = (await gql(BOTTLENECKS, OCTOBER, admin))["data"]["bottlenecks"]["bottlenecks"]
    assert province["byOverdueRate"][0]["dossiers"] == 9 and province["byOverdueRate"][0]["overdue"] == 4


async def test_forecast_for_centre_staff(gql, cast, sign_in_staff):
    own = (await sign_in_staff("staff@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    result = (await gql(FORECAST, {"c": centre(cast.ha_long), "days": 7}, own))["data"]["demandForecast"]
    assert [series["kind"] for series in result["series"]] == ["DOSSIERS", "APPOINTMENTS"]
    assert len(result["series"][0]["days"]) == 7 and len(result["series"][0]["weekdayMeans"]) == 7
    assert result["series"][0]["backtest"]["days"] == 28
    too_far = (await gql(FORECAST, {"c": centre(cast.ha_long), "days": 60}, own, locale="en"))["errors"][0]
    assert too_far["extensions"] == {"code": "BAD_USER_INPUT", "argument": "days", "reason": "INVALID_FORECAST_DAYS"}
    other = (await sign_in_staff("staff@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    assert (await gql(FORECAST, {"c": centre(cast.ha_long)}, other))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_suggestions_need_a_citizen(gql, cast, sign_in_citizen):
    assert (await gql(SUGGESTED))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    assert (await gql(SUGGESTED, token=token))["data"]["suggestedProcedures"] == []
