"""Help at the counter through the API: an officer identifies a walk-in citizen (code read out, or ID card seen),
files a dossier that is the citizen's, prints the receipt that `trackDossier` accepts, and the timeline names them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.accounts.models import Citizen, StaffRole
from app.counter.models import CounterFiling, IdentifiedBy
from app.dossiers.models import Dossier, DossierEvent
from app.profiles.models import ProfileUse, UsePurpose
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS, HA_LONG
from tests.profile_data import verified_citizen_id

SEND = """mutation($phone: String!) { sendCounterCode(input: {phone: $phone}) {
  phone expiresAt resendAfter errors { code field message } } }"""
FILE = """mutation($input: FileDossierAtCounterInput!) { fileDossierAtCounter(input: $input) {
  dossier { code status timeline { actor note } }
  receipt { code secret procedureName centreName submittedAt } errors { code field message } } }"""
TRACK = """query($code: String!, $secret: String!) { trackDossier(code: $code, secret: $secret) { code status } }"""
MINE = "query { myDossiers { totalCount edges { node { code } } } }"
ONE = "query($code: String!) { dossier(code: $code) { code } }"
WALK_IN = "+84987000111"


def filing(**identification) -> dict:
    return {"input": {"procedureCode": BORDERLESS_5_DAYS, "formFields": APPLICANT, **identification}}


async def test_a_citizen_without_an_account_is_identified_by_a_code_and_owns_the_dossier(
    gql, sms, sign_in_staff, sign_in_citizen, time_machine
):
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    sent = (await gql(SEND, {"phone": "0987 000 111"}, officer))["data"]["sendCounterCode"]
    assert sent["errors"] == [] and sent["phone"] == WALK_IN
    text = sms.messages[-1][1]
    assert "nop ho so tai quay" in text and "can bo" in text

    code = sms.last_code(WALK_IN)
    filed = (await gql(FILE, filing(phone=WALK_IN, code=code), officer))["data"]["fileDossierAtCounter"]
    assert filed["errors"] == []
    dossier_code, secret = filed["receipt"]["code"], filed["receipt"]["secret"]
    assert filed["dossier"]["code"] == dossier_code and filed["dossier"]["status"] == "RECEIVING"
    assert filed["receipt"]["centreName"] == "Phường Hạ Long"
    [event] = filed["dossier"]["timeline"]
    assert event == {"actor": "STAFF", "note": "Cán bộ officer@halong.vn nộp hộ tại quầy Phường Hạ Long."}

    citizen = await Citizen.get(phone=WALK_IN)
    dossier = await Dossier.get(code=dossier_code)
    assert dossier.citizen_id == citizen.id and dossier.submitted_online is False
    stored_event = await DossierEvent.get(dossier_id=dossier.id)
    filing_row = await CounterFiling.get(dossier_id=dossier.id).select_related("officer")
    assert stored_event.actor_id == filing_row.officer_id and filing_row.officer.email == "officer@halong.vn"
    assert filing_row.identified_by is IdentifiedBy.SMS_CODE

    tracked = (await gql(TRACK, {"code": dossier_code, "secret": secret}))["data"]["trackDossier"]
    assert tracked == {"code": dossier_code, "status": "RECEIVING"}

    reused = (await gql(FILE, filing(phone=WALK_IN, code=code), officer))["data"]["fileDossierAtCounter"]
    assert reused["errors"][0]["code"] == "SIGN_IN_CODE_USED"

    time_machine.move_to(datetime.now(UTC) + timedelta(minutes=2), tick=True)  # past the resend gap
    own = (await sign_in_citizen(WALK_IN))["accessToken"]
    assert (await gql(MINE, None, own))["data"]["myDossiers"]["edges"] == [{"node": {"code": dossier_code}}]
    [use] = await ProfileUse.filter(citizen_id=citizen.id)
    assert (use.purpose, use.procedure_code, use.staff_id) == (
        UsePurpose.COUNTER_FILING,
        BORDERLESS_5_DAYS,
        filing_row.officer_id,
    )


async def test_a_wrong_code_files_nothing(gql, sms, sign_in_staff):
    officer = (await sign_in_staff())["accessToken"]
    await gql(SEND, {"phone": WALK_IN}, officer)
    wrong = "000000" if sms.last_code(WALK_IN) != "000000" else "111111"
    result = (await gql(FILE, filing(phone=WALK_IN, code=wrong), officer))["data"]["fileDossierAtCounter"]
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("SIGN_IN_CODE_WRONG", "code")]
    assert await Dossier.all().count() == 0 and await Citizen.filter(phone=WALK_IN).count() == 0


async def test_identified_in_person_by_id_card(gql, cast, sign_in_staff):
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    await verified_citizen_id(cast.citizen)
    other = filing(phone=cast.citizen.phone, idCardNumber="022190009999")
    mismatch = (await gql(FILE, other, officer))["data"]["fileDossierAtCounter"]
    assert [(e["code"], e["field"]) for e in mismatch["errors"]] == [("IDENTITY_MISMATCH", "idCardNumber")]
    malformed = filing(phone=cast.citizen.phone, idCardNumber="12345")
    bad = (await gql(FILE, malformed, officer))["data"]["fileDossierAtCounter"]
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("INVALID_CITIZEN_ID", "idCardNumber")]
    assert await Dossier.all().count() == 0

    right = filing(phone=cast.citizen.phone, idCardNumber="022190001234")
    filed = (await gql(FILE, right, officer))["data"]["fileDossierAtCounter"]
    assert filed["errors"] == []
    row = await CounterFiling.get()
    assert (row.identified_by, row.id_card_last_digits) == (IdentifiedBy.ID_CARD, "1234")
    assert (await Dossier.get(code=filed["receipt"]["code"])).citizen_id == cast.citizen.id


async def test_identification_is_one_of_the_two(gql, sign_in_staff):
    officer = (await sign_in_staff())["accessToken"]
    for identification in ({}, {"code": "123456", "idCardNumber": "022190001234"}):
        result = (await gql(FILE, filing(phone=WALK_IN, **identification), officer))["data"]["fileDossierAtCounter"]
        assert result["errors"][0]["code"] == "IDENTIFICATION_REQUIRED"
    assert await Citizen.filter(phone=WALK_IN).count() == 0


async def test_only_staff_of_a_centre_file_and_others_do_not_see_the_dossier(gql, cast, sign_in_staff, sign_in_citizen):
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    refused = await gql(FILE, filing(phone=WALK_IN, idCardNumber="022190001234"), citizen)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(SEND, {"phone": WALK_IN}, citizen))["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    admin = (await sign_in_staff("admin@province.vn", StaffRole.ADMIN))["accessToken"]
    no_centre = (await gql(FILE, filing(phone=WALK_IN, idCardNumber="022190001234"), admin))["data"]
    assert no_centre["fileDossierAtCounter"]["errors"][0]["code"] == "COUNTER_CENTRE_REQUIRED"

    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    filed = (await gql(FILE, filing(phone=WALK_IN, idCardNumber="022190001234"), officer))["data"]
    code = filed["fileDossierAtCounter"]["receipt"]["code"]
    assert (await gql(ONE, {"code": code}, citizen))["data"]["dossier"] is None  # another citizen's
