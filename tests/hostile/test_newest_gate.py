"""Fooling the CI gate: `cnncalc check` exiting 0 for a file whose model breaks a budget or an
expect (G1-G3).

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the bounds are generous.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run

CONV = "{conv: {out_channels: 64, kernel_size: 3}}"


@pytest.mark.parametrize("text", [
    f"{{input: [3, 8, 8], layers: [{CONV}]}}\n",  # one flow mapping
    f"--- {{input: [3, 8, 8], layers: [{CONV}]}}\n",  # after the document marker
    f"? input\n: [3, 8, 8]\n? layers\n: [{CONV}]\n",  # explicit keys
    f"  input: [3, 8, 8]\n  layers: [{CONV}]\n",  # the whole document indented
    "{nc: 3, backbone: [[-1, 1, Conv, [16, 3, 2]]], head: [[-1, 1, Classify, [nc]]]}\n",
], ids=["flow", "document-marker", "explicit-keys", "indented", "yolo-flow"])
def test_g1_an_architecture_no_line_of_which_starts_with_a_key(tmp_path: Path,
                                                               text: str) -> None:
    """G1: `check` skipped (N105, exit 0) a file none of whose lines starts with `input:` or
    `layers:`, so a valid architecture written as a flow mapping passed `--max-params 1`.
    The line test is now only the quick way: the parser's top-level keys decide."""
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    for where in (path, tmp_path):  # named, and found by walking the directory
        r = run(["check", where, "--max-params", "1"], seconds=20, mib=300)
        assert r.code == 1 and "error[E302]" in r.out, r.text


def test_g1_other_yaml_is_still_skipped(tmp_path: Path) -> None:
    """G1: the parse is asked only when no line starts with a key, and finds none in a
    workflow, a compose file in flow style, or a Helm template (not YAML at all)."""
    (tmp_path / "compose.yml").write_text("{services: {web: {image: nginx}}}\n")
    (tmp_path / "chart.yaml").write_text("kind: Pod\nmetadata: {{ .Values.meta }}\n")
    (tmp_path / "ci.yml").write_text("name: ci\non: push\njobs: {}\n")
    r = run(["check", tmp_path, "--max-params", "1"], seconds=20, mib=300)
    assert r.code == 0 and r.out.rstrip().endswith("3 files: 3 skipped"), r.text


@pytest.mark.parametrize("key", ["name", "input"])
def test_g1_megabytes_of_other_yaml_are_skipped_in_bounded_memory(tmp_path: Path,
                                                                  key: str) -> None:
    """G1: the parse behind the line test reads the parser's events, not a node tree: 4 MB
    of data YAML (with `input:` keys nested in it, or none) is skipped in flat memory (a
    tree of 16 MB took 2 GB and 85 s)."""
    rows = "".join(f"  - {{{key}: item{i}, value: {i}, tags: [a, b]}}\n" for i in range(80000))
    (tmp_path / "data.yaml").write_text("items:\n" + rows, encoding="utf-8")
    r = run(["check", tmp_path / "data.yaml", "--max-params", "1"], seconds=30, mib=120)
    assert r.code == 0 and "1 skipped" in r.out, r.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_g2_an_architecture_saved_as_utf16(tmp_path: Path, encoding: str) -> None:
    """G2: an architecture saved as UTF-16 (PowerShell's `>`) was skipped as not a cnncalc
    file: exit 0 under any budget. It is now unreadable (E002, exit 2) with the fix."""
    path = tmp_path / "net.yaml"
    path.write_bytes(f"input: [3, 8, 8]\nlayers: [{CONV}]\n".encode(encoding))
    r = run(["check", path, "--max-params", "1"], seconds=20, mib=300)
    assert r.code == 2 and "is UTF-16 or UTF-32 text" in r.out
    assert "save the file as UTF-8" in r.out


YOLO = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, C2f, [16]]\nhead:\n"
        "  - [-1, 1, Classify, [nc]]\n")


def test_g3_an_expect_in_a_yolo_config_is_held(tmp_path: Path) -> None:
    """G3: `expect: {params: 1}` in an Ultralytics config was dropped with the rest of the
    top level: `check` passed the 29,235-parameter model. The config's `expect:` now holds the
    document it means (with --set nc too), located in the config."""
    path = tmp_path / "y.yaml"
    path.write_text("expect: {params: 1}\n" + YOLO, encoding="utf-8")
    r = run(["check", path], seconds=20, mib=300)
    assert r.code == 1 and "y.yaml:1:10: error[E301]" in r.out, r.text
    path.write_text("expect: {params: 29235, output: [3]}\n" + YOLO, encoding="utf-8")
    assert run(["check", path], seconds=20, mib=300).code == 0
    r = run(["check", path, "--set", "nc=5"], seconds=20, mib=300)
    assert r.code == 1 and "computed 31,797" in r.out, r.text
