"""Documents: searching the text of every PDF the archive holds (records, certificates,
release papers), in Arabic or Latin letters.

A search shows the line each document was found on; those lines name people, so every
document a search shows is an entry in the custody log (`document.read`), never the words
searched for. A document's whole text is on its page (`/photos/{sha256}?text=true`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from caesar.access.roles import Permission
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu = [MenuItem(N_("Documents"), "/documents", Permission.documents_read)]


@router.get("/documents", response_class=HTMLResponse)
@requires(Permission.documents_read)
def document_search(request: Request, web: Web, who: Who,
                    q: Annotated[str, Query(max_length=200, description="Words or a number to"
                                            " find in documents' text.")] = "") -> Response:
    """The search form, and the passages found when words are given."""
    hits = web.archive.documents.search(q, who.name) if q.strip() else None
    return web.pages.render(request, "documents.html", title=web.pages.text(request,
                                                                            "Documents"),
                            q=q, hits=hits)
