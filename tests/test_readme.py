"""The README shows real output: its tables and examples are checked against cnncalc."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, zoo_source

from cnncalc.analysis import analyze
from cnncalc.render import table
from cnncalc.source import Source

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(name: str) -> str:
    match = re.search(rf"<!-- BEGIN {name}\b.*?-->\n(.*?)<!-- END {name} -->", README, re.S)
    assert match, f"README section {name} missing"
    return match.group(1)


def fenced(text: str) -> str:
    match = re.search(r"```\w*\n(.*?)```", text, re.S)
    assert match
    return match.group(1)


def test_the_two_commands() -> None:
    assert "pip install . && cnncalc show architectures/alexnet.yaml" in README
    assert "pip install '.[test]' && pytest" in README


@pytest.mark.parametrize(("name", "file", "options"), [
    ("alexnet", "alexnet", {}),
    ("stride_mismatch", "stride_mismatch", {}),
    ("resnet50-depth", "resnet50", {"depth": 1, "layout": "hwc"}),
])
def test_pasted_tables_are_real_output(name: str, file: str, options: dict[str, object],
                                       regen: bool) -> None:
    analysis = analyze(zoo_source(ROOT / "architectures" / f"{file}.yaml"))
    actual = table.render(analysis, **options)  # type: ignore[arg-type]
    if regen:  # pytest --regen-golden rewrites the pasted output; review the diff
        global README
        README = README.replace(fenced(section(name)), actual)
        (ROOT / "README.md").write_text(README, encoding="utf-8")
    assert fenced(section(name)) == actual


def test_zoo_table() -> None:
    rows = re.findall(r"^\| `(\w+)\.yaml` \| .*? \| ([\d,]+) \| ([\d,]+) \|$", section("zoo"),
                      re.M)
    files = sorted(p.stem for p in (ROOT / "architectures").glob("*.yaml"))
    assert sorted(r[0] for r in rows) == files
    for stem, params, buffers in rows:
        totals = analyze(zoo_source(ROOT / "architectures" / f"{stem}.yaml")).totals
        assert (f"{totals.params:,}", f"{totals.buffers:,}") == (params, buffers)


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
