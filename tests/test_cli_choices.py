"""The command line's choices are the registries' names: every format a command's registry
has is offered by its --format and renders, and the names the CLI cannot import cheaply
(dtypes, MAC counts, optimizers) agree with the modules that define them."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from typer.testing import CliRunner

from cnncalc import cli
from cnncalc.analysis import COUNTS
from cnncalc.format import DTYPES
from cnncalc.passes.memory import OPTIMIZER_STATE
from cnncalc.render import registry

runner = CliRunner()


def test_names_agree_with_their_modules() -> None:
    assert [m.value for m in cli.DType] == list(DTYPES)
    assert [m.value for m in cli.Count] == list(COUNTS)
    assert [m.value for m in cli.Optimizer] == list(OPTIMIZER_STATE)


@pytest.mark.parametrize("name", registry.SHOW)
def test_every_show_format_renders(name: str) -> None:
    result = runner.invoke(cli.app, ["show", "architectures/lenet5.yaml", "-f", name])
    assert result.exit_code == 0, result.output
    assert "conv1" in result.output


@pytest.mark.parametrize("name", registry.DIFF)
def test_every_diff_format_renders(name: str) -> None:
    result = runner.invoke(cli.app, ["diff", "architectures/resnet18.yaml",
                                     "architectures/resnet34.yaml", "-f", name])
    assert result.exit_code == 0, result.output
    assert "layer1" in result.output


@pytest.mark.parametrize(("command", "registry_names"), [
    ("show", registry.SHOW), ("diff", registry.DIFF), ("check", (*registry.CHECK, "auto")),
    ("export", registry.EXPORT)])
def test_help_offers_exactly_the_registry(command: str, registry_names: Iterable[str]) -> None:
    out = runner.invoke(cli.app, [command, "--help"], env={"COLUMNS": "200"}).output
    # the choices, all and only these, between the brackets click writes them in (`<a|b>`
    # today, `[a|b]` in the oldest click that the dependency floors allow)
    choices = re.escape("|".join(registry_names))
    assert re.search(f"[<\\[]{choices}[>\\]]", out), out
