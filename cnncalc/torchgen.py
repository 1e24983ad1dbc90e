"""PyTorch code for a node, from its op's `torch` rule: the parity tests build every layer
with it, and the PyTorch export writes it out. Generated code imports only torch."""

from __future__ import annotations

from collections.abc import Sequence

from .graph import Node, Shape
from .ops import REGISTRY
from .passes import context

# Modules PyTorch lacks that some ops need; generated code defines them before the model.
PRELUDE = '''
class ChannelLayerNorm(nn.LayerNorm):
    """LayerNorm over the channels at every position (ConvNeXt's LayerNorm2d)."""

    def forward(self, x):
        return super().forward(x.movedim(1, -1)).movedim(-1, 1)


def center_crop(x, size):
    """The centre of x's trailing dims, cut to `size`, one entry per dim (U-Net's crop before
    concatenation); None keeps a dim whole (the one concatenated along)."""
    for axis, n in enumerate(size, start=x.dim() - len(size)):
        if n is not None:
            x = x.narrow(axis, (x.shape[axis] - n) // 2, n)
    return x
'''


def node_code(node: Node, shapes: Sequence[Shape | None],
              nodes: Sequence[Node]) -> tuple[str | None, str] | None:
    """(module constructor or None, forward expression with {m} and {0}, {1}, ...)."""
    rule = REGISTRY[node.op].torch
    ctx = context(node, shapes, nodes)
    if rule is None or ctx is None:
        return None
    return rule(ctx)
