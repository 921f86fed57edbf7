"""Shared fixtures: one migrated scratch database and one running app per session, emptied between tests."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.accounts.models import Citizen, StaffMember, StaffRole
from app.accounts.staff import create_staff
from app.catalogue.demo_data import load_centres, load_procedures
from app.catalogue.models import Centre
from app.container import build_services
from app.db import apply_migrations
from app.dossiers.models import Dossier
from app.main import create_app
from app.settings import Settings
from tests.database import empty_all_tables, scratch_database_url
from tests.dossier_data import APPLICANT, BAI_CHAY, BORDERLESS_5_DAYS, HA_LONG
from tests.fakes.sms import RecordingSmsSender

pytest_plugins = [
    "tests.clock",  # TEST_CLOCK_START moves the whole run's clock
    "tests.payments.fixtures",  # the fake Stripe server and dossiers awaiting their fee
]

STAFF_PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with scratch_database_url() as url:
        await apply_migrations(Settings(app_env="test", database_url=url))
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    files = tmp_path_factory.mktemp("documents")
    return Settings(
        app_env="test",
        database_url=database_url,
        run_scheduler=False,
        documents_dir=str(files / "stored"),
        upload_staging_dir=str(files / "staging"),
        public_base_url="http://testserver",
    )


@pytest.fixture(scope="session")
def sms() -> RecordingSmsSender:
    return RecordingSmsSender()


@pytest.fixture(scope="session")
async def app(settings: Settings, sms: RecordingSmsSender) -> AsyncIterator[Any]:
    application = create_app(settings, build_services(settings, sms=sms))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(autouse=True)
async def clean_state(app: Any, sms: RecordingSmsSender, settings: Settings) -> AsyncIterator[None]:
    await empty_all_tables()
    for files in (settings.documents_dir, settings.upload_staging_dir):
        shutil.rmtree(files, ignore_errors=True)
    sms.messages.clear()
    sms.failing = False
    yield


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://testserver") as http:
        yield http


@dataclass
class GraphQLClient:
    """Posts operations to /graphql like the app does."""

    http: httpx.AsyncClient

    async def __call__(
        self, query: str, variables: dict | None = None, token: str | None = None, locale: str | None = None
    ) -> dict:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if locale:
            headers["Accept-Language"] = locale
        response = await self.http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture
async def catalogue() -> None:
    """The real centres and procedures."""
    await load_centres()
    await load_procedures()


REQUEST_CODE = """mutation($phone: String!) { requestSignInCode(input: {phone: $phone}) {
  phone expiresAt resendAfter errors { code field message } } }"""
SIGN_IN = """mutation($phone: String!, $code: String!) { signIn(input: {phone: $phone, code: $code}) {
  session { accessToken refreshToken accessTokenExpiresAt me { __typename ... on Citizen { id phone } } }
  errors { code field message } } }"""
SIGN_IN_STAFF = """mutation($email: String!, $password: String!) {
  signInStaff(input: {email: $email, password: $password}) {
    session { accessToken refreshToken me { __typename ... on StaffMember { id email role } } }
    errors { code field message } } }"""


@pytest.fixture
def sign_in_citizen(gql: GraphQLClient, sms: RecordingSmsSender):
    """Sign a citizen in through the API; returns the session (tokens and `me`)."""

    async def sign_in(phone: str = "+84912345678") -> dict:
        sent = await gql(REQUEST_CODE, {"phone": phone})
        assert sent["data"]["requestSignInCode"]["errors"] == []
        result = await gql(SIGN_IN, {"phone": phone, "code": sms.last_code(phone)})
        assert result["data"]["signIn"]["errors"] == []
        return result["data"]["signIn"]["session"]

    return sign_in


@pytest.fixture
def sign_in_staff(gql: GraphQLClient, catalogue: None):
    """Create a staff member of a centre and sign them in through the API; returns the session."""

    async def sign_in(email: str = "officer@test.vn", role: StaffRole = StaffRole.OFFICER, centre: str = "06688"):
        await create_staff(email, STAFF_PASSWORD, role, centre if role is not StaffRole.ADMIN else None)
        result = await gql(SIGN_IN_STAFF, {"email": email, "password": STAFF_PASSWORD})
        assert result["data"]["signInStaff"]["errors"] == []
        return result["data"]["signInStaff"]["session"]

    return sign_in


@dataclass
class Cast:
    citizen: Citizen
    officer: StaffMember
    other_centre_officer: StaffMember
    ha_long: Centre
    bai_chay: Centre


@pytest.fixture
async def cast(catalogue) -> Cast:
    ha_long = await Centre.get(code=HA_LONG)
    bai_chay = await Centre.get(code=BAI_CHAY)
    citizen = await Citizen.create(phone="+84912345678", full_name="Nguyễn Thị Hoa", residence_centre=ha_long)
    officer = await StaffMember.create(email="o@halong.vn", password_hash="x", role=StaffRole.OFFICER, centre=ha_long)
    other = await StaffMember.create(email="o@baichay.vn", password_hash="x", role=StaffRole.OFFICER, centre=bai_chay)
    return Cast(citizen, officer, other, ha_long, bai_chay)


@pytest.fixture
async def dossier(app, cast: Cast) -> Dossier:
    """A borderless dossier filed online at Phường Hạ Long, awaiting intake."""
    service = app.state.services.dossiers
    return await service.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
