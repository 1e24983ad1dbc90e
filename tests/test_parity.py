"""PyTorch parity: every zoo layer built in torch, every zoo model against a reference model.

Skipped without torch; CI installs it, so there it always runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FAMILIES, ZOO, family_member, zoo_source

torch = pytest.importorskip("torch", reason="parity checks need torch (CI installs it)")

from reference_models import MODELS, leaf_trace  # noqa: E402
from torch import nn  # noqa: E402

from cnncalc.analysis import Analysis, analyze  # noqa: E402
from cnncalc.torchgen import PRELUDE, node_code  # noqa: E402

NAMESPACE: dict[str, Any] = {"torch": torch, "nn": nn}
exec(PRELUDE, NAMESPACE)  # defines the helper modules generated code may use


def build_node(analysis: Analysis, index: int) -> tuple[tuple[tuple[int, ...], ...], int, int]:
    """Build one node with the generated torch code, run zeros through it: (the shape of each
    output, params, buffers) as PyTorch reports them; a split op (chunk) returns several."""
    graph = analysis.graph
    assert graph is not None
    node = graph.nodes[index]
    code = node_code(node, analysis.shapes, graph.nodes)
    assert code is not None, f"{node.op} has no torch rule"
    module_code, forward = code
    module = eval(module_code, NAMESPACE) if module_code else None
    if module is not None:
        module.eval()
    inputs = {f"x{i}": _zeros(analysis, j) for i, j in enumerate(node.inputs)}
    call = forward.format(*inputs, m="m")
    with torch.no_grad():
        out = eval(call, {**NAMESPACE, "m": module, **inputs})
    params = sum(p.numel() for p in module.parameters()) if module is not None else 0
    buffers = sum(b.numel() for b in module.buffers()) if module is not None else 0
    outs = out if isinstance(out, tuple) else (out,)
    return tuple(tuple(o.shape[1:]) for o in outs), params, buffers


def _zeros(analysis: Analysis, index: int) -> Any:
    """What node `index` gives its consumers in torch: one tensor, or a split op's tuple."""
    layer = analysis.layers[index - 1] if index else None  # node 0 is the input
    if layer is not None and layer.output_shapes:
        return tuple(torch.zeros(1, *shape) for shape in layer.output_shapes)
    return torch.zeros(1, *analysis.shapes[index])


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_every_layer_matches_torch(path: Path) -> None:
    _every_layer_matches_torch(analyze(zoo_source(path)))


def _every_layer_matches_torch(a: Analysis) -> None:
    assert a.graph is not None
    for layer, node in zip(a.layers, a.graph.nodes[1:]):
        shapes, params, buffers = build_node(a, node.index)
        assert (layer.path, layer.output_shapes or (layer.output_shape,), layer.params,
                layer.buffers) == (layer.path, shapes, params, buffers)


def _counted(records: list[dict[str, Any]]) -> list[tuple[tuple[int, ...], int, int, int]]:
    """The layers that own parameters or buffers, in execution order."""
    return [(tuple(r["out"]), r["params"], r["buffers"], r["macs"])
            for r in records if r["params"] or r["buffers"]]


@pytest.mark.parametrize("path", [p for p in ZOO if p.stem in MODELS], ids=lambda p: p.stem)
def test_model_matches_reference_model(path: Path) -> None:
    """Layer by layer against an independently written torch model of the same network."""
    _matches_reference(analyze(zoo_source(path)), path.stem)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_family_member_matches_reference_model(name: str) -> None:
    """A family file with --set, layer by layer against the reference model built with the
    same multipliers (mobilenet_v2(width_mult=w), efficientnet_b0..b3)."""
    _matches_reference(family_member(name), name)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_family_member_layers_match_torch(name: str) -> None:
    a = family_member(name)
    _every_layer_matches_torch(a)


def _matches_reference(a: Analysis, name: str) -> None:
    constructor, shape = MODELS[name]
    assert a.input == shape
    model = constructor()
    # the model's own output, not the last leaf's: a functional op may follow it (SqueezeNet's
    # classifier ends in AdaptiveAvgPool2d, then forward() flattens; a segmentation model
    # resizes to the input). Caught in the traced pass: the big models run once.
    outputs: list[tuple[int, ...]] = []
    handle = model.register_forward_hook(lambda _m, _a, out: outputs.append(tuple(out.shape[1:])))
    try:
        records = leaf_trace(model, shape)
    finally:
        handle.remove()
    ours = [(layer.output_shape, layer.params, layer.buffers, layer.macs)
            for layer in a.layers if layer.params or layer.buffers]
    assert ours == _counted(records)
    assert a.output_shape == outputs[0]
    assert a.totals.macs == sum(r["macs"] for r in records)
