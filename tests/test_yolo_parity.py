"""The reader's documents analysed by cnncalc against Ultralytics itself: params, trainable
params, buffers, conv/linear MACs, the output shape and every row's output shape, at 640.

Each config is read from the installed package through cnncalc's own front end
(`analyze(path, scale=...)`, the route every command takes): every config cnncalc analyses,
at every scale (docs/yolo.md, "Exactness"). The oracle measures through a forward pass on the
meta device (tests/yolo_oracle.py), which is what makes the large scales affordable. They
skip without the oracle (torch and ultralytics, which .ci/run installs)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yolo_oracle as oracle

from cnncalc.analysis import Analysis, analyze
from cnncalc.loader import load
from cnncalc.ops import lookup
from cnncalc.readers import ultralytics as u
from cnncalc.source import Source

MISSING = oracle.missing() or (None if lookup("chunk") is not None else
                               "format 1.1 (split ops, reshape) is not in this build")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def _cases() -> list[tuple[str, str]]:
    """Every config cnncalc analyses, at every scale it offers."""
    if MISSING is not None:
        return []
    return [(path.name, scale) for path in oracle.shipped()
            if _config(path.name, "") is not None for scale in oracle.scales(path.name)]


def _config(name: str, scale: str) -> u.Config | None:
    path = oracle.config(name)
    src = Source(path.name, path.read_text(encoding="utf-8"))
    root, _ = load(src)
    config, _ = u.read(root, path.name, scale or None)
    if config is None or u.document(config, path.stem)[0] is None:
        return None
    return config


def _analyse(name: str, scale: str) -> Analysis:
    analysis = analyze(oracle.config(name), scale=scale or None)
    errors = [f"{d.code} {d.message}" for d in analysis.diagnostics
              if d.severity.value == "error"]
    assert errors == [], errors
    return analysis


def _by_row(analysis: Analysis) -> dict[int, dict[str, Any]]:
    """Each row's sums over its layers (ids l<row> and l<row>_*), and its own output."""
    rows: dict[int, dict[str, Any]] = {}
    for layer in analysis.layers:
        top = layer.parts[0]  # l<row>, l<row>_<part>, or l<row>[i] (a piece of a split)
        found = re.match(r"l(\d+)", top)
        assert found, top
        index = int(found.group(1))
        row = rows.setdefault(index, {"params": 0, "trainable_params": 0, "buffers": 0,
                                      "macs": 0, "shape": None})
        for key in ("params", "trainable_params", "buffers", "macs"):
            row[key] += getattr(layer, key)
        if top == f"l{index}":  # the last layer of the row's own id is its output
            row["shape"] = list(layer.output_shape or ())
    return rows


# our own configs (architectures/yolo/), small enough to run at every scale by default
OWN = sorted((Path(__file__).parent.parent / "architectures" / "yolo").glob("*.yaml"))


def _own_cases() -> list[tuple[str, str]]:
    if MISSING is not None:
        return []
    return [(str(path), scale) for path in OWN for scale in oracle.scales(str(path))]


@pytest.mark.parametrize(("name", "scale"), _own_cases())
def test_our_own_configs_match_ultralytics(name: str, scale: str) -> None:
    """tinydet and its P2 variant: Ultralytics builds them from the file as cnncalc reads it."""
    test_totals_and_rows_match_ultralytics(name, scale)


@pytest.mark.parametrize(("name", "scale"), _cases())
def test_totals_and_rows_match_ultralytics(name: str, scale: str) -> None:
    analysis = _analyse(name, scale)
    facts = oracle.build(name, scale)
    got = (analysis.totals.params, analysis.totals.trainable_params,
           analysis.totals.buffers, analysis.totals.macs,
           list(analysis.output_shape or ()))
    assert got == (facts.params, facts.trainable_params, facts.buffers, facts.macs,
                   facts.output)
    rows = _by_row(analysis)
    for row in facts.rows:
        mine = rows[row.i]
        assert (mine["params"], mine["trainable_params"], mine["buffers"], mine["macs"]) == \
            (row.params, row.trainable_params, row.buffers, row.macs), f"row {row.i}"
        # a TorchVision row with split=True returns its input and each child's output: the
        # row's own layer (its id, l<row>) is the last child's
        shape = row.shapes[-1] if row.module == "TorchVision" else row.shapes[0]
        assert mine["shape"] == shape, f"row {row.i}"


