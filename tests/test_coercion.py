"""Option values are converted by typer's own conversion (click's types, in the typer range
pyproject.toml allows): the right value for a valid one, exit 2 naming the option for a bad
one, and no pydantic imported on the way (typer 0.29 converts through pydantic: importing it
costs more than importing typer, rich and PyYAML together)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cnncalc import cli

runner = CliRunner()
ALEXNET = "architectures/alexnet.yaml"


def test_no_pydantic_on_a_run() -> None:
    """A whole `show` in a fresh interpreter: typer's conversion stays click's."""
    code = ("import sys\nfrom cnncalc import cli\n"
            f"code = cli.main(['show', '{ALEXNET}', '--batch', '2', '--dtype', 'float16',"
            " '--columns', 'output,params'])\n"
            "assert code == 0, code\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.splitlines()[-1] == "[]"


@pytest.mark.parametrize(("args", "wanted"), [
    (["--batch", "2"], "batch 2"),
    (["--dtype", "float16"], "float16"),
    (["--layout", "hwc"], "55x55x96"),
    (["--count", "all"], "all"),
])
def test_valid_values_reach_the_command(args: list[str], wanted: str) -> None:
    result = runner.invoke(cli.app, ["show", "architectures/alexnet_cs231n.yaml", *args])
    assert result.exit_code == 0, result.output
    assert wanted in result.output


@pytest.mark.parametrize(("args", "option"), [
    (["--batch", "0"], "--batch"),
    (["--batch", "two"], "--batch"),
    (["--dtype", "float8"], "--dtype"),
    (["--format", "TABLE"], "--format"),
    (["--layout", "whc"], "--layout"),
    (["--depth", "-1"], "--depth"),
])
def test_bad_values_are_usage_errors_naming_the_option(args: list[str], option: str) -> None:
    result = runner.invoke(cli.app, ["show", ALEXNET, *args])
    assert result.exit_code == 2
    assert option in result.output
