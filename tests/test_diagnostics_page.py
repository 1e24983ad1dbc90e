"""docs/diagnostics.md is generated, so it cannot drift: one section per code of the codes table
(cnncalc/diagnostics.py), in its order, each with the example from
tests/diagnostic_examples.PAGE run through cnncalc for its real output. The tests fail when the
committed page differs from the generated one (`pytest --regen-golden` rewrites it; review the
diff), when a code has no example or an example does not produce its code, and when a fix
does not fix."""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import ROOT
from diagnostic_examples import CASES, PAGE, Example

from cnncalc.analysis import analyze
from cnncalc.cli import main
from cnncalc.diagnostics import CODES, Code, Severity
from cnncalc.source import Source

DOC = ROOT / "docs" / "diagnostics.md"
FILE = "bad.yaml"  # every example's file name, so outputs never show a temporary path
REGEN = "pytest --regen-golden tests/test_diagnostics_page.py"

# The code families, by the code's first two characters (E0xx ... N1xx).
GROUPS = {
    "E0": ("E0xx: the file cannot be read", "The file is not readable YAML text."),
    "E1": ("E1xx: not a valid architecture", "The file is YAML, but not what the format "
           "allows. cnncalc reports the problem, skips what it cannot use and checks the rest."),
    "E18": ("E18x: a picture too large to draw", "The network is fine, but the diagram "
            "`cnncalc export` was asked for is larger, at the `--depth` given, than its renderer "
            "can show. Nothing is written; the hint names the deepest `--depth` that fits."),
    "E2": ("E2xx: the network cannot be built", "The file is well formed, but a layer cannot "
           "be built on the input it gets. The layers that depend on it are left unknown, "
           "without errors of their own."),
    "E3": ("E3xx: expectations and budgets", "The network builds, but differs from what the "
           "file or the command line expects."),
    "E4": ("E4xx: Ultralytics YOLO configs", "The file is an Ultralytics model config "
           "(docs/yolo.md), and a row or a setting cannot be read as Ultralytics reads it. "
           "Each points at the row written. E410: `cnncalc convert` was given a file that "
           "is not such a config."),
    "W1": ("W1xx: warnings", "The network builds as PyTorch would build it, but probably not "
           "as meant."),
    "W4": ("W4xx: Ultralytics YOLO configs at other sizes", "The config builds at the size "
           "asked, but Ultralytics would not use that size as given (`cnncalc sizes`)."),
    "N1": ("N1xx: notes", "Worth knowing; nothing to fix."),
}


# ---------------------------------------------------------------- running cnncalc

class Run(NamedTuple):
    command: str  # as typed in a shell
    output: str  # standard output and standard error, as a terminal shows them
    status: int


