"""Hostile input for issue 16's new inputs: `--layout` values, `layout:` in a file, and the
figures an answer sheet writes under `expect:` (H1-H6).

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
asserts exit 0/1/2, no traceback and no raw control character; bounds are generous.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run

NET = "input: [3, 8, 8]\nlayers:\n  - {{conv: [4, 3], expect: {{params: {value}}}}}\n"


@pytest.mark.parametrize("layout", ["HWC", "nhwc", "", "hwc\x1b[31m", "chw" * 5000])
def test_h1_layout_option_values(layout: str) -> None:
    """H1: --layout takes chw or hwc only: anything else is a usage error (exit 2), echoed
    without its control characters."""
    r = run(["calc", "conv", "out_channels=4", "kernel_size=3", "--layout", layout],
            seconds=10, mib=200)
    assert r.code == 2


@pytest.mark.parametrize("value", ['"1e999M"', '"1e999"', '"9' + ",999" * 5000 + '"',
                                   "9" * 4000, '"' + "9" * 39 + 'P"', '"0.' + "0" * 38 + '1M"',
                                   '"nan"', '"inf MiB"', '".5M"', '"\\u202e34944"'])
def test_h2_figures_that_are_not_figures(tmp_path: Path, value: str) -> None:
    """H2: exponents, huge grouped numbers, long digit strings, NaN and bidi controls under
    `expect:` end as E160 or E301 (exit 1), quickly and in bounded memory."""
    path = tmp_path / "a.yaml"
    path.write_text(NET.format(value=value), encoding="utf-8")
    r = run(["check", str(path)], seconds=10, mib=200)
    assert r.code == 1
    assert "E160" in r.out or "✗" in r.out


def test_h3_a_layout_that_is_not_text(tmp_path: Path) -> None:
    """H3: `layout:` a list, a number or a mapping is E103/E108, not a crash."""
    for value in ("[hwc]", "3", "{a: 1}", "null"):
        path = tmp_path / "a.yaml"
        path.write_text(f"layout: {value}\ninput: [8, 8, 3]\nlayers: [relu]\n")
        r = run(["show", str(path)], seconds=10, mib=200)
        assert r.code in (0, 1)


def test_h4_a_shape_text_of_many_sizes(tmp_path: Path) -> None:
    """H4: an expected shape as text with thousands of sizes is refused at its length."""
    path = tmp_path / "a.yaml"
    path.write_text("input: [3, 8, 8]\nlayers:\n  - {conv: [4, 3], expect: {shape: \""
                    + "x".join(["9"] * 20000) + "\"}}\n")
    r = run(["check", str(path)], seconds=10, mib=200)
    assert r.code == 1 and "E160" in r.out
