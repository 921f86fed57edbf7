"""Access tokens, refresh-token rotation and sign-out, through the GraphQL API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.accounts.identity import Viewer, ViewerKind
from app.accounts.models import Citizen, Session, StaffMember
from app.accounts.tokens import ISSUER, InvalidAccessToken, issue_access_token, read_access_token

ME = "{ me { __typename ... on Citizen { phone } } }"
REFRESH = """mutation($token: String!) { refreshToken(input: {refreshToken: $token}) {
  session { accessToken refreshToken me { __typename } } errors { code field } } }"""
SIGN_OUT = """mutation($token: String!) { signOut(input: {refreshToken: $token}) { signedOut errors { code } } }"""


async def refresh(gql, token: str) -> dict:
    return (await gql(REFRESH, {"token": token}))["data"]["refreshToken"]


async def test_me_without_a_token_is_null(gql):
    assert await gql(ME) == {"data": {"me": None}}


async def test_expired_access_token_asks_the_app_to_refresh(app, gql, sign_in_citizen, settings):
    session = await sign_in_citizen()
    viewer = Viewer(ViewerKind.CITIZEN, 1, session="a-sign-in")
    issued = app.state.services.clock() - timedelta(minutes=20)
    expired, _ = issue_access_token(viewer, settings.secret_key, timedelta(minutes=15), issued)
    result = await gql(ME, token=expired)
    assert result["data"] == {"me": None}
    assert result["errors"][0]["extensions"] == {"code": "TOKEN_EXPIRED"}
    assert (await gql(ME, token=session["accessToken"]))["data"]["me"]["__typename"] == "Citizen"


async def test_forged_and_malformed_tokens_are_invalid(gql, settings):
    claims = {"sub": "citizen:1", "iss": "quangninh-dichvucong", "iat": 1, "exp": 4102444800}
    forged = jwt.encode(claims, "another secret key that is long enough", algorithm="HS256")
    for token in [forged, "not-a-jwt"]:
        result = await gql(ME, token=token)
        assert result["errors"][0]["extensions"] == {"code": "INVALID_TOKEN"}


async def test_refresh_rotates_the_token_pair(gql, sign_in_citizen):
    session = await sign_in_citizen()
    renewed = await refresh(gql, session["refreshToken"])
    assert renewed["errors"] == []
    assert renewed["session"]["refreshToken"] != session["refreshToken"]
    me = await gql(ME, token=renewed["session"]["accessToken"])
    assert me["data"]["me"]["phone"] == "+84912345678"
    assert await Session.all().count() == 2


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_session(gql, sign_in_citizen):
    session = await sign_in_citizen()
    renewed = await refresh(gql, session["refreshToken"])
    replay = await refresh(gql, session["refreshToken"])
    assert replay == {"session": None, "errors": [{"code": "INVALID_REFRESH_TOKEN", "field": "refreshToken"}]}
    # The thief's replay also signs out the legitimate holder of the newer token.
    assert (await refresh(gql, renewed["session"]["refreshToken"]))["errors"][0]["code"] == "INVALID_REFRESH_TOKEN"


async def test_unknown_and_expired_refresh_tokens_are_refused(gql, sign_in_citizen):
    assert (await refresh(gql, "made-up"))["errors"][0]["code"] == "INVALID_REFRESH_TOKEN"
    session = await sign_in_citizen()
    await Session.all().update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (await refresh(gql, session["refreshToken"]))["errors"][0]["code"] == "INVALID_REFRESH_TOKEN"


async def test_sign_out_revokes_the_refresh_token_and_is_idempotent(gql, sign_in_citizen):
    session = await sign_in_citizen()
    for _ in range(2):
        signed_out = (await gql(SIGN_OUT, {"token": session["refreshToken"]}))["data"]["signOut"]
        assert signed_out == {"signedOut": True, "errors": []}
    assert (await refresh(gql, session["refreshToken"]))["errors"][0]["code"] == "INVALID_REFRESH_TOKEN"


async def test_staff_refresh_keeps_role_and_centre(gql, sign_in_staff):
    session = await sign_in_staff()
    renewed = await refresh(gql, session["refreshToken"])
    me = await gql("{ me { ... on StaffMember { role centre { code } } } }", token=renewed["session"]["accessToken"])
    assert me["data"]["me"] == {"role": "OFFICER", "centre": {"code": "06688"}}


def refused_with(result: dict) -> str:
    """The code of a top-level error that left `me` null."""
    assert result["data"] == {"me": None}
    return result["errors"][0]["extensions"]["code"]


async def test_sign_out_stops_the_access_token_at_once(gql, sign_in_citizen):
    session = await sign_in_citizen()
    assert (await gql(ME, token=session["accessToken"]))["data"]["me"]["phone"] == "+84912345678"
    await gql(SIGN_OUT, {"token": session["refreshToken"]})
    assert refused_with(await gql(ME, token=session["accessToken"])) == "SESSION_REVOKED"


async def test_a_reused_refresh_token_stops_every_access_token_of_that_sign_in(gql, sign_in_citizen):
    session = await sign_in_citizen()
    renewed = await refresh(gql, session["refreshToken"])
    assert (await gql(ME, token=renewed["session"]["accessToken"]))["data"]["me"]["phone"] == "+84912345678"
    await refresh(gql, session["refreshToken"])  # a stolen copy used again
    for token in (session["accessToken"], renewed["session"]["accessToken"]):
        assert refused_with(await gql(ME, token=token)) == "SESSION_REVOKED"


async def test_a_token_naming_no_sign_in_is_invalid(app, gql, sign_in_citizen, settings):
    await sign_in_citizen()
    citizen = await Citizen.get(phone="+84912345678")
    now = app.state.services.clock()
    # what access tokens looked like before they named their sign-in (no `sid`), still within its 15 minutes
    claims = {"iss": ISSUER, "sub": f"citizen:{citizen.id}", "iat": int(now.timestamp())}
    legacy = jwt.encode({**claims, "exp": int((now + timedelta(minutes=15)).timestamp())}, settings.secret_key)
    assert refused_with(await gql(ME, token=legacy)) == "INVALID_TOKEN"


async def test_a_disabled_staff_account_is_refused_at_once(gql, sign_in_staff):
    session = await sign_in_staff()
    await StaffMember.filter(email="officer@test.vn").update(is_active=False)
    assert refused_with(await gql(ME, token=session["accessToken"])) == "SESSION_REVOKED"


async def test_a_malformed_authorization_header_is_an_invalid_token(client, sign_in_citizen):
    token = (await sign_in_citizen())["accessToken"]
    for authorization in (token, f"Token {token}", "Bearer ", "Bearer"):
        response = await client.post("/graphql", json={"query": ME}, headers={"Authorization": authorization})
        assert refused_with(response.json()) == "INVALID_TOKEN", authorization


async def test_a_token_already_verified_still_expires_and_still_needs_its_key(
    app, gql, sign_in_citizen, settings, time_machine
):
    viewer = read_access_token((await sign_in_citizen())["accessToken"], settings.secret_key)
    now = app.state.services.clock()
    token, _ = issue_access_token(viewer, settings.secret_key, timedelta(minutes=1), now)
    assert (await gql(ME, token=token))["data"]["me"]["phone"] == "+84912345678"
    time_machine.move_to(now + timedelta(minutes=2), tick=True)
    assert refused_with(await gql(ME, token=token)) == "TOKEN_EXPIRED"
    with pytest.raises(InvalidAccessToken):
        read_access_token(token, "a rotated secret key that is long enough")
