"""Documents that lead somewhere: every relative link in the README, CONTRIBUTING, CHANGELOG
and docs/ names a file that exists and, after a `#`, a heading of that file."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted([*(ROOT / name for name in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md")),
                    *(ROOT / "docs").rglob("*.md")])
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"`[^`\n]*`")


def prose(text: str) -> str:
    """`text` without code (fenced blocks and inline code), where a link is not a link."""
    return CODE.sub("", FENCE.sub("", text))


@cache
def anchors(path: Path) -> frozenset[str]:
    """The anchors GitHub makes for a Markdown file's headings (and explicit `id`s)."""
    found: set[str] = set()
    for line in FENCE.sub("", path.read_text("utf-8")).splitlines():
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1)).lower()
            slug = re.sub(r"[^\w\- ]", "", words).replace(" ", "-")
            suffix, n = slug, 0
            while suffix in found:
                n += 1
                suffix = f"{slug}-{n}"
            found.add(suffix)
        found.update(re.findall(r'id="([^"]+)"', line))
    return frozenset(found)


def links(path: Path) -> list[str]:
    """The relative links of a document (not web addresses, not mail)."""
    return [target for target in LINK.findall(prose(path.read_text("utf-8")))
            if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


def test_the_documents_are_there() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in DOCUMENTS}
    assert {"README.md", "CONTRIBUTING.md", "CHANGELOG.md", "docs/design.md",
            "docs/performance.md"} <= names
    assert len([n for n in names if n.startswith("docs/guide/")]) >= 7


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(document: Path) -> None:
    broken = []
    for target in links(document):
        file, _, anchor = target.partition("#")
        where = (document.parent / unquote(file)).resolve() if file else document
        if not where.exists():
            broken.append(f"{target}: no such file")
        elif anchor and where.suffix == ".md" and anchor not in anchors(where):
            broken.append(f"{target}: no such heading in {where.name}")
    assert broken == []


def test_the_checker_sees_a_broken_link_and_a_missing_heading(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n## Its `part`, «مثال»\n\n```\n# not a heading\n```\nSee [it](#its-part-مثال), [gone](gone.md),"
                    " [nowhere](#nowhere) and `[code](not-a-link.md)`.\n", "utf-8")
    assert links(page) == ["#its-part-مثال", "gone.md", "#nowhere"]
    assert anchors(page) == {"a-page", "its-part-مثال"}


def test_the_readme_fits_on_a_few_screens_and_leads_to_every_guide() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) < 200
    assert "./setup.sh demo" in readme and "./setup.sh test" in readme  # CI runs the second
    guides = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs" / "guide").glob("*.md")}
    assert guides <= set(links(ROOT / "README.md"))
    assert {"CONTRIBUTING.md", "docs/design.md", "docs/performance.md"} <= {
        link.partition("#")[0] for link in links(ROOT / "README.md")}
