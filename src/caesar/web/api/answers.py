"""Every answer of the API is built for its reader: the fields their role may not see are
``null`` (`caesar.access.fields`), whichever route answers.

One route class for every router of the API, so a new route cannot forget it. The custody
log's routes keep theirs: they answer what the log publishes (a pseudonym is not a name), and
resolve an entry's subject only for readers allowed to see it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from caesar.access.fields import for_reader
from caesar.access.views import Identity
from caesar.names import json_text


class ExactJSON(JSONResponse):
    """JSON with every character as it is: a file name's undecodable bytes travel as
    ``\\udcXX`` escapes (:mod:`caesar.names`), which UTF-8 alone could not carry."""

    def render(self, content: Any) -> bytes:
        return json_text(content, allow_nan=False, separators=(",", ":")).encode("utf-8")



class ForReader(APIRoute):
    """A route whose JSON answer passes through :func:`caesar.access.fields.for_reader`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            response = await handler(request)
            who: Identity | None = getattr(request.state, "identity", None)
            # Streams (a package's download) have no body to read here, and carry no record.
            if who is None or response.media_type != "application/json" \
                    or not hasattr(response, "body"):
                return response
            document = json.loads(bytes(response.body))
            shown = for_reader(document, who.may, who.name)
            if shown is document:
                return response
            headers = {k: v for k, v in response.headers.items() if k != "content-length"}
            return ExactJSON(shown, status_code=response.status_code, headers=headers)

        return answer
