"""The province's signing key and certificate: from settings, or a self-signed pair made once for development."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEVELOPMENT_SUBJECT = "Quang Ninh result signing (DEVELOPMENT, not trusted)"
DEVELOPMENT_VALIDITY = timedelta(days=3650)


@dataclass(frozen=True)
class SigningIdentity:
    """A private key and its certificate, both PEM."""

    key_pem: bytes
    certificate_pem: bytes


def load_identity(key_file: str, certificate_file: str, development_dir: Path) -> SigningIdentity:
    """The configured pair when both files are set, else the development pair under `development_dir`."""
    if key_file and certificate_file:
        return SigningIdentity(Path(key_file).read_bytes(), Path(certificate_file).read_bytes())
    return development_identity(development_dir)


def development_identity(directory: Path) -> SigningIdentity:
    """The self-signed pair stored in `directory`, made on first use.

    Key and certificate live in one PEM file written under a temporary name and linked into place, so that two
    processes starting together end up with the same pair.
    """
    path = directory / "result-signing.pem"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f".result-signing.{os.getpid()}.pem"
        temporary.write_bytes(_pem_pair(*generate_self_signed(DEVELOPMENT_SUBJECT)))
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
        temporary.unlink()
    text = path.read_bytes()
    key_end = text.index(b"-----END PRIVATE KEY-----") + len(b"-----END PRIVATE KEY-----\n")
    return SigningIdentity(text[:key_end], text[key_end:])


def generate_self_signed(common_name: str, now: datetime | None = None) -> tuple[bytes, bytes]:
    """A new P-256 key and a self-signed certificate fit for document signing, both PEM."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + DEVELOPMENT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def _pem_pair(key_pem: bytes, certificate_pem: bytes) -> bytes:
    return key_pem + certificate_pem
