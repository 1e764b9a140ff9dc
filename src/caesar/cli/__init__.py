"""The `caesar` command: one Typer module per command group, all thin over `caesar.core`."""
