"""What a person reads on a terminal: colour, --color, grouped notes, width, help, markdown,
encodings (render/console.py, render/text.py, render/markdown.py, render/safe.py)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT, run

from cnncalc import cli
from cnncalc.analysis import analyze
from cnncalc.diagnostics import Diagnostic
from cnncalc.render import markdown, registry, table, text
from cnncalc.render.console import STAND_INS, use_color
from cnncalc.render.safe import all_clean, clean, guard
from cnncalc.render.units import count, size
from cnncalc.source import Source, Span

ALEXNET = str(ROOT / "architectures" / "alexnet.yaml")
RESNET18 = str(ROOT / "architectures" / "resnet18.yaml")
SGR = re.compile("\x1b\\[[0-9;]*m")


def cnncalc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cnncalc", *args], capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", **(env or {})}, cwd=ROOT)


# ---------------------------------------------------------------- the sanitiser


@pytest.mark.parametrize(("raw", "shown"), [
    ("plain", "plain"), ("a\nb", "a\\nb"), ("\x1b[2J", "\\x1b[2J"), ("\u2028", "\\u2028"),
    ("\u202e", "\\u202e"), ("::error x::y", "\\x3a:error x::y"), ("  ::x", "  \\x3a:x"),
    ("a::b", "a::b"), ("x##[error]y", "x##\\x5berror]y"), ("\x85", "\\x85"),
])
def test_clean(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    assert all_clean([raw]) == (raw == shown)


def test_guard_keeps_layout_and_own_colour_only() -> None:
    assert guard("a\n\tb\n") == "a\n\tb\n"
    assert guard("ok\n ::error::x\n") == "ok\n \\x3a:error::x\n"
    assert guard("\x1b[1mbold\x1b[0m") == "\\x1b[1mbold\\x1b[0m"
    painted = "\x1b[1mbold\x1b[0m"
    assert guard(painted + "\x1b]0;t\x07", colour=True) == painted + "\\x1b]0;t\\x07"


def test_all_clean_sees_a_newline_inside_a_field() -> None:
    assert all_clean(["a", "b"]) and not all_clean(["a\nb"]) and all_clean([])


# ---------------------------------------------------------------- colour


def test_color_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    assert use_color("always") and not use_color("never")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color("auto")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color("auto") and use_color("always")


def test_colour_adds_only_sgr_to_the_same_text() -> None:
    """Severities are coloured, the table's header is bold; the text is byte-identical."""
    plain = cnncalc("show", RESNET18, "--color", "never").stdout
    painted = cnncalc("show", RESNET18, "--color", "always").stdout
    assert "\x1b[1;36mnote[N101]\x1b[0m" in painted and "\x1b[" not in plain
    assert SGR.sub("", painted) == plain
    assert cnncalc("show", RESNET18, env={"FORCE_COLOR": "1"}).stdout == painted
    assert cnncalc("show", RESNET18, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout == plain


def test_diff_rows_and_warnings_in_colour() -> None:
    vgg, bn = (str(ROOT / "architectures" / f"{n}.yaml") for n in ("vgg16", "vgg16_bn"))
    painted = cnncalc("diff", vgg, bn, "--color", "always").stdout
    assert "\x1b[32m+ stage1.conv3x3_1[0].bn1" in painted
    assert SGR.sub("", painted) == cnncalc("diff", vgg, bn).stdout
    stride = str(ROOT / "architectures" / "stride_mismatch.yaml")
    for command in (["show", stride], ["explain", stride], ["sizes", stride, "--why", "8"]):
        out = cnncalc(*command, "--color", "always").stdout
        assert SGR.sub("", out) == cnncalc(*command).stdout
    assert "\x1b[1;33mwarning[W101]\x1b[0m" in cnncalc("show", stride, "--color=always").stdout


def test_check_verdicts_and_answers_in_colour() -> None:
    """Issue 11, 7: check's verdicts, right and wrong answers and severities are coloured in
    text; JSON and the github format never are; plain text is unchanged."""
    homework, stride = "docs/examples/homework.yaml", "architectures/stride_mismatch.yaml"
    painted = cnncalc("check", homework, stride, "--answers", "--color", "always").stdout
    assert "\x1b[1;31mFAILED\x1b[0m" in painted and "\x1b[1;32m✓\x1b[0m q1 shape" in painted
    assert "\x1b[1;31m✗\x1b[0m" in painted and "\x1b[1;32mok\x1b[0m" in painted
    assert "\x1b[1;33mwarning[W101]\x1b[0m" in painted
    assert SGR.sub("", painted) == cnncalc("check", homework, stride, "--answers").stdout
    assert cnncalc("check", homework, env={"FORCE_COLOR": "1"}).stdout == \
        cnncalc("check", homework, "--color", "always").stdout
    for fmt in ("json", "github"):
        assert "\x1b" not in cnncalc("check", homework, "-f", fmt, "--color", "always").stdout


# ---------------------------------------------------------------- grouped notes


def test_repeated_notes_are_one_line_unless_notes() -> None:
    """Issue 11, 7: ResNet-18's eight N101 notes: two lines naming the layers; --notes and
    JSON keep each."""
    a = analyze(Source("r.yaml", (ROOT / "architectures" / "resnet18.yaml").read_text()))
    shown = table.render(a)
    assert ("note[N101]: 5 layers floor a fractional size where only padding is left unread: "
            "stem.conv1, layer2[0].cbr1.conv1, layer3[0].cbr1.conv1, … (5 in all; --notes "
            "lists each)") in shown
    assert "3 layers floor a fractional size where the window (1) is smaller" in shown
    assert shown.count("note[N101]") == 2 and shown.endswith("8 notes\n")
    every = table.render(a, notes=True)
    assert every.count("note[N101]") == 8
    out = cnncalc("show", RESNET18, "--notes").stdout
    assert out.count("note[N101]") == 8
    assert cnncalc("show", RESNET18, "-f", "json").stdout.count('"code": "N101"') == 8


def test_a_single_note_is_not_grouped() -> None:
    notes = [Diagnostic("N101", "x, floored to 3: only padding is left unread", None, None, "a"),
             Diagnostic("N101", "y, floored to 3: the window (1) is smaller", None, None, "b")]
    assert text.grouped(notes) == notes


# ---------------------------------------------------------------- width


def test_diagnostics_wrap_between_words_at_the_width() -> None:
    d = Diagnostic("W101", "output H and W: (7 − 3 + 2·0)/3 + 1 = 2.33 (exactly 7/3), floored "
                   "to 2: the last input row and column are never read (of 7)",
                   Span("f.yaml", 1, 1), "fits exactly with padding=1, or stride=2", "conv1")
    lines = text.diagnostic(d, None, width=40).splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(line.strip() for line in lines).replace(" = hint:", "\n= hint:") \
        .split("\n")[0] == text.diagnostic(d, None).splitlines()[0]


def test_width_comes_from_columns_even_in_a_pipe() -> None:
    out = cnncalc("show", ALEXNET, env={"COLUMNS": "50"}).stdout
    assert "(not shown, to fit 50 columns:" in out
    assert "(not shown" not in cnncalc("show", ALEXNET).stdout


# ---------------------------------------------------------------- excerpts


def test_excerpt_is_a_window_around_the_caret() -> None:
    line = "x" * 500 + "bogus" + "y" * 500
    excerpt = Source("f", line + "\n").excerpt(Span("f", 1, 501, 1, 506))
    top, caret = excerpt.splitlines()
    assert len(top) < 120 and top.startswith("   1 | …") and top.endswith("…")
    assert top[caret.index("^"):].startswith("bogus") and caret.endswith("^~~~~")


def test_excerpt_lines_are_yaml_lines() -> None:
    """A form feed is not a line break to YAML (str.splitlines thinks it is)."""
    source = Source("f", "a: 1\x0c\nb: 2\n")
    assert source.line(2) == "b: 2"
    assert "\\x0c" in source.excerpt(Span("f", 1, 1))


# ---------------------------------------------------------------- markdown


@pytest.mark.parametrize("value", ["plain", "a`b", "``x``", "`", " x ", "a|b", "<img src=x>",
                                   "[l](http://x)", "line\n# heading"])
def test_markdown_code_spans(value: str) -> None:
    span = markdown.code(value)
    ticks = re.match("`+", span)
    assert ticks and span.endswith(ticks.group())
    inner = span[len(ticks.group()):-len(ticks.group())]
    assert "`" * len(ticks.group()) not in inner and "\n" not in span
    assert "|" not in inner.replace("\\|", "")


def test_markdown_keeps_plain_names_as_they_were() -> None:
    assert markdown.word("bottleneck x3") == "bottleneck x3"
    assert markdown.word("a*b*") == "`a*b*`"


def test_markdown_table_of_a_hostile_name() -> None:
    a = run('name: "n\\n# h ![i](x) <b>"\ninput: [3, 8, 8]\nlayers: [relu]\n')
    from cnncalc.render.tabular import render_markdown

    first = render_markdown(a).splitlines()[0]
    assert first == "**`n\\n# h ![i](x) <b>`**"


# ---------------------------------------------------------------- help, units, encodings


def test_help_names_arguments_as_people_read_them() -> None:
    for command, usage in [("show", "FILE"), ("check", "PATH..."), ("explain", "FILE [LAYER...]"),
                           ("calc", "OP [NAME=VALUE...]"), ("diff", "BEFORE AFTER"),
                           ("ops", "[OP]")]:
        out = cnncalc(command, "--help").stdout
        assert f"Usage: cnncalc {command} [OPTIONS] {usage}\n" in out, out
        assert "<str>" not in out and "<list[" not in out and "<int" not in out
        assert "{" not in out.splitlines()[0]
    assert "--input SHAPE" in cnncalc("show", "--help").stdout


def test_units_past_a_tebibyte() -> None:
    assert size(3 * 2**40) == "3.0 TiB" and size(2**50) == "1.0 PiB"
    assert size(5 * 2**60) == "5.0 EiB" and count(3 * 10**12) == " (3.0T)"
    assert size(1023) == "1023 B" and size(2**30) == "1.0 GiB"


def test_every_character_cnncalc_writes_has_a_stand_in() -> None:
    """What the commands write beyond ASCII (about the zoo) all have an ASCII stand-in."""
    arch = ROOT / "architectures"
    outputs = [cnncalc("show", RESNET18, "--share", "params", "--columns",
                       ",".join(registry.COLUMNS)).stdout,
               cnncalc("explain", str(arch / "googlenet.yaml")).stdout,
               cnncalc("check", str(ROOT / "docs" / "examples" / "homework.yaml")).stdout,
               cnncalc("diff", RESNET18, str(arch / "resnet34.yaml")).stdout,
               cnncalc("sizes", str(arch / "unet.yaml"), "--why", "573").stdout]
    written = {c for out in outputs for c in out if not c.isascii()}
    assert {"─", "→", "✓", "✗", "·", "−", "…", "█"} <= written
    assert written <= set(STAND_INS)
    assert all(s.isascii() for s in STAND_INS.values())


def test_the_bug_message_says_where_traceback_goes(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom\x1b[2J")

    monkeypatch.setattr("cnncalc.commands.show.analyze", broken)  # what `show` calls
    assert cli.main(["show", ALEXNET]) == cli.EXIT_BUG
    err = capsys.readouterr().err
    assert "run it again with --traceback" in err and "boom\\x1b[2J" in err
    with pytest.raises(ValueError, match="boom"):
        cli.main(["show", ALEXNET, "--traceback"])


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_real_terminal_of_that_width(columns: int) -> None:
    """Issue 11, 3, in a pseudo-terminal of `columns` columns (no COLUMNS): colour by default,
    the README's ResNet-50 table with every number whole, or its column left out and named."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.Popen([sys.executable, "-m", "cnncalc", "show",
                             str(ROOT / "architectures" / "resnet50.yaml"), "--depth", "1",
                             "--layout", "hwc"], stdout=follower, stderr=follower, env=env,
                            cwd=ROOT)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=30) == 0
    os.close(leader)
    shown = SGR.sub("", b"".join(chunks).decode("utf-8").replace("\r\n", "\n"))
    assert "\x1b[1m" in b"".join(chunks).decode("utf-8")  # a terminal: colour
    table_part = shown.split("Total params")[0]
    assert "…" not in table_part
    for number in ("1,027,604,480", "1,219,584"):
        assert number in table_part or "(not shown, to fit" in table_part
    assert "1,219,584" in table_part  # params is the last column to go
    # a word longer than the width (a file's path, in a CI's deep temporary folder) stands
    # alone on its line: nothing else is pushed past the edge with it
    assert all(len(line) <= columns or len(line.split()) == 1 for line in shown.splitlines())
