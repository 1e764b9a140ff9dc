"""Content credentials: the C2PA manifests a camera, a phone or an editor signs into a file.

A manifest says who signed the file (the certificate's subject), with which device or app,
and which edits it declares (created, cropped, filtered...), and binds all of that to the
file's bytes with a hash. `c2pa-python` (the Content Authenticity Initiative's own reader,
c2pa-rs) parses and validates it. What it finds is kept with the original's metadata, under
`C2PA`; a manifest that fails validation (the bytes changed after signing, a damaged or
unparsable manifest) is a flag, since a court will ask.

The archive keeps no trust list: a signature that validates is "valid", and whether its signer
is who it claims to be is the examiner's question (the signer is shown). Nothing is fetched:
remote manifests and certificate status (OCSP) are never looked up, so reading a file never
tells anyone that the archive holds it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, BinaryIO, Final

import c2pa

_MARK: Final = b"c2pa"  # the label of every manifest store's JUMBF box, in every format
_CHUNK: Final = 1024 * 1024
_SETTINGS: Final = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
_SOURCE_TYPES: Final = "http://cv.iptc.org/newscodes/digitalsourcetype/"


@dataclass(frozen=True)
class Credentials:
    """What a file's active C2PA manifest says, and whether it holds."""

    state: str  # "valid" (signature and hashes hold) or "invalid"
    signer: str | None  # the signing certificate's subject: common name (organisation)
    algorithm: str | None
    signed_at: str | None  # a trusted timestamp's time, when the manifest carries one
    generator: str | None  # the device or app that made the manifest, with its version
    actions: list[str] = field(default_factory=list)  # c2pa.created, c2pa.cropped, ...
    source: str | None = None  # IPTC digital source type: digitalCapture, compositeCapture...
    problems: list[str] = field(default_factory=list)  # failed checks, code: explanation
    manifests: int = 1  # manifests in the store: the active one and its ingredients'

    def as_json(self) -> dict[str, Any]:
        """The credentials as kept in an original's metadata (under `C2PA`)."""
        return asdict(self)


def might_carry(f: BinaryIO) -> bool:
    """Whether a file holds the mark every C2PA manifest store carries (a cheap scan, so
    that files without one never reach the parser)."""
    f.seek(0)
    tail = b""
    while chunk := f.read(_CHUNK):
        if _MARK in tail + chunk:
            return True
        tail = chunk[-len(_MARK):]
    return False


def credentials_of(f: BinaryIO, media_type: str) -> dict[str, Any] | None:
    """The credentials in `f` (of `media_type`) as they are kept with an original's metadata
    (:meth:`Credentials.as_json`), None when it has none; a manifest store that cannot be
    parsed is ``{"state": "unreadable", "problems": [what the parser said]}``."""
    if media_type not in c2pa.Reader.get_supported_mime_types() or not might_carry(f):
        return None
    f.seek(0)
    try:
        with c2pa.Context(c2pa.Settings.from_dict(_SETTINGS)) as context:
            reader = c2pa.Reader.try_create(media_type, f, context=context)
            if reader is None:
                return None
            with reader:
                store = json.loads(reader.json())
    except c2pa.C2paError as exc:
        return {"state": "unreadable", "problems": [str(exc)]}
    return _credentials(store).as_json()


def _credentials(store: dict[str, Any]) -> Credentials:
    active = store.get("manifests", {}).get(store.get("active_manifest") or "", {})
    signature = active.get("signature_info") or {}
    failed = (store.get("validation_results") or {}).get("activeManifest", {}).get("failure", [])
    # No trust list is kept (see the module's docstring): an unknown signer is not a failure.
    problems = [f"{f.get('code')}: {f.get('explanation')}" for f in failed
                if f.get("code") != "signingCredential.untrusted"]
    actions, source = _actions(active)
    subject = signature.get("common_name")
    issuer = signature.get("issuer")
    return Credentials(
        state="invalid" if problems or store.get("validation_state") == "Invalid" else "valid",
        signer=f"{subject} ({issuer})" if subject and issuer else subject or issuer,
        algorithm=signature.get("alg"),
        signed_at=signature.get("time"),
        generator=_generator(active),
        actions=actions,
        source=source,
        problems=problems,
        manifests=len(store.get("manifests", {})),
    )


def _generator(manifest: dict[str, Any]) -> str | None:
    infos = manifest.get("claim_generator_info") or []
    if infos and isinstance(infos[0], dict) and infos[0].get("name"):
        return " ".join(str(infos[0][k]) for k in ("name", "version") if infos[0].get(k))
    generator = manifest.get("claim_generator")
    return str(generator) if generator else None


def _actions(manifest: dict[str, Any]) -> tuple[list[str], str | None]:
    actions: list[str] = []
    source = None
    for assertion in manifest.get("assertions") or []:
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in (assertion.get("data") or {}).get("actions") or []:
            actions.append(str(action.get("action")))
            kind = action.get("digitalSourceType")
            if isinstance(kind, str) and source is None:
                source = kind.removeprefix(_SOURCE_TYPES)
    return actions, source
