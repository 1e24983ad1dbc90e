"""Hostile input for issue 16's leftovers: calc's quoted values that hold spaces (HW1), and
--input read in a file's `layout:` (HW2).

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
asserts exit 0/1/2, no traceback and no raw control character; bounds are generous.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run

# a command-line argument holds at most 128 KiB on Linux (MAX_ARG_STRLEN): near that
LONG = 120_000


@pytest.mark.parametrize("value, code", [
    ("kernel_size=3" + " " * LONG + "x", 1),  # a run of spaces that no NAME= follows
    ("kernel_size=3 " + "a " * (LONG // 2), 1),
    ("kernel_size=" + "a" * LONG, 1),
    ("a" * LONG + " " * 5000 + "kernel_size=3", 2),  # kernel_size by position and by name
    ("kernel_size=3" + (" " * 5000 + "b") * 20, 1),
    (" " * LONG + "kernel_size=3", 0),  # spaces before a good value: the value
])
def test_hw1_a_long_quoted_value_with_spaces(value: str, code: int) -> None:
    """HW1: calc keeps a NAME=VALUE with spaces whole up to the next NAME= (`"kernel_size=3,
    5"`); a value of long space runs splits in linear time (it took minutes when every space
    of a run began a split), and ends as a result or an error, quickly."""
    r = run(["calc", "conv", "4", value], seconds=10, mib=300)
    assert r.code == code


@pytest.mark.parametrize("shape", ["231x231x3", "3x231x231", "1x1x1", "9" * 19 + "x2x3"])
def test_hw2_input_in_a_hwc_file(tmp_path: Path, shape: str) -> None:
    """HW2: a `layout: hwc` file reads --input as H×W×C: any shape ends as a result or an
    error with its own words, never a crash."""
    path = tmp_path / "a.yaml"
    path.write_text("layout: hwc\ninput: [227, 227, 3]\nlayers:\n  - conv: [96, 11, 4]\n",
                    encoding="utf-8")
    for command in (["show"], ["explain"], ["report"], ["export"]):
        r = run([*command, str(path), "--input", shape], seconds=15, mib=300)
        assert r.code in (0, 1, 2)
