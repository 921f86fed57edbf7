"""`portalSync` and `retryPortalSync`: admins watch the sync to the national portal and resend parked changes."""

from __future__ import annotations

from strawberry import relay

from app.accounts.models import StaffRole
from app.portal_sync.models import OutboxState, PortalOutbox

PORTAL_SYNC = """{ portalSync { enabled backlog failing parked lagSeconds
  parkedRecords { id dossierCode service attempts lastError portalAnswer } } }"""
RETRY = """mutation($id: ID!) { retryPortalSync(input: {id: $id}) {
  record { id dossierCode } errors { code field message } } }"""


async def park_first_row(dossier) -> PortalOutbox:
    row = await PortalOutbox.create(
        dossier_id=dossier.id,
        service="DongBoHoSoMC",
        idempotency_key=f"{dossier.code}:x",
        body={"service": "DongBoHoSoMC", "data": []},
        state=OutboxState.PARKED,
        attempts=1,
        last_error="HTTP 200: refused",
        portal_answer={"error_code": "-1", "message": "Mã TTHC không tồn tại"},
        next_attempt_at=dossier.submitted_at,
        created_at=dossier.submitted_at,
    )
    await PortalOutbox.create(
        dossier_id=dossier.id,
        service="CapNhatTienDoHoSoMC",
        idempotency_key=f"{dossier.code}:y",
        body={"service": "CapNhatTienDoHoSoMC", "data": []},
        next_attempt_at=dossier.submitted_at,
        created_at=dossier.submitted_at,
    )
    return row


async def test_admins_see_the_figures_and_the_portals_answer_and_resend_a_parked_change(gql, sign_in_staff, dossier):
    row = await park_first_row(dossier)
    admin = await sign_in_staff("admin@test.vn", StaffRole.ADMIN)

    seen = (await gql(PORTAL_SYNC, token=admin["accessToken"]))["data"]["portalSync"]

    assert (seen["enabled"], seen["backlog"], seen["failing"], seen["parked"]) == (False, 1, 0, 1)
    assert seen["lagSeconds"] >= 0
    [parked] = seen["parkedRecords"]
    assert parked["dossierCode"] == dossier.code and parked["service"] == "DongBoHoSoMC"
    assert "Mã TTHC không tồn tại" in parked["portalAnswer"]

    retried = (await gql(RETRY, {"id": parked["id"]}, token=admin["accessToken"]))["data"]["retryPortalSync"]
    assert retried == {"record": {"id": parked["id"], "dossierCode": dossier.code}, "errors": []}
    assert (await PortalOutbox.get(id=row.id)).state is OutboxState.PENDING

    again = (await gql(RETRY, {"id": parked["id"]}, token=admin["accessToken"], locale="en"))["data"]
    assert again["retryPortalSync"]["record"] is None
    assert again["retryPortalSync"]["errors"] == [
        {
            "code": "PORTAL_RECORD_NOT_PARKED",
            "field": "id",
            "message": "This sync record is not parked (unknown, or already sent again).",
        }
    ]


async def test_only_admins_see_or_resend(gql, sign_in_staff, dossier):
    row = await park_first_row(dossier)
    manager = await sign_in_staff("manager@test.vn", StaffRole.MANAGER)
    seen = await gql(PORTAL_SYNC, token=manager["accessToken"])
    record_id = str(relay.GlobalID("PortalSyncRecord", str(row.id)))
    retried = await gql(RETRY, {"id": record_id}, token=manager["accessToken"])
    assert seen["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert retried["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await PortalOutbox.get(id=row.id)).state is OutboxState.PARKED


async def test_a_malformed_id_is_a_bad_argument(gql, sign_in_staff):
    admin = await sign_in_staff("admin@test.vn", StaffRole.ADMIN)
    answer = await gql(RETRY, {"id": str(relay.GlobalID("Dossier", "1"))}, token=admin["accessToken"])
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
