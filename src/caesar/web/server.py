"""Serving the app with uvicorn, on loopback unless TLS protects the connection.

With several workers, the archive is opened once (one passphrase, asked once, never put in an
environment) and the process forks after binding the socket: each worker inherits the
unlocked keys and the socket, and opens its own database connections; the first process only
watches them, passes Ctrl-C or a termination on to them, and stops them all when one ends.
Python runs one thread of work at a time per process, so workers are how the app uses more
than one core. Each worker keeps its own sign-in limiter and security-log counters in memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import ipaddress
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn
from fastapi import FastAPI

from caesar.core import Archive
from caesar.errors import UsageError
from caesar.web.app import create_app


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(archive: Archive, *, host: str, port: int, workers: int = 1,
          tls_cert: Path | None = None, tls_key: Path | None = None,
          started: Callable[[str], None] | None = None) -> None:
    """Serve `archive` until interrupted (Ctrl-C).

    Off loopback, only over TLS: cookies and pages must not cross a network in the clear.
    """
    if (tls_cert is None) != (tls_key is None):
        raise UsageError("Give both --tls-cert and --tls-key, or neither.")
    if tls_cert is None and not is_loopback(host):
        raise UsageError(f"Serving on {host} without TLS would send passwords and photos"
                         " across the network in the clear.",
                         hint="Give --tls-cert and --tls-key, or serve on 127.0.0.1 behind a"
                         " TLS reverse proxy on the same machine.")
    app = create_app(archive)
    listening = _bind(host, port)
    archive.case_index.all()  # loaded once, before forking: every worker starts with it
    if started is not None:
        scheme = "https" if tls_cert else "http"
        shown = f"[{host}]" if ":" in host else host
        started(f"{scheme}://{shown}:{listening.getsockname()[1]}/")
    try:
        if workers == 1:
            _run(app, listening, tls_cert, tls_key)
        else:
            _supervise([_fork(lambda: _run(app, listening, tls_cert, tls_key), archive)
                        for _ in range(workers)])
    finally:
        listening.close()


def _fork(work: Callable[[], None], archive: Archive) -> int:
    """Start a worker process running `work`; its pid."""
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        _die_with_parent()
        archive.catalog.engine.dispose(close=False)  # its own connections, not the parent's
        work()
        status = 0
    finally:
        os._exit(status)


def _die_with_parent() -> None:
    """Ask Linux to stop this worker if the process that started it is killed outright."""
    if sys.platform == "linux":
        # prctl(PR_SET_PDEATHSIG, SIGTERM): no Python library wraps it; one call through libc.
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def _supervise(children: list[int]) -> None:
    """Wait for the workers; pass Ctrl-C and termination on; when one ends, end them all."""
    def forward(_signum: int, _frame: FrameType | None) -> None:
        # Always as SIGTERM: a terminal's Ctrl-C reaches the workers itself, and a second
        # SIGINT would make uvicorn stop at once, before the security log is written out.
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        running = set(children)
        while running:
            pid, _ = os.wait()
            if pid in running:
                running.discard(pid)
                forward(signal.SIGTERM, None)  # one ended: the others follow
    except ChildProcessError:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as error:
        listening.close()
        raise UsageError(f"Cannot listen on {host}:{port}: {error.strerror}.",
                         hint="Choose another --port, or stop what uses this one.") from None
    listening.listen(2048)
    return listening


def _run(app: FastAPI, listening: socket.socket, tls_cert: Path | None,
         tls_key: Path | None) -> None:
    config = uvicorn.Config(app, ssl_certfile=tls_cert, ssl_keyfile=tls_key,
                            server_header=False, proxy_headers=False, access_log=False,
                            log_level="warning", timeout_keep_alive=30)
    uvicorn.Server(config).run(sockets=[listening])
