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


class LayerScale(nn.Module):
    """A learnable scale multiplied into the input (ConvNeXt's layer scale)."""

    def __init__(self, shape, init):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(shape) * init)

    def forward(self, x):
        return x * self.gamma


class Buffer(nn.Module):
    """State registered as a buffer (not a parameter); passes its input on."""

    def __init__(self, shape):
        super().__init__()
        self.register_buffer("state", torch.zeros(shape))

    def forward(self, x):
        return x


class StochasticDepth(nn.Module):
    """torchvision.ops.StochasticDepth: drops whole residual branches while training."""

    def __init__(self, p, mode):
        super().__init__()
        self.p, self.mode = p, mode

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        survival = 1.0 - self.p
        size = [x.shape[0]] + [1] * (x.dim() - 1) if self.mode == "row" else [1] * x.dim()
        noise = torch.empty(size, dtype=x.dtype, device=x.device).bernoulli_(survival)
        if survival > 0.0:
            noise.div_(survival)
        return x * noise


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
