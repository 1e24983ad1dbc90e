"""Shape inference: each node's output shape from its op's rule; failures become diagnostics
and leave the shape unknown, so downstream nodes are skipped quietly instead of cascading."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..diagnostics import Diagnostic
from ..graph import Node, Shape, format_shape
from ..limits import MAX_INT
from ..ops import REGISTRY, OpError
from . import context


def infer(node: Node, shapes: Sequence[Shape | None],
          nodes: Sequence[Node]) -> tuple[Shape | None, Diagnostic | None]:
    """The output shape of `node` given the shapes computed so far, or a diagnostic."""
    ctx = context(node, shapes, nodes)
    if ctx is None:
        return None, None
    try:
        shape = REGISTRY[node.op].shape(ctx)
    except OpError as exc:
        return None, Diagnostic(exc.code, exc.message, node.arg_span(exc.arg), exc.hint,
                                node.name)
    if math.prod(shape) > MAX_INT:
        # PyTorch counts a tensor's elements in int64; every figure derived from a shape
        # stays far inside a float's range (and Python's int-to-text limit) below this bound
        shown = format_shape(shape) if max(shape) < 10**30 else "more than 10^30 per axis"
        return None, Diagnostic("E210", f"the output ({shown}) has more than 2^63 - 1 "
                                "elements, more than a PyTorch tensor can hold", node.span,
                                "shrink the scale, sizes or channels", node.name)
    return shape, None
