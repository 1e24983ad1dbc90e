"""Hostile input against what a person reads (issues 11 and 12): every case through the real
console entry point, each within the time and memory bound it states.

- S2: control characters and workflow commands (`::error`, `##[`) from any user value (a
  name, an id, an op, a key, a file name, a raw byte in the file) never reach the output raw.
- S5: markdown output cannot be given headings, links, images or raw HTML.
- I3 (issue 11, 3): no number is cut at any width, colour or plain.
- I4 (issue 11, 4): every command runs under any output encoding.
- The smaller issue-12 cases: repeated --columns, a megabyte excerpt, TiB, --traceback after
  the command, a reader that closes the pipe.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from harness import console, run

ROOT = Path(__file__).resolve().parents[2]
ALEXNET = ROOT / "architectures" / "alexnet.yaml"
RESNET50 = ROOT / "architectures" / "resnet50.yaml"
HOMEWORK = ROOT / "docs" / "examples" / "homework.yaml"

# a YAML file whose every user-controlled string carries something a terminal, a CI runner or
# a markdown renderer would act on
EVIL_NAME = (r'"net\e]0;pwned\a\n::error file=README.md,line=1::forged\u2028##[error]x'
             r'`<img src=x>[l](http://e.vil)\n# head"')
EVIL = f"""\
name: {EVIL_NAME}
input: [3, 8, 8]
blocks:
  "blk\\e[2J":
    layers: [relu]
layers:
  - {{id: "a\\e[2Jb\\n::warning::w", conv: {{out_channels: 4, kernel_size: 3}}}}
  - "bo\\agus\\n::stop-commands::tok"
  - {{conv: {{out_channels: 4, kernel_size: 3, "pad\\x1bding": 1}}}}
  - {{conv: {{out_channels: "\\e[31m", kernel_size: 3}}}}
  - {{relu: {{}}, from: "no\\e[31mpe\\u202e"}}
"""
# a valid network named like an attack, for the outputs of a network that builds
NAMED = f"""\
name: {EVIL_NAME}
input: [3, 8, 8]
layers:
  - conv: {{out_channels: 4, kernel_size: 3}}
  - relu
"""

COMMAND = re.compile(r"^[ \t]*::|##\[", re.M)


def no_workflow_command(text: str) -> None:
    """No line a GitHub runner would execute (only `check --format github` writes them)."""
    found = COMMAND.search(text)
    assert found is None, f"workflow command in the output: {text[found.start():][:80]!r}"


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    (tmp_path / "evil.yaml").write_text(EVIL, encoding="utf-8")
    (tmp_path / "named.yaml").write_text(NAMED, encoding="utf-8")
    return tmp_path


TEXT_COMMANDS = [
    ["show", "{f}"], ["show", "{f}", "--depth", "1", "--share", "params"],
    ["show", "{f}", "-f", "csv"], ["show", "{f}", "-f", "markdown"], ["show", "{f}", "-f", "json"],
    ["explain", "{f}"], ["explain", "{f}", "conv1"], ["sizes", "{f}", "--why", "33"],
    ["diff", "{f}", "{g}"], ["diff", "{f}", "{g}", "-f", "markdown"],
    ["diff", "{f}", "{g}", "-f", "csv"], ["diff", "{f}", "{g}", "-f", "json"],
    ["export", "{f}", "--to", "mermaid"], ["export", "{f}", "--to", "dot"],
    ["export", "{f}", "--to", "pytorch"], ["check", "{f}"], ["check", "{f}", "-f", "json"],
]


@pytest.mark.parametrize("command", TEXT_COMMANDS, ids=lambda c: " ".join(c[:1] + c[2:]))
@pytest.mark.parametrize("which", ["evil.yaml", "named.yaml"])
def test_s2_no_raw_control_or_workflow_command(evil: Path, command: list[str],
                                               which: str) -> None:
    """S2: every user string, in every text output of every command, is escaped: the harness
    finds no raw control character, and no line starts a workflow command."""
    other = "named.yaml" if which == "evil.yaml" else "evil.yaml"
    args = [a.format(f=which, g=other) for a in command]
    result = run(args, cwd=evil, seconds=20, mib=300)
    no_workflow_command(result.text)


def test_s2_check_github_format_writes_only_its_own_commands(evil: Path) -> None:
    """S2/S3: in `--format github` every line cnncalc means as a command starts one; a
    forged one never does."""
    result = run(["check", "evil.yaml", "named.yaml", "-f", "github"], cwd=evil, seconds=20,
                 mib=300)
    for line in result.out.splitlines():
        if line.startswith("::"):
            assert re.match(r"::(error|warning|notice) file=[^:\n]*\.yaml,", line), line
    assert "##[" not in result.text


def test_s2_raw_escape_byte_in_the_excerpt(tmp_path: Path) -> None:
    """S2: a raw ESC byte on the quoted line is written as \\x1b, the caret still under the
    value it points at."""
    (tmp_path / "esc.yaml").write_bytes(
        b"input: [3, 8, 8]\nlayers:\n  - conv: {out_channels: 4, \x1b]0;t\x07: 3}\n")
    result = run(["show", "esc.yaml"], cwd=tmp_path, seconds=10, mib=200)
    assert result.code == 2 and "\\x1b]0;t\\x07" in result.out
    line, caret = [x for x in result.out.splitlines() if x.lstrip()[:1].isdigit() or "^" in x][:2]
    assert line[caret.index("^"):].startswith("\\x1b")


def test_s2_stderr_messages_are_escaped(tmp_path: Path) -> None:
    """S2: messages on standard error quote the command line escaped."""
    result = run(["explain", ALEXNET, "no\x1b[2J\n::error::x"], seconds=10, mib=200)
    assert result.code == 2 and "no layer 'no\\x1b[2J\\n::error::x'" in result.err
    result = run(["ops", "re\x1b]0;x\x07lu"], seconds=10, mib=200)
    assert result.code == 2 and "\\x1b]0;x\\x07" in result.err
    for args in (["show", ALEXNET, "--input", "3x\x1b[2J\n::error::x"],
                 ["show", ALEXNET, "--columns", "rf,\n::error::x"],
                 ["calc", "conv", "=\n::error::x"],
                 ["check", ALEXNET, "--max-params", "\x1b[2J\n::error::x"],
                 ["show", ALEXNET, "-f", "\n::error::x"], ["\n::error::x"]):
        result = run(args, seconds=10, mib=200)
        assert result.code == 2
        no_workflow_command(result.text)


def _outside_code_spans(line: str) -> str:
    return re.sub(r"(`+)(?:(?!\1).)*?\1", "", line)


@pytest.mark.parametrize("command", [["show", "named.yaml", "-f", "markdown"],
                                     ["show", "evil.yaml", "-f", "markdown"],
                                     ["diff", "named.yaml", "evil.yaml", "-f", "markdown"]])
def test_s5_markdown_cannot_be_injected(evil: Path, command: list[str]) -> None:
    """S5: a name with a newline, backticks, a link, an image or HTML stays inside a code span:
    no heading but cnncalc's own, no link, image or tag outside a span."""
    out = run(command, cwd=evil, seconds=20, mib=300).out
    for line in out.splitlines():
        bare = _outside_code_spans(line)
        assert not re.search(r"<[a-z/!]|\]\(|!\[|https?://", bare), line
        assert not line.startswith("#") or line.startswith("### ``net"), line
    assert out.count("\n# head") == 0


