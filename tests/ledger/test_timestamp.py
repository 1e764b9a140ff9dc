"""RFC 3161 timestamps from a real TSA (openssl ts -reply) on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tsa_server import LocalTsa, make_tsa_certificates, running_tsa

from caesar.ledger.errors import TimestampError
from caesar.ledger.timestamp import request_timestamp, verify_timestamp

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")

CHECKPOINT = b"caesar.example/archive\n3\nrra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc=\n"


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTsa]:
    with running_tsa(tmp_path_factory.mktemp("tsa")) as running:
        yield running


@pytest.fixture(scope="module")
def token(tsa: LocalTsa) -> bytes:
    return request_timestamp(CHECKPOINT, tsa.url)


def _chain(tsa: LocalTsa) -> bytes:
    return tsa.tsa_cert.read_bytes() + tsa.ca_cert.read_bytes()


def test_token_verifies_with_the_openssl_command_line(
    tsa: LocalTsa, token: bytes, tmp_path: Path
) -> None:
    (tmp_path / "checkpoint.txt").write_bytes(CHECKPOINT)
    (tmp_path / "token.tsr").write_bytes(token)
    done = subprocess.run(
        ["openssl", "ts", "-verify", "-data", "checkpoint.txt", "-in", "token.tsr",
         "-CAfile", str(tsa.ca_cert), "-untrusted", str(tsa.tsa_cert)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Verification: OK" in done.stdout


def test_openssl_rejects_the_token_for_other_data(
    tsa: LocalTsa, token: bytes, tmp_path: Path
) -> None:
    (tmp_path / "other.txt").write_bytes(CHECKPOINT.replace(b"3", b"4"))
    (tmp_path / "token.tsr").write_bytes(token)
    done = subprocess.run(
        ["openssl", "ts", "-verify", "-data", "other.txt", "-in", "token.tsr",
         "-CAfile", str(tsa.ca_cert), "-untrusted", str(tsa.tsa_cert)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert done.returncode != 0


def test_token_verifies_in_python(tsa: LocalTsa, token: bytes) -> None:
    when = verify_timestamp(token, CHECKPOINT, _chain(tsa))
    assert abs(when - datetime.now(UTC)) < timedelta(minutes=5)
    assert verify_timestamp(token, CHECKPOINT, _chain(tsa).decode()) == when


def test_token_for_other_data_is_rejected(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(TimestampError, match="token does not verify: Mismatch between messages"):
        verify_timestamp(token, CHECKPOINT + b"x", _chain(tsa))


def test_token_from_another_tsa_is_rejected(token: bytes, tmp_path: Path) -> None:
    make_tsa_certificates(tmp_path)
    other_chain = (tmp_path / "tsa.crt").read_bytes() + (tmp_path / "ca.crt").read_bytes()
    with pytest.raises(TimestampError, match="token does not verify"):
        verify_timestamp(token, CHECKPOINT, other_chain)


def test_altered_token_is_rejected(tsa: LocalTsa, token: bytes) -> None:
    # Flip a byte of the signature, which sits at the end of the DER reply.
    altered = token[:-10] + bytes([token[-10] ^ 1]) + token[-9:]
    with pytest.raises(TimestampError, match="token does not verify"):
        verify_timestamp(altered, CHECKPOINT, _chain(tsa))
    with pytest.raises(TimestampError, match="not an RFC 3161 timestamp reply"):
        verify_timestamp(token[:100], CHECKPOINT, _chain(tsa))


def test_certificates_must_reach_a_root(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(TimestampError, match="include no root certificate"):
        verify_timestamp(token, CHECKPOINT, tsa.tsa_cert.read_bytes())
    with pytest.raises(TimestampError, match="no PEM certificate"):
        verify_timestamp(token, CHECKPOINT, b"not a certificate")


def test_each_request_gets_a_fresh_token(tsa: LocalTsa, token: bytes) -> None:
    again = request_timestamp(CHECKPOINT, tsa.url)
    assert again != token  # a new serial number and nonce
    verify_timestamp(again, CHECKPOINT, _chain(tsa))


def test_unreachable_tsa_says_so() -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(TimestampError, match=f"no Time Stamping Authority reachable at URL: {url}"):
        request_timestamp(CHECKPOINT, url, timeout=2)


def test_silent_tsa_times_out() -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with pytest.raises(TimestampError, match="no Time Stamping Authority reachable at URL"):
            request_timestamp(CHECKPOINT, url, timeout=0.3)


def test_http_errors_and_other_schemes_are_reported(tsa: LocalTsa) -> None:
    with pytest.raises(TimestampError, match="not an http"):
        request_timestamp(CHECKPOINT, "file:///etc/passwd")
    with pytest.raises(TimestampError, match="refused the request: HTTP 404"):
        request_timestamp(CHECKPOINT, tsa.url + "no-such-path")
