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
from cnncalc.sizes import fitting_sizes

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


def test_sizes_of_a_config_are_the_multiples_of_its_grid() -> None:
    """tinydet's largest stride is 16 (row 14 Detect reads row 13 at 40x40 of 640), but
    Ultralytics never rounds imgsz to less than 32; the library's notes (N101) make no size
    "rounded"."""
    result = fitting_sizes(TINY, 600, 700, scale="s", explain=[609, 1080])
    assert result.diagnostics == () and result.grid == 32
    assert result.exact == (608, 640, 672) and result.rounded == ()
    # 624 builds (a multiple of 16) and 601 too (four stride-2 convs round up alike), but
    # Ultralytics would round both up to 640 and 608 first
    for size, up in ((624, 640), (601, 608)):
        problem = result.check(size).problem
        assert problem is not None and (problem.code, problem.message, problem.hint) == (
            "W420", f"imgsz {size} is not a multiple of 32 (row 14 Detect reads row 13 at "
            "stride 16, and Ultralytics never uses a grid below 32): Ultralytics rounds it up "
            f"to {up}", f"use a multiple of 32, such as {up}")
        assert (problem.span.line, problem.span.col) == (27, 5)  # the Detect row
    # 609, asked about, is built: row 8's upsample gives 78x78 where row 4 has 77x77
    problem = result.check(609).problem
    assert problem is not None and (problem.code, problem.message, problem.hint) == (
        "E402", "row 9 Concat: inputs from rows 8 [128, 78, 78] and 4 [64, 77, 77] differ in H "
        "and W (78 vs 77)", None)
    assert (problem.span.line, problem.span.col) == (22, 5)


def test_the_p2_variant_reads_strides_4_8_and_16() -> None:
    """tinydet-p2's head reads the neck's P2/4, P3/8 and P4/16 (rows 13, 16, 19); its grid
    stays 32 (largest stride 16, and Ultralytics' minimum)."""
    p2 = TINY.with_name("tinydet-p2.yaml")
    a = analyze(p2, scale="s")
    assert errors(a) == []
    shapes = {layer.parts[0]: layer.output_shape for layer in a.layers}  # a row's last
    assert [shapes[f"l{row}"][1:] for row in (13, 16, 19)] == [(160, 160), (80, 80), (40, 40)]
    assert a.output_shape == (7, 160 * 160 + 80 * 80 + 40 * 40)
    assert fitting_sizes(p2, 600, 700, scale="s").exact == (608, 640, 672)


def test_sizes_why_1080_names_the_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sizes", str(TINY), "--scale", "s", "--min", "1050", "--max", "1100",
                 "--why", "1080", "--why", "1081", "--color", "never"]) == 0
    assert capsys.readouterr().out == f"""\
tinydet-s: imgsz 1050..1100 (HxW) that build and that Ultralytics uses as given (multiples of 32):
  1056, 1088
1080 does not fit (nearest that do: 1056 or 1088):
{TINY}:22:5: error[E402]: \
row 9 Concat: inputs from rows 8 [128, 136, 136] and 4 [64, 135, 135] differ in H and W (136 vs 135)
  22 |   - [[-1, 4], 1, Concat, [1]] # 9 cat backbone P3
     |     ^~~~~~~~~~~~~~~~~~~~~~~~~
1081 does not fit (nearest that do: 1056 or 1088):
{TINY}:27:5: warning[W420]: imgsz 1081 is not a multiple of 32 (row 14 Detect reads row 13 \
at stride 16, and Ultralytics never uses a grid below 32): Ultralytics rounds it up to 1088
  27 |   - [[10, 13], 1, Detect, [nc]] # 14 Detect(P3, P4)
     |     ^~~~~~~~~~~~~~~~~~~~~~~~~~~
  = hint: use a multiple of 32, such as 1088
"""


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


def test_check_at_every_scale_with_a_budget_per_scale(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--scale all`: each config at each of its scales (tinydet: s then m), a cnncalc file
    once; a budget by scale holds that scale, the general one the rest."""
    native = ROOT / "architectures" / "lenet5.yaml"
    assert main(["check", str(TINY), str(native), "--scale", "all",
                 "--max-params", "s=800k,10M"]) == 1
    out = capsys.readouterr().out
    s, m = (analyze(TINY, scale=scale).totals for scale in ("s", "m"))
    assert f"{TINY} (scale s): FAILED — {s.params:,} params, {s.macs:,} MACs" in out
    assert (f"error[E302]: params {s.params:,} at scale s exceed the budget of 800,000 "
            f"(by {s.params - 800_000:,})") in out
    assert f"{TINY} (scale m): ok — {m.params:,} params, {m.macs:,} MACs" in out
    assert f"{native}: ok" in out
    assert out.endswith("2 files (3 checks: YOLO configs at each scale): 1 error\n")
    # several scales by name, and the JSON names each
    assert main(["check", str(TINY), "--scale", "m,s", "--format", "json"]) == 0
    files = json.loads(capsys.readouterr().out)["files"]
    assert [(f["scale"], f["totals"]["params"]) for f in files] == [("m", m.params),
                                                                    ("s", s.params)]


def test_check_at_every_scale_reads_standard_input_once(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TINY.read_bytes())))
    assert main(["check", "-", "--scale", "all", "-q"]) == 0
    assert capsys.readouterr().out == "1 file (2 checks: YOLO configs at each scale): no problems\n"


@pytest.mark.parametrize(("options", "error"), [
    (["--max-params", "S=1M"], "a budget names scale S, at which no YOLO config was checked"),
    (["--max-params", "1M,2M"], "two limits for every scale"),
    (["--max-macs", "s=1G,s=2G"], "scale s has two limits"),
    (["--scale", "all,s"], "`all` already means every scale"),
    (["--max-memory", "s=lots"], "'lots' is not an amount"),
])
def test_a_budget_by_scale_that_would_hold_nothing_is_refused(
        options: list[str], error: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt scale in a budget would gate nothing: exit 2, never a pass."""
    assert main(["check", str(TINY), *options]) == 2
    assert error in capsys.readouterr().err


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
