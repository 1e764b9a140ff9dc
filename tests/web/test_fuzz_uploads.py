"""Fuzzing multipart uploads to the web app (a family's photos, the one form that takes files):
any body, headers and file content get an answer below 500, and a refused upload changes
nothing."""

from __future__ import annotations

import io
from functools import cache

from fuzzing import fuzz, mark
from hypothesis import event, given
from hypothesis import strategies as st
from PIL import Image

from caesar.access.roles import Role

from .conftest import Site

pytestmark = mark

BOUNDARY = "fuzzboundary7MA4YWxkTrZu0gW"


@cache
def _small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, "JPEG")
    return out.getvalue()


_NAMES = st.sampled_from(['"photos"', '"caption"', '"csrf_token"', '"photos', "photos", '""',
                          '"\u202e"', '"' + "p" * 3000 + '"'])
_FILENAMES = st.sampled_from(['; filename="a.jpg"', '; filename=""', '; filename="../../x"',
                              '; filename="\x1b[2J.jpg"', "; filename*=UTF-8''%E2%80%AEa.jpg",
                              '; filename="' + "a" * 5000 + '"', ""])


@st.composite
def _content(draw: st.DrawFn) -> bytes:
    data = bytearray(_small_jpeg())
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data) - 1))
        data[at:at + draw(st.integers(0, 16))] = draw(st.binary(max_size=16))
    return bytes(data[:draw(st.integers(0, len(data)))]) if draw(st.booleans()) else bytes(data)


@st.composite
def _body(draw: st.DrawFn, token: str) -> tuple[bytes, str]:
    """A multipart body (well formed or not) and its content type."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
             f"{token}\r\n".encode()] if draw(st.integers(0, 5)) else []
    for _ in range(draw(st.integers(0, 4))):
        disposition = f"form-data; name={draw(_NAMES)}{draw(_FILENAMES)}"
        kind = draw(st.sampled_from(["image/jpeg", "text/plain", "", "\x00"]))
        head = f"Content-Disposition: {disposition}\r\n" + (
            f"Content-Type: {kind}\r\n" if kind else "")
        parts.append(f"--{BOUNDARY}\r\n{head}\r\n".encode("utf-8", "surrogatepass")
                     + draw(_content()) + b"\r\n")
    body = b"".join(parts) + draw(st.sampled_from(
        [f"--{BOUNDARY}--\r\n".encode(), b"", f"--{BOUNDARY}".encode(), b"--\r\n"]))
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(max_size=8)) + body[at:]
    content_type = draw(st.sampled_from([
        f"multipart/form-data; boundary={BOUNDARY}", "multipart/form-data",
        f"multipart/form-data; boundary={BOUNDARY[:-1]}", "application/x-www-form-urlencoded",
        f'multipart/form-data; boundary="{BOUNDARY}"; charset=x-unknown']))
    return body, content_type


@fuzz
@given(st.data())
def test_any_upload_gets_an_answer_and_a_refusal_changes_nothing(site: Site,
                                                                 data: st.DataObject) -> None:
    report = site.identification().report
    liaison = site.as_role(Role.family_liaison)
    body, content_type = data.draw(_body(site.csrf(liaison)))
    before = len(site.archive.identify.report(report, "test").photos)
    reply = liaison.post(f"/reports/{report}/photos", content=body,
                         headers={"content-type": content_type})
    after = len(site.archive.identify.report(report, "test").photos)
    event(f"answered {reply.status_code}")  # --hypothesis-show-statistics: how deep it went
    assert reply.status_code < 500, reply.text[:2000]
    assert reply.status_code == 200 or after == before, reply.status_code
    assert "Traceback" not in reply.text
