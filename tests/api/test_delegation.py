"""Acting for someone through the API: grants asked, accepted and ended, staff-only guardianship, limits, a delegate
filing and tracking for the person represented with who-acted-for-whom recorded, and every refusal coded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from strawberry import relay

from app.accounts.models import StaffRole
from app.delegation.models import DelegatedAction, Grant, GrantAction
from app.dossiers.models import ActorKind, Dossier, DossierEvent
from notifications.models import Reminder, ReminderKind
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS, HA_LONG

SON = "+84912000222"
GRANT = "id state kind actions procedureCodes representedPhone delegatePhone recordedByStaff endsAt"
REQUEST = f"""mutation($input: RequestDelegationInput!) {{ requestDelegation(input: $input) {{
  delegation {{ {GRANT} }} errors {{ code field message }} }} }}"""
RECORD = f"""mutation($input: RecordDelegationInput!) {{ recordDelegation(input: $input) {{
  delegation {{ {GRANT} }} errors {{ code field message }} }} }}"""
ACCEPT = f"""mutation($id: ID!) {{ acceptDelegation(input: {{id: $id}}) {{
  delegation {{ {GRANT} }} errors {{ code field message }} }} }}"""
END = f"""mutation($id: ID!) {{ endDelegation(input: {{id: $id}}) {{
  delegation {{ {GRANT} }} errors {{ code field message }} }} }}"""
FILE_FOR = """mutation($input: FileDossierForInput!) { fileDossierFor(input: $input) {
  dossier { code status timeline { actor note actedBy } } errors { code field message } } }"""
TRACK_FOR = "query($id: ID!) { representedDossiers(representedId: $id) { code } }"
MINE = f"query {{ myDelegations {{ totalCount edges {{ node {{ {GRANT} }} }} }} }}"
ACTIONS = "query { myDelegatedActions { edges { node { action delegateId representedId subject } } } }"
MY_DOSSIERS = "query { myDossiers { edges { node { code } } } }"
# No source says which of its documents are mandatory, so none is: filing it needs no documents (a delegate's
# documents: test_delegation_documents.py).
MOBILE_BIRTH_REGISTRATION = "1.003583"
BIRTH = {**APPLICANT, "childName": "Nguyễn Văn An", "childBirthDate": "2026-11-01"}


def gid(kind: str, pk: int) -> str:
    return str(relay.GlobalID(kind, str(pk)))


def terms(actions=("FILE", "TRACK"), kind="FAMILY", codes=(), days=30) -> dict:
    ends = (datetime.now(UTC) + timedelta(days=days)).isoformat()
    return {"kind": kind, "actions": list(actions), "procedureCodes": list(codes), "endsAt": ends}


async def granted(gql, mother: str, son: str, **kwargs) -> str:
    asked = (await gql(REQUEST, {"input": {"delegatePhone": SON, "terms": terms(**kwargs)}}, mother))["data"]
    grant_id = asked["requestDelegation"]["delegation"]["id"]
    accepted = (await gql(ACCEPT, {"id": grant_id}, son))["data"]["acceptDelegation"]
    assert accepted["errors"] == [] and accepted["delegation"]["state"] == "ACTIVE"
    return grant_id


def filing(cast, code=MOBILE_BIRTH_REGISTRATION, answers=BIRTH) -> dict:
    return {
        "input": {
            "representedId": gid("Citizen", cast.citizen.id),
            "procedureCode": code,
            "centreId": gid("Centre", cast.ha_long.id),
            "formFields": answers,
        }
    }


async def test_a_son_files_and_tracks_for_his_mother_who_sees_and_is_told(gql, cast, sign_in_citizen):
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    asked = (await gql(REQUEST, {"input": {"delegatePhone": "0912000222", "terms": terms()}}, mother))["data"]
    delegation = asked["requestDelegation"]["delegation"]
    assert delegation["state"] == "REQUESTED" and delegation["delegatePhone"] == SON
    early = (await gql(FILE_FOR, filing(cast), son))["data"]["fileDossierFor"]
    assert early["errors"][0]["code"] == "DELEGATION_NOT_ACCEPTED"

    await gql(ACCEPT, {"id": delegation["id"]}, son)
    filed = (await gql(FILE_FOR, filing(cast), son))["data"]["fileDossierFor"]
    assert filed["errors"] == []
    code = filed["dossier"]["code"]
    son_gid = gid("Citizen", (await Grant.get()).delegate_id)
    assert filed["dossier"]["timeline"] == [
        {"actor": "CITIZEN", "note": "Nộp thay bởi người được ủy quyền +84912000222.", "actedBy": son_gid}
    ]
    dossier = await Dossier.get(code=code)
    son_id = (await Grant.get()).delegate_id
    assert dossier.citizen_id == cast.citizen.id
    event = await DossierEvent.get(dossier_id=dossier.id)
    assert (event.actor_kind, event.actor_id) == (ActorKind.CITIZEN, son_id)
    [told] = await Reminder.filter(kind=ReminderKind.DELEGATE_ACTED)
    assert told.citizen_id == cast.citizen.id
    assert told.params == {"dossierCode": code, "action": "file", "reference": code, "delegate": SON}

    assert (await gql(MY_DOSSIERS, None, mother))["data"]["myDossiers"]["edges"] == [{"node": {"code": code}}]
    assert (await gql(MY_DOSSIERS, None, son))["data"]["myDossiers"]["edges"] == []
    tracked = (await gql(TRACK_FOR, {"id": gid("Citizen", cast.citizen.id)}, son))["data"]["representedDossiers"]
    assert tracked == [{"code": code}]
    seen = (await gql(ACTIONS, None, mother))["data"]["myDelegatedActions"]["edges"]
    assert [(e["node"]["action"], e["node"]["subject"]) for e in seen] == [
        ("TRACK", "dossiers"),
        ("FILE", f"dossier:{dossier.id}"),
    ]
    assert {e["node"]["delegateId"] for e in seen} == {gid("Citizen", son_id)}


async def test_an_ended_or_expired_grant_no_longer_works(gql, cast, sign_in_citizen, time_machine):
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    grant_id = await granted(gql, mother, son, days=2)
    ended = (await gql(END, {"id": grant_id}, mother))["data"]["endDelegation"]
    assert ended["delegation"]["state"] == "ENDED"
    refused = (await gql(FILE_FOR, filing(cast), son))["data"]["fileDossierFor"]
    assert refused["errors"][0]["code"] == "DELEGATION_ENDED"
    assert (await gql(END, {"id": grant_id}, son))["data"]["endDelegation"]["errors"][0]["code"] == (
        "DELEGATION_NOT_ACTIVE"
    )

    await granted(gql, mother, son, days=2)
    time_machine.move_to(datetime.now(UTC) + timedelta(days=3), tick=True)
    son = (await sign_in_citizen(SON))["accessToken"]
    late = (await gql(FILE_FOR, filing(cast), son))["data"]["fileDossierFor"]
    assert late["errors"][0]["code"] == "DELEGATION_EXPIRED"
    assert await Dossier.all().count() == 0


async def test_what_the_grant_does_not_cover_and_procedures_done_in_person(gql, cast, sign_in_citizen):
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    grant_id = await granted(gql, mother, son, actions=("TRACK",))
    not_filing = (await gql(FILE_FOR, filing(cast), son))["data"]["fileDossierFor"]
    assert not_filing["errors"][0]["code"] == "DELEGATION_NOT_COVERED"
    await gql(END, {"id": grant_id}, mother)

    grant_id = await granted(gql, mother, son, codes=(BORDERLESS_5_DAYS,))
    other = (await gql(FILE_FOR, filing(cast), son))["data"]["fileDossierFor"]
    assert other["errors"][0]["code"] == "DELEGATION_PROCEDURE_NOT_COVERED"
    in_person = await gql(FILE_FOR, filing(cast, BORDERLESS_5_DAYS, APPLICANT), son, locale="en")
    assert in_person["data"]["fileDossierFor"]["errors"] == [
        {
            "code": "PROCEDURE_NEEDS_PERSON",
            "field": "procedureCode",
            "message": "This procedure cannot be done by a delegate: both spouses must be present to register a "
            "marriage.",
        }
    ]
    assert await Dossier.all().count() == 0 and await DelegatedAction.all().count() == 0


async def test_guardianship_is_recorded_by_staff_only(gql, cast, sign_in_citizen, sign_in_staff):
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    refused = await gql(REQUEST, {"input": {"delegatePhone": SON, "terms": terms(kind="GUARDIAN")}}, mother)
    assert [(e["code"], e["field"]) for e in refused["data"]["requestDelegation"]["errors"]] == [
        ("DELEGATION_STAFF_ONLY", "terms.kind")
    ]
    request = {"grantorPhone": cast.citizen.phone, "delegatePhone": SON, "terms": terms(kind="GUARDIAN")}
    assert (await gql(RECORD, {"input": request}, mother))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    recorded = (await gql(RECORD, {"input": request}, officer))["data"]["recordDelegation"]["delegation"]
    assert (recorded["state"], recorded["kind"], recorded["recordedByStaff"]) == ("ACTIVE", "GUARDIAN", True)
    son = (await sign_in_citizen(SON))["accessToken"]
    assert (await gql(FILE_FOR, filing(cast), son))["data"]["fileDossierFor"]["errors"] == []


async def test_limits_no_self_grants_no_duplicates_no_chains(gql, cast, sign_in_citizen):
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    own = await gql(REQUEST, {"input": {"delegatePhone": cast.citizen.phone, "terms": terms()}}, mother)
    assert own["data"]["requestDelegation"]["errors"][0]["code"] == "INVALID_DELEGATION"
    past = {**terms(), "endsAt": (datetime.now(UTC) - timedelta(days=1)).isoformat()}
    ended = await gql(REQUEST, {"input": {"delegatePhone": SON, "terms": past}}, mother)
    assert [(e["code"], e["field"]) for e in ended["data"]["requestDelegation"]["errors"]] == [
        ("INVALID_DELEGATION", "terms.endsAt")
    ]
    for i in range(5):
        phone = f"+8491200030{i}"
        result = await gql(REQUEST, {"input": {"delegatePhone": phone, "terms": terms()}}, mother)
        assert result["data"]["requestDelegation"]["errors"] == []
    again = await gql(REQUEST, {"input": {"delegatePhone": "+84912000300", "terms": terms()}}, mother)
    assert again["data"]["requestDelegation"]["errors"][0]["code"] == "DELEGATION_EXISTS"
    sixth = await gql(REQUEST, {"input": {"delegatePhone": SON, "terms": terms()}}, mother, locale="en")
    assert sixth["data"]["requestDelegation"]["errors"][0]["message"] == (
        "There are already 5 delegation requests waiting for acceptance."
    )

    son = (await sign_in_citizen(SON))["accessToken"]
    grandson_phone = "+84912000444"
    asked = (await gql(REQUEST, {"input": {"delegatePhone": grandson_phone, "terms": terms()}}, son))["data"]
    grandson = (await sign_in_citizen(grandson_phone))["accessToken"]
    await gql(ACCEPT, {"id": asked["requestDelegation"]["delegation"]["id"]}, grandson)
    chained = (await gql(FILE_FOR, filing(cast), grandson))["data"]["fileDossierFor"]
    assert chained["errors"][0]["code"] == "DELEGATION_NOT_FOUND"  # the son cannot pass his mother's right on


async def test_nobody_else_reads_or_changes_a_grant(gql, cast, sign_in_citizen, sign_in_staff):
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    grant_id = await granted(gql, mother, son)
    stranger = (await sign_in_citizen("+84912000777"))["accessToken"]
    for mutation, name in ((ACCEPT, "acceptDelegation"), (END, "endDelegation")):
        result = (await gql(mutation, {"id": grant_id}, stranger))["data"][name]
        assert result["errors"][0]["code"] == "DELEGATION_NOT_FOUND"
    assert (await gql(MINE, None, stranger))["data"]["myDelegations"]["totalCount"] == 0
    assert (await gql(ACTIONS, None, stranger))["data"]["myDelegatedActions"]["edges"] == []
    represented = {"id": gid("Citizen", cast.citizen.id)}
    assert (await gql(TRACK_FOR, represented, stranger))["data"]["representedDossiers"] is None
    assert (await gql(FILE_FOR, filing(cast), stranger))["data"]["fileDossierFor"]["errors"][0]["code"] == (
        "DELEGATION_NOT_FOUND"
    )
    officer = (await sign_in_staff())["accessToken"]
    assert (await gql(MINE, None, officer))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(MINE, None, son))["data"]["myDelegations"]["totalCount"] == 1
    assert await Grant.filter(state="active").count() == 1
    assert GrantAction.FILE.value in (await Grant.get()).actions
