"""Content credentials made for tests: a C2PA manifest signed into a file by the C2PA
reference library (c2pa-python), with a certificate chain made here (a test root and a leaf
that names a camera app), as a phone or an editor signs its photos."""

from __future__ import annotations

import datetime
import io
from functools import cache

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SIGNER = "Test Camera App"
ORGANISATION = "Test Newsroom"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION)])


def _usage(*, signs_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=signs_certificates, crl_sign=signs_certificates,
                         encipher_only=False, decipher_only=False)


@cache
def _chain() -> tuple[bytes, bytes]:
    """A leaf certificate and its root (PEM), and the leaf's private key (PEM)."""
    now = datetime.datetime.now(datetime.UTC)
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = (x509.CertificateBuilder().subject_name(_name("Test Root"))
            .issuer_name(_name("Test Root")).public_key(root_key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(signs_certificates=True), critical=True)
            .sign(root_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(_name(SIGNER)).issuer_name(root.subject)
            .public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(signs_certificates=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return (leaf.public_bytes(pem) + root.public_bytes(pem),
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


def sign(data: bytes, media_type: str, actions: tuple[str, ...] = ("c2pa.created",)) -> bytes:
    """`data` with a C2PA manifest signed into it, declaring `actions` (the first a capture)."""
    chain, key = _chain()
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg=b"es256", sign_cert=chain,
                                                       private_key=key, ta_url=None))
    declared = [{"action": a} for a in actions]
    declared[0]["digitalSourceType"] = \
        "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
    manifest = {"claim_generator_info": [{"name": SIGNER, "version": "2.1"}],
                "title": "photo", "assertions": [
                    {"label": "c2pa.actions", "data": {"actions": declared}}]}
    out = io.BytesIO()
    with c2pa.Builder(manifest) as builder:
        builder.sign(signer, media_type, io.BytesIO(data), out)
    return out.getvalue()
