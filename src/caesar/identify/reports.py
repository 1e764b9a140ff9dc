"""Reading families' reports: a partner's JSON list or CSV file, or one report's fields.

The keys are docs/design.md's (``missing add --from``); ``notes`` and ``consent_notify`` (whether
the family wants to be told of a possible match) may be added. Every value is checked before
anything is stored, and every problem is named by its row and field, so a partner can fix a
list in one pass; a file with any problem changes nothing.

What "not given" means: a key left out of a JSON object, or an empty CSV cell, leaves what the
archive holds as it is (a re-import updates only what it says); a JSON ``null`` clears it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from caesar.cases.marks import FORM, BadMark, parse_marks
from caesar.cases.search import to_western
from caesar.errors import UsageError
from caesar.identify.vocabulary import KEYS
from caesar.identify.wording import Code, Phrase, Typed, counted, phrase

REPORTER_KEYS: tuple[str, ...] = ("reporter_name", "reporter_relationship", "reporter_contact",
                                  "consent_contact", "consent_share", "consent_notify")
"""Keys about the person who reported (stored apart, sealed), not the missing person."""

SEALED_TEXT: tuple[str, ...] = ("name", "father", "grandfather", "family_name", "mother",
                                "arrest_place", "arresting_branch", "notes")
"""Text about the missing person that is stored sealed."""

SHARE_CHOICES = ("archive", "partners")
_MAX_TEXT = 500
_MAX_NOTES = 4000
_TRUE = frozenset({"true", "yes", "y", "1", "نعم"})
_FALSE = frozenset({"false", "no", "n", "0", "لا"})
_SEX = {"m": "M", "male": "M", "ذكر": "M", "f": "F", "female": "F", "أنثى": "F", "انثى": "F"}


@dataclass(frozen=True)
class ReportFields:
    """One report's values as given: only the keys that were there (None clears a value)."""

    where: str  # "row 3 (ref p-17)": how problems name this report
    values: Mapping[str, Any]

    @property
    def ref(self) -> str | None:
        """The partner's reference, if given."""
        ref = self.values.get("ref")
        return ref if isinstance(ref, str) else None


