"""Hostile input for `cnncalc convert` (render/native.py): text from the user that reaches the
written file — a file name (the header and `name:`), a `scales:` key (the header, `name:`),
`--set nc`, a row's string argument — must not end a comment, open a YAML structure, or
reach a terminal raw, and the file read back must analyse to the config's numbers (C1-C6).

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the output is then read
back in process. Bounds are about ten times what a case takes on a loaded two-core machine.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from harness import run

from cnncalc.analysis import Analysis, analyze
from cnncalc.source import Source

ROWS = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 2, C2f, [16, True]]\n"
        "head:\n  - [-1, 1, Classify, [nc]]\n")
# what ends a comment or a line, opens YAML structure, or acts on a terminal or a CI log
NASTY = 'x"\\: #a\n::error::b\x1b[31m\u2028\u202e##[c\'&*!!python/object:os.system {d}'


def config(tmp_path: Path, text: str = ROWS, name: str = "y.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def figures(analysis: Analysis) -> tuple[Any, ...]:
    layers = [dataclasses.replace(layer, line=0, column=0) for layer in analysis.layers]
    return layers, analysis.totals, analysis.output_shape, analysis.outputs, analysis.name


def read_back(out: str) -> Analysis:
    converted = analyze(Source("converted.yaml", out))
    assert [d.code for d in converted.diagnostics if d.severity.value != "note"] == []
    return converted


def comments_stay_comments(out: str) -> None:
    """Every line before `cnncalc:` is a comment: nothing the user wrote ended one."""
    head = out.split("\ncnncalc: 1.1\n")[0]
    assert all(line.startswith("# ") for line in head.splitlines() if line), head


def test_c1_file_name_with_yaml_and_terminal_characters(tmp_path: Path) -> None:
    """C1: a file name holding quotes, `: `, `#`, a newline, a workflow command, an ESC
    sequence, a line separator, a bidi override, `&` `*` `!!python` tags: escaped in the
    header comment, quoted in `name:`, and the name reads back as the same name."""
    name = NASTY.replace("/", "|") + "yolov8.yaml"
    path = config(tmp_path, name=name)
    r = run(["convert", str(path), "--scale", "n"], seconds=10, mib=300)
    assert r.code == 1 and "E406" in r.err  # a file name's scale needs the file's `scales:`
    r = run(["convert", str(path)], seconds=10, mib=300)
    assert r.code == 0, r.err
    comments_stay_comments(r.out)
    (line,) = [line for line in r.out.splitlines() if line.startswith("name: ")]
    assert line.startswith('name: "') and line.endswith('"'), line  # one quoted line
    assert figures(read_back(r.out)) == figures(analyze(path))


def test_c2_scale_key_with_yaml_and_terminal_characters(tmp_path: Path) -> None:
    """C2: the first `scales:` key (the one used without --scale) holding the same: in the
    header and the network's name, escaped; the numbers read back the same."""
    key = NASTY.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\x1b", "\\e").replace("\u2028", "\\L").replace("\u202e", "\\u202e")
    text = ROWS.replace("nc: 3\n", f'nc: 3\nscales:\n  "{key}": [0.33, 0.25, 1024]\n')
    path = config(tmp_path, text)
    r = run(["convert", str(path)], seconds=10, mib=300)
    assert r.code == 0, r.err
    comments_stay_comments(r.out)
    converted = read_back(r.out)
    assert converted.name == f"y-{NASTY}"
    assert figures(converted) == figures(analyze(path))


@pytest.mark.parametrize("value", ["3\\n", "3: 4", "'3'", "1e400", "-1", "true", "null",
                                   "99999999999999999999", "[3]", "\x1b[2J"])
def test_c3_set_nc_that_is_not_a_class_count(tmp_path: Path, value: str) -> None:
    """C3: --set nc= text, YAML, a float overflow, a bool, null, 20 digits, a list, an
    escape: refused (exit 1, E409, or 2 on the command line), nothing written."""
    r = run(["convert", str(config(tmp_path)), "--set", f"nc={value}"], seconds=10, mib=300)
    assert r.code in (1, 2) and r.out == "", r.text


@pytest.mark.parametrize("value", ["3\n", "3 # x ::error::y"])
def test_c3_set_nc_read_as_yaml(tmp_path: Path, value: str) -> None:
    """C3: --set values are YAML scalars: a trailing line break or comment leaves nc=3, and
    nothing of them reaches the file."""
    path = config(tmp_path)
    r = run(["convert", str(path), "--set", f"nc={value}"], seconds=10, mib=300)
    assert r.code == 0, r.text
    comments_stay_comments(r.out)
    assert "error" not in r.out and ", nc 3." in r.out
    assert figures(read_back(r.out)) == figures(analyze(path, params={"nc": 3}))


def test_c4_set_nc_huge(tmp_path: Path) -> None:
    """C4: --set nc=2^62: the head's layer counts 2^62 classes (exact integers), or reports
    that it cannot; what is written reads back to the same numbers."""
    path = config(tmp_path)
    r = run(["convert", str(path), "--set", f"nc={2**62}"], seconds=20, mib=400)
    assert r.code in (0, 1), r.text
    if r.code == 0:
        assert figures(read_back(r.out)) == figures(analyze(path, params={"nc": 2**62}))


def test_c5_string_arguments_with_yaml_characters(tmp_path: Path) -> None:
    """C5: a row's string argument (nn.Upsample's mode) holding YAML and terminal characters:
    refused at its row by the analysis (exit 1), or written quoted and read back the same."""
    text = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n"
            '  - [-1, 1, nn.Upsample, [None, 2, "nearest\\n# x: [y]\\e[2J"]]\n'
            "head:\n  - [-1, 1, Classify, [nc]]\n")
    path = config(tmp_path, text)
    r = run(["convert", str(path)], seconds=10, mib=300)
    assert r.code in (0, 1), r.text
    if r.code == 0:
        assert figures(read_back(r.out)) == figures(analyze(path))
    else:
        assert r.out == "" and ":4:5:" in r.err


def test_c6_output_path_that_cannot_be_written(tmp_path: Path) -> None:
    """C6: -o into a directory that does not exist, or onto a directory: exit 2, said."""
    path = config(tmp_path)
    for target in (tmp_path / "no" / "x.yaml", tmp_path):
        r = run(["convert", str(path), "-o", str(target)], seconds=10, mib=300)
        assert r.code == 2 and "cannot write" in r.err, r.text
