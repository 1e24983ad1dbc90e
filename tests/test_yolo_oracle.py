"""Ultralytics itself as the oracle (tests/yolo_oracle.py): first the oracle against the
recorded reference (tests/data/yolo_reference.json), then the reader's reading of every
shipped config at every scale against what Ultralytics' parse_model passes each module.

Skips with a reason when torch or ultralytics is absent (.ci/run installs both in its torch
venv)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yolo_oracle as oracle

from cnncalc.loader import load
from cnncalc.readers import ultralytics as u
from cnncalc.source import Source

pytestmark = pytest.mark.skipif(oracle.missing() is not None, reason=oracle.missing() or "")

REFERENCE = json.loads((Path(__file__).parent / "data" / "yolo_reference.json").read_text())
MODELS = {"yolov8n": ("yolov8.yaml", "n"), "yolo11n": ("yolo11.yaml", "n")}


# ------------------------------------------------------------------ the oracle itself

@pytest.mark.parametrize("model", list(MODELS))
def test_oracle_reproduces_the_reference(model: str) -> None:
    expected = REFERENCE[model]
    facts = oracle.build(*MODELS[model], forward="cpu")
    got = {"params": facts.params, "trainable_params": facts.trainable_params,
           "buffers": facts.buffers, "macs": facts.macs, "output": facts.output}
    assert got == {k: expected[k] for k in got}
    rows = [{"i": r.i, "from": r.source, "module": r.module, "params": r.params,
             "buffers": r.buffers, "macs": r.macs,
             # the reference keeps the head's list of outputs, and each other row's one
             "shape": r.shapes if r.module == "Detect" else r.shapes[0]}
            for r in facts.rows]
    assert rows == expected["rows"]
    head = facts.rows[-1]
    assert {"params": head.params, "buffers": head.buffers, "macs": head.macs} == \
        expected["detect"]
    # the DFL conv's 16 weights are the only frozen ones
    assert head.params - head.trainable_params == 16


@pytest.mark.parametrize("model", list(MODELS))
def test_ultralytics_gflops_definition(model: str) -> None:
    """What Ultralytics prints as GFLOPs, rebuilt from the oracle's counts: 2 x (conv and
    linear multiplies + matmul multiplies + 4 per BatchNorm element) / 1e9."""
    facts = oracle.build(*MODELS[model], flops=True)
    if facts.gflops == 0.0:
        pytest.skip("ultralytics-thop is not installed: Ultralytics reports no GFLOPs")
    ops = facts.macs + facts.matmul_macs + 4 * facts.norm_elements
    assert facts.gflops == ops / 1e9 * 2


# one config per kind of head, and per head's variant (end-to-end, the 26 heads, P6 strides)
HEADS = [("yolov8.yaml", "n"), ("yolov8-seg.yaml", "n"), ("yolov8-pose.yaml", "n"),
         ("yolov8-obb.yaml", "n"), ("yolov8-cls.yaml", "n"), ("yolov10n.yaml", "n"),
         ("yolo26.yaml", "n"), ("yolo26-seg.yaml", "n"), ("yolo26-pose.yaml", "n"),
         ("yolo26-obb.yaml", "n"), ("yolov8-p6.yaml", "n"), ("yolo12.yaml", "n")]


@pytest.mark.parametrize(("name", "scale"), HEADS)
def test_meta_forward_measures_what_the_real_one_does(name: str, scale: str) -> None:
    """The parity tests measure every config through a forward pass on the meta device
    (shapes, no values); here it gives the real CPU forward's facts, row by row, for every
    kind of head (their anchors and strides are the part that needs care)."""
    assert oracle.build(name, scale) == oracle.build(name, scale, forward="cpu")


# ------------------------------------------------------------------ the reader's rows

def _shipped() -> list[tuple[str, str]]:
    if oracle.missing() is not None:
        return []
    return [(p.name, s) for p in oracle.shipped() for s in oracle.scales(p.name)]


# a config the oracle cannot build here: its TorchVision row loads a torchvision model, and
# the torchvision installed for the oracle's import does not load its compiled ops
def _read(name: str, scale: str) -> u.Config:
    path = oracle.config(name)
    src = Source(path.name, path.read_text(encoding="utf-8"))
    root, problems = load(src)
    assert not problems and u.recognise(root)
    config, problems = u.read(root, path.name, scale or None)
    assert not problems and config is not None, problems
    return config


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, (list, tuple)) else value


@pytest.mark.parametrize(("name", "scale"), _shipped())
def test_reader_rows_match_parse_model(name: str, scale: str) -> None:
    """Every row of every shipped config at every scale: the module, its inputs, its repeats
    and the exact arguments Ultralytics passes its constructor (channel rounding, repeats
    inside, C3k2's c3k and A2C2f's residual by scale, the heads' channel lists)."""
    config = _read(name, scale)
    expected = oracle.parse(name, scale)
    assert len(config.rows) == len(expected)
    for row, want in zip(config.rows, expected):
        written = row.module.removeprefix("nn.")
        assert (row.index, written, row.repeats, _plain(row.args)) == \
            (want.i, want.module, want.repeats, _plain(want.args)), f"row {row.index}"


def test_every_shipped_config_is_read() -> None:
    """The count the docs give (docs/yolo.md): every shipped config at every scale reads."""
    pairs = _shipped()
    assert len({name for name, _ in pairs}) == len(oracle.shipped())
    for name, scale in pairs:
        _read(name, scale)
