"""`caesar serve`: the web app for the archive, in the foreground until Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from caesar.cli.context import archive_for
from caesar.cli.output import err

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def serve(ctx: typer.Context,
          host: Annotated[str, typer.Option(help="Address to listen on. Anything but loopback"
                                            " needs --tls-cert and --tls-key.")] = DEFAULT_HOST,
          port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")
                          ] = DEFAULT_PORT,
          workers: Annotated[int, typer.Option(min=1, max=64, help="Processes serving"
                                               " requests: one per core uses them all. Each"
                                               " counts failed sign-ins on its own, so N"
                                               " workers allow up to N times the tries.")
                             ] = 1,
          tls_cert: Annotated[Path | None, typer.Option(
              help="TLS certificate chain (PEM): serve https, with Secure cookies.")] = None,
          tls_key: Annotated[Path | None, typer.Option(
              help="The TLS certificate's private key (PEM).")] = None) -> None:
    """Serve the web app: pages in Arabic and English, and the JSON API under /api/.

    People sign in with accounts made by `caesar users add` (the first administrator can only
    be made there). On 127.0.0.1 it serves plain http for this machine alone; elsewhere, give
    a TLS certificate.
    """
    from caesar.web.server import serve as run  # FastAPI and uvicorn: only for serving

    with archive_for(ctx) as (archive, _):
        run(archive, host=host, port=port, workers=workers, tls_cert=tls_cert, tls_key=tls_key,
            started=lambda url: err.print(f"Serving {archive.path} at {url} (Ctrl-C stops)."))
