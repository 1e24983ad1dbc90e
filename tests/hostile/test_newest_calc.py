"""Hostile and odd command lines for `cnncalc calc`'s chaining (one layer per quoted word, or
op names starting layers): K1-K3.

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the bounds are generous.
"""

from __future__ import annotations

import pytest
from harness import run


def shapes(out: str) -> list[str]:
    return [line.split("→")[1].strip() for line in out.splitlines()
            if line.startswith("  shape:")]


@pytest.mark.parametrize(("words", "output"), [
    (["maxpool 2"], "3x4x4"), (["upsample 2"], "3x2x2"), (["avgpool 4"], "3x2x2"),
])
def test_k1_a_quoted_layer_with_one_value(words: list[str], output: str) -> None:
    """K1: `calc "maxpool 2"` took the whole word as the value (kernel_size 'maxpool 2',
    E103); a quoted layer with one value reads it as the unquoted `calc maxpool 2` does."""
    r = run(["calc", *words, "--input", "3x8x8"], seconds=10, mib=300)
    assert r.code == 0, r.text
    assert shapes(r.out) == [output]


@pytest.mark.parametrize(("word", "output"), [
    ("reshape [2, -1]", "2x96"), ("permute [0, 2, 1]", "3x8x8"),
    ("conv {out_channels: 5, kernel_size: 3}", "5x6x6"), ("conv 4 kernel_size=[3, 1]", "4x6x8"),
])
def test_k2_a_quoted_layer_whose_value_has_spaces(word: str, output: str) -> None:
    """K2: a quoted layer was split at every space, so `"reshape [2, -1]"` gave the values
    `[2,` and `-1]` (exit 2, not YAML); it is split outside brackets and quotes only."""
    r = run(["calc", word, "--input", "3x8x8"], seconds=10, mib=300)
    assert r.code == 0, r.text
    assert shapes(r.out) == [output]


def test_k2_brackets_that_never_close() -> None:
    """K2: 10^5 unclosed brackets in a quoted layer: one pass, refused as not YAML."""
    r = run(["calc", "relu", "conv " + "[" * 10**5], seconds=10, mib=300)
    assert r.code == 2 and "not YAML" in r.err


@pytest.mark.parametrize(("args", "output"), [
    (["maxpool", "3x2"], "3x3x4"), (["maxpool 3x2"], "3x3x4"), (["avgpool", "4x1"], "3x2x9"),
])
def test_k3_one_size_pair_is_one_argument(args: list[str], output: str) -> None:
    """K3: `calc maxpool 3x2` was read as kernel_size=3, stride=2 (3x4x4): the one value, a
    list, became the list of positional values. torch's MaxPool2d((3, 2)) on 3x9x9 gives
    [1, 3, 3, 4]."""
    r = run(["calc", *args, "--input", "3x9x9"], seconds=10, mib=300)
    assert r.code in (0, 1) and shapes(r.out) == [output], r.text


@pytest.mark.parametrize("args", [["conv out_channels=4 kernel_size=3 out_channels=5"],
                                  ["conv", "out_channels=4", "kernel_size=3", "out_channels=5"]])
def test_k4_an_argument_given_twice(args: list[str]) -> None:
    """K4: `out_channels=4 ... out_channels=5` silently took the last (5 channels); a file's
    duplicate key is E005, and the command line now refuses it too (exit 2)."""
    r = run(["calc", *args, "--input", "3x8x8"], seconds=10, mib=300)
    assert r.code == 2 and "'out_channels' is given twice" in r.err, r.text