GREY = """\
# grey-scale models of our own: `channels: 1`
nc: 2
channels: 1
backbone:
  - [-1, 1, Conv, [16, 3, 2]]
  - [-1, 1, Conv, [32, 3, 2]]
  - [-1, 1, C2f, [32, True]]
  - [-1, 1, Conv, [64, 3, 2]]
  - [-1, 1, Conv, [64, 3, 2]]
  - [-1, 1, Conv, [128, 3, 2]]
head:
"""


@pytest.mark.parametrize(("head", "read"), [("[-1, 1, Classify, [nc]]", True),
                                             ("[[3, 4, 5], 1, Detect, [nc]]", False)])
def test_the_channels_key_matches_ultralytics(tmp_path: Path, head: str, read: bool) -> None:
    """Ultralytics reads `channels:` for a classifier, and builds a detector for the channels
    it is given (3 here) whatever the key says; cnncalc warns that the key is unread (W421)."""
    path = tmp_path / "grey.yaml"
    path.write_text(f"{GREY}  - {head}\n", encoding="utf-8")
    test_totals_and_rows_match_ultralytics(str(path), "")
    analysis = analyze(path)
    assert analysis.input == (1 if read else 3, 640, 640)
    assert [d.code for d in analysis.diagnostics if d.code == "W421"] == ([] if read else ["W421"])


ONE_LEVEL = """\
# a head on one level (nl = 1) of our own: nothing to concatenate over the levels
nc: 3
kpt_shape: [17, 3]
backbone:
  - [-1, 1, Conv, [16, 3, 2]]
  - [-1, 1, Conv, [32, 3, 2]]
  - [-1, 1, Conv, [64, 3, 2]]
  - [-1, 1, Conv, [64, 3, 2]]
  - [-1, 1, Conv, [64, 3, 2]]
head:
"""


@pytest.mark.parametrize("head", ["Detect, [nc]", "Segment, [nc, 32, 64]", "Pose, [nc, kpt_shape]",
                                  "OBB, [nc, 1]", "v10Detect, [nc]", "Segment26, [nc, 32, 64]",
                                  "Pose26, [nc, kpt_shape]"])
def test_a_one_level_head_matches_ultralytics(tmp_path: Path, head: str) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(f"{ONE_LEVEL}  - [[4], 1, {head}]\n", encoding="utf-8")
    test_totals_and_rows_match_ultralytics(str(path), "")


OLDER_MODULES = """\
# YOLOv5-era modules no shipped config uses any more, in a detector of our own: Focus (space
# to depth), BottleneckCSP and C3x (1x3 and 3x1 bottlenecks), with and without shortcuts
nc: 3
backbone:
  - [-1, 1, Focus, [16, 3]]
  - [-1, 1, Conv, [32, 3, 2]]
  - [-1, 2, BottleneckCSP, [32]]
  - [-1, 1, Conv, [64, 3, 2]]
  - [-1, 2, C3x, [64]]
  - [-1, 1, Conv, [96, 3, 2]]
  - [-1, 1, C3x, [96, False]]
  - [-1, 1, BottleneckCSP, [80, False]]
  - [-1, 1, Conv, [128, 3, 2]]
head:
  - [[4, 7, 8], 1, Detect, [nc]]
"""


@pytest.mark.parametrize("scales", [
    "", "scales:\n  n: [0.33, 0.25, 1024]\n  m: [0.67, 0.75, 768]\n"])
def test_older_modules_match_ultralytics(tmp_path: Path, scales: str) -> None:
    path = tmp_path / "older.yaml"
    path.write_text(OLDER_MODULES + scales, encoding="utf-8")
    for scale in oracle.scales(str(path)):
        test_totals_and_rows_match_ultralytics(str(path), scale)
