"""GraphQL types, queries and mutations of accounts: sign-in, sessions and the caller's profile."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from app.accounts import models
from app.accounts.identity import Viewer
from app.accounts.models import Locale, StaffRole
from app.accounts.profile import update_profile
from app.accounts.sessions import TokenPair, end_session, refresh_session
from app.api.arguments import Input
from app.api.catalogue import Centre
from app.api.context import Info
from app.api.errors import UserError, coded_mutation
from app.api.ids import database_id
from app.api.permissions import require_citizen
from app.errors import ErrorCode


@strawberry.type(description="A citizen account, identified by phone number.")
class Citizen(relay.Node):
    id: relay.NodeID[int]
    phone: str = strawberry.field(description="Phone number in E.164 form, e.g. +84912345678.")
    full_name: str = strawberry.field(description="Full name; empty until the citizen sets it.")
    locale: Locale = strawberry.field(description="Language for messages and notifications.")
    residence_centre_id: strawberry.Private[int | None]

    @strawberry.field(description="Centre of the citizen's registered residence, when known.")
    async def residence_centre(self, info: Info) -> Centre | None:
        if self.residence_centre_id is None:
            return None
        centre = await info.context.loaders.centre_by_id.load(self.residence_centre_id)
        return Centre.from_model(centre) if centre else None

    @classmethod
    def from_model(cls, citizen: models.Citizen) -> Citizen:
        return cls(
            id=citizen.id,
            phone=citizen.phone,
            full_name=citizen.full_name,
            locale=citizen.locale,
            residence_centre_id=citizen.residence_centre_id,  # type: ignore[attr-defined]
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list:
        viewer = info.context.viewer
        own = str(viewer.id) if viewer is not None and viewer.is_citizen else None
        citizen = await models.Citizen.get_or_none(id=int(own)) if own in node_ids else None
        return [cls.from_model(citizen) if citizen and i == own else None for i in node_ids]


@strawberry.type(description="A staff account of a centre (or a provincial admin).")
class StaffMember(relay.Node):
    id: relay.NodeID[int]
    email: str = strawberry.field(description="Sign-in email, lower-case.")
    full_name: str = strawberry.field(description="Full name.")
    role: StaffRole = strawberry.field(description="Officer, manager or admin.")
    centre_id: strawberry.Private[int | None]

    @strawberry.field(description="The centre this staff member works at; null for provincial admins.")
    async def centre(self, info: Info) -> Centre | None:
        if self.centre_id is None:
            return None
        centre = await info.context.loaders.centre_by_id.load(self.centre_id)
        return Centre.from_model(centre) if centre else None

    @classmethod
    def from_model(cls, staff: models.StaffMember) -> StaffMember:
        return cls(
            id=staff.id,
            email=staff.email,
            full_name=staff.full_name,
            role=staff.role,
            centre_id=staff.centre_id,  # type: ignore[attr-defined]
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list:
        viewer = info.context.viewer
        own = str(viewer.id) if viewer is not None and viewer.is_staff else None
        staff = await models.StaffMember.get_or_none(id=int(own)) if own in node_ids else None
        return [cls.from_model(staff) if staff and i == own else None for i in node_ids]


Me = Annotated[Citizen | StaffMember, strawberry.union("Me", description="The signed-in account: a citizen or staff.")]


async def load_me(viewer: Viewer) -> Citizen | StaffMember | None:
    """The caller's account as stored now (None if it was deleted or disabled since the token was issued)."""
    if viewer.is_citizen:
        citizen = await models.Citizen.get_or_none(id=viewer.id)
        return Citizen.from_model(citizen) if citizen else None
    staff = await models.StaffMember.get_or_none(id=viewer.id, is_active=True)
    return StaffMember.from_model(staff) if staff else None


@strawberry.type(description="Tokens of a signed-in session.")
class AuthSession:
    access_token: str = strawberry.field(
        description="Send as `Authorization: Bearer <token>` (HTTP) or in `connection_init` (websockets)."
    )
    access_token_expires_at: datetime = strawberry.field(description="When the access token stops working.")
    refresh_token: str = strawberry.field(
        description="Single use: exchange it with `refreshToken` for a new pair. Keep it in secure storage."
    )
    refresh_token_expires_at: datetime = strawberry.field(description="When the refresh token stops working.")
    me: Me = strawberry.field(description="The account signed in.")


async def auth_session(pair: TokenPair) -> AuthSession:
    me = await load_me(pair.viewer)
    assert me is not None, "a token pair is only issued for an existing account"
    return AuthSession(
        access_token=pair.access_token,
        access_token_expires_at=pair.access_expires_at,
        refresh_token=pair.refresh_token,
        refresh_token_expires_at=pair.refresh_expires_at,
        me=me,
    )


@strawberry.input(description="Ask for a one-time sign-in code by SMS.")
class RequestSignInCodeInput:
    phone: str = strawberry.field(description="Phone number, national (0912345678) or international form.")
    installation_id: str | None = strawberry.field(
        default=None,
        description="The app's Firebase installation ID (as in `registerDevice`): codes are also limited per "
        "installation, so send it when known.",
    )


