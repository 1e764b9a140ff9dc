"""The command-line reference (docs/cli.md), generated from the commands' own `--help`.

    python -m caesar.cli.reference > docs/cli.md

A test regenerates it and fails when docs/cli.md is out of date.
"""

from __future__ import annotations

from typing import Any

import typer

from caesar.cli.app import app

WIDTH = 100

PREAMBLE = """\
# Command-line reference

Generated from `caesar --help` by `python -m caesar.cli.reference > docs/cli.md`; do not edit
by hand. The `--json` shapes and exit statuses are a contract (see docs/design.md):
exit 0 done; 1 done but something needs attention; 2 usage error, wrong passphrase or fatal
error, with nothing changed. With `--json` a command prints exactly one JSON document on stdout;
progress and messages go to stderr.
"""


def _commands(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found = [(path, command)]
    for name in sorted(getattr(command, "commands", {})):
        found += _commands(command.commands[name], [*path, name])
    return found


def render() -> str:
    """The whole reference as Markdown."""
    root = typer.main.get_command(app)
    parts = [PREAMBLE]
    for path, command in _commands(root, ["caesar"]):
        ctx = typer.Context(command, info_name=" ".join(path), terminal_width=WIDTH,
                            max_content_width=WIDTH)
        parts.append(f"\n## `{' '.join(path)}`\n\n```\n{command.get_help(ctx).rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render(), end="")
