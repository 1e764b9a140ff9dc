"""The style sheet (and any other file the pages need), the only thing served unsigned-in
besides the sign-in page. Only files listed here are served, from inside the package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import Response

from caesar.errors import NotFound
from caesar.web.gate import PUBLIC, requires
from caesar.web.rendering import MenuItem

router = APIRouter()
menu: list[MenuItem] = []
_FOLDER: Final = Path(__file__).resolve().parent.parent / "static"
FILES: Final = {"caesar.css": "text/css; charset=utf-8", "warning.svg": "image/svg+xml"}


@router.get("/static/{name}")
@requires(PUBLIC)
def static_file(name: Annotated[str, PathParam(max_length=64)]) -> Response:
    """One of the app's own files (listed, so no path can reach outside the folder)."""
    if name not in FILES:
        raise NotFound(f"No file {name!r} here.")
    return Response((_FOLDER / name).read_bytes(), media_type=FILES[name])
