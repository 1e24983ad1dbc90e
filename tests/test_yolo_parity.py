"""The reader's documents analysed by cnncalc against Ultralytics itself: params, trainable
params, buffers, conv/linear MACs, the output shape and every row's output shape, at 640.

Each config is read from the installed package through cnncalc's own front end
(`analyze(path, scale=...)`, the route every command takes). By default every translated
config at its first (smallest) scale and yolov8/yolo11 at n and s; CNNCALC_YOLO_FULL=1
runs every translated config at every scale (docs/yolo.md, "Exactness"). They skip without
the oracle (torch and ultralytics, which .ci/run installs)."""

from __future__ import annotations

import os
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

# By default: the n and s scales of the two reference models (their m, l and x scales took the
# oracle minutes on the 2-core CI machine), and every other translated config at
# its first scale when that is small enough for the oracle to build in a few seconds (its MACs,
# as cnncalc counts them, under SMALL: the n scales, yolov3-tiny, yolov9t, yolov10n; the
# scale-less YOLOv3, v9 and larger v10 files take the oracle up to minutes each, yolov9e
# about four). CNNCALC_YOLO_FULL=1 runs every translated config at every scale.
FULL = ("yolov8.yaml", "yolo11.yaml")
EVERY_SCALE = os.environ.get("CNNCALC_YOLO_FULL") == "1"
SMALL = 10 * 10**9


def _cases() -> list[tuple[str, str]]:
    if MISSING is not None:
        return []
    cases = []
    for path in oracle.shipped():
        config = _config(path.name, "")
        if config is None:
            continue
        scales = oracle.scales(path.name)
        if EVERY_SCALE:
            cases += [(path.name, s) for s in scales]
        elif path.name in FULL:
            cases += [(path.name, s) for s in scales[:2]]
        elif analyze(path, scale=scales[0] or None).totals.macs < SMALL:
            cases.append((path.name, scales[0]))
    return cases


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
        assert mine["shape"] == row.shapes[0], f"row {row.i}"
