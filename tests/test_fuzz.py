"""Mutation fuzzing in CI: MUTANTS broken copies of the zoo files, each run through the real
command line (`cnncalc.cli.main`), must end with exit status 0, 1 or 2, without a traceback,
within a time bound, with every diagnostic located inside the file (tests/fuzz.py).

A failure names its seed and index; `tests/fuzz.py` rebuilds that mutant. Long runs:
`python tests/fuzz.py --mutants 100000 --seed N`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import fuzz
import pytest

import cnncalc
from cnncalc.analysis import Analysis

MUTANTS = 4000  # run in CI, in chunks of CHUNK
SEED = 20240601
CHUNK = 100


@pytest.mark.parametrize("start", range(0, MUTANTS, CHUNK))
def test_mutants(start: int, tmp_path: Path) -> None:
    failures = []
    for mutant in fuzz.mutants(SEED, CHUNK, start):
        _, found = fuzz.check(mutant, tmp_path)
        if found:
            failures.append(f"{mutant.label()}: {' '.join(mutant.argv)}: {'; '.join(found)}\n"
                            f"  mutations: {'; '.join(mutant.steps)}")
    assert not failures, (
        f"{len(failures)} of {CHUNK} mutants broke the contract (rebuild one with "
        f"fuzz.make_mutant(seed, index)):\n" + "\n".join(failures[:10]))


HOSTILE = 400  # mutants made only of issue 12's attacks, run in CI


@pytest.mark.parametrize("start", range(0, HOSTILE, CHUNK))
def test_hostile_mutants(start: int, tmp_path: Path) -> None:
    """Issue 12's classes stacked on the zoo: huge integers, values nested deep, alias trees,
    control characters, huge strides, chains of blocks (deep, or fanning out by `repeat:
    $n`): each must end within the fuzzer's CPU-time bound, located, without a crash."""
    operators = ((fuzz.insert_hostile, 3), (fuzz.replace_number, 1))
    failures = []
    for mutant in fuzz.mutants(SEED, CHUNK, start, operators):
        _, found = fuzz.check(mutant, tmp_path)
        if found:
            failures.append(f"{mutant.label()}: {' '.join(mutant.argv)}: {'; '.join(found)}")
    assert not failures, "\n".join(failures[:10])


def test_hostile_mutations_cover_every_class() -> None:
    rng = random.Random(5)
    data = fuzz.ZOO[0].read_bytes()
    seen = "\n".join(fuzz.insert_hostile(data, rng)[0].decode(errors="replace")
                     for _ in range(200))
    for sign in ("[" * 31, "*t0", "\\e", "9223372036854775808", "stride: 999999999989",
                 "repeat: $n", "h100:", "gap"):
        assert sign in seen, sign


# ---------------------------------------------------------------- the fuzzer itself

def test_mutants_are_reproducible() -> None:
    assert fuzz.make_mutant(SEED, 17) == fuzz.make_mutant(SEED, 17)
    assert fuzz.make_mutant(SEED, 17) != fuzz.make_mutant(SEED + 1, 17)


def test_every_operator_and_zoo_file_is_used() -> None:
    rng = random.Random(0)
    for op, _ in fuzz.OPERATORS:
        data = fuzz.ZOO[0].read_bytes()
        assert any(op(data, rng)[0] != data for _ in range(20)), op.__name__
    bases = {fuzz.make_mutant(SEED, i).base for i in range(len(fuzz.ZOO))}
    assert bases == set(fuzz.ZOO)


def _outcome(code: int | None = 0, stdout: str = "", stderr: str = "",
             seconds: float = 0.01) -> fuzz.Outcome:
    return fuzz.Outcome(code, stdout, stderr, seconds)


def _json(path: str, line: int, col: int, code: str = "E104") -> str:
    severity = {"E": "error", "W": "warning", "N": "note"}[code[0]]
    return json.dumps({"layers": [], "diagnostics": [
        {"severity": severity, "code": code, "message": "m", "file": path, "line": line,
         "column": col, "path": None, "hint": None}]})


DATA = b"input: [3, 8, 8]\nlayers:\n  - relu\n"  # 3 lines of 16, 7 and 8 characters
JSON = ["show", "m.yaml", "--format", "json"]
TEXT = ["show", "m.yaml"]


@pytest.mark.parametrize(("argv", "outcome", "complaint"), [
    (TEXT, _outcome(3, stderr="cnncalc: internal error: ZeroDivisionError"), "exit status 3"),
    (TEXT, _outcome(1, stderr="Traceback (most recent call last):"), "'Traceback'"),
    (TEXT, _outcome(None), "hang"),
    (TEXT, _outcome(0, seconds=fuzz.SECONDS + 1), "CPU time"),
    (JSON, _outcome(1, _json("m.yaml", 4, 2)), "past the end"),
    (JSON, _outcome(1, _json("m.yaml", 5, 1)), "outside the file's lines"),
    (JSON, _outcome(1, _json("m.yaml", 3, 10)), "column outside 1..9"),
    (JSON, _outcome(1, _json("m.yaml", 0, 1)), "outside the file's lines"),
    (JSON, _outcome(1, _json("other.yaml", 1, 1)), "names the file"),
    (JSON, _outcome(0, _json("m.yaml", 1, 1)), "the diagnostics call for 1"),
    (JSON, _outcome(1, _json("m.yaml", 1, 1, "E003")), "the diagnostics call for 2"),
    (JSON, _outcome(1, "{"), "no JSON"),
    (JSON, _outcome(1, _json("m.yaml", 1, 1), "m.yaml:9:1: error[E104]: x\n"),
     "outside the file's lines"),
    (TEXT, _outcome(1, "m.yaml:2:9: error[E104]: unknown op\n"), "column outside 1..8"),
    (TEXT, _outcome(1, "m.yaml: error[E104]: unknown op\n"), "unlocated"),
    (["check", "m.yaml", "--format", "github"],
     _outcome(1, "::error file=m.yaml,title=cnncalc E104::unknown op\n"), "unlocated"),
    (["check", "m.yaml", "--format", "github"],
     _outcome(1, "::error file=m.yaml,line=9,col=1,title=cnncalc E104::unknown op\n"),
     "outside the file's lines"),
])
def test_the_judge_catches(argv: list[str], outcome: fuzz.Outcome, complaint: str) -> None:
    """The contract is checked, not assumed: each broken outcome is reported."""
    found = fuzz.problems(DATA, argv, "m.yaml", outcome)
    assert any(complaint in f for f in found), found


