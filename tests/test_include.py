"""Format 1.1 `include:`: blocks from other files, relative paths, cycles, duplicates, files
read once per run, diagnostics naming the included file; block libraries."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnncalc import include
from cnncalc.analysis import analyze
from cnncalc.check import Budgets, check_file, collect
from cnncalc.cli import main
from cnncalc.render import text

COMMON = """\
include: [more.yaml]
blocks:
  cbr:
    params: [out, k=3]
    layers:
      - conv: {out_channels: $out, kernel_size: $k, padding: $(k // 2), bias: false}
      - bn
      - relu
"""
MORE = """\
blocks:
  double:
    params: [out]
    layers:
      - cbr: $out
      - cbr: $out
"""
NET = """\
include: [../lib/common.yaml]
input: [3, 32, 32]
layers:
  - cbr: 16
  - double: 32
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "lib").mkdir()
    (tmp_path / "nets").mkdir()
    (tmp_path / "lib" / "common.yaml").write_text(COMMON)
    (tmp_path / "lib" / "more.yaml").write_text(MORE)
    (tmp_path / "nets" / "a.yaml").write_text(NET)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def codes(path: str) -> list[str]:
    return [d.code for d in analyze(path).diagnostics]


def test_blocks_from_included_files(tree: Path) -> None:
    a = analyze("nets/a.yaml")
    assert [d.code for d in a.diagnostics] == []
    assert a.totals.params == (432 + 32) + (4608 + 64) + (9216 + 64)
    assert [layer.path for layer in a.layers][:4] == [
        "cbr1.conv1", "cbr1.bn1", "cbr1.relu1", "double1.cbr1.conv1"]


def test_a_mistake_in_an_included_file_names_that_file(tree: Path) -> None:
    (tree / "lib" / "more.yaml").write_text(MORE.replace("cbr: $out\n", "cbr: {out: $out, "
                                                         "kk: 1}\n", 1))
    a = analyze("nets/a.yaml")
    [d] = a.diagnostics
    assert d.code == "E113" and d.span is not None
    assert (d.span.file, d.span.line) == (str(Path("lib/more.yaml")), 5)
    shown = text.diagnostics([d], a.source)
    assert "lib/more.yaml:5:" in shown and "kk: 1" in shown  # quoted from the included file


def test_missing_cycle_and_duplicate_are_errors_at_the_entry(tree: Path) -> None:
    (tree / "nets" / "b.yaml").write_text("""\
include: [missing.yaml, b.yaml, ../lib/common.yaml, ../lib/more.yaml]
input: [3, 8, 8]
blocks:
  cbr:
    layers: [relu]
layers: [cbr]
""")
    a = analyze("nets/b.yaml")
    where = [(d.code, d.span.file, d.span.line, d.span.col) for d in a.diagnostics if d.span]
    assert ("E124", "nets/b.yaml", 1, 11) in where
    assert ("E125", "nets/b.yaml", 1, 25) in where
    # cbr: at the include that brings the second one, and where it is defined
    assert ("E126", "nets/b.yaml", 1, 33) in where
    assert ("E126", str(Path("lib/common.yaml")), 3, 3) in where
    # more.yaml is included twice (directly and through common.yaml): not a duplicate
    assert [w for w in where if w[0] == "E126"] == [
        ("E126", "nets/b.yaml", 1, 33), ("E126", str(Path("lib/common.yaml")), 3, 3)]


def test_a_cycle_between_two_libraries(tree: Path) -> None:
    (tree / "lib" / "x.yaml").write_text("include: [y.yaml]\nblocks: {x: {layers: [relu]}}\n")
    (tree / "lib" / "y.yaml").write_text("include: [x.yaml]\nblocks: {y: {layers: [relu]}}\n")
    a = analyze("lib/x.yaml")
    assert [(d.code, d.span.file if d.span else None) for d in a.diagnostics] == [
        ("E125", str(Path("lib/y.yaml"))), ("N111", "lib/x.yaml")]
    assert "a cycle of 2 files" in a.diagnostics[0].message


def test_each_file_is_read_once_per_run(tree: Path) -> None:
    for n in range(5):
        (tree / "nets" / f"n{n}.yaml").write_text(NET)
    before = include.reads[0]
    found = collect(["nets"])
    results = [check_file(f, Budgets()) for f in found.files]
    assert all(r.exit_code(False) == 0 for r in results)
    assert include.reads[0] - before <= 2  # common.yaml and more.yaml, at most once each


def test_a_changed_file_is_read_again(tree: Path) -> None:
    analyze("nets/a.yaml")
    (tree / "lib" / "more.yaml").write_text(MORE + "  extra:\n    layers: [relu]\n")
    before = include.reads[0]
    analyze("nets/a.yaml")
    assert include.reads[0] == before + 1


def test_library_check_and_show(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "lib/common.yaml", "--notes"]) == 0
    out = capsys.readouterr().out
    assert "N111" in out and "2 blocks (cbr, double)" in out
    assert main(["show", "lib/common.yaml"]) == 0
    assert "a block library" in capsys.readouterr().out


def test_library_bodies_are_checked_without_an_input(tree: Path) -> None:
    (tree / "lib" / "bad.yaml").write_text("""\
blocks:
  cbr:
    params: [out, k=3]
    layers:
      - conv: {out_channels: $out, kernel_size: $kk, paddin: 1, bias: maybe}
      - bnn
      - {relu: {}, tanh: {}}
      - {double: {outt: 3}}
  double:
    params: [out]
    layers: [relu]
""")
    assert codes("lib/bad.yaml") == ["N111", "E117", "E105", "E103", "E104", "E114", "E113"]


def test_included_blocks_do_not_see_the_files_parameters(tree: Path) -> None:
    (tree / "lib" / "w.yaml").write_text("blocks:\n  b:\n    layers:\n      - conv: [$width, 1]\n")
    (tree / "nets" / "w.yaml").write_text(
        "include: [../lib/w.yaml]\nparams: [width=8]\ninput: [3, 8, 8]\nlayers: [b]\n")
    assert codes("nets/w.yaml") == ["E117"]


def test_standard_input_includes_from_the_working_directory(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cnncalc.source import Source

    a = analyze(Source("<stdin>", NET.replace("../lib", "lib")))
    assert [d.code for d in a.diagnostics] == []
