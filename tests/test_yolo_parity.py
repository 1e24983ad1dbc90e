"""The reader's documents analysed by cnncalc against Ultralytics itself: params, trainable
params, buffers, conv/linear MACs, the output shape and every row's output shape, at 640.

The documents are written in format 1.1, so these run once the build has its ops (probed
through the op registry: `chunk`); until then they skip with that reason. They also skip
without the oracle (torch and ultralytics, which .ci/run installs)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yolo_oracle as oracle

from cnncalc.analysis import Analysis, analyze_tree
from cnncalc.loader import load
from cnncalc.ops import lookup
from cnncalc.readers import ultralytics as u
from cnncalc.source import Source

MISSING = oracle.missing() or (None if lookup("chunk") is not None else
                               "format 1.1 (split ops, reshape) is not in this build")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

# every scale of the two reference models; the first scale of every other translated config
FULL = ("yolov8.yaml", "yolo11.yaml")


def _cases() -> list[tuple[str, str]]:
    if MISSING is not None:
        return []
    cases = []
    for path in oracle.shipped():
        config = _config(path.name, "")
        if config is None:
            continue
        scales = oracle.scales(path.name)
        cases += [(path.name, s) for s in (scales if path.name in FULL else scales[:1])]
    return cases


def _config(name: str, scale: str) -> u.Config | None:
    path = oracle.config(name)
    src = Source(path.name, path.read_text(encoding="utf-8"))
    root, _ = load(src)
    config, _ = u.read(root, path.name, scale or None)
    if config is None or u.document(config, path.stem)[0] is None:
        return None
    return config


def _analyse(name: str, scale: str) -> tuple[u.Config, Analysis]:
    config = _config(name, scale)
    assert config is not None
    path = oracle.config(name)
    doc, problems = u.document(config, path.stem)
    assert doc is not None, problems
    analysis = analyze_tree(doc, [], Source(path.name, path.read_text(encoding="utf-8")))
    errors = [f"{d.code} {d.message}" for d in analysis.diagnostics
              if d.severity.value == "error"]
    assert errors == [], errors
    return config, analysis


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


@pytest.mark.parametrize(("name", "scale"), _cases())
def test_totals_and_rows_match_ultralytics(name: str, scale: str) -> None:
    _, analysis = _analyse(name, scale)
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
