"""RFC 3161 trusted timestamps: a Time Stamping Authority's signed word that data existed by then.

A token here is the DER ``TimeStampResp`` exactly as the TSA sent it (status and signed token):
``openssl ts -verify -in TOKEN -data FILE -CAfile CA -untrusted TSA_CERT`` checks it as it is.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from caesar.ledger.errors import TimestampError

_SHA256_OID = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")


def request_timestamp(data: bytes, tsa_url: str, timeout: float = 10) -> bytes:
    """Ask the TSA at ``tsa_url`` to timestamp ``data`` (by its SHA-256); return the DER token.

    The reply is checked against the request (status, digest, nonce) but not against the TSA's
    certificate, which the caller may not have yet: use :func:`verify_timestamp` for that.
    """
    if urllib.parse.urlsplit(tsa_url).scheme not in ("http", "https"):
        raise TimestampError(f"not an http(s) address for a Time Stamping Authority: {tsa_url}")
    query = (
        TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
    )
    request = urllib.request.Request(
        tsa_url,
        data=query.as_bytes(),
        headers={"Content-Type": "application/timestamp-query",
                 "Accept": "application/timestamp-reply"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            token: bytes = response.read()
    except urllib.error.HTTPError as error:
        raise TimestampError(
            f"the Time Stamping Authority at {tsa_url} refused the request: "
            f"HTTP {error.code} {error.reason}",
            hint="Check the TSA address in the archive's settings.",
        ) from None
    except OSError as error:
        raise TimestampError(
            f"no Time Stamping Authority reachable at URL: {tsa_url} ({error})",
            hint="Check the address and the network connection, or try again later; "
            "the custody log itself is unaffected.",
        ) from None
    reply = _decode(token, f"the answer from {tsa_url}")
    if reply.status != PKIStatus.GRANTED:
        reasons = "; ".join(reply.status_string) or "no reason given"
        raise TimestampError(f"the Time Stamping Authority at {tsa_url} did not grant a "
                             f"timestamp (status {reply.status}: {reasons})")
    info = reply.tst_info
    if (info.message_imprint.hash_algorithm != _SHA256_OID
            or info.message_imprint.message != hashlib.sha256(data).digest()
            or info.nonce != query.nonce):
        raise TimestampError(f"the Time Stamping Authority at {tsa_url} answered a different "
                             "request: its token is for other data or another nonce")
    return token


def verify_timestamp(token: bytes, data: bytes, tsa_cert_pem: bytes | str) -> datetime:
    """Check that ``token`` timestamps ``data``; return the time the TSA vouches for.

    ``tsa_cert_pem`` holds the TSA's certificate first, then its issuers up to the self-signed
    root that is trusted, all PEM, as ``cat tsa.crt cacert.pem`` makes them. The token must be
    signed by that very TSA certificate, which must chain to that root.
    """
    pem = tsa_cert_pem.encode() if isinstance(tsa_cert_pem, str) else tsa_cert_pem
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise TimestampError("no PEM certificate where the TSA's was expected") from None
    roots = [c for c in certificates if c.issuer == c.subject]
    if not roots:
        raise TimestampError(
            "the TSA's certificates include no root certificate to trust",
            hint="Give the TSA's certificate followed by its CA certificates up to the root.",
        )
    intermediates = [c for c in certificates[1:] if c not in roots]
    verifier = VerifierBuilder(
        tsa_certificate=certificates[0], intermediates=intermediates, roots=roots
    ).build()
    reply = _decode(token, "the timestamp token")
    try:
        verifier.verify_message(reply, data)
    except VerificationError as error:
        raise TimestampError(f"the timestamp token does not verify: {error}",
                             hint="The data or the token was altered, or another TSA "
                             "signed it.") from None
    return reply.tst_info.gen_time


def timestamped_digest(token: bytes) -> bytes:
    """The SHA-256 digest that ``token`` vouches for (read, not verified: see above)."""
    info = _decode(token, "the timestamp token").tst_info
    if info.message_imprint.hash_algorithm != _SHA256_OID:
        raise TimestampError("the timestamp token does not use SHA-256")
    digest: bytes = info.message_imprint.message
    return digest


def _decode(token: bytes, what: str) -> TimeStampResponse:
    try:
        return decode_timestamp_response(token)
    except ValueError:
        raise TimestampError(f"{what} is not an RFC 3161 timestamp reply (DER)") from None