def _fit_env(mode: str, width: int | None) -> dict[str, str]:
    env = {"FORCE_COLOR": "1"} if mode == "color" else {"NO_COLOR": "1"} if mode == "plain" \
        else {}
    if width is not None:
        env["COLUMNS"] = str(width)
    return env


@pytest.mark.parametrize("width", [40, 60, 80, 120, None])
@pytest.mark.parametrize("mode", ["color", "plain", "pipe"])
def test_i3_no_number_is_cut(width: int | None, mode: str) -> None:
    """Issue 11, 3: at 40, 60, 80, 120 columns and COLUMNS unset, in colour, NO_COLOR and a
    pipe, the README's ResNet-50 table shows every number whole (columns are left out whole,
    and named), and colour changes nothing but SGR sequences."""
    args = ["show", RESNET50, "--depth", "1", "--layout", "hwc"]
    wide = run(args, seconds=20, mib=300).out
    result = run(args, env=_fit_env(mode, width), seconds=20, mib=300, allow_control=True)
    text = re.sub("\x1b\\[[0-9;]*m", "", result.out)
    assert "\x1b" not in text
    plain = run(args, env=_fit_env("plain", width), seconds=20, mib=300).out
    assert text == plain
    table = text.split("Total params")[0].split("(not shown")[0]
    assert "…" not in table
    numbers = set(re.findall(r"\d[\d,x]*", wide.split("Total params")[0]))
    assert set(re.findall(r"\d[\d,x]*", table)) <= numbers
    for number in ("1,027,604,480", "14,964,736", "1x1x2048"):
        assert number in table or "(not shown, to fit" in text
    assert "4,089,184,256" in text and "8,178,368,512" in text  # totals wrap, never cut
    if width is not None:
        # a word longer than the width (a file's path, in a CI's deep temporary folder)
        # stands alone on its line: nothing else is pushed past the edge with it
        assert all(len(line) <= max(width, 60) or len(line.split()) == 1
                   for line in text.splitlines())