class BadReports(UsageError):
    """Reports that cannot be imported, each problem named by row and field."""


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field of a report: ``str()`` is ``"field: what is wrong"`` in
    English (the command line's words); `words` says it as a phrase each language words
    itself (the web's report form)."""

    field: str
    words: Phrase

    def __str__(self) -> str:
        return f"{self.field}: {self.words}"


class _Refused(ValueError):
    """A value a field does not take, with the phrase that says why."""

    def __init__(self, words: Phrase) -> None:
        super().__init__(str(words))
        self.words = words


# -- values ----------------------------------------------------------------------------------

def _text(limit: int) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _Refused(phrase("must be text"))
        text = " ".join(str(value).split())
        if len(text) > limit:
            raise _Refused(counted("is longer than {limit} characters", "limit", limit=limit))
        return text or None
    return parse


def _notes(value: Any) -> str | None:
    if not isinstance(value, str):
        raise _Refused(phrase("must be text"))
    text = value.strip()
    if len(text) > _MAX_NOTES:
        raise _Refused(counted("is longer than {limit} characters", "limit", limit=_MAX_NOTES))
    return text or None


def _sex(value: Any) -> str:
    sex = _SEX.get(str(value).strip().casefold()) if isinstance(value, str) else None
    if sex is None:
        raise _Refused(phrase("must be M or F, not {value}", value=Typed(value)))
    return sex


def _whole(low: int, high: int, what: Phrase) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        text = to_western(str(value).strip())
        # isascii: str.isdigit() also takes '²' or '①', which int() refuses; and int() refuses
        # thousands of digits, so a long one is refused before it is converted
        if (isinstance(value, bool) or not (text.isascii() and text.isdigit())
                or len(text) > len(str(high)) or not low <= int(text) <= high):
            raise _Refused(phrase("must be {what}, not {value}", what=what, value=Typed(value)))
        return int(text)
    return parse


def _day(value: Any) -> date:
    try:  # partners' lists may write dates in Arabic-Indic digits, like numbers
        day = date.fromisoformat(to_western(str(value).strip()))
    except ValueError:
        raise _Refused(phrase("must be a date like {example}, not {value}",
                              example=Code("2012-04-15"), value=Typed(value))) from None
    if day > datetime.now(UTC).date():
        raise _Refused(phrase("is in the future ({day})", day=day))
    if day.year < 1900:
        raise _Refused(phrase("is before {year} ({day})", year=1900, day=day))
    return day


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Refused(phrase("must be a number written in digits"))
    text = to_western("".join(str(value).split()))
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise _Refused(phrase("must be a number written in digits, not {value}",
                              value=Typed(value)))
    return text


def _marks(value: Any) -> list[str]:
    items: Iterable[Any]
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, list):
        items = value
    else:
        raise _Refused(phrase("must be a list of marks ({form})", form=FORM))
    for item in items:
        if not isinstance(item, str):
            raise _Refused(phrase("must be a list of marks, not {value}", value=Typed(item)))
    try:
        return parse_marks(items)
    except BadMark as error:  # the vocabulary's sentence, worded in each language
        raise _Refused(Phrase(error.template, {**error.values, **{
            key: Typed(text) for key, text in error.typed.items()}})) from None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Refused(phrase("must be true or false, not {value}", value=Typed(value)))


def _share(value: Any) -> str:
    text = str(value).strip().casefold()
    if text not in SHARE_CHOICES:
        raise _Refused(phrase("must be archive or partners, not {value}", value=Typed(value)))
    return text


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "ref": _text(128), "name": _text(_MAX_TEXT), "father": _text(_MAX_TEXT),
    "grandfather": _text(_MAX_TEXT), "family_name": _text(_MAX_TEXT),
    "mother": _text(_MAX_TEXT), "sex": _sex,
    "birth_year": _whole(1900, datetime.now(UTC).year,
                         phrase("a year like {year}", year=1985)),
    "birth_date": _day, "height_cm": _whole(50, 250, phrase("a height in centimetres")),
    "arrest_date": _day, "arrest_place": _text(_MAX_TEXT),
    "arresting_branch": _text(_MAX_TEXT), "detainee_number": _number, "marks": _marks,
    "reporter_name": _text(_MAX_TEXT), "reporter_relationship": _text(_MAX_TEXT),
    "reporter_contact": _text(_MAX_TEXT), "consent_contact": _flag, "consent_share": _share,
    "notes": _notes, "consent_notify": _flag,
}


def _check(values: Mapping[str, Any]) -> list[FieldProblem]:
    """Problems between fields of one report."""
    problems = []
    born, year = values.get("birth_date"), values.get("birth_year")
    if isinstance(born, date) and isinstance(year, int) and born.year != year:
        problems.append(FieldProblem("birth_date", phrase(
            "{day} is not in birth_year {year}", day=born, year=year)))
    arrested = values.get("arrest_date")
    birth = born.year if isinstance(born, date) else year
    if isinstance(arrested, date) and isinstance(birth, int) and arrested.year < birth:
        problems.append(FieldProblem("arrest_date", phrase(
            "{day} is before the birth ({year})", day=arrested, year=birth)))
    return problems


def parse_fields(where: str, raw: Mapping[str, Any], *, blank_means_unknown: bool
                 ) -> tuple[ReportFields, list[FieldProblem]]:
    """One report's values, and its problems (``str()`` of each: ``"field: what is
    wrong"``).

    With `blank_means_unknown` (CSV cells), an empty value is as if the key were left out.
    """
    values: dict[str, Any] = {}
    problems = []
    for key, value in raw.items():
        key = key.strip() if isinstance(key, str) else key
        if key not in _PARSERS:
            problems.append(FieldProblem(str(key), phrase("not a report field (fields: {keys})",
                                                          keys=", ".join(KEYS))))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            if not blank_means_unknown:
                values[key] = None
            continue
        try:
            values[key] = _PARSERS[key](value)
        except _Refused as error:
            problems.append(FieldProblem(key, error.words))
    if isinstance(values.get("birth_date"), date) and "birth_year" not in values:
        values["birth_year"] = values["birth_date"].year
    problems += _check(values)
    return ReportFields(where, values), problems


# -- files -----------------------------------------------------------------------------------

