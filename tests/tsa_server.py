"""A real RFC 3161 Time Stamping Authority on loopback, for tests.

``openssl`` makes a throw-away CA and a TSA certificate (with the critical
``extendedKeyUsage=timeStamping`` that RFC 3161 §2.3 demands); a small ``http.server`` on
127.0.0.1 answers each POSTed query by running ``openssl ts -reply``, as a real TSA would.
"""

from __future__ import annotations

import http.server
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_TSA_CONFIG = """\
[ tsa ]
default_tsa = local_tsa

[ local_tsa ]
dir = {dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.57264.99.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

_TSA_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
"""


@dataclass(frozen=True, kw_only=True)
class LocalTsa:
    """A running TSA: where to POST queries and the certificates that check its tokens."""

    url: str
    ca_cert: Path
    tsa_cert: Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_tsa_certificates(directory: Path) -> None:
    """Write ``ca.crt``, ``tsa.crt``, ``tsa.key`` and ``openssl ts``'s config to ``directory``."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650",
             "-subj", "/CN=Caesar test TSA root",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
    _openssl("req", *ec, "-keyout", "tsa.key", "-out", "tsa.csr",
             "-subj", "/CN=Caesar test TSA", cwd=directory)
    (directory / "tsa.ext").write_text(_TSA_EXTENSIONS)
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "3650", "-extfile", "tsa.ext", "-out", "tsa.crt",
             cwd=directory)
    (directory / "tsaserial").write_text("01\n")
    (directory / "tsa.cnf").write_text(_TSA_CONFIG.format(dir=directory))


class _Handler(http.server.BaseHTTPRequestHandler):
    directory: Path  # set on the subclass that running_tsa makes

    def do_POST(self) -> None:
        if self.path != "/":
            self.send_error(404)
            return
        if self.headers.get("Content-Type") != "application/timestamp-query":
            self.send_error(415, "expected application/timestamp-query")
            return
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with tempfile.TemporaryDirectory(dir=self.directory) as work:
            (Path(work) / "query.tsq").write_bytes(query)
            done = subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(self.directory / "tsa.cnf"),
                 "-queryfile", "query.tsq", "-out", "reply.tsr"],
                check=False, cwd=work, capture_output=True,
            )
            if done.returncode != 0:
                self.send_error(500, done.stderr.decode(errors="replace")[:200])
                return
            reply = (Path(work) / "reply.tsr").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@contextmanager
def running_tsa(directory: Path) -> Iterator[LocalTsa]:
    """Run a TSA whose keys and certificates live in ``directory`` until the block ends."""
    make_tsa_certificates(directory)
    handler = type("Handler", (_Handler,), {"directory": directory})
    # One request at a time: openssl's serial-number file is not safe to share.
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield LocalTsa(url=f"http://{host!s}:{port}/", ca_cert=directory / "ca.crt",
                       tsa_cert=directory / "tsa.crt")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
