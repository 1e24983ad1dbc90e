"""Analysis passes over the graph IR. Each reads the registry and returns per-node values."""

from __future__ import annotations

from collections.abc import Sequence

from ..graph import Node, Shape
from ..ops import REGISTRY, Ctx


def context(node: Node, shapes: Sequence[Shape | None], nodes: Sequence[Node]) -> Ctx | None:
    """The rule context of `node`, or None when an input's shape is unknown (failed upstream)."""
    inputs = tuple(shapes[i] for i in node.inputs)
    if any(s is None for s in inputs):
        return None
    if not inputs:  # the network input node
        inputs = (node.args["shape"],)
    names = tuple(nodes[i].name for i in node.inputs)
    return Ctx(node.args, inputs, node.rank, names)  # type: ignore[arg-type]


def spec_of(node: Node):  # type: ignore[no-untyped-def]
    return REGISTRY[node.op]
