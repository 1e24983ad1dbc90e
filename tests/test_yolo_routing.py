"""An Ultralytics YOLO config through the front end every command shares
(analysis.read_and_load): recognised, read at its scale with `--set nc`, translated and
analysed; its errors at the user's rows; `--scale` on every command that reads a file.

The configs here are our own (architectures/yolo/, and small ones written below); Ultralytics'
shipped configs are read from the installed package, only where the oracle is installed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yolo_oracle as oracle

from cnncalc import analyze, analyze_text
from cnncalc.analysis import read_and_load
from cnncalc.cli import main
from cnncalc.diagnostics import Severity
from cnncalc.sizes import Fit, fitting_sizes

ROOT = Path(__file__).parent.parent
TINY = ROOT / "architectures" / "yolo" / "tinydet.yaml"
BROKEN = ROOT / "docs" / "examples" / "tinydet-broken.yaml"
REFERENCE = json.loads((Path(__file__).parent / "data" / "yolo_reference.json").read_text())


def errors(a: object) -> list[str]:
    return [f"{d.code} {d.message}" for d in a.diagnostics  # type: ignore[attr-defined]
            if d.severity is not Severity.NOTE]


def test_read_and_load_translates_a_config() -> None:
    loaded = read_and_load(TINY, scale="s")
    assert loaded.reader == "ultralytics" and loaded.config is not None
    assert loaded.config.scale == "s" and loaded.config.nc == 3
    assert loaded.root is not None and loaded.root.get("layers") is not None


def test_a_cnncalc_file_is_not_routed() -> None:
    loaded = read_and_load(ROOT / "architectures" / "alexnet.yaml")
    assert loaded.reader == "" and loaded.config is None


def test_scale_and_nc_change_the_numbers() -> None:
    s, m = analyze(TINY, scale="s"), analyze(TINY, scale="m")
    assert errors(s) == errors(m) == []
    assert s.name == "tinydet-s" and m.name == "tinydet-m"
    assert s.totals.params < m.totals.params
    assert analyze(TINY).totals == s.totals  # no --scale: the first of `scales`
    # 3 classes: each box is 4 coordinates + 3 scores; nc=5 gives 9 rows
    assert s.output_shape == (7, 8000)
    five = analyze(TINY, scale="s", params={"nc": 5})
    assert five.output_shape == (9, 8000) and errors(five) == []


def test_notes_from_the_block_library_are_dropped() -> None:
    # every stride-2 3x3 Conv floors away padding only (N101), in the library's Conv block
    a = analyze(TINY)
    assert [d for d in a.diagnostics if d.span and "ultralytics_blocks" in d.span.file] == []


def test_a_concat_error_is_said_in_rows() -> None:
    a = analyze(BROKEN)
    assert [(d.code, d.span.line, d.span.col, d.message, d.hint) for d in a.diagnostics
            if d.span] == [
        ("E402", 22, 5, "row 9 Concat: inputs from rows 8 [128, 80, 80] and 2 [32, 160, 160] "
         "differ in H and W (80 vs 160); row 4 has 80x80", "did you mean 4?")]
    assert a.exit_code() == 1


def test_head_strides_said_in_rows() -> None:
    text = TINY.read_text().replace("[[10, 13], 1, Detect", "[[13, 10], 1, Detect")
    a = analyze_text(text, "tinydet.yaml")
    assert [(d.code, d.message, d.hint) for d in a.diagnostics if d.severity.value == "error"
            ] == [("E402", "row 14 Detect: its inputs' strides do not increase: rows 13 "
                   "(stride 16), 10 (stride 8)", "list them from the finest to the coarsest: "
                   "[10, 13]")]


def test_reader_errors_point_at_the_row() -> None:
    text = TINY.read_text().replace("Conv, [256, 3, 2]] # 3", "Conv2D, [256, 3, 2]] # 3")
    a = analyze_text(text, "t.yaml")
    d = a.diagnostics[0]
    assert (d.code, d.span.line if d.span else 0) == ("E404", 14)
    assert "unknown module 'Conv2D'" in d.message


def test_scale_on_a_cnncalc_file_is_an_error() -> None:
    a = analyze(ROOT / "architectures" / "alexnet.yaml", scale="n")
    assert [d.code for d in a.diagnostics] == ["E406"]
    assert "not an Ultralytics YOLO config" in a.diagnostics[0].message
    assert a.exit_code() == 1


def test_a_scale_the_config_has_not() -> None:
    a = analyze(TINY, scale="x")
    assert [(d.code, d.message) for d in a.diagnostics] == [
        ("E406", "--scale x names no scale of this config (it has s, m)")]


def test_set_of_another_name_is_refused() -> None:
    a = analyze(TINY, params={"width": 2})
    assert [d.code for d in a.diagnostics] == ["E409"]


def test_a_mapping_is_routed_too() -> None:
    import yaml

    a = analyze(yaml.safe_load(TINY.read_text()), scale="s")
    assert errors(a) == [] and a.totals == analyze(TINY, scale="s").totals


def test_sizes_of_a_config() -> None:
    result = fitting_sizes(TINY, 600, 700, scale="s")
    assert result.diagnostics == ()
    exact = {c.size for c in result.checks if c.fit is Fit.EXACT}
    # four stride-2 convs (k3, p1): every multiple of 16 builds; 609 gives row 8's upsample
    # 78x78 against row 4's 77x77. The library's notes (N101) make no size "rounded".
    assert set(range(608, 701, 16)) <= exact and 609 not in exact


@pytest.mark.parametrize("command", [
    ["show", str(TINY), "--scale", "m"],
    ["check", str(TINY), "--scale", "m"],
    ["explain", str(TINY), "l14", "--scale", "m"],
    ["sizes", str(TINY), "--min", "630", "--max", "650", "--scale", "m"],
    ["diff", str(TINY), str(TINY), "--scale", "m"],
    ["export", str(TINY), "--to", "mermaid", "--scale", "m"],
])
def test_every_file_command_takes_scale(command: list[str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(command) == 0
    assert "Traceback" not in capsys.readouterr().out


def test_check_reads_a_config_and_gates_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(TINY), "--scale", "m", "--max-params", "1M"]) == 1
    assert "E302" in capsys.readouterr().out


def test_a_bad_scale_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(TINY), "--scale", "n\x1b[2J"]) == 2
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "is not a scale name" in out.err


@pytest.mark.skipif(oracle.missing() is not None, reason=oracle.missing() or "")
@pytest.mark.parametrize("name", ["yolov8n", "yolo11n"])
def test_shipped_config_through_analyze(name: str) -> None:
    """The installed yolov8.yaml and yolo11.yaml at scale n through analyze(path, scale=),
    against the recorded reference figures."""
    a = analyze(oracle.config(name[:-1] + ".yaml"), scale="n")
    ref = REFERENCE[name]
    assert errors(a) == []
    assert (a.totals.params, a.totals.trainable_params, a.totals.buffers, a.totals.macs,
            list(a.output_shape or ())) == (ref["params"], ref["trainable_params"],
                                            ref["buffers"], ref["macs"], ref["output"])
    assert a.name == name
