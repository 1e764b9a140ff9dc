"""The edge of the app: security headers on every response, and no error ever leaking.

A plain ASGI middleware around the whole app, so that its headers are on every response,
404s and crashes included, and so that an unexpected exception becomes a bare 500 page (the
traceback goes to the server's log on stderr, never to the browser).
"""

from __future__ import annotations

import json
import logging
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP: Final = ("default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self';"
              " form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
"""No script at all, no inline style, nothing from another origin: the pages need none (a
revealed video plays from the archive itself)."""

HEADERS: Final[tuple[tuple[bytes, bytes], ...]] = tuple(
    (name.encode(), value.encode()) for name, value in (
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        # Pages show the dead and the names of the living: no cache keeps a copy, ever.
        ("cache-control", "no-store"),
        ("pragma", "no-cache"),
    ))
HSTS: Final = (b"strict-transport-security", b"max-age=31536000")
_log = logging.getLogger("caesar.web")


class EdgeMiddleware:
    """Adds the security headers; turns an unexpected exception into a plain 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                ours = {name for name, _ in HEADERS}
                headers = [(n, v) for n, v in message.get("headers", []) if n not in ours]
                headers += HEADERS + ((HSTS,) if tls else ())
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            _log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await _plain_500(scope, send_with_headers)


async def _plain_500(scope: Scope, send: Send) -> None:
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps({"error": "Something went wrong on the server.",
                           "hint": "Nothing was changed. Try again; if it happens again,"
                           " tell an administrator."}).encode()
        kind = b"application/json"
    else:
        body = (b"<!doctype html><html lang=en><meta charset=utf-8><title>Error</title>"
                b"<h1>Something went wrong on the server.</h1><p>Nothing was changed. Try"
                b" again; if it happens again, tell an administrator.</p></html>")
        kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 500,
                "headers": [(b"content-type", kind),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
