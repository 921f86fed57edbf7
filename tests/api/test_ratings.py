"""Ratings through the API: the citizen rates, the centre's manager answers, the citizen sees it; others are refused."""

from __future__ import annotations

from datetime import datetime

from strawberry import relay

from app.accounts.models import StaffRole
from app.dossiers.models import Dossier, DossierStatus
from app.ratings.models import Rating, RatingLevel
from app.working_days import LOCAL_TZ
from notifications.models import Reminder, ReminderKind
from tests.dossier_data import APPLICANT, BAI_CHAY, BORDERLESS_5_DAYS, HA_LONG

RATE = """mutation($input: RateDossierInput!) { rateDossier(input: $input) {
  rating { id level needsAnswer comment criteria { staffAttitude clarity } editableUntil createdAt }
  errors { code field message } } }"""
MINE = """query($code: String!) { dossierRating(code: $code) { level response { text respondedAt } needsAnswer } }"""
LIST = """query($c: ID!, $n: Boolean, $level: RatingLevel) {
  centreRatings(centreId: $c, needsAnswer: $n, level: $level) {
    totalCount edges { node { id dossierCode level needsAnswer } } } }"""
PERIOD = """query($c: ID!, $from: Date, $to: Date) {
  centreRatings(centreId: $c, from: $from, to: $to) { totalCount edges { node { comment } } } }"""
RESPOND = """mutation($input: RespondToRatingInput!) { respondToRating(input: $input) {
  rating { needsAnswer response { text } } errors { code field message } } }"""


def gid(kind: str, pk: int) -> str:
    return str(relay.GlobalID(kind, str(pk)))


async def test_rate_answer_and_read_the_answer(gql, cast, dossier, sign_in_citizen, sign_in_staff):
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    rate = {"code": dossier.code, "level": "DISSATISFIED", "criteria": {"staffAttitude": 2}, "comment": "Chờ lâu"}

    early = await gql(RATE, {"input": rate}, citizen, locale="en")
    assert early["data"]["rateDossier"]["errors"] == [
        {
            "code": "RATING_NOT_OPEN",
            "field": "code",
            "message": "A dossier can be rated once its result is ready or returned.",
        }
    ]

    await Dossier.filter(id=dossier.id).update(status=DossierStatus.RETURNED)
    rated = (await gql(RATE, {"input": rate}, citizen))["data"]["rateDossier"]
    assert rated["errors"] == [] and rated["rating"]["needsAnswer"] is True
    assert rated["rating"]["criteria"] == {"staffAttitude": 2, "clarity": None}
    rating_id = rated["rating"]["id"]

    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    flagged = (await gql(LIST, {"c": gid("Centre", cast.ha_long.id), "n": True}, officer))["data"]["centreRatings"]
    assert flagged["totalCount"] == 1 and flagged["edges"][0]["node"]["dossierCode"] == dossier.code
    officer_answer = await gql(RESPOND, {"input": {"id": rating_id, "response": "Xin lỗi"}}, officer)
    assert officer_answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # managers answer

    manager = (await sign_in_staff("manager@halong.vn", StaffRole.MANAGER, HA_LONG))["accessToken"]
    answered = await gql(RESPOND, {"input": {"id": rating_id, "response": "Xin lỗi, đã khắc phục."}}, manager)
    assert answered["data"]["respondToRating"] == {
        "rating": {"needsAnswer": False, "response": {"text": "Xin lỗi, đã khắc phục."}},
        "errors": [],
    }
    reminder = await Reminder.get(kind=ReminderKind.RATING_ANSWERED)
    assert reminder.subject == f"rating:{relay.GlobalID.from_id(rating_id).node_id}"
    assert reminder.citizen_id == cast.citizen.id and reminder.params == {"dossierCode": dossier.code}

    again = (await gql(RESPOND, {"input": {"id": rating_id, "response": "Lần nữa"}}, manager))["data"]
    assert again["respondToRating"]["errors"][0]["code"] == "RATING_ALREADY_ANSWERED"

    seen = (await gql(MINE, {"code": dossier.code}, citizen))["data"]["dossierRating"]
    assert seen["response"]["text"] == "Xin lỗi, đã khắc phục." and seen["needsAnswer"] is False
    still = (await gql(LIST, {"c": gid("Centre", cast.ha_long.id), "n": True}, officer))["data"]["centreRatings"]
    assert still["totalCount"] == 0


