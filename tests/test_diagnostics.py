"""Every diagnostic cnncalc gives: its code, where it points, what it says, how to fix it, and
the exit status it leads to — through the Python API and through `cnncalc show`."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from diagnostic_examples import CASES, NOT_UTF8, Case, net

import cnncalc
import cnncalc.cli
from cnncalc.analysis import Analysis, decode
from cnncalc.diagnostics import CODES, FatalError, Severity
from cnncalc.source import Source

FATAL = {"E001", "E002", "E003", "E004", "E006", "E007"}


def run(text: str) -> Analysis:
    return cnncalc.analyze(Source("bad.yaml", textwrap.dedent(text)))


def expected_exit(code: str, strict: bool = False) -> int:
    if code in FATAL:
        return 2
    if code.startswith("E") or (strict and code.startswith("W")):
        return 1
    return 0


def codes(a: Analysis) -> list[str]:
    return [d.code for d in a.diagnostics]


def where(a: Analysis) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in a.diagnostics if d.span]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_diagnostic(case: Case) -> None:
    a = run(case.yaml)
    assert codes(a) == [case.code], [(d.code, d.message) for d in a.diagnostics]
    d = a.diagnostics[0]
    assert d.span is not None
    assert (d.span.file, d.span.line, d.span.col) == ("bad.yaml", case.line, case.col), d.message
    assert case.message in d.message
    if case.hint is not None:
        assert d.hint is not None and case.hint in d.hint, d.hint
    assert d.severity is CODES[case.code].severity
    assert a.exit_code() == expected_exit(case.code)
    assert a.exit_code(strict=True) == expected_exit(case.code, strict=True)


def test_every_code_has_a_case() -> None:
    # E001, E002: read from bytes and paths; E302: budgets come from `check` (test_commands);
    # N104: an input override (test_expectations_describe_the_files_own_input); E007 (a size
    # limit) and N105 (a file `check` skips): tests/hostile/test_check.py
    # E121, N110: `--set` (tests/test_file_params.py); E125, E126: several files
    # (tests/test_include.py)
    # E409: `--set` of a YOLO config, W420: `sizes` of one (tests/test_yolo_routing.py); E410:
    # `convert` of a native file (tests/test_convert.py); E180, E181: a diagram too large at
    # the --depth asked (tests/test_export.py, tests/test_svg.py and the diagnostics page)
    covered = {c.code for c in CASES} | {"E001", "E002", "E302", "N104", "E007", "N105",
                                         "E121", "N110", "E125", "E126", "E409", "E410",
                                         "E180", "E181", "W420"}
    assert set(CODES) <= covered, sorted(set(CODES) - covered)


EXPECTING = """\
    input: [3, 32, 32]
    layers:
      - {conv: {out_channels: 8, kernel_size: 3}, expect: [8, 30, 30]}
      - flatten
      - linear: 10
    expect: {params: 72234, macs: 266400}