@pytest.mark.parametrize(("line", "col"), [(1, 1), (1, 17), (3, 9), (4, 1)])
def test_the_judge_accepts_positions_in_the_file(line: int, col: int) -> None:
    assert fuzz.problems(DATA, JSON, "m.yaml", _outcome(1, _json("m.yaml", line, col))) == []


# ---------------------------------------------------------------- what the fuzzer found

def analyze_bytes(tmp_path: Path, data: bytes) -> Analysis:
    path = tmp_path / "found.yaml"
    path.write_bytes(data)
    return cnncalc.analyze(path)


@pytest.mark.parametrize(("data", "code", "line", "col", "message"), [
    # \r line breaks (old Mac files, or a stray \r): lines count as the YAML parser counts them
    pytest.param(b"input: [3, 32, 32]\rlayers: [relu]\r# \x01\n", "E003", 3, 3, "U+0001",
                 id="control-char-after-cr-breaks"),
    pytest.param(b"input: [3, 32, 32]\r\nlayers: [relu]\r# \xff\n", "E002", 3, 3, "0xff",
                 id="bad-utf8-after-cr-breaks"),
    pytest.param(b"input: [3, 32, 32]\rlayers: [relu]\r# \x00\n", "E002", 3, 3, "NUL",
                 id="nul-after-cr-breaks"),
    pytest.param("input: [3, 32, 32]\u2028layers: [relu]\n# \x07\n".encode(), "E003", 3, 3,
                 "U+0007", id="control-char-after-line-separator"),
    # libyaml reports a refused character's offset in UTF-8 bytes, not characters
    pytest.param("name: ééééé\ninput: [3, 32, 32]\nlayers: [relu] # →\x1b\n".encode(), "E003",
                 3, 19, "U+001B", id="control-char-after-non-ascii"),
    pytest.param("name: ééééé # \x7f\n".encode(), "E003", 1, 15, "U+007F",
                 id="control-char-after-non-ascii-same-line"),
    # after a byte-order mark: the byte named is the bad one, its column counts from the text
    pytest.param(b"\xef\xbb\xbfinput: [3, 32, 32]\nname: a\xffb\n", "E002", 2, 8, "0xff",
                 id="bad-utf8-after-bom"),
    pytest.param(b"\xef\xbb\xbf\xfe\n", "E002", 1, 1, "0xfe", id="bad-utf8-right-after-bom"),
])
def test_found_by_fuzzing(tmp_path: Path, data: bytes, code: str, line: int, col: int,
                          message: str) -> None:
    (d,) = analyze_bytes(tmp_path, data).diagnostics
    assert (d.code, d.span.line if d.span else None, d.span.col if d.span else None) == (
        code, line, col)
    assert message in d.message
    # and through the command line, in both output forms
    for argv in (["show", "FILE", "--format", "json"], ["show", "FILE"]):
        mutant = fuzz.Mutant(Path("found.yaml"), 0, 0, data, (), tuple(argv))
        outcome, found = fuzz.check(mutant, tmp_path)
        assert outcome.code == 2 and found == []


@pytest.mark.parametrize("argv", [
    ["show", "-"], ["show", "-", "--format", "json"], ["check", "-"], ["explain", "-"],
    ["export", "-"], ["sizes", "-"], ["diff", "-", str(fuzz.ZOO[0])]])
def test_undecodable_standard_input(argv: list[str]) -> None:
    """Standard input that is not UTF-8 is E002 and exit status 2 for every command (it was an
    internal error for all but `show`)."""
    outcome = fuzz.run(argv, b"input: [3, 8, 8]\r\nlayers: [\xff]\n")
    if argv[0] == "check":  # standard input is one of the files of its report, like any other
        assert outcome.code == 2 and outcome.stdout.startswith(
            "-: unreadable\n<stdin>:2:10: error[E002]: byte 0xff is not valid UTF-8")
        return
    assert (outcome.code, outcome.stdout) == (2, "")
    assert outcome.stderr.startswith("<stdin>:2:10: error[E002]: byte 0xff is not valid UTF-8")


def test_lone_surrogate_in_api_text() -> None:
    """Text given to the Python API can hold what no file decodes to, a lone surrogate: E002,
    not a UnicodeEncodeError from libyaml."""
    a = cnncalc.analyze_text("input: [3, 8, 8]\nlayers: [relu, \ud800]\n")
    (d,) = a.diagnostics
    assert (d.code, d.span.line if d.span else None, d.span.col if d.span else None) == (
        "E002", 2, 16)
    assert "U+D800" in d.message and a.exit_code() == 2
