"""Shape inference: each node's output shape from its op's rule; failures become diagnostics
and leave the shape unknown, so downstream nodes are skipped quietly instead of cascading."""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnostics import Diagnostic
from ..graph import Node, Shape
from ..ops import REGISTRY, OpError
from . import context


def infer(node: Node, shapes: Sequence[Shape | None],
          nodes: Sequence[Node]) -> tuple[Shape | None, Diagnostic | None]:
    """The output shape of `node` given the shapes computed so far, or a diagnostic."""
    ctx = context(node, shapes, nodes)
    if ctx is None:
        return None, None
    try:
        return REGISTRY[node.op].shape(ctx), None
    except OpError as exc:
        return None, Diagnostic(exc.code, exc.message, node.arg_span(exc.arg), exc.hint,
                                node.name)
