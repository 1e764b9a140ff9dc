"""Parameters that many routes take, with the bounds that keep bad input a clean 422."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Depends, Path, Query

from caesar.access.views import Identity
from caesar.web.gate import identity
from caesar.web.state import WebState, web_state

MAX_ID: Final = 2**31 - 1  # past this, no record exists (and SQLite's integers stay safe)
SHA256: Final = "^[0-9a-fA-F]{64}$"

Web = Annotated[WebState, Depends(web_state)]
Who = Annotated[Identity, Depends(identity)]
CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="A case's id.")]
TransferId = Annotated[int, Path(ge=1, le=MAX_ID, description="A transfer's id.")]
ReportId = Annotated[int, Path(ge=1, le=MAX_ID, description="A family's report's id.")]
PhotoId = Annotated[int, Path(ge=1, le=MAX_ID, description="A family's photo's id.")]
SessionId = Annotated[int, Path(ge=1, le=MAX_ID, description="A disclosure session's id.")]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="An export request's id.")]
Sha256 = Annotated[str, Path(pattern=SHA256, description="An original's SHA-256 (hex).")]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000, description="Which page, from 1.")]