@contextlib.contextmanager
def _plain_terminal(directory: str) -> Iterator[io.StringIO]:
    """cwd `directory`, no colours, both output streams into one buffer."""
    saved_env = {k: os.environ.get(k) for k in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    saved_cwd = os.getcwd()
    os.environ["NO_COLOR"] = "1"
    os.environ.pop("FORCE_COLOR", None)
    os.environ.pop("COLUMNS", None)
    os.chdir(directory)
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            yield buffer
    finally:
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@cache
def run(args: tuple[str, ...], data: bytes | None,
        files: tuple[tuple[str, str], ...] = ()) -> Run:
    """`cnncalc ARGS` in an empty directory holding `bad.yaml` (when `data` is given) and the
    example's other `files` (what it includes)."""
    with tempfile.TemporaryDirectory() as directory:
        if data is not None:
            Path(directory, FILE).write_bytes(data)
        for name, content in files:
            Path(directory, name).write_text(content, encoding="utf-8")
        with _plain_terminal(directory) as buffer:
            status = main(list(args))
    return Run(" ".join(["cnncalc", *args]), buffer.getvalue(), status)


def case_text(case_id: str) -> str:
    (case,) = [c for c in CASES if c.id == case_id]
    return textwrap.dedent(case.yaml)


def text(example: Example) -> str | None:
    """The example file as text (None: no file, or bytes that are not text)."""
    if example.case is not None:
        return case_text(example.case)
    return example.yaml


def data(example: Example) -> bytes | None:
    if example.data is not None:
        return example.data
    source = text(example)
    return None if source is None else source.encode()


def fixed(example: Example) -> bytes | None:
    """The example file after its fix: `old` -> `new` at the last occurrence; bytes that are
    not UTF-8 are taken as Latin-1 and saved as UTF-8."""
    if example.data is not None:
        return example.data.decode("latin-1").encode()
    source = text(example)
    if source is None or example.fix is None:
        return None
    old, new = example.fix
    before, found, after = source.rpartition(old)
    assert found, f"{example.code}: the fix's {old!r} is not in the example"
    return (before + new + after).encode()


def runs(example: Example) -> list[Run]:
    return [run(args, data(example), example.files) for args in example.commands]


def printf(raw: bytes) -> str:
    """A POSIX `printf` command that writes `raw` to bad.yaml."""
    out = ""
    for byte in raw:
        char = chr(byte)
        if char == "\n":
            out += "\\n"
        elif 0x20 <= byte < 0x7F and char not in "\\'%":
            out += char
        else:
            out += f"\\{byte:03o}"
    return f"printf '{out}' > {FILE}"


# ---------------------------------------------------------------- the page

def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def heading(code: Code) -> str:
    return f"{code.code}: {code.title}"


def example_for(code: str) -> Example:
    (example,) = [e for e in PAGE if e.code == code]
    return example


def wrap(paragraph: str) -> str:
    """A paragraph in lines of at most 95 characters, as in the other documents; left whole
    if a line would start like a Markdown list, heading or quote."""
    lines = textwrap.wrap(paragraph, 95, break_long_words=False, break_on_hyphens=False)
    if any(re.match(r"[-+*#>|]|\d+[.)]", line) for line in lines[1:]):
        return paragraph
    return "\n".join(lines)


def fence(lang: str, body: str) -> str:
    return f"```{lang}\n{body.rstrip(chr(10))}\n```"


def transcript(example: Example, shown: list[Run]) -> str:
    lines = [f"$ {printf(example.data)}"] if example.data is not None else []
    for r in shown:
        lines += [f"$ {r.command}", r.output.rstrip("\n")]
    return fence("text", "\n".join(lines))


def diff(before: str, after: str) -> str:
    a, b = before.splitlines(), after.splitlines()
    lines = list(difflib.unified_diff(a, b, lineterm="", n=len(a) + len(b)))[3:]
    return fence("diff", "\n".join(lines))


def facts(code: Code, shown: list[Run]) -> str:
    stops = ("**yes** — the file cannot be read or parsed, so nothing else is checked"
             if code.fatal else "no — cnncalc reports it and checks the rest")
    statuses = (f"**{shown[0].status}**" if len(shown) == 1 else ", ".join(
        f"**{r.status}** for `{r.command}`" for r in shown))
    return (f"- Severity: **{code.severity.value}**\n- Stops the run: {stops}\n"
            f"- Exit status: {statuses}")


def section(code: Code) -> str:
    example = example_for(code.code)
    shown = runs(example)
    parts = [f"### {heading(code)}", facts(code, shown), wrap(example.when)]
    source = text(example)
    if source is not None:
        parts += [f"`{FILE}`:", fence("yaml", source)]
    for name, content in example.files:
        parts += [f"`{name}`:", fence("yaml", content)]
    parts.append(transcript(example, shown))
    fix = f"**Fix:** {code.fix}."
    if example.fix_note:
        fix += " " + example.fix_note
    after = fixed(example)
    if source is not None and after is not None:
        fix += " For the example:"
    parts.append(wrap(fix))
    if source is not None and after is not None:
        parts.append(diff(source, after.decode()))
    return "\n\n".join(parts)


def group_of(code: str) -> str:
    """The family of a code in GROUPS: its letter and first digit (E18x, pictures too large,
    is a family of its own)."""
    return code[:3] if code.startswith("E18") else code[:2]


def table(header: tuple[str, ...], *rows: tuple[str, ...]) -> str:
    lines = [f"| {' | '.join(cells)} |" for cells in (header, *rows)]
    return "\n".join([lines[0], "|---" * len(header) + "|", *lines[1:]])


def index() -> str:
    return table(("code", "severity", "meaning", "fatal"), *(
        (f"[{c.code}](#{slug(heading(c))})", c.severity.value, c.title, "yes" if c.fatal else "")
        for c in CODES.values()))


def codes_of(severity: Severity) -> str:
    """The codes of a severity as ranges by family: "E001–E006, E101–E117"."""
    families: dict[str, list[str]] = {}
    for code in CODES.values():
        if code.severity is severity:
            families.setdefault(group_of(code.code), []).append(code.code)
    return ", ".join(f"{c[0]}–{c[-1]}" if len(c) > 1 else c[0] for c in families.values())


def intro() -> str:
    example = example_for("E205")
    source = text(example)
    assert source is not None
    (d,) = analyze(Source(FILE, source)).diagnostics
    assert d.span is not None and d.hint is not None and d.path is not None
    (shown,) = runs(example)
    strict = run(("check", "--strict", FILE), data(example_for("W101")))
    as_json = run(("show", FILE, "--format", "json"), data(example))
    github = run(("check", FILE, "--format", "github"), data(example))
    fatal = ", ".join(c.code for c in CODES.values() if c.fatal)
    listed = json.loads(as_json.output)["diagnostics"]
    assert list(listed[0]) == ["severity", "code", "message", "file", "line", "column", "path",
                               "hint"], "the JSON keys changed: update the table below"
    diagnostics = json.dumps(listed, indent=2)
    w101 = slug(heading(CODES["W101"]))
    severities = table(
        ("severity", "codes", "meaning", "exit status"),
        ("error", codes_of(Severity.ERROR), "the file cannot be read, is not a valid "
         "architecture, cannot be built, or differs from its expectations",
         "1, or 2 when fatal"),
        ("warning", codes_of(Severity.WARNING), "the network builds, probably not as meant",
         "0, or 1 with `--strict`"),
        ("note", codes_of(Severity.NOTE), "worth knowing, nothing to fix",
         "0, even with `--strict`"))
    statuses = table(
        ("status", "meaning"),
        ("0", "fine; warnings and notes allowed"),
        ("1", "the architecture has errors or failed expectations, a budget is exceeded "
         "(`cnncalc check`), or there are warnings and `--strict` was given"),
        ("2", f"the file could not be read or parsed ({fatal}), the command line is wrong, "
         "or the output could not be written (a full disk, a closed standard output)"),
        ("3", "a bug in cnncalc: an unexpected internal error (`cnncalc --traceback ...` "
         "shows it)"))
    return f"""\
# Diagnostic codes

<!-- Generated by tests/test_diagnostics_page.py from the codes table (cnncalc/diagnostics.py)
and the examples in tests/diagnostic_examples.py; do not edit by hand. After changing either,
run `{REGEN}` and review the diff. -->

Every problem cnncalc finds is a diagnostic with a stable code. This page lists all
{len(CODES)} codes in the order of cnncalc's codes table, each with when it is reported, a
small file that triggers it, what cnncalc prints for that file, and how to fix it. The
outputs are real: the page is generated by running cnncalc on every example, and a test
fails when it is out of date. The file format itself is described in [format.md](format.md).

## Reading a diagnostic

For this `{FILE}`:

{fence("yaml", source)}

`cnncalc check {FILE}` prints:

{transcript(example, [shown])}

The diagnostic is written the way compilers write theirs:

- `{d.span.file}:{d.span.line}:{d.span.col}`: the file, line and column where the problem is
  (1-based; columns count characters). A problem about the whole file, such as an unreadable
  path (E001) or an exceeded budget (E302), has only the file name.
- `{d.severity.value}`: the severity (below).
- `[{d.code}]`: the code. Codes are stable; each has a section on this page.
- the message, which names the bad value, and `(in {d.path})`, the layer the problem belongs
  to (see [names in reports](format.md#names-in-reports)).
- the line of the file with a caret `^~~~` under the spot.
- `= hint:`, how to fix it, when cnncalc knows: the closest name for a misspelled op,
  argument, key or id, the value that would fit, the missing layer.

A note is one line, without the excerpt and the hint. One run reports as many problems as it
can find, in file order. `cnncalc show` prints the diagnostics below the layer table (no
table when the network cannot be built at all); `cnncalc check` prints them under each file's
verdict and lists notes only with `--notes`.

## Severities

{severities}

A **fatal** error means the file could not be read or parsed: cnncalc stops there, checks
nothing else and exits with status 2. The fatal codes are {fatal}.

## Exit codes

{statuses}

`cnncalc check` exits with the highest status of all the files it checks.

## `--strict`

`cnncalc show --strict` and `cnncalc check --strict` treat warnings as errors: the run exits
with status 1. Notes never fail a run. For the file of the
[W101](#{w101}) example:

{transcript(example_for("W101"), [strict])}

Exit status: **{strict.status}**.

## The JSON form

`cnncalc show FILE --format json` puts the diagnostics in the document's `diagnostics` list,
and `cnncalc check --format json` in each file's `diagnostics`. For the `{FILE}` of
[Reading a diagnostic](#reading-a-diagnostic):

{fence("json", diagnostics)}

| key | meaning |
|---|---|
| `severity` | `error`, `warning` or `note` |
| `code` | the code |
| `message` | the message, without the layer |
| `file`, `line`, `column` | where (1-based); `null` for a problem about the whole file |
| `path` | the layer the problem belongs to, or `null` |
| `hint` | how to fix it, or `null` |

`cnncalc check --format github` writes each diagnostic as a GitHub Actions workflow command,
so it appears on its line in a pull request:

{transcript(example, [github])}

## All codes

{index()}

"""


def page() -> str:
    parts = [intro().rstrip("\n")]
    group = None
    for code in CODES.values():
        if group_of(code.code) != group:
            group = group_of(code.code)
            title, about = GROUPS[group]
            members = [c for c in CODES.values() if group_of(c.code) == group]
            fatal = [c.code for c in members if c.fatal]
            if fatal:
                about += f" {', '.join(fatal)} are fatal: cnncalc checks nothing else."
                others = [c.code for c in members if not c.fatal]
                if others:
                    about += f" Not fatal: {', '.join(others)}."
            parts.append(f"## {title}\n\n{wrap(about)}")
        parts.append(section(code))
    parts.append(robustness())
    return "\n\n".join(parts) + "\n"


def robustness() -> str:
    """What CI throws at cnncalc on every run: the counts come from the tests themselves."""
    import test_fuzz
    import test_properties
    from test_diagnostics import HOSTILE

    from cnncalc import limits

    hostile = "\n".join(f"- {what}: {snippet}" for what, snippet, _ in HOSTILE)
    return f"""## Robustness

Every CI run feeds cnncalc inputs no one wrote by hand, and each one must end with exit status
0, 1 or 2 — never 3 (the bug report) and never a traceback:

- **{test_fuzz.MUTANTS:,} mutants of the zoo files** (tests/test_fuzz.py, from a fixed
  seed): lines deleted, duplicated, swapped and re-indented, numbers replaced with junk (zero,
  negatives, huge and non-finite values, strings, hostile `$(...)` expressions), truncation,
  and inserted garbage (bytes that are not UTF-8, control characters, YAML anchors, tags and
  brackets). Each runs through the real command line within a time bound, and every
  diagnostic it gives points inside the file. `python tests/fuzz.py --mutants 100000 --seed N`
  runs a longer campaign and saves any failing mutant.
- **{test_properties.NETWORK_EXAMPLES:,} random valid networks** (tests/test_properties.py,
  with hypothesis): chains, blocks, repeats and merges; the per-layer numbers add up to the totals,
  the JSON round-trips, the analysis is deterministic, `--batch` scales what it should, and the
  exported PyTorch model builds what cnncalc reports.
- **{test_properties.SINGLE_OP_EXAMPLES:,} random single-op configurations** against
  torch modules built independently of cnncalc: the same output shape, parameters, buffers and MACs,
  and cnncalc refuses exactly what torch refuses.

Hostile inputs are refused quickly, at their line (tests/test_diagnostics.py times each
through the command line, under a second):

{hostile}

Files are found and read within bounds (tests/hostile/test_check.py, through the command line,
each case with a time and a memory bound): every input — a file, standard input, a FIFO,
`/dev/zero` — is read up to its size limit and one byte more, then refused (E007); `cnncalc
check` walks directories and globs without recursion (a tree 1,100 levels deep), enters each
directory once (link loops end), checks each file once however many names lead to it, never
follows a link out of the directory it walks, never reads a path as YAML text, and keeps
nothing of a file once its result is printed (1,200 files take the memory of 120). File names
that are not UTF-8 or that hold control characters are printed escaped, and in
`--format github` no file name or message can start a workflow command of its own.

What a person reads cannot be used against them (tests/hostile/test_output.py through the
console script, and a hypothesis property test over every command and format): every value
from a file or the command line (a name, an id, an op, a key, a file name, the quoted source
line) is written with its control characters, line and paragraph separators and bidi
overrides escaped (`\\x1b`, `\\n`, `\\u202e`); no such value starts a line with `::` or holds
`##[`, the two ways a GitHub runner reads a line as a workflow command (written `\\x3a:` and
`##\\x5b`; JSON writes `##\\u005b`); markdown writes them as code spans, so they make no
heading, link, image or HTML. In CI, use `check --format github`: its lines are the only
workflow commands cnncalc writes. A quoted source line shows at most 100 characters around
the caret. Output works under any encoding (ASCII stand-ins where one cannot write a
character), a number is never shortened to fit a terminal, and a reader that closes the pipe
ends cnncalc quietly with status 0.

The work any file may cause is bounded, each bound a located diagnostic (tests/hostile/ runs
every attack of the kind through the installed command with a time and memory bound, and
{test_fuzz.HOSTILE:,} more mutants stack them on the zoo):

- sizes, integer arguments and `batch` at most 2^63 - 1, PyTorch's int64 (E118); a layer's
  output below 2^63 elements (E210); an expression that overflows is E112;
- values nested at most {limits.MAX_VALUE_DEPTH} levels, block calls at most
  {limits.MAX_CALL_DEPTH} (E119): nothing recurses as deep as a file is nested;
- at most `--max-layers` layers ({limits.DEFAULT_MAX_LAYERS:,} by default), and at most
  {limits.WORK_PER_LAYER} units of work per allowed layer (a layer's path parts, the items of
  values read at each call), counted as the network expands; repeats, literal or `$n`, are
  counted before they are expanded (E116);
- did-you-mean hints within a budget, lists of names in messages cut to their first ten, and
  the hints for a window that does not fit solved arithmetically, whatever the stride.
"""


# ---------------------------------------------------------------- the tests

def expected_status(code: Code) -> int:
    if code.fatal:
        return 2
    return 1 if code.severity is Severity.ERROR else 0


def test_every_code_has_one_example_in_order() -> None:
    assert [e.code for e in PAGE] == list(CODES), (
        "diagnostic_examples.PAGE needs exactly one example per code of CODES, in its order")
    assert set(GROUPS) == {group_of(code) for code in CODES}


@pytest.mark.parametrize("example", PAGE, ids=[e.code for e in PAGE])
def test_example_gives_its_code(example: Example) -> None:
    code = CODES[example.code]
    first, *more = runs(example)
    printed = {m for r in (first, *more) for m in re.findall(r"\[([EWN]\d{3})\]", r.output)}
    assert printed == {example.code}, first.output
    assert f"{code.severity.value}[{code.code}]" in first.output
    assert first.status == expected_status(code), first.output
    assert "Traceback" not in first.output
    source = text(example)
    # budgets, input overrides and the size limit come from the command line; what `check`
    # skips, from `check`; E410 (a native file), from `convert`; W420, from `sizes`
    command_line = ("E302", "N104", "E007", "N105", "E121", "N110", "E125", "E409", "E410",
                    "E180", "E181", "W420")
    if source is not None and code.code not in command_line and not example.files:
        assert [d.code for d in analyze(Source(FILE, source)).diagnostics] == [code.code]


@pytest.mark.parametrize("example", [e for e in PAGE if fixed(e) is not None],
                         ids=[e.code for e in PAGE if fixed(e) is not None])
def test_fix_fixes(example: Example) -> None:
    for args in example.commands:
        r = run(args, fixed(example), example.files)
        assert r.status == 0, r.output
        assert f"[{example.code}]" not in r.output, r.output


@pytest.mark.parametrize("code", ["E180", "E181"])
def test_too_large_is_fixed_by_the_depth_in_its_hint(code: str) -> None:
    """A diagram too large: the example's second command, at the --depth the hint names,
    writes the picture."""
    refused, drawn = runs(example_for(code))
    depth = re.search(r"hint: draw it with --depth (\d+)", refused.output)
    assert depth is not None and drawn.command.endswith(f"--depth {depth.group(1)} -o bad."
                                                        f"{'mmd' if code == 'E180' else 'svg'}")
    assert (drawn.status, drawn.output) == (0, "")


def test_only_notes_go_without_a_fix() -> None:
    # E001: no file; E409, E180, E181: a mistake of the command line (`--set`, `--depth`), not
    # of the file (the E18x examples run the fixed command after the failing one); W420: a
    # size asked of `sizes`, not a mistake of the file
    unfixed = [e.code for e in PAGE if fixed(e) is None
               and e.code not in ("E001", "E409", "E180", "E181", "W420")]
    assert all(CODES[c].severity is Severity.NOTE for c in unfixed), unfixed


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_printf_writes_the_bytes(tmp_path: Path) -> None:
    for example in PAGE:
        if example.data is not None:
            subprocess.run(["sh", "-c", printf(example.data)], cwd=tmp_path, check=True)
            assert (tmp_path / FILE).read_bytes() == example.data


def committed() -> str:
    return DOC.read_text(encoding="utf-8") if DOC.exists() else ""


def test_page_is_current(regen: bool) -> None:
    generated, current = page(), committed()
    if regen and generated != current:
        DOC.write_text(generated, encoding="utf-8")
        return
    if generated != current:
        changed = "\n".join(list(difflib.unified_diff(
            current.splitlines(), generated.splitlines(), "committed", "generated",
            lineterm="", n=1))[:40])
        pytest.fail(f"docs/diagnostics.md is out of date: run `{REGEN}` and review the "
                    f"diff.\n{changed}", pytrace=False)


def test_page_has_a_section_per_code() -> None:
    shown = re.findall(r"^### ([EWN]\d{3}): ", committed(), re.M)
    assert shown == list(CODES), (
        f"docs/diagnostics.md's sections differ from the codes table: run `{REGEN}`")
