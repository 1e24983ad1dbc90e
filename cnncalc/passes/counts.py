"""Parameters, buffers and MACs per node, from each op's rules in the registry."""

from __future__ import annotations

from ..frozen import frozen
from ..graph import Node, Shape
from ..ops import REGISTRY, Ctx


@frozen
class NodeCounts:
    """Parameters, buffers and operations of one node."""

    params: int = 0
    trainable: int = 0
    buffers: int = 0
    macs: int = 0  # conv and linear multiplies (torchvision's convention)
    extra_ops: int = 0  # what `--count all` adds: bias, norms, activations, pools, merges
    int64_buffers: int = 0


def count(node: Node, ctx: Ctx | None, out: Shape | None) -> NodeCounts:
    """Counts for one node; zero when its shape could not be computed (already reported). A
    rule: see passes.Memo."""
    if ctx is None or out is None:
        return NodeCounts()
    spec = REGISTRY[node.op]
    counts = spec.params(ctx, out)
    # trainable unless under `trainable: false` (analysis.py zeroes those: a node property)
    return NodeCounts(counts.params, counts.params, counts.buffers, spec.macs(ctx, out),
                      spec.extra_ops(ctx, out), counts.int64_buffers)
