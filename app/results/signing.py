"""PAdES signing and validation of result PDFs: the one module that imports pyHanko."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO

from pyhanko.keys.pemder import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.results.signing_identity import SigningIdentity

SIGNATURE_FIELD = "ProvinceSignature"
# Bottom-left corner of the last page, in PDF points (1/72 inch): the QR code and a short text beside it.
STAMP_BOX = (36, 24, 306, 104)
STAMP_TEXT = "%(signer)s\nMã xác thực / Verification code: %(code)s\n%(ts)s\nQuét mã QR để kiểm tra / Scan to verify"


class UnsignablePdf(ValueError):
    """The bytes are not a PDF that can be signed (broken, encrypted or not a PDF at all)."""


class SignatureVerdict(StrEnum):
    """What the signatures of a presented PDF say."""

    VALID = "valid"  # one signature, by the province, covering every byte, intact
    ALTERED = "altered"  # the province's signature is there but the bytes changed or more was added after it
    NOT_SIGNED = "not_signed"  # no signature by the province (none at all, or someone else's)


@dataclass(frozen=True)
class ResultSigner:
    """Signs PDFs with the province's key and checks them against the province's certificate."""

    identity: SigningIdentity

    def sign(self, pdf: bytes, verification_url: str, verification_code: str) -> bytes:
        """`pdf` signed (PAdES baseline B) with a visible stamp on its last page: a QR code of `verification_url`
        and the verification code. Raises UnsignablePdf."""
        certificate = self._certificate()
        signer = signers.SimpleSigner(
            signing_cert=certificate,
            signing_key=load_private_key_from_pemder_data(self.identity.key_pem, passphrase=None),
            cert_registry=SimpleCertificateStore.from_certs([certificate]),
        )
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
            if writer.prev.encrypted or writer.prev.embedded_signatures:
                raise UnsignablePdf("encrypted or already signed")
            last_page = int(writer.root["/Pages"]["/Count"]) - 1
            pdf_signer = signers.PdfSigner(
                signers.PdfSignatureMetadata(
                    field_name=SIGNATURE_FIELD,
                    subfilter=fields.SigSeedSubFilter.PADES,
                    md_algorithm="sha256",
                    reason="Kết quả giải quyết thủ tục hành chính / Result of an administrative procedure",
                    location="Quảng Ninh, Việt Nam",
                ),
                signer=signer,
                stamp_style=QRStampStyle(stamp_text=STAMP_TEXT, border_width=0),
                new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=last_page, box=STAMP_BOX),
            )
            output = pdf_signer.sign_pdf(
                writer, appearance_text_params={"url": verification_url, "code": verification_code}
            )
        except (PdfError, SigningError, KeyError, TypeError, ValueError) as error:
            if isinstance(error, UnsignablePdf):
                raise
            raise UnsignablePdf(str(error)) from error
        return output.getvalue()

    def _certificate(self):
        return next(load_certs_from_pemder_data(self.identity.certificate_pem))

    def check(self, pdf: bytes) -> SignatureVerdict:
        """Whether `pdf` is exactly as the province signed it, trusting only the province's certificate."""
        try:
            reader = PdfFileReader(BytesIO(pdf), strict=False)
            signatures = reader.embedded_signatures
        except (PdfError, ValueError, KeyError, TypeError):
            return SignatureVerdict.NOT_SIGNED
        certificate = self._certificate()
        ours = [signature for signature in signatures if signature.signer_cert.dump() == certificate.dump()]
        if not ours:
            return SignatureVerdict.NOT_SIGNED
        if len(signatures) > 1:
            return SignatureVerdict.ALTERED
        status = validate_pdf_signature(ours[0], ValidationContext(trust_roots=[certificate]))
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        return SignatureVerdict.VALID if status.bottom_line and whole else SignatureVerdict.ALTERED
