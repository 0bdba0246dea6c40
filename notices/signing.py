"""PAdES signatures on every document the portal issues, by the issuing body's own key (pyHanko).

Each issuer (an authority or a district office, named by its full name) signs with a PKCS#12 file:

* in production, ``SIGNING_KEYS`` maps the issuer's name to its file (from the environment variable
  ``SIGNING_KEYS_JSON``), ``SIGNING_KEY_PASSPHRASE`` opens them and ``SIGNING_TRUST_ROOTS`` lists the
  CA certificates (PEM) a signature must chain to;
* in the demo and the tests (``SIGNING_DEMO_CA``), a local CA in ``SIGNING_DEMO_DIR`` issues each
  issuer's certificate the first time it signs (``manage.py signing_keys`` makes them all at set-up).

The signature's visible appearance is the box the template gave its seal (``id="seal"``), so the
signature sits over the seal; its coverage is the whole file (PAdES B-B, SHA-256).  :func:`verify`
says whether bytes are a document signed by a portal issuer and unchanged since.
"""

import datetime
import fcntl
import hashlib
import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

FIELD = "Seal"


# --- keys ---------------------------------------------------------------------------------------------

def demo_dir() -> Path:
    return Path(settings.SIGNING_DEMO_DIR)


def _demo_key_file(issuer: str) -> Path:
    return demo_dir() / f"issuer-{hashlib.sha256(issuer.encode()).hexdigest()[:16]}.p12"


def key_file(issuer: str) -> Path:
    """The PKCS#12 file ``issuer`` signs with (made for the demo and the tests when absent)."""
    configured = settings.SIGNING_KEYS.get(issuer)
    if configured:
        return Path(configured)
    if not settings.SIGNING_DEMO_CA:
        raise ImproperlyConfigured(f"No signing key is configured for “{issuer}” (SIGNING_KEYS_JSON).")
    path = _demo_key_file(issuer)
    if not path.exists():
        make_demo_key(issuer)
    return path


def passphrase() -> bytes:
    return (settings.SIGNING_KEY_PASSPHRASE or "").encode()


def make_demo_key(issuer: str) -> Path:
    """The demo CA (made once) issues ``issuer`` a signing certificate; both kept in ``SIGNING_DEMO_DIR``.

    A file lock keeps two workers from making two CAs or two keys at once."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    folder = demo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = _demo_key_file(issuer)
        if path.exists():
            return path
        ca_key, ca_cert = _demo_ca(folder)
        key, cert = _issue(issuer, ca_key, ca_cert)
        data = pkcs12.serialize_key_and_certificates(
            issuer.encode(), key, cert, [ca_cert], _encryption(passphrase()))
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return path


def _encryption(secret: bytes):
    from cryptography.hazmat.primitives import serialization

    return serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "创新联合体申报平台"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])


def _demo_ca(folder: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key_path, cert_path = folder / "ca.key.pem", folder / "ca.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    name = _name("演示根证书（仅供测试）")
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def _issue(issuer: str, ca_key, ca_cert):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(issuer)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


@lru_cache(maxsize=64)
def _signer(path: str, mtime: float):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner parses its key again for every signature (an RSA key check of some 30 ms,
        twice per PDF with the size estimate); this one keeps the parsed key for the process."""

        def sign_raw(self, data, digest_algorithm):
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if mechanism["algorithm"].native in ("rsassa_pkcs1v15", "sha256_rsa", "sha384_rsa", "sha512_rsa"):
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    loaded = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase() or None)
    if loaded is None:
        raise ImproperlyConfigured(f"The signing key {path} cannot be opened (wrong passphrase?).")
    key = serialization.load_der_private_key(loaded.signing_key.dump(), password=None)
    return KeptKeySigner(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                         cert_registry=loaded.cert_registry)


def signer_for(issuer: str):
    path = key_file(issuer)
    return _signer(str(path), path.stat().st_mtime)


def trust_roots():
    """The CA certificates a portal signature must chain to (the demo CA when it is in use)."""
    from asn1crypto import pem, x509

    paths = [Path(p) for p in settings.SIGNING_TRUST_ROOTS]
    if settings.SIGNING_DEMO_CA:
        paths.append(demo_dir() / "ca.pem")
    roots = []
    for path in paths:
        if path.exists():
            for _type, _headers, der in pem.unarmor(path.read_bytes(), multiple=True):
                roots.append(x509.Certificate.load(der))
    return roots


# --- signing ------------------------------------------------------------------------------------------

def sign(pdf: bytes, issuer: str, seal=None) -> bytes:
    """``pdf`` signed by ``issuer``; ``seal`` = (page index, (x1, y1, x2, y2) in PDF points) places the
    signature's appearance over the printed seal (an invisible signature without one)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import NoOpStampStyle

    page, box = seal if seal else (0, None)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=f"{issuer}签发", location="中国")
    # The widget covers the printed seal; its own appearance draws nothing (no font of its own), so what
    # shows there is the seal, and a reader's signature panel points at it.
    style = NoOpStampStyle()
    spec = fields.SigFieldSpec(FIELD, on_page=page, box=tuple(round(v) for v in box) if box else None)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    signer = signer_for(issuer)
    out = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec).sign_pdf(
        writer, bytes_reserved=_reserve(signer))
    return out.getvalue()


def _reserve(signer) -> int:
    """Room for the signature in the file: its certificates and a margin for the signature and its
    attributes, hex-encoded.  Given up front, pyHanko skips signing a dummy to estimate it."""
    certificates = [signer.signing_cert, *signer.cert_registry]
    return 2 * (sum(len(c.dump()) for c in certificates) + 1536)


# --- verifying ----------------------------------------------------------------------------------------

@dataclass
class Verdict:
    signed: bool = False
    intact: bool = False   # the signed bytes are unchanged
    whole: bool = False    # nothing was added after signing
    trusted: bool = False  # the certificate chains to a portal root
    signer: str = ""
    signed_at: datetime.datetime | None = None
    error: str = ""

    @property
    def valid(self):
        return self.signed and self.intact and self.whole and self.trusted


def verify(data: bytes) -> Verdict:
    """What the signature of ``data`` shows (never raises on bad input)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # not a PDF, or a broken one
        return Verdict(error=str(error)[:200])
    if not signatures:
        return Verdict()
    try:
        status = validate_pdf_signature(signatures[-1], ValidationContext(trust_roots=trust_roots()))
    except Exception as error:
        log.info("signature check failed: %s", error)
        return Verdict(signed=True, error=str(error)[:200])
    return Verdict(signed=True, intact=bool(status.intact and status.valid),
                   whole=status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1,
                   trusted=bool(status.trusted), signer=status.signing_cert.subject.native.get("common_name", ""),
                   signed_at=status.signer_reported_dt)
