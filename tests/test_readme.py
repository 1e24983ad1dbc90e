"""The README shows real output: its tables and examples are checked against cnncalc."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import ROOT

from cnncalc import cli
from cnncalc.analysis import analyze, analyze_text
from cnncalc.source import Source

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(name: str) -> str:
    match = re.search(rf"<!-- BEGIN {name}\b.*?-->\n(.*?)<!-- END {name} -->", README, re.S)
    assert match, f"README section {name} missing"
    return match.group(1)


def test_the_two_commands() -> None:
    assert "pip install . && cnncalc show architectures/alexnet.yaml" in README
    assert "pip install '.[test]' && pytest" in README


OUTPUT = re.compile(r"^<!-- output: cnncalc (.*?) -->\n```\w*\n(.*?)^```$", re.M | re.S)
OUTPUTS = [pytest.param(m.group(1), m.group(2), id=m.group(1)) for m in OUTPUT.finditer(README)]


def test_the_readme_shows_the_workflows() -> None:
    commands = [command.split()[0] for command, _ in (p.values for p in OUTPUTS)]
    assert {"show", "check", "calc", "sizes", "diff"} <= set(commands)


@pytest.mark.parametrize(("command", "shown"), OUTPUTS)
def test_pasted_output_is_real(command: str, shown: str, regen: bool,
                               monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    cli.main(command.split())
    printed = capsys.readouterr().out
    if regen and printed != shown:  # pytest --regen-golden pastes the new output; review it
        global README
        marker = f"<!-- output: cnncalc {command} -->\n```"
        start = README.index("\n", README.index(marker) + len(marker)) + 1
        README = README[:start] + README[start:].replace(shown, printed, 1)
        (ROOT / "README.md").write_text(README, encoding="utf-8")
        return
    assert printed == shown, f"`cnncalc {command}` prints otherwise (pytest --regen-golden)"


def test_the_readme_lists_the_zoo() -> None:
    """`cnncalc zoo`'s output is pasted (test_pasted_output_is_real keeps it true), so every
    shipped network is named in the README."""
    assert "<!-- output: cnncalc zoo -->" in README


def test_links_work_on_a_package_index_page() -> None:
    """The README is the package's description on an index, where a relative link leads
    nowhere: every link is absolute or to a heading of the README itself."""
    links = re.findall(r"\]\(([^)]+)\)", README)
    assert links
    assert [link for link in links if not link.startswith(("https://", "#"))] == []


def test_format_example_builds() -> None:
    example = re.search(r"## The format in brief\n\n```yaml\n(.*?)```", README, re.S)
    assert example
    a = analyze(Source("example.yaml", example.group(1)))
    assert a.exit_code() == 0, a.diagnostics
    assert a.output_shape == (1000,)


def test_python_api_example() -> None:
    result = analyze(ROOT / "architectures" / "resnet18.yaml")
    assert (result.totals.params, result.output_shape) == (11689512, (1000,))
    assert "# 11689512 (1000,)" in README
    call = re.search(r'^small = cnncalc\.analyze_text\((".*"), name="small\.yaml"\)$', README,
                     re.M)
    assert call, "the README's analyze_text example changed"
    small = analyze_text(ast.literal_eval(call.group(1)), name="small.yaml")
    assert small.exit_code() == 0 and small.source.name == "small.yaml"
    assert f"# {small.output_shape}" in README
