"""The public verification endpoint: the link in a result's QR code, and a check of a PDF's own bytes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.api.context import preferred_locale
from app.catalogue.models import localised_name
from app.results import verification
from app.results.codes import normalise_verification_code
from app.results.verification import Verification


async def verify_result(request: Request) -> JSONResponse:
    """GET ?code=...: is the code issued, and for which dossier and centre. POST a PDF's bytes (the body, at most
    MAX_RESULT_VERIFY_BYTES): is it genuine, by its PAdES signature and the records of issued results."""
    locale = preferred_locale(request.headers.get("accept-language"))
    if request.method == "POST":
        body = await request.body()
        if not body:
            return JSONResponse({"error": "Send the PDF's bytes as the request body."}, status_code=400)
        found = await verification.verify_file(request.app.state.services.results.signer, body)
    else:
        code = normalise_verification_code(request.query_params.get("code", "")[:64])
        if code is None:
            message = "`code` is not a verification code (12 letters and digits)."
            return JSONResponse({"error": message}, status_code=400)
        found = await verification.verify_presented(code, None)
    return JSONResponse(public_view(found, locale), headers={"Cache-Control": "no-store"})


def public_view(found: Verification, locale: str) -> dict:
    """The verification as JSON for the public HTTP endpoint: the same fields as GraphQL's `ResultVerification`."""
    result = found.result
    if result is None:
        return {"status": found.status.value, "result": None}
    procedure = result.dossier.procedure
    return {
        "status": found.status.value,
        "result": {
            "verificationCode": result.verification_code,
            "dossierCode": result.dossier.code,
            "procedureName": localised_name(procedure.name_vi, procedure.name_en, locale),
            "centreName": result.centre.name_vi,
            "issuedAt": result.issued_at.isoformat(),
            "sha256": result.sha256,
        },
    }