async def test_staff_of_another_centre_are_refused(gql, cast, dossier, sign_in_citizen, sign_in_staff):
    await Dossier.filter(id=dossier.id).update(status=DossierStatus.RESULT_READY)
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    rated = await gql(RATE, {"input": {"code": dossier.code, "level": "DISSATISFIED"}}, citizen)
    rating_id = rated["data"]["rateDossier"]["rating"]["id"]

    other = (await sign_in_staff("manager@baichay.vn", StaffRole.MANAGER, BAI_CHAY))["accessToken"]
    listing = await gql(LIST, {"c": gid("Centre", cast.ha_long.id)}, other)
    assert listing["data"] is None and listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    answer = await gql(RESPOND, {"input": {"id": rating_id, "response": "Không phải của tôi"}}, other)
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await Reminder.all().count() == 0

    own = (await gql(LIST, {"c": gid("Centre", cast.bai_chay.id)}, other))["data"]["centreRatings"]
    assert own["totalCount"] == 0


async def test_citizens_cannot_read_centre_ratings_nor_rate_others_dossiers(gql, cast, dossier, sign_in_citizen):
    await Dossier.filter(id=dossier.id).update(status=DossierStatus.RESULT_READY)
    stranger = (await sign_in_citizen("+84912000777"))["accessToken"]
    rated = (await gql(RATE, {"input": {"code": dossier.code, "level": "SATISFIED"}}, stranger))["data"]
    assert rated["rateDossier"]["errors"][0]["code"] == "DOSSIER_NOT_FOUND"
    listing = await gql(LIST, {"c": gid("Centre", cast.ha_long.id)}, stranger)
    assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await gql(RATE, {"input": {"code": dossier.code, "level": "SATISFIED", "criteria": {"clarity": 9}}}, stranger)
    assert bad["data"]["rateDossier"]["errors"][0]["code"] in {"DOSSIER_NOT_FOUND", "INVALID_SCORE"}


async def test_the_period_bounds_only_the_sides_given_in_local_dates(app, gql, cast, sign_in_staff):
    given = {
        "long ago": datetime(2022, 6, 1, 10, 0, tzinfo=LOCAL_TZ),
        "10 Jan, just after midnight": datetime(2026, 1, 10, 0, 5, tzinfo=LOCAL_TZ),
        "10 Jan, just before midnight": datetime(2026, 1, 10, 23, 55, tzinfo=LOCAL_TZ),
        "11 Jan": datetime(2026, 1, 11, 0, 5, tzinfo=LOCAL_TZ),
    }
    for comment, moment in given.items():
        dossier = await app.state.services.dossiers.submit(
            cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT
        )
        await Rating.create(
            dossier=dossier,
            citizen=cast.citizen,
            centre=cast.ha_long,
            procedure_id=dossier.procedure_id,
            level=RatingLevel.SATISFIED,
            comment=comment,
            created_at=moment,
            updated_at=moment,
        )
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]

    async def comments(**period: str) -> list[str]:
        result = await gql(PERIOD, {"c": gid("Centre", cast.ha_long.id), **period}, officer)
        return [edge["node"]["comment"] for edge in result["data"]["centreRatings"]["edges"]]

    assert await comments(to="2026-01-10") == [
        "10 Jan, just before midnight",
        "10 Jan, just after midnight",
        "long ago",  # no lower bound without `from`
    ]
    assert await comments(**{"from": "2026-01-10", "to": "2026-01-10"}) == [
        "10 Jan, just before midnight",
        "10 Jan, just after midnight",
    ]
    assert await comments(**{"from": "2022-06-01"}) == list(reversed(given))
    assert await comments(**{"from": "2023-06-02", "to": "2026-01-11"}) == list(reversed(given))[:3]
    reversed_period = await gql(
        PERIOD, {"c": gid("Centre", cast.ha_long.id), "from": "2026-01-11", "to": "2026-01-10"}, officer
    )
    assert reversed_period["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
