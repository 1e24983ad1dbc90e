"""Residual-branch ops of today's networks (format 1.1): a learnable per-channel scale
(ConvNeXt's and CaiT's layer scale) and stochastic depth (torchvision.ops.StochasticDepth);
and a module's state that is not a parameter (`buffer`: RealNVP's prior and masks in YOLO26's
pose head)."""

from __future__ import annotations

from ..graph import Shape
from .base import (
    Arg,
    Choice,
    Counts,
    Ctx,
    Either,
    Float,
    Int,
    Null,
    OpError,
    OpSpec,
    PerAxis,
    elementwise,
    prod,
)


def _gamma(ctx: Ctx) -> tuple[int, ...]:
    """The scale's shape: `shape`, or [C, 1, ..., 1] over the input (one value per channel)."""
    shape = ctx.args["shape"]
    if shape is None:
        return (ctx.channels, *(1 for _ in ctx.spatial))
    return shape if isinstance(shape, tuple) else (shape,)


def _layer_scale_shape(ctx: Ctx) -> Shape:
    gamma = _gamma(ctx)
    if len(gamma) > len(ctx.x):
        # it would broadcast against the batch dim: not a scale of each sample
        raise OpError("E209", f"shape {list(gamma)} has more dims than the input "
                      f"{list(ctx.x)}", "shape", hint="give at most one size per input dim")
    # PyTorch's broadcasting, aligned at the last dim; the scale may not grow the input
    for n, g in zip(reversed(ctx.x), reversed(gamma)):
        if g not in (1, n):
            raise OpError("E209", f"shape {list(gamma)} does not broadcast over the input "
                          f"{list(ctx.x)}", "shape",
                          hint=f"use [{ctx.channels}{', 1' * len(ctx.spatial)}] (one per "
                          "channel), or sizes equal to the input's or 1")
    return ctx.x


def _layer_scale_torch(ctx: Ctx) -> tuple[str | None, str]:
    return f"LayerScale({_gamma(ctx)!r}, {ctx.args['init']!r})", "{m}({0})"


LAYER_SCALE = OpSpec(
    name="layer_scale",
    summary="a learnable scale multiplied into its input, nn.Parameter(torch.ones(shape) * "
            "init), one value per channel by default (ConvNeXt, CaiT)",
    args=(Arg("init", Float(), 1e-6, "the initial value of every element"),
          Arg("shape", Either((Null(), PerAxis(Int(1)))), None,
              "the parameter's shape, broadcast over the input; null: [C, 1, ..., 1]")),
    shape=_layer_scale_shape,
    params=lambda ctx, out: Counts(prod(_gamma(ctx))),
    extra_ops=elementwise,  # one multiply per element; no conv or linear multiply
    layout=lambda ctx: "keep",
    formulas=lambda ctx, out: [f"params: {'·'.join(map(str, _gamma(ctx)))} = "
                               f"{prod(_gamma(ctx)):,}"],
    torch=_layer_scale_torch,
)


def _stochastic_depth_torch(ctx: Ctx) -> tuple[str | None, str]:
    return f"StochasticDepth({ctx.args['p']!r}, {ctx.args['mode']!r})", "{m}({0})"


STOCHASTIC_DEPTH = OpSpec(
    name="stochastic_depth",
    summary="drops whole residual branches while training (torchvision.ops.StochasticDepth); "
            "the identity at inference",
    aliases={"drop_path": None},
    args=(Arg("p", Float(0, 1), doc="the probability of dropping the branch"),
          Arg("mode", Choice(("row", "batch")), "row",
              "row: each sample of the batch on its own; batch: the whole batch at once")),
    shape=lambda ctx: ctx.x,
    view=lambda ctx: True,  # at inference it returns its input
    layout=lambda ctx: "keep",
    torch=_stochastic_depth_torch,
)

def _buffer_shape(ctx: Ctx) -> tuple[int, ...]:
    shape = ctx.args["shape"]
    return shape if isinstance(shape, tuple) else (shape,)


BUFFER = OpSpec(
    name="buffer",
    summary="a tensor the module registers as a buffer (register_buffer(name, "
            "torch.zeros(shape))), state that is not a parameter: counted in buffers; passes "
            "its input on",
    args=(Arg("shape", PerAxis(Int(1)), doc="the buffer's shape"),),
    shape=lambda ctx: ctx.x,
    params=lambda ctx, out: Counts(0, prod(_buffer_shape(ctx))),
    view=lambda ctx: True,  # it returns its input
    layout=lambda ctx: "keep",
    formulas=lambda ctx, out: [f"buffers: {'·'.join(map(str, _buffer_shape(ctx)))} = "
                               f"{prod(_buffer_shape(ctx)):,}"],
    torch=lambda ctx: (f"Buffer({_buffer_shape(ctx)!r})", "{m}({0})"),
)

SCALES = [LAYER_SCALE, STOCHASTIC_DEPTH, BUFFER]
