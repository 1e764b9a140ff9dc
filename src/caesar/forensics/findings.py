"""What an examination says: findings, each with its evidence and a strength, never a verdict.

A finding says what was seen (``summary``, in plain words, and ``phrase``, the same sentence
as a template and values that the web words in Arabic or English), the evidence behind it
(``evidence``: tables, tags, times, as an expert would check them) and how strongly it departs
from what a camera original shows: ``consistent`` (what a camera original shows), ``unusual``
(seen in camera originals, yet worth a look) or ``inconsistent`` (a camera original would
not show it; something happened to the file after the camera wrote it). None of them says
"authentic": an original can be consistent in every respect and still be staged.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

METHOD_VERSION: Final = "examine-4"
"""Named in every finding; results of another version are recomputed."""

Strength = Literal["consistent", "unusual", "inconsistent"]
Strongest = Literal["consistent", "unusual", "inconsistent", "not_examined"]
STRENGTHS: Final[tuple[Strength, ...]] = ("consistent", "unusual", "inconsistent")


def N_(message: str) -> str:
    """Mark a sentence template for the web's catalogue (it is translated there)."""
    return message


class Finding(BaseModel):
    """One thing the examination saw."""

    model_config = ConfigDict(frozen=True)

    signal: str  # structure.tables, metadata.sequence, recompression.grid, ...
    strength: Strength
    evidence: str  # what an expert checks: the values, the tags, the tool's output
    summary: str  # the sentence in English
    phrase: dict[str, Any] = Field(default_factory=dict)  # {"template", "values"}
    method_version: str = METHOD_VERSION
    details: dict[str, Any] = Field(default_factory=dict)  # a map, the tables, ...


def finding(signal: str, strength: Strength, template: str, evidence: str,
            details: dict[str, Any] | None = None, **values: Any) -> Finding:
    """A finding whose sentence is `template` (a catalogue message) filled with `values`."""
    return Finding(signal=signal, strength=strength, evidence=evidence,
                   summary=template.format(**values),
                   phrase={"template": template, "values": values}, details=details or {})


class Examination(BaseModel):
    """Everything the examination found about one original (the `examine --json` shape)."""

    sha256: str
    media_type: str
    method_version: str = METHOD_VERSION
    strongest: Strongest
    findings: list[Finding]
    camera: str | None = None  # the camera key: body serial, else make and model
    not_examined: list[str] = Field(default_factory=list)  # checks that did not apply, why
    examined_at: str | None = None


def strongest(findings: list[Finding]) -> Strongest:
    """The strongest strength among `findings` (``not_examined`` when there are none)."""
    if not findings:
        return "not_examined"
    return max((f.strength for f in findings), key=STRENGTHS.index)
