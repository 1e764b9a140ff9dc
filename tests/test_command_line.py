"""A forgiving command line: global options anywhere, and tables that are never cut."""

from __future__ import annotations

from pathlib import Path

from conftest import Caesar, account_password

from caesar.core import Archive


def test_the_archive_may_follow_the_command(tmp_path: Path) -> None:
    target = tmp_path / "archive"
    made = Caesar(None)("init", "--kdf-cost", "test", "--archive", str(target))
    assert made.exit_code == 0, made.stderr
    assert f"Created an archive at {target}" in made.stderr
    Archive.locate(target)  # raises if there is no archive there
    listed = Caesar(None)("users", "list", "--json", f"--archive={target}")
    assert listed.exit_code == 0, listed.stderr
    assert listed.json() == []
    # nothing was made where the default would have put it
    assert not (Path.cwd() / "caesar-archive").exists()


def test_the_acting_account_may_follow_the_command(caesar: Caesar) -> None:
    caesar.account("rasha", "analyst")
    refused = caesar("users", "list", "--as", "rasha", "--as-password-stdin",
                     input=account_password("rasha") + "\n")
    assert refused.exit_code == 2
    assert "rasha's role (analyst) does not allow `caesar users list`" in refused.stderr
    wrong = caesar("cases", "list", "--as=rasha", "--as-password-stdin", input="not hers\n")
    assert wrong.exit_code == 2 and "not right" in wrong.stderr
    allowed = caesar("cases", "list", "--json", "--as=rasha", "--as-password-stdin",
                     input=account_password("rasha") + "\n")
    assert allowed.exit_code == 0, allowed.stderr
    assert allowed.json() == []


def test_tables_in_a_file_or_a_pipe_are_never_cut(caesar: Caesar) -> None:
    name = "muhammad.abd-al-rahman.al-shami_archivist_of_the_2nd_transfer"
    arabic = "عبد_الرحمن_محمد_الشامي_أمين_أرشيف_النقل_الثاني"
    caesar.account(name, "archivist")
    caesar.account(arabic, "archivist")
    # no $COLUMNS: what a user gets with `caesar users list > accounts.txt`
    listed = caesar("users", "list", env={"COLUMNS": None})
    assert listed.exit_code == 0, listed.stderr
    lines = {line for line in listed.stdout.splitlines() if "archivist" in line}
    assert any(name in line and "archivist" in line and "active" in line for line in lines)
    assert any(arabic in line for line in lines)
    assert "…" not in listed.stdout
    assert max(len(line) for line in listed.stdout.splitlines()) > 80