def read_reports(path: Path) -> list[ReportFields]:
    """Every report in a JSON list or a CSV file; raises :class:`BadReports` naming each
    problem by its row and field (then nothing may be imported)."""
    try:
        text = path.read_text("utf-8-sig")
    except OSError as error:
        raise UsageError(f"{path} cannot be read: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text.",
                         hint="Save the list as UTF-8 (JSON or CSV) and import it again.") from None
    is_json = path.suffix.lower() == ".json" or (path.suffix.lower() != ".csv"
                                                 and text.lstrip()[:1] == "[")
    rows = _json_rows(path, text) if is_json else _csv_rows(path, text)
    reports, problems = [], []
    seen: dict[str, str] = {}
    for where, raw, blanks in rows:
        fields, wrong = parse_fields(where, raw, blank_means_unknown=blanks)
        where = _label(where, fields.ref)
        problems += [f"{where}: {p}" for p in wrong]
        if fields.ref is not None:
            if fields.ref in seen:
                problems.append(f"{where}: ref: {fields.ref!r} is also {seen[fields.ref]}")
            seen[fields.ref] = where
        reports.append(ReportFields(where, fields.values))
    if problems:
        shown = problems[:30]
        more = f"\n  ... and {len(problems) - 30} more" if len(problems) > 30 else ""
        raise BadReports(f"{path} has {len(problems)} problem(s); nothing was imported:\n  "
                         + "\n  ".join(shown) + more,
                         hint="Fix these rows and import the file again.")
    if not reports:
        raise UsageError(f"{path} holds no reports.")
    return reports


def _label(where: str, ref: str | None) -> str:
    return f"{where} (ref {ref})" if ref else where


def _json_rows(path: Path, text: str) -> list[tuple[str, Mapping[str, Any], bool]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadReports(f"{path} is not valid JSON: {error.msg} at line {error.lineno},"
                         f" column {error.colno}; nothing was imported.") from None
    except (ValueError, RecursionError):  # a number of thousands of digits; '[[[[...' nesting
        raise BadReports(f"{path} is not valid JSON for reports: a number too long or lists"
                         " nested too deeply; nothing was imported.") from None
    if not isinstance(data, list):
        raise BadReports(f"{path} must hold a JSON list of reports; nothing was imported.")
    rows: list[tuple[str, Mapping[str, Any], bool]] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise BadReports(f"{path}: report {number} is not a JSON object; nothing was"
                             " imported.")
        rows.append((f"report {number}", item, False))
    return rows


def _csv_rows(path: Path, text: str) -> list[tuple[str, Mapping[str, Any], bool]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _csv_read(path, reader)
    except csv.Error as error:  # such as a cell over the csv module's limit of 128 KiB
        raise BadReports(f"{path}: line {reader.line_num} cannot be read as CSV ({error});"
                         " nothing was imported.") from None


def _csv_read(path: Path, reader: csv.DictReader[str]
              ) -> list[tuple[str, Mapping[str, Any], bool]]:
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in _PARSERS]
    if unknown:
        raise BadReports(f"{path}: unknown column(s) {', '.join(unknown)}; nothing was"
                         f" imported.", hint=f"The columns are: {', '.join(KEYS)}.")
    rows: list[tuple[str, Mapping[str, Any], bool]] = []
    for row in reader:
        if None in row:
            raise BadReports(f"{path}: line {reader.line_num} has more cells than the header;"
                             " nothing was imported.")
        rows.append((f"line {reader.line_num}", {k.strip(): v for k, v in row.items()}, True))
    return rows


def parse_assignments(pairs: Sequence[str], where: str = "the report") -> ReportFields:
    """``FIELD=VALUE`` pairs (``--set``) as one report's values; an empty value clears a field.

    Marks are joined with ``;``; raises :class:`BadReports` naming every problem.
    """
    raw: dict[str, Any] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals:
            raise UsageError(f"--set takes FIELD=VALUE, not {pair!r}.",
                             hint="Example: --set sex=M --set arrest_date=2012-04-15")
        raw[key.strip()] = value
    fields, problems = parse_fields(where, raw, blank_means_unknown=False)
    if problems:
        raise BadReports("; ".join(map(str, problems)) + ". Nothing was changed.",
                         hint=f"Fields: {', '.join(KEYS)}.")
    return fields
