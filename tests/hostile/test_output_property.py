"""S2, as a property: random strings with control characters, line separators, bidi overrides
and workflow-command openings, put in a network's name, a layer id, an op name, an argument
name and value, a block name and the file's own name, go through every output format of every
command; none of it comes out raw (harness.RAW_CONTROL) and, but in `check --format github`'s
own lines, nothing starts a GitHub workflow command.

In-process (`cli.main`, the console script's body) for speed: about 20 commands an example.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from pathlib import Path

from harness import RAW_CONTROL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc import cli

ATTACKS = ["\n::error file=README.md,line=1::forged", "::stop-commands::tok", "##[error]x",
           "\x1b]0;title\x07", "\x1b[2J", "\r", "\u2028", "\u202e", "\x85", "`", "<img src=x>",
           "[l](http://x)", "\n# h", "|", "\x00", "\ufeff"]
piece = st.one_of(st.sampled_from(ATTACKS),
                  st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6))
hostile = st.lists(piece, min_size=1, max_size=4).map("".join)

COMMANDS = [
    ["show", "{a}"], ["show", "{a}", "--depth", "1"], ["show", "{a}", "-f", "json"],
    ["show", "{a}", "-f", "csv"], ["show", "{a}", "-f", "markdown"], ["explain", "{a}"],
    ["sizes", "{a}", "--min", "30", "--max", "40", "--why", "33"],
    ["diff", "{a}", "{b}"], ["diff", "{a}", "{b}", "-f", "markdown"],
    ["diff", "{a}", "{b}", "-f", "csv"], ["diff", "{a}", "{b}", "-f", "json"],
    ["check", "{a}", "{b}"], ["check", "{a}", "-f", "json"],
    ["check", "{a}", "{b}", "-f", "github"],
    ["export", "{a}", "--to", "mermaid"], ["export", "{a}", "--to", "dot"],
    ["export", "{a}", "--to", "pytorch"], ["explain", "{a}", "{value}"], ["ops", "{value}"],
]
COMMAND = re.compile(r"^[ \t]*::|##\[", re.M)
OURS = re.compile(r"::(error|warning|notice) file=[^\n]*?,title=cnncalc [EWN]\d{3}::")


def _yaml(name: str, ident: str, op: str, key: str, value: str, block: str) -> str:
    q = json.dumps  # a JSON string is a YAML double-quoted scalar
    return (f"name: {q(name)}\ninput: [3, 36, 36]\nblocks:\n  {q(block)}:\n    layers: [relu]\n"
            f"layers:\n  - {{id: {q(ident)}, conv: {{out_channels: 4, kernel_size: 3}}}}\n"
            f"  - {q(op)}\n  - {{conv: {{out_channels: 4, kernel_size: 3, {q(key)}: 1}}}}\n"
            f"  - {{conv: {{out_channels: {q(value)}, kernel_size: 3}}}}\n  - {q(block)}\n"
            f"  - {{relu: {{}}, from: {q(ident)}}}\n")


def _named(name: str) -> str:
    return (f"name: {json.dumps(name)}\ninput: [3, 36, 36]\nlayers:\n"
            "  - conv: {out_channels: 4, kernel_size: 3, stride: 2}\n  - relu\n")


def _file_name(text: str) -> str:
    return re.sub(r"[/\x00]", "_", text)[:60].encode("utf-8", "surrogateescape")[:120].decode(
        "utf-8", "ignore") + ".yaml"


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=hostile, ident=hostile, op=hostile, key=hostile, value=hostile, block=hostile,
       file=hostile)
def test_s2_property_no_raw_control_in_any_output(name: str, ident: str, op: str, key: str,
                                                  value: str, block: str, file: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        a = Path(directory) / _file_name(file)
        a.write_text(_yaml(name, ident, op, key, value, block), encoding="utf-8")
        b = Path(directory) / ("b" + _file_name(name))
        b.write_text(_named(name), encoding="utf-8")
        for command in COMMANDS:
            args = [arg.format(a=a, b=b, value=value) for arg in command]
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli.main(args)
            text = out.getvalue() + err.getvalue()
            shown = f"{command[0]} {' '.join(command[2:])}"
            assert code in (0, 1, 2), f"{shown}: exit {code}\n{text[-1500:]}"
            raw = RAW_CONTROL.search(text)
            assert raw is None, f"{shown}: raw {raw.group()!r} in\n{text[-1500:]}"
            if "github" in command:  # its own commands only, one a line
                text = OURS.sub("", text)
            found = COMMAND.search(text)
            assert found is None, f"{shown}: {text[found.start():][:100]!r}"
