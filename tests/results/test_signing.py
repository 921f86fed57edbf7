"""PAdES signing of results, checked by pyHanko's own validator, and tampered copies refused."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
import qrcode
from pyhanko.keys.pemder import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.results.signing import ResultSigner, SignatureVerdict, UnsignablePdf
from app.results.signing_identity import SigningIdentity, development_identity, generate_self_signed, load_identity
from tests.results.pdfs import result_pdf

URL = "https://dichvucong.quangninh.gov.vn/results/verify?code=K7QM-2XWD-9RTA"


@pytest.fixture(scope="module")
def province() -> ResultSigner:
    return ResultSigner(SigningIdentity(*generate_self_signed("Province of Quang Ninh")))


@pytest.fixture(scope="module")
def signed(province: ResultSigner) -> bytes:
    return province.sign(result_pdf(), URL, "K7QM-2XWD-9RTA")


def trust(signer: ResultSigner) -> ValidationContext:
    return ValidationContext(trust_roots=[signer._certificate()])


def test_pyhanko_validator_finds_one_intact_trusted_signature_over_the_whole_file(province, signed):
    signatures = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert len(signatures) == 1
    status = validate_pdf_signature(signatures[0], trust(province))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert province.check(signed) is SignatureVerdict.VALID


def _modules(cells: set[tuple[int, int]]) -> set[tuple[int, int]]:
    left, top = min(x for x, _ in cells), min(y for _, y in cells)
    return {(x - left, y - top) for x, y in cells}


def test_the_stamp_shows_the_code_and_a_qr_code_of_the_verification_link(signed):
    widget = PdfFileReader(BytesIO(signed)).root["/Pages"]["/Kids"][0]["/Annots"][0].get_object()
    appearance = widget["/AP"]["/N"]
    assert b"\\000K\\0007\\000Q\\000M" in appearance.data  # the code, in the UTF-16 text of the stamp
    drawn = re.findall(rb"(\d+) (\d+) 1 1 re", appearance["/Resources"]["/XObject"]["/QR"].get_object().data)
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    expected.add_data(URL)
    expected.make()
    dark = {(x, y) for y, row in enumerate(expected.get_matrix()) for x, on in enumerate(row) if on}
    assert _modules({(int(x), int(y)) for x, y in drawn}) == _modules(dark)


def test_a_changed_byte_inside_the_signed_range_is_refused(province, signed):
    position = signed.index(b"GIAY CHUNG NHAN")
    tampered = signed[:position] + b"GIAY CHUNG NHAM" + signed[position + 15 :]
    status = validate_pdf_signature(PdfFileReader(BytesIO(tampered)).embedded_signatures[0], trust(province))
    assert not status.intact and not status.bottom_line
    assert province.check(tampered) is SignatureVerdict.ALTERED


def test_an_incremental_update_signed_by_another_key_is_refused(province, signed):
    key_pem, cert_pem = generate_self_signed("Mallory")
    certificate = next(load_certs_from_pemder_data(cert_pem))
    mallory = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=load_private_key_from_pemder_data(key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([certificate]),
    )
    updated = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(signed)), signers.PdfSignatureMetadata(field_name="Mallory"), mallory
    ).getvalue()
    assert updated.startswith(signed)  # an incremental update: the province's signed bytes are untouched
    first = PdfFileReader(BytesIO(updated)).embedded_signatures[0]
    status = validate_pdf_signature(first, trust(province))
    assert status.intact and status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    assert province.check(updated) is SignatureVerdict.ALTERED


def test_a_file_signed_only_by_someone_else_or_not_at_all_is_not_the_provinces(province):
    key_pem, cert_pem = generate_self_signed("Quang Ninh result signing")  # same name, different key
    impostor = ResultSigner(SigningIdentity(key_pem, cert_pem))
    assert province.check(impostor.sign(result_pdf(), URL, "K7QM-2XWD-9RTA")) is SignatureVerdict.NOT_SIGNED
    assert province.check(result_pdf()) is SignatureVerdict.NOT_SIGNED
    assert province.check(b"%PDF-1.7 not really") is SignatureVerdict.NOT_SIGNED


@pytest.mark.parametrize("data", [b"", b"hello", result_pdf()[:200]])
def test_what_is_not_a_readable_pdf_cannot_be_signed(province, data):
    with pytest.raises(UnsignablePdf):
        province.sign(data, URL, "K7QM-2XWD-9RTA")


def test_a_pdf_someone_already_signed_is_not_signed_again(province):
    someone = ResultSigner(SigningIdentity(*generate_self_signed("Someone")))
    with pytest.raises(UnsignablePdf):
        province.sign(someone.sign(result_pdf(), URL, "K7QM-2XWD-9RTA"), URL, "K7QM-2XWD-9RTA")


def test_the_development_pair_is_made_once_and_then_reused(tmp_path: Path):
    first = development_identity(tmp_path)
    assert development_identity(tmp_path) == first
    signer = ResultSigner(first)
    assert signer.check(signer.sign(result_pdf(), URL, "K7QM-2XWD-9RTA")) is SignatureVerdict.VALID


def test_configured_files_are_used_instead_of_the_development_pair(tmp_path: Path):
    key_pem, cert_pem = generate_self_signed("Province of Quang Ninh")
    (tmp_path / "key.pem").write_bytes(key_pem)
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    identity = load_identity(str(tmp_path / "key.pem"), str(tmp_path / "cert.pem"), tmp_path / "dev")
    assert identity == SigningIdentity(key_pem, cert_pem) and not (tmp_path / "dev").exists()
