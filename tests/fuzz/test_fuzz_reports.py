"""Fuzzing families' reports as partners send them: a JSON list or a CSV file
(`missing add --from`, the web import). A file is imported whole, or refused with the
project's error naming each problem; nothing else."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from fuzzing import fuzz, mark
from hypothesis import given
from hypothesis import strategies as st

from caesar.errors import CaesarError
from caesar.identify.reports import read_reports
from caesar.identify.vocabulary import KEYS

pytestmark = mark

_TEXTS = st.sampled_from([
    "", " ", "M", "f", "أنثى", "1985", "١٩٨٥", "²", "①", "1" * 5000, "2012-04-15", "٢٠١٢-٠٤-١٥",
    "2999-01-01", "0001-01-01", "tattoo:left_forearm:name:رانيا", "scar::", "tattoo;;", ":::",
    "true", "نعم", "partners", "\u202e", "\x00", "\udcff", "x" * 600, "12345678901234",
]) | st.text(max_size=20)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _TEXTS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6)
_REPORTS = st.lists(st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), _VALUES,
                                    max_size=6), max_size=4)


def _read(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            reports = read_reports(path)
        except CaesarError as error:
            assert error.message and name in error.message
        else:
            assert reports


def _csv(rows: list[dict[str, object]]) -> bytes:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


# Each raised out of read_reports: a traceback instead of a named problem.
_FOUND = [
    # Found by fuzzing: int("²") after str.isdigit() said yes.
    ("reports.csv", b"name,height_cm\nx,\xc2\xb2\n", "height_cm"),
    # Found by fuzzing: int() of a year of 5,000 digits.
    ("reports.csv", b"name,birth_year\nx," + b"1" * 5000 + b"\n", "birth_year"),
    # Found reading the parser while writing its targets: RecursionError, ValueError (an
    # integer of 5,000 digits) and csv.Error (a cell over 128 KiB).
    ("reports.json", b"[" * 100_000, "is not valid JSON"),
    ("reports.json", b"[{\"birth_year\": " + b"1" * 5000 + b"}]", "is not valid JSON"),
    ("reports.csv", b"name\n" + b"x" * 200_000 + b"\n", "line"),
]


@pytest.mark.parametrize(("name", "data", "said"), _FOUND)
def test_reports_fuzzing_found_are_refused_by_name(name: str, data: bytes, said: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        with pytest.raises(CaesarError) as raised:
            read_reports(path)
    assert name in raised.value.message and said in raised.value.message


@fuzz
@given(_REPORTS)
def test_any_json_list_of_reports_is_read_or_refused_by_name(
        reports: list[dict[str, object]]) -> None:
    _read("reports.json", json.dumps(reports).encode("utf-8", "surrogatepass"))


@fuzz
@given(st.lists(st.dictionaries(st.sampled_from(KEYS), _TEXTS, max_size=6), max_size=4))
def test_any_csv_of_reports_is_read_or_refused_by_name(rows: list[dict[str, object]]) -> None:
    _read("reports.csv", _csv(rows))


@fuzz
@given(st.sampled_from(["reports.json", "reports.csv", "reports.txt"]), st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_by_name(name: str, data: bytes) -> None:
    _read(name, data)