@strawberry.type(description="Result of `requestSignInCode`.")
class RequestSignInCodePayload:
    phone: str | None = strawberry.field(default=None, description="The number the code was sent to, E.164.")
    expires_at: datetime | None = strawberry.field(default=None, description="When the code stops working.")
    resend_after: datetime | None = strawberry.field(default=None, description="Earliest time to ask again.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.input(description="Sign in with the code received by SMS.")
class SignInInput:
    phone: str = strawberry.field(description="The phone number the code was sent to.")
    code: str = strawberry.field(description="The 6-digit code.")


@strawberry.input(description="Staff sign-in.")
class SignInStaffInput:
    email: str = strawberry.field(description="Staff email.")
    password: str = strawberry.field(description="Password.")


@strawberry.input(description="Exchange a refresh token for a new token pair.")
class RefreshTokenInput:
    refresh_token: str = strawberry.field(description="The refresh token from the last sign-in or refresh.")


@strawberry.type(description="Result of a sign-in or refresh.")
class AuthPayload:
    session: AuthSession | None = strawberry.field(default=None, description="Tokens, when it succeeded.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.input(description="End a session.")
class SignOutInput:
    refresh_token: str = strawberry.field(description="The session's current refresh token.")


@strawberry.type(description="Result of `signOut`.")
class SignOutPayload:
    signed_out: bool = strawberry.field(default=False, description="True once the session is revoked.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.input(description="Change the signed-in citizen's profile; omitted fields stay as they are.")
class UpdateMyProfileInput:
    full_name: str | None = strawberry.field(default=None, description="Full name, 1 to 200 characters.")
    locale: Locale | None = strawberry.field(default=None, description="Preferred language.")
    residence_centre_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Centre of the registered residence: it processes residence-bound procedures."
    )


@strawberry.type(description="Result of `updateMyProfile`.")
class UpdateMyProfilePayload:
    citizen: Citizen | None = strawberry.field(default=None, description="The updated profile.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in account; null when no token is sent.")
    async def me(self, info: Info) -> Me | None:
        viewer = info.context.viewer
        return await load_me(viewer) if viewer else None


@strawberry.type
class AccountsMutation:
    @coded_mutation(
        RequestSignInCodePayload,
        description="Send a one-time sign-in code by SMS (a new code replaces the previous one); limited per phone, "
        "per IP and per app installation (`SIGN_IN_CODE_RATE_LIMITED`, `TOO_MANY_REQUESTS`).",
        errors=[
            ErrorCode.INVALID_PHONE,
            ErrorCode.INVALID_DEVICE_TOKEN,
            ErrorCode.SIGN_IN_CODE_RATE_LIMITED,
            ErrorCode.TOO_MANY_REQUESTS,
            ErrorCode.SMS_DELIVERY_FAILED,
        ],
    )
    async def request_sign_in_code(self, info: Info, input: Input[RequestSignInCodeInput]) -> RequestSignInCodePayload:
        sent = await info.context.services.sign_in_codes.send(
            input.phone, info.context.client_ip, input.installation_id
        )
        return RequestSignInCodePayload(phone=sent.phone, expires_at=sent.expires_at, resend_after=sent.resend_after)

    @coded_mutation(
        AuthPayload,
        description="Sign a citizen in with the SMS code; the account is created on first sign-in.",
        errors=[
            ErrorCode.INVALID_PHONE,
            ErrorCode.SIGN_IN_CODE_WRONG,
            ErrorCode.SIGN_IN_CODE_EXPIRED,
            ErrorCode.SIGN_IN_CODE_USED,
            ErrorCode.SIGN_IN_CODE_ATTEMPTS_EXCEEDED,
        ],
    )
    async def sign_in(self, info: Info, input: Input[SignInInput]) -> AuthPayload:
        pair = await info.context.services.sign_in_codes.sign_in(input.phone, input.code)
        return AuthPayload(session=await auth_session(pair))

    @coded_mutation(
        AuthPayload,
        description="Sign a staff member in with email and password; repeated failures lock that account and IP "
        "for a while (`TOO_MANY_SIGN_IN_ATTEMPTS`).",
        errors=[ErrorCode.INVALID_CREDENTIALS, ErrorCode.TOO_MANY_SIGN_IN_ATTEMPTS],
    )
    async def sign_in_staff(self, info: Info, input: Input[SignInStaffInput]) -> AuthPayload:
        pair = await info.context.services.staff_sign_in.sign_in(input.email, input.password, info.context.client_ip)
        return AuthPayload(session=await auth_session(pair))

    @coded_mutation(
        AuthPayload,
        description="Rotate tokens; reusing an old refresh token signs that session out everywhere.",
        errors=[ErrorCode.INVALID_REFRESH_TOKEN],
    )
    async def refresh_token(self, info: Info, input: Input[RefreshTokenInput]) -> AuthPayload:
        services = info.context.services
        pair = await refresh_session(services.settings, services.sessions, input.refresh_token, services.clock())
        return AuthPayload(session=await auth_session(pair))

    @coded_mutation(
        SignOutPayload,
        description="End the sign-in of this refresh token: its access tokens and subscriptions stop at once "
        "(idempotent).",
        errors=[],
    )
    async def sign_out(self, info: Info, input: Input[SignOutInput]) -> SignOutPayload:
        await end_session(info.context.services.sessions, input.refresh_token)
        return SignOutPayload(signed_out=True)

    @coded_mutation(
        UpdateMyProfilePayload,
        description="Change the signed-in citizen's name, language or registered residence.",
        errors=[ErrorCode.INVALID_NAME, ErrorCode.INVALID_LOCALE, ErrorCode.CENTRE_NOT_FOUND],
    )
    async def update_my_profile(self, info: Info, input: Input[UpdateMyProfileInput]) -> UpdateMyProfilePayload:
        viewer = require_citizen(info)
        residence = database_id(input.residence_centre_id, "Centre") if input.residence_centre_id else None
        citizen = await update_profile(viewer.id, input.full_name, input.locale, residence)
        return UpdateMyProfilePayload(citizen=Citizen.from_model(citizen))