COMMANDS_FOR_ENCODING = [
    ["show", ALEXNET], ["show", RESNET50, "--share", "macs", "--columns", "output,rf"],
    ["show", ALEXNET, "-f", "markdown"], ["show", ALEXNET, "-f", "csv"],
    ["show", ALEXNET, "-f", "json"], ["check", HOMEWORK], ["check", ALEXNET, "-f", "github"],
    ["check", ALEXNET, "-f", "json"], ["explain", ALEXNET, "conv1"],
    ["calc", "conv", "out_channels=10", "kernel_size=5", "--input", "3x32x32"],
    ["sizes", ROOT / "architectures" / "unet.yaml", "--min", "500", "--max", "700", "--why",
     "573"],
    ["diff", ROOT / "architectures" / "vgg16.yaml", ROOT / "architectures" / "vgg16_bn.yaml"],
    ["diff", ROOT / "architectures" / "vgg16.yaml", ROOT / "architectures" / "vgg16_bn.yaml",
     "-f", "markdown"],
    ["export", ALEXNET, "--to", "pytorch"], ["export", ALEXNET, "--to", "mermaid"],
    ["schema"], ["ops"], ["ops", "conv"], ["--help"], ["show", "--help"],
    ["explain", ALEXNET, "nolayé"], ["show", ROOT / "nowhere-é.yaml"],
]
ENCODINGS = {
    "cp1252": {"PYTHONIOENCODING": "cp1252"},
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "C": {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
}


@pytest.mark.parametrize("command", COMMANDS_FOR_ENCODING,
                         ids=lambda c: " ".join(str(a).replace(str(ROOT) + "/", "") for a in c))
@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_i4_every_command_under_any_encoding(command: list[object], encoding: str) -> None:
    """Issue 11, 4: cp1252 (a Windows redirect), ascii and LC_ALL=C without coercion: every
    command runs (no internal error: the harness checks it); ASCII output is ASCII, with
    stand-ins for `─ − · ✓ → █ …`."""
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LANG", "LC_CTYPE")}
    env.update(ENCODINGS[encoding])
    result = run(command, env=env, seconds=20, mib=300)  # type: ignore[arg-type]
    if encoding != "cp1252":
        assert "\ufffd" not in result.text, result.text[:500]  # ASCII bytes only: decodes
        assert result.text.isascii()


def test_smaller_repeated_columns_are_refused() -> None:
    """Issue 12: `--columns rf,rf,rf` printed three RF columns; now a usage error."""
    result = run(["show", ALEXNET, "--columns", "rf,rf,rf"], seconds=10, mib=200)
    assert result.code == 2 and "column rf given more than once" in result.err


def test_smaller_megabyte_line_excerpt_is_short(tmp_path: Path) -> None:
    """Issue 12: a 6 MB one-line file yielded a 7.2 MB error excerpt; the quote is a window of
    about 100 characters around the caret."""
    path = tmp_path / "long.yaml"
    path.write_text("{input: [3, 8, 8]," + " " * 6_000_000 + "layers: [relu, bogus]}\n")
    result = run(["show", path], seconds=30, mib=1500)
    assert result.code == 1 and "error[E104]" in result.out
    assert len(result.out) < 2000
    excerpt = next(line for line in result.out.splitlines() if line.startswith("   1 | "))
    assert "bogus" in excerpt and len(excerpt) < 120


def test_smaller_sizes_past_a_tebibyte(tmp_path: Path) -> None:
    """Issue 12: sizes past 1 TiB printed as thousands of GiB."""
    (tmp_path / "big.yaml").write_text(
        "input: [3, 200000, 200000]\nlayers:\n  - conv: {out_channels: 64, kernel_size: 1}\n")
    out = run(["show", "big.yaml"], cwd=tmp_path, seconds=10, mib=200).out
    assert "9.3 TiB" in out and not re.search(r"\d{4,}\.\d GiB", out)


def test_smaller_traceback_after_the_command() -> None:
    """Issue 12: the bug message says "run it again with --traceback": the option is taken
    after the command too (it used to be 'No such option')."""
    result = run(["show", ALEXNET, "--traceback"], seconds=10, mib=200)
    assert result.code == 0 and "Total params" in result.out


@pytest.mark.parametrize("args", [["show", ALEXNET, "-f", "json"], ["show", ALEXNET],
                                  ["show", ALEXNET, "-f", "csv"], ["schema"],
                                  ["export", ALEXNET], ["ops"]])
def test_smaller_closed_pipe_exits_0(args: list[object]) -> None:
    """Issue 12: `show -f json | head -c 10` exited 1 while other formats exited 0: every
    output ends quietly, status 0, when its reader goes away."""
    args = [*args, "--depth", "1"] if args[:1] == ["show"] else args
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    heavy = [*console(), "show", ROOT / "architectures" / "resnet152.yaml", "-f", "json"]
    for command in ([*console(), *map(str, args)], heavy):
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            proc.stdout.read(10)
            proc.stdout.close()
            assert proc.wait(timeout=30) == 0
            assert proc.stderr.read() == b""
