"""Hostile input for format 1.1's numbers and declarations: expressions with floats and the
new functions, `let:`, file parameters and `--set`, `include:`.

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the bounds are generous
(about ten times what the case takes on a loaded two-core machine). Attack names: X (an
expression), P (a file parameter or `--set`), L (`let`), I (`include`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from harness import run

from cnncalc.limits import MAX_INCLUDE_DEPTH

FAMILY = "params: [width=1.0, n=1]\ninput: [3, 8, 8]\nlayers:\n" \
         "  - conv: [\"$(make_divisible(16 * width, 8))\", 1]\n  - {relu: {}, repeat: $n}\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("expression, code", [
    ("make_divisible(1e300, 8)", "E112"),      # a 1,000-bit integer, made at once, refused
    ("make_divisible(2 ** 250, 3) * 2 ** 10", "E112"),
    ("make_divisible(in_c * 1e308, 8)", "E112"),
    ("round(1e308 * 1e308)", "E112"),          # inf
    ("int((1e308 * 10) - (1e308 * 10))", "E112"),  # nan
    ("ceil(10 ** 76 / 3)", "E112"),
    ("floor(-(2.0 ** 1000))", "E112"),
    ("(1e308 / 1e-308)", "E112"),
    ("abs(-(2 ** 255)) * 2", "E112"),
    ("size(in, 10 ** 70)", "E112"),
    ("size(input, -(10 ** 70))", "E112"),
    ("make_divisible(8, 1e-300)", "E103"),     # Python gives 7.999999999999999: not an int
])
def test_X1_huge_and_non_finite_numbers_are_refused_quickly(tmp_path: Path, expression: str,
                                                            code: str) -> None:
    """X1: numbers past every size, or not finite, in the new functions."""
    f = write(tmp_path / "x.yaml", f'input: [3, 8, 8]\nlayers:\n  - conv: ["$({expression})", 1]\n')
    r = run(["show", f], seconds=10, mib=300)
    assert r.code == 1 and code in r.out, r.text


def test_X2_an_expression_of_many_functions(tmp_path: Path) -> None:
    """X2: a long expression nesting the new functions stays bounded (parse depth, work)."""
    deep = "x"
    for i in range(60):
        deep = ["round", "int", "floor", "ceil", "abs"][i % 5] + f"({deep} / 2 + 1)"
    f = write(tmp_path / "x.yaml", f'params: [x=1000]\ninput: [3, 8, 8]\nlayers:\n'
              f'  - conv: ["$(max(1, {deep}))", 1]\n')
    r = run(["show", f], seconds=10, mib=300)
    assert r.code in (0, 1), r.text


@pytest.mark.parametrize("value, code", [
    ("9" * 300, 2),            # longer than a parameter's value: refused on the command line
    ("9" * 200, 1),            # an integer past 2^63: E118
    ("1e999", 1),              # inf: E123
    (".nan", 1),               # E123
    ("-" + "9" * 200, 1),
    ("[1, [2, [3]]]", 2),      # not a scalar
    ("'unterminated", 2),
])
def test_P1_huge_set_values(tmp_path: Path, value: str, code: int) -> None:
    """P1: `--set` values past every size, not finite, or not a scalar."""
    f = write(tmp_path / "f.yaml", FAMILY)
    r = run(["show", f, "--set", f"width={value}"], seconds=10, mib=300)
    assert r.code == code, r.text


@pytest.mark.parametrize("assignment", [
    "wi\x1bdth=1", "width=\x1b[31mred", "width=\x07", "\u202ewidth=1", "width=a\u2028b",
    "width=\x85", "wid\nth=1",
])
def test_P2_set_with_control_characters(tmp_path: Path, assignment: str) -> None:
    """P2: control and bidi characters in a `--set` name or value never reach the output
    raw (run() asserts it)."""
    f = write(tmp_path / "f.yaml", FAMILY)
    for command in (["show", f], ["check", f], ["show", f, "-f", "json"]):
        r = run([*command, "--set", assignment], seconds=10, mib=300)
        assert r.code in (1, 2), r.text


def test_P3_a_huge_repeat_from_a_parameter(tmp_path: Path) -> None:
    """P3: a file parameter set to a huge repeat count stops at the layer limit."""
    f = write(tmp_path / "f.yaml", FAMILY)
    r = run(["show", f, "--set", "n=9223372036854775807"], seconds=10, mib=300)
    assert r.code == 1 and "E116" in r.out, r.text


def test_P4_thousands_of_sets(tmp_path: Path) -> None:
    """P4: many unknown `--set` names: one error each, did-you-mean bounded."""
    f = write(tmp_path / "f.yaml", FAMILY)
    args: list[str | os.PathLike[str]] = ["check", f]
    for i in range(2000):
        args += ["--set", f"name{i}={i}"]
    r = run(args, seconds=20, mib=400)
    assert r.code == 1 and "E121" in r.out, r.text[-2000:]


def test_L1_a_long_let_chain(tmp_path: Path) -> None:
    """L1: thousands of `let` names, each from the one before, in a block called many
    times: evaluated per call within the work budget."""
    lets = "\n".join(f"      v{i}: $(v{i - 1} + 1)" for i in range(1, 2000))
    f = write(tmp_path / "l.yaml", "input: [3, 8, 8]\nblocks:\n  b:\n    let:\n"
              f"      v0: $(in_c)\n{lets}\n    layers:\n      - relu\n"
              "layers:\n  - {b: {}, repeat: 500}\n")
    r = run(["show", f], seconds=60, mib=400)
    assert r.code in (0, 1), r.text[-2000:]


def test_I1_a_deep_include_chain(tmp_path: Path) -> None:
    """I1: a chain of includes deeper than the limit stops with E119 at the entry."""
    depth = MAX_INCLUDE_DEPTH + 5
    for i in range(depth):
        write(tmp_path / f"l{i}.yaml", f"include: [l{i + 1}.yaml]\nblocks: {{b{i}: {{layers: "
              "[relu]}}\n")
    write(tmp_path / f"l{depth}.yaml", "blocks: {last: {layers: [relu]}}\n")
    f = write(tmp_path / "net.yaml", "include: [l0.yaml]\ninput: [3, 8, 8]\nlayers: [b0]\n")
    r = run(["show", f], seconds=10, mib=300)
    assert r.code == 1 and "E119" in r.out, r.text


def test_I2_include_cycles(tmp_path: Path) -> None:
    """I2: files that include each other, and a file that includes itself many times."""
    write(tmp_path / "a.yaml", "include: [b.yaml]\nblocks: {a: {layers: [relu]}}\n")
    write(tmp_path / "b.yaml", "include: [a.yaml, b.yaml]\nblocks: {b: {layers: [relu]}}\n")
    f = write(tmp_path / "net.yaml", "include: [" + ", ".join(["net.yaml", "a.yaml"] * 3000)
              + "]\ninput: [3, 8, 8]\nlayers: [a, b]\n")
    r = run(["show", f], seconds=20, mib=400)
    assert r.code == 1 and "E125" in r.out, r.text[-2000:]
    r = run(["check", tmp_path], seconds=20, mib=400)
    assert r.code == 1, r.text[-2000:]


def test_I3_a_fan_of_includes(tmp_path: Path) -> None:
    """I3: one library included by 200 networks (checked over the directory) and a
    network including the same library thousands of times: each read once."""
    write(tmp_path / "lib" / "l.yaml", "blocks: {cbr: {layers: [relu]}}\n")
    for i in range(200):
        write(tmp_path / "nets" / f"n{i}.yaml",
              "include: [../lib/l.yaml]\ninput: [3, 8, 8]\nlayers: [cbr]\n")
    write(tmp_path / "nets" / "many.yaml", "include: [" + ", ".join(["../lib/l.yaml"] * 5000)
          + "]\ninput: [3, 8, 8]\nlayers: [cbr]\n")
    r = run(["check", tmp_path / "nets", "-q"], seconds=30, mib=400)
    assert r.code == 0, r.text[-2000:]


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/stdin", "/dev/urandom", "/", "."])
def test_I4_including_what_is_not_a_library(tmp_path: Path, target: str) -> None:
    """I4: a device, standard input, a directory: refused at the entry (E124), never read
    forever."""
    f = write(tmp_path / "net.yaml", f"include: ['{target}']\ninput: [3, 8, 8]\nlayers: [relu]\n")
    r = run(["show", f], stdin=b"", seconds=10, mib=300)
    assert r.code == 1 and "E124" in r.out, r.text


def test_I5_a_fifo_is_not_opened(tmp_path: Path) -> None:
    """I5: a FIFO with no writer would block `open` forever: refused before it."""
    os.mkfifo(tmp_path / "pipe.yaml")
    f = write(tmp_path / "net.yaml", "include: [pipe.yaml]\ninput: [3, 8, 8]\nlayers: [relu]\n")
    r = run(["show", f], seconds=10, mib=300)
    assert r.code == 1 and "E124" in r.out, r.text


def test_I6_an_included_file_past_the_size_limit(tmp_path: Path) -> None:
    """I6: an included file larger than --max-bytes is refused (E124 naming E007's reason)."""
    write(tmp_path / "big.yaml", "blocks: {}\n" + "#" * 5000 + "\n")
    f = write(tmp_path / "net.yaml", "include: [big.yaml]\ninput: [3, 8, 8]\nlayers: [relu]\n")
    r = run(["show", f, "--max-bytes", "1000"], seconds=10, mib=300)
    assert r.code == 1 and "E124" in r.out and "larger than" in r.out, r.text


def test_I7_control_characters_in_an_include_path(tmp_path: Path) -> None:
    """I7: an include path with escape sequences is shown escaped (run() asserts it)."""
    f = write(tmp_path / "net.yaml", 'include: ["\\e[31mred\\u202e.yaml"]\ninput: [3, 8, 8]\n'
              "layers: [relu]\n")
    r = run(["show", f], seconds=10, mib=300)
    assert r.code == 1 and "E124" in r.out, r.text


def test_I8_a_lattice_of_libraries(tmp_path: Path) -> None:
    """I8: ten levels of ten libraries, each including all ten of the level below (10^10
    paths through them): each file is read and walked once."""
    levels, width = 10, 10
    for level in range(levels):
        for i in range(width):
            below = ", ".join(f"l{level + 1}_{j}.yaml" for j in range(width))
            includes = f"include: [{below}]\n" if level + 1 < levels else ""
            write(tmp_path / f"l{level}_{i}.yaml",
                  f"{includes}blocks: {{b{level}_{i}: {{layers: [relu]}}}}\n")
    f = write(tmp_path / "net.yaml", "include: [" + ", ".join(f"l0_{i}.yaml" for i in range(width))
              + "]\ninput: [3, 8, 8]\nlayers: [b9_9, b0_0]\n")
    r = run(["show", f], seconds=20, mib=400)
    assert r.code == 0, r.text[-2000:]
