"""Serving the app with uvicorn, on loopback unless TLS protects the connection."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path

import uvicorn

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


def serve(archive: Archive, *, host: str, port: int, tls_cert: Path | None = None,
          tls_key: Path | None = None, started: Callable[[str], None] | None = None) -> None:
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
    config = uvicorn.Config(app, host=host, port=port, ssl_certfile=tls_cert,
                            ssl_keyfile=tls_key, server_header=False, proxy_headers=False,
                            access_log=False, log_level="warning", timeout_keep_alive=30)
    server = uvicorn.Server(config)
    if started is not None:
        scheme = "https" if tls_cert else "http"
        shown = f"[{host}]" if ":" in host else host
        started(f"{scheme}://{shown}:{port}/")
    server.run()
