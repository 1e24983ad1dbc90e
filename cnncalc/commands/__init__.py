"""The commands' implementations, one module each, loaded only when their command runs: this
is the one place that imports them (`cnncalc --help` and `cnncalc show` load nothing the
command does not use).

cli.py declares each command's options and hands them here as they were read (a choice as
its name, e.g. `format="json"`); the implementation returns the exit code. The options every
command shares are declared once, in options.py.
"""

from __future__ import annotations

from enum import Enum
from importlib import import_module
from typing import Any, NoReturn

import typer

# command -> its implementation, "module:function" in this package
COMMANDS = {
    "show": "show:run",
    "check": "check:run",
    "explain": "explain:run",
    "calc": "explain:calc",
    "diff": "diff:run",
    "sizes": "sizes:run",
    "export": "export:run",
    "report": "report:run",
    "convert": "convert:run",
    "schema": "reference:schema",
    "ops": "reference:ops",
    "zoo": "reference:zoo",
}


def run(command: str, options: dict[str, Any]) -> NoReturn:
    """Run `command`'s implementation with the options typer read; exit with its code."""
    module, _, name = COMMANDS[command].partition(":")
    implementation = getattr(import_module(f"{__name__}.{module}"), name)
    plain = {key: value.value if isinstance(value, Enum) else value
             for key, value in options.items()}
    raise typer.Exit(implementation(**plain))
