"""The public verification endpoint: the link in a result's QR code, and a check of a PDF's own bytes."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse

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
    view = public_view(found, locale)
    if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(html_page(view, locale), headers={"Cache-Control": "no-store"})
    return JSONResponse(view, headers={"Cache-Control": "no-store"})


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


VERDICTS = {
    "GENUINE": ("Kết quả hợp lệ, đúng bản đã cấp.", "Genuine: exactly the result that was issued."),
    "ALTERED": ("Tệp đã bị thay đổi so với bản đã cấp.", "Altered: not the file that was issued."),
    "CODE_ISSUED": ("Mã xác thực hợp lệ: đối chiếu với thông tin dưới đây.", "This code was issued: compare below."),
    "UNKNOWN": ("Không có kết quả nào với mã này.", "No result was issued with this code."),
}
LABELS = {
    "dossierCode": ("Mã hồ sơ", "Dossier"),
    "procedureName": ("Thủ tục", "Procedure"),
    "centreName": ("Nơi cấp", "Issued by"),
    "issuedAt": ("Thời điểm ký", "Signed at"),
    "sha256": ("SHA-256", "SHA-256"),
}


def html_page(view: dict, locale: str) -> str:
    """The verdict as a small page for whoever scans the QR code with a phone camera."""
    pick = 1 if locale == "en" else 0
    rows = "".join(
        f"<tr><th>{escape(labels[pick])}</th><td>{escape(str(view['result'][name]))}</td></tr>"
        for name, labels in LABELS.items()
        if view["result"]
    )
    return (
        f'<!doctype html><html lang="{locale}"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(view['status'])}</title><h1>{escape(VERDICTS[view['status']][pick])}</h1>"
        f"<table>{rows}</table></html>"
    )