"""  # conv 8·3·3·3 + 8 = 224 params, 8·30·30·27 = 194,400 MACs; linear 7200·10 + 10, 72,000


def test_expectations_describe_the_files_own_input() -> None:
    # another input changes shapes, MACs and even parameters (the linear after flatten):
    # the figures are not checked, and one note says so, at the file's input
    other = cnncalc.analyze(Source("bad.yaml", textwrap.dedent(EXPECTING)), (3, 16, 16))
    assert codes(other) == ["N104"] and where(other) == [("N104", 1, 8)]
    assert other.diagnostics[0].message == (
        "expectations not checked: they describe the file's input 3x32x32, not the input "
        "3x16x16 of this run")
    assert other.expectations == () and other.exit_code(strict=True) == 0
    assert other.totals.params == 224 + 8 * 14 * 14 * 10 + 10  # the linear layer shrank
    # its own input, given or not: checked, and they hold
    for given in (None, (3, 32, 32)):
        own = cnncalc.analyze(Source("bad.yaml", textwrap.dedent(EXPECTING)), given)
        assert codes(own) == [] and len(own.expectations) == 3
        assert all(v.ok for v in own.expectations)
    # a file whose own input is broken: the override replaces it, and nothing is checked
    broken = EXPECTING.replace("[3, 32, 32]", "[3, 32, zero]")
    a = cnncalc.analyze(Source("bad.yaml", textwrap.dedent(broken)), (3, 32, 32))
    assert codes(a) == ["N104"] and "describe the file's input, not" in a.diagnostics[0].message


def test_fatal_codes_are_the_unreadable_ones() -> None:
    assert {code for code, c in CODES.items() if c.fatal} == FATAL
    assert all(c.code == code and c.title and c.fix for code, c in CODES.items())


def test_severities_follow_the_code_letter() -> None:
    letter = {"E": Severity.ERROR, "W": Severity.WARNING, "N": Severity.NOTE}
    assert all(c.severity is letter[code[0]] for code, c in CODES.items())


def test_warning_fails_only_with_strict() -> None:
    a = run(net("conv: {out_channels: 8, kernel_size: 3, stride: 3}", input="[3, 7, 7]"))
    assert (a.exit_code(), a.exit_code(strict=True)) == (0, 1)
    assert a.output_shape == (8, 2, 2)  # floored as PyTorch does: the warning does not stop it
    w = a.diagnostics[0]
    assert "the last input row and column are never read (of 7)" in w.message
    assert w.path == "conv1"


def test_note_never_fails() -> None:
    a = run(net("conv: {out_channels: 8, kernel_size: 3, stride: 2, padding: 1}",
                input="[3, 56, 56]"))
    assert codes(a) == ["N101"]
    assert (a.exit_code(), a.exit_code(strict=True)) == (0, 0)
    assert a.output_shape == (8, 28, 28)


def test_misspelled_layers_key_reports_both_sides() -> None:
    a = run("input: [3, 32, 32]\nlayer:\n  - relu\n")
    assert where(a) == [("E102", 1, 1), ("E101", 2, 1)]
    assert a.diagnostics[1].hint == "did you mean 'layers'?"
    assert a.exit_code() == 1


def test_huge_repeat_is_refused_quickly() -> None:
    start = time.perf_counter()
    a = run(net("{relu: {}, repeat: 1000000000}"))
    assert time.perf_counter() - start < 1.0
    assert codes(a) == ["E116"]
    assert a.exit_code() == 1


def _alias_bomb() -> str:
    lines = ["input: [3, 8, 8]", "anchors:", "  - &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    lines += ["layers:", "  - conv: {out_channels: 8, kernel_size: *a8}"]
    return "\n".join(lines) + "\n"


# (what, the part that does it in Markdown, the whole file): docs/diagnostics.md lists them
HOSTILE = [
    ("an alias bomb (10^9 items if expanded)", "`- &a8 [*a7, *a7, *a7, ...]`", _alias_bomb()),
    ("an absurd repeat", "`{relu: {}, repeat: 1000000000}`",
     net("{relu: {}, repeat: 1000000000}")),
    ("a huge power", '`"$(9 ** 9 ** 9 ** 9)"`',
     net('conv: {out_channels: 8, kernel_size: "$(9 ** 9 ** 9 ** 9)"}')),
    ("nested repeats (10^12 layers)", "a block of `repeat: 1000000` called with `repeat: 1000000`",
     "input: [3, 8, 8]\nblocks:\n  b:\n    layers:\n      - {relu: {}, repeat: 1000000}\n"
     "layers:\n  - {b: {}, repeat: 1000000}\n"),
    ("nesting deeper than any network", "`[[[[...]]]]`, 10,000 levels deep",
     "input: " + "[" * 10_000 + "]" * 10_000 + "\nlayers: [relu]\n"),
]


@pytest.mark.parametrize(("what", "text"), [(w, t) for w, _, t in HOSTILE],
                         ids=[w for w, _, _ in HOSTILE])
def test_hostile_input_is_refused_quickly_at_its_line(what: str, text: str,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        status = cnncalc.cli.main(["show", str(path), "--format", "json"])
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{what}: {elapsed:.2f} s"
    assert status in (1, 2)
    errors = [d for d in json.loads(out.getvalue())["diagnostics"] if d["severity"] == "error"]
    lines = text.count("\n")
    assert errors and all(d["file"] == str(path) and 1 <= d["line"] <= lines for d in errors)


def test_alias_bomb_is_refused() -> None:
    """Anchors nesting lists ten-fold eight times would be 10^9 items if expanded."""
    start = time.perf_counter()
    a = run(_alias_bomb())
    assert time.perf_counter() - start < 2.0
    assert codes(a) == ["E101", "E116"]  # `anchors:` is no top-level key
    assert "more than 10000 items" in a.diagnostics[1].message
    assert a.exit_code() == 1


# ---------------------------------------------------------------- E001 / E002: bytes and paths

@pytest.mark.parametrize(("data", "line", "col", "message"), [
    pytest.param(b"input: [3, 8, 8]\nlayers:\n  - re\xfflu\n", 3, 7,
                 "byte 0xff is not valid UTF-8", id="invalid-byte"),
    pytest.param("input: [3, 8, 8]\n".encode("utf-16"), 1, 1, "the file is UTF-16 or UTF-32 "
                 "text", id="utf16-bom"),
    pytest.param(b"input: [3]\x00\nlayers: []\n", 1, 11, "the file is binary (it contains NUL",
                 id="nul-byte"),
    pytest.param(b"\x7fELF\x02\x01\x01\x00\x00", 1, 8, "binary", id="executable"),
])
def test_decode_refuses_non_text(data: bytes, line: int, col: int, message: str) -> None:
    with pytest.raises(FatalError) as info:
        decode("bad.yaml", data)
    d = info.value.diagnostic
    assert d.code == "E002" and d.fatal
    assert d.span is not None and (d.span.file, d.span.line, d.span.col) == ("bad.yaml", line,
                                                                              col)
    assert message in d.message


def test_invalid_utf8_column_counts_characters() -> None:
    """Columns are characters everywhere else (the YAML parser's marks); `é` is one column."""
    with pytest.raises(FatalError) as info:
        decode("bad.yaml", "# café ".encode() + b"\xff\n")
    d = info.value.diagnostic
    assert d.span is not None and (d.span.line, d.span.col) == (1, 8)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(NOT_UTF8)
    a = cnncalc.analyze(path)
    assert where(a) == [("E002", 2, 8)]
    assert a.diagnostics[0].hint == "save the file as UTF-8"
    assert a.exit_code() == 2 and a.exit_code(strict=True) == 2


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    path.write_bytes(b"PK\x03\x04\x00\x00\x08\x00")
    a = cnncalc.analyze(path)
    assert where(a) == [("E002", 1, 5)]
    assert "binary" in a.diagnostics[0].message
    assert a.exit_code() == 2


@pytest.mark.parametrize("kind", ["str", "path"])
def test_missing_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nope.yaml"
    a = cnncalc.analyze(str(path) if kind == "str" else path)
    assert codes(a) == ["E001"]
    d = a.diagnostics[0]
    assert d.span is None  # there is no text to point into
    assert d.message == "no such file" and a.source.name == str(path)
    assert d.hint == "check the path"
    assert a.exit_code() == 2


def test_path_with_a_nul_character() -> None:
    a = cnncalc.analyze("a\x00b.yaml")
    assert codes(a) == ["E001"] and "NUL" in a.diagnostics[0].message
    assert a.exit_code() == 2


def test_directory(tmp_path: Path) -> None:
    a = cnncalc.analyze(tmp_path)
    assert codes(a) == ["E001"]
    assert a.diagnostics[0].message == "a directory, not a file"
    assert a.diagnostics[0].hint is not None
    assert a.exit_code() == 2


# ---------------------------------------------------------------- known gaps (fail until fixed)

def test_deep_nesting_is_e006_not_a_syntax_error() -> None:
    """Valid YAML nested past the parser's depth limit is "too deeply nested" (E006), as the
    codes table says; calling it a YAML syntax error (E003) sends the user hunting for a typo."""
    a = run("input: " + "[" * 5000 + "]" * 5000 + "\nlayers: [relu]\n")
    assert codes(a) == ["E006"], [(d.code, d.message) for d in a.diagnostics]
    assert a.exit_code() == 2


def test_control_character_points_at_the_character() -> None:
    """YAML forbids control characters; the error must say where, not 1:1 plus an internal
    "<unicode string>, position 40" in the message."""
    a = run(net("relu # bad \x01 here"))
    assert where(a) == [("E003", 3, 16)], [(d.code, d.message) for d in a.diagnostics]
    message = a.diagnostics[0].message
    assert "U+0001" in message
    assert "<unicode string>" not in message and "position" not in message


def test_infinite_scale_factor_is_a_diagnostic_not_a_crash() -> None:
    """`scale_factor: .inf` passes the argument check (a number >= 0), then math.floor(inf)
    raised OverflowError out of analyze()."""
    a = run(net("upsample: {scale_factor: .inf}"))
    assert len(a.diagnostics) == 1
    d = a.diagnostics[0]
    assert d.code in ("E108", "E202")
    assert d.span is not None and (d.span.line, d.span.col) == (3, 30)
    assert a.exit_code() == 1


def test_mistake_in_a_block_body_is_reported_once() -> None:
    """A typo inside a block is one mistake at one place, however often the block is used;
    it was reported once per call and per repeat copy (4 identical diagnostics here)."""
    a = run("""\
        input: [3, 32, 32]
        blocks:
          cb:
            layers:
              - conv: {out_channels: 8, kernel_size: 3, strid: 1}
        layers:
          - cb
          - cb
          - {cb: {}, repeat: 2}
        """)
    assert where(a) == [("E105", 5, 49)]


def test_broken_block_definition_does_not_cascade() -> None:
    """A block whose definition was reported is not then "unknown" at every call (E104 with
    "did you mean 'bn'?" for a block the user did define)."""
    a = run("""\
        input: [3, 32, 32]
        blocks:
          b:
            params: [n]
        layers:
          - b: 4
          - relu
        """)
    assert codes(a) == ["E102"], [(d.code, d.message, d.hint) for d in a.diagnostics]


# ---------------------------------------------------------------- one run, all problems

def test_five_independent_mistakes_give_five_diagnostics() -> None:
    a = run("""\
        input: [3, 32, 32]
        classes: 10
        layers:
          - conv: {out_channels: 16, kernel_size: 3, strid: 2}
          - {id: a, from: input, rleu: {}}
          - {from: input, maxpool: {kernel_size: 2, padding: 2}}
          - {from: nope, relu: {}}
        """)
    assert where(a) == [("E101", 2, 1), ("E105", 4, 46), ("E104", 5, 26), ("E206", 6, 54),
                        ("E109", 7, 12)]
    assert [d.hint for d in a.diagnostics][1:3] == ["did you mean 'stride'?",
                                                    "did you mean 'relu'?"]
    assert a.exit_code() == 1


def test_failed_layer_does_not_cascade() -> None:
    a = run("""\
        input: [3, 32, 32]
        layers:
          - {id: stem, conv: {out_channels: 8, kernel_size: 99}}
          - bn
          - relu
          - {id: side, from: stem, conv: [8, 1]}
          - add: [prev, stem]
          - {maxpool: 3, expect: [8, 10, 10]}
          - linear: 10
        expect: {params: 5}
        """)
    assert where(a) == [("E202", 3, 53)]
    assert a.diagnostics[0].path == "stem"
    assert a.exit_code() == 1


def test_failed_layer_before_a_block_does_not_cascade() -> None:
    a = run("""\
        input: [3, 32, 32]
        blocks:
          cb:
            params: [out]
            layers:
              - conv: {out_channels: $out, kernel_size: 3, padding: $(in_h // 16)}
              - relu
        layers:
          - conv: {out_channels: 8, kernel_size: 99}
          - cb: 8
          - {cb: 8, repeat: 3}
        """)
    assert codes(a) == ["E202"]


def test_diagnostics_are_in_file_order() -> None:
    a = run(net("conv: {out_channels: 8, kernel_size: 3, strid: 2}",
                "{from: input, conv: {out_channels: 0, kernel_size: 3}}",
                "{from: input, linear: 10}") + "colour: red\n")
    assert where(a) == [("E105", 3, 45), ("E108", 4, 40), ("E205", 5, 19), ("E101", 6, 1)]


# ---------------------------------------------------------------- the command line

BAD = net("conv: {out_channels: 8, kernel_size: 3}", "rleu")
W101 = net("conv: {out_channels: 8, kernel_size: 3, stride: 3}", input="[3, 7, 7]")


def cli(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS")}
    env["NO_COLOR"] = "1"
    result = subprocess.run([sys.executable, "-m", "cnncalc", *args], cwd=cwd, env=env,
                            input=stdin, capture_output=True, timeout=60, check=False)
    return subprocess.CompletedProcess(result.args, result.returncode,
                                       result.stdout.decode(), result.stderr.decode())


def assert_excerpt(output: str, header: str, source_line: str, column: int) -> None:
    lines = output.splitlines()
    assert header in lines, output
    i = lines.index(header)
    gutter, _, text = lines[i + 1].partition(" | ")
    assert text == source_line and gutter.strip().isdigit(), output
    caret = lines[i + 2]
    assert caret.strip().startswith("|") and caret.strip("| ^~") == "", output
    assert caret.index("^") == len(gutter) + len(" | ") + column - 1, output


def test_cli_reports_file_line_col_excerpt_and_hint(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    r = cli("show", "bad.yaml", cwd=tmp_path)
    assert r.returncode == 1
    assert_excerpt(r.stdout, "bad.yaml:4:5: error[E104]: unknown op or block 'rleu'",
                   "  - rleu", 5)
    assert "     |     ^~~~" in r.stdout.splitlines()
    assert "  = hint: did you mean 'relu'?" in r.stdout
    assert "1 error" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_cli_reads_stdin(tmp_path: Path) -> None:
    r = cli("show", "-", cwd=tmp_path, stdin=BAD.encode())
    assert r.returncode == 1
    assert_excerpt(r.stdout, "<stdin>:4:5: error[E104]: unknown op or block 'rleu'",
                   "  - rleu", 5)


def test_cli_stdin_not_utf8(tmp_path: Path) -> None:
    r = cli("show", "-", cwd=tmp_path, stdin=NOT_UTF8)
    assert r.returncode == 2
    assert "<stdin>:2:8: error[E002]: byte 0xe9 is not valid UTF-8" in r.stdout + r.stderr


def test_cli_missing_file(tmp_path: Path) -> None:
    r = cli("show", "nope.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "error[E001]" in r.stdout + r.stderr
    assert "no such file" in r.stdout + r.stderr


def test_cli_directory(tmp_path: Path) -> None:
    r = cli("show", ".", cwd=tmp_path)
    assert r.returncode == 2
    assert "error[E001]" in r.stdout + r.stderr


def test_cli_unknown_option(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    r = cli("show", "--bogus", "bad.yaml", cwd=tmp_path)
    assert r.returncode == 2
    # typer's wording varies between releases ("No such option: --bogus", "No such option
    # '--bogus'"): the option must be named
    assert "No such option" in r.stderr and "--bogus" in r.stderr


def test_cli_bad_input_override(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(net("relu"))
    r = cli("show", "ok.yaml", "--input", "3x0x3", cwd=tmp_path)
    assert r.returncode == 2
    assert "is not a shape" in r.stderr


def test_cli_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(W101)
    plain = cli("show", "w.yaml", cwd=tmp_path)
    strict = cli("show", "w.yaml", "--strict", cwd=tmp_path)
    assert (plain.returncode, strict.returncode) == (0, 1)
    assert "w.yaml:3:5: warning[W101]: output H and W: (7 − 3 + 2·0)/3 + 1 = 2.33" in plain.stdout
    assert "  = hint: fits exactly with padding=1" in plain.stdout


def test_cli_json_diagnostics(tmp_path: Path) -> None:
    import json

    (tmp_path / "bad.yaml").write_text(BAD)
    r = cli("show", "bad.yaml", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    (d,) = json.loads(r.stdout)["diagnostics"]
    assert {k: d[k] for k in ("severity", "code", "file", "line", "column")} == {
        "severity": "error", "code": "E104", "file": "bad.yaml", "line": 4, "column": 5}
    assert d["hint"] == "did you mean 'relu'?"


@pytest.mark.parametrize(("text", "status"), [
    pytest.param(b"", 2, id="empty"),
    pytest.param(b"- relu\n", 2, id="not-a-mapping"),
    pytest.param(b"input: [3, 8\n", 2, id="syntax"),
    pytest.param(b"\x00\x01\x02", 2, id="binary"),
    pytest.param(b"input: " + b"[" * 5000 + b"]" * 5000 + b"\n", 2, id="deep"),
    pytest.param(b"input: &a [3, *a]\nlayers: [relu]\n", 2, id="recursive-anchor"),
    pytest.param(net("{relu: {}, repeat: 1000000000}").encode(), 1, id="huge-repeat"),
    pytest.param(net("upsample: {scale_factor: .inf}").encode(), 1, id="infinite-scale"),
    pytest.param(net("relu # \x01").encode(), 2, id="control-char"),
])
def test_cli_never_crashes(tmp_path: Path, text: bytes, status: int) -> None:
    (tmp_path / "bad.yaml").write_bytes(text)
    for args, stdin in ((("show", "bad.yaml"), None), (("show", "-"), text)):
        r = cli(*args, cwd=tmp_path, stdin=stdin)
        output = r.stdout + r.stderr
        assert "Traceback" not in output
        assert "internal error" not in output, output
        assert r.returncode == status, output
        assert "error[E" in output
