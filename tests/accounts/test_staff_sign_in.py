"""Staff sign-in with email and password, through the GraphQL API."""

from __future__ import annotations

from app.accounts.models import StaffMember, StaffRole
from app.accounts.staff import create_staff
from tests.conftest import SIGN_IN_STAFF, STAFF_PASSWORD


async def staff_sign_in(gql, email: str, password: str, locale: str | None = None) -> dict:
    result = await gql(SIGN_IN_STAFF, {"email": email, "password": password}, locale=locale)
    return result["data"]["signInStaff"]


async def test_staff_signs_in_and_sees_their_centre(gql, catalogue):
    await create_staff("Officer@Test.vn", STAFF_PASSWORD, StaffRole.OFFICER, "06688", "Vũ Nam")
    payload = await staff_sign_in(gql, "  officer@test.VN ", STAFF_PASSWORD)
    assert payload["errors"] == []
    me = await gql(
        "{ me { ... on StaffMember { email role fullName centre { code name } } } }",
        token=payload["session"]["accessToken"],
    )
    assert me["data"]["me"] == {
        "email": "officer@test.vn",
        "role": "OFFICER",
        "fullName": "Vũ Nam",
        "centre": {"code": "06688", "name": "Phường Hạ Long"},
    }


async def test_unknown_email_and_wrong_password_get_the_same_answer(gql, catalogue):
    await create_staff("officer@test.vn", STAFF_PASSWORD, StaffRole.OFFICER, "06688")
    unknown = await staff_sign_in(gql, "nobody@test.vn", STAFF_PASSWORD, locale="en")
    wrong = await staff_sign_in(gql, "officer@test.vn", "not the password", locale="en")
    expected = [{"code": "INVALID_CREDENTIALS", "field": "password", "message": "The email or password is wrong."}]
    assert unknown == {"session": None, "errors": expected}
    assert wrong == {"session": None, "errors": expected}


async def test_disabled_staff_cannot_sign_in(gql, catalogue):
    staff = await create_staff("officer@test.vn", STAFF_PASSWORD, StaffRole.OFFICER, "06688")
    await StaffMember.filter(id=staff.id).update(is_active=False)
    payload = await staff_sign_in(gql, "officer@test.vn", STAFF_PASSWORD)
    assert [e["code"] for e in payload["errors"]] == ["INVALID_CREDENTIALS"]


async def test_passwords_are_stored_as_argon2_hashes(catalogue):
    staff = await create_staff("officer@test.vn", STAFF_PASSWORD, StaffRole.OFFICER, "06688")
    assert staff.password_hash.startswith("$argon2id$") and STAFF_PASSWORD not in staff.password_hash


async def test_admin_has_no_centre(gql, sign_in_staff):
    session = await sign_in_staff("admin@test.vn", StaffRole.ADMIN)
    me = await gql("{ me { ... on StaffMember { role centre { code } } } }", token=session["accessToken"])
    assert me["data"]["me"] == {"role": "ADMIN", "centre": None}
