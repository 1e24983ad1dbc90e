"""The CLI's two halves stay in step: every command typer knows has an implementation in
cnncalc/commands/ (COMMANDS) that takes exactly the options cli.py declares, and asking for
help loads none of them."""

from __future__ import annotations

import inspect
import subprocess
import sys
from importlib import import_module

import pytest
import typer.main

from cnncalc import cli
from cnncalc.commands import COMMANDS

GROUP = typer.main.get_command(cli.app)
assert isinstance(GROUP, typer.core.TyperGroup)


def test_every_command_has_an_implementation() -> None:
    assert sorted(GROUP.commands) == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_implementation_takes_the_declared_options(name: str) -> None:
    module, _, function = COMMANDS[name].partition(":")
    implementation = getattr(import_module(f"cnncalc.commands.{module}"), function)
    declared = [p.name for p in GROUP.commands[name].params]
    taken = list(inspect.signature(implementation).parameters)
    assert sorted(taken) == sorted(declared)


def test_help_loads_no_command() -> None:
    code = ("import sys\nfrom cnncalc import cli\n"
            "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('cnncalc.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "['cnncalc.commands.options']"
