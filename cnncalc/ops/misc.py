"""Reshaping, dense and resampling ops: flatten, linear, dropout, upsample, pad, and friends."""

from __future__ import annotations

import math
from typing import Any

from ..graph import Shape
from .base import (
    Arg,
    Bool,
    Choice,
    Counts,
    Ctx,
    Either,
    Float,
    Int,
    Ints,
    Null,
    OpError,
    OpSpec,
    PerAxis,
    axis_name,
    elementwise,
    no_rf,
    nondefault,
    prod,
    same_shape,
    spatial_rank,
    torch_module,
    unary,
)


def _dropout_torch(ctx: Ctx) -> tuple[str | None, str]:
    cls = f"Dropout{ctx.rank}d" if ctx.rank else "Dropout"
    return unary(torch_module(cls, p=nondefault(ctx.args["p"], 0.5),
                              inplace=nondefault(ctx.args["inplace"], False)))


def _dropout_shape(ctx: Ctx) -> Shape:
    if ctx.rank:
        spatial_rank(ctx, (1, 2, 3), "dropout")
    return ctx.x


DROPOUT = OpSpec(
    name="dropout",
    summary="dropout (nn.Dropout; dropout1d/2d/3d drop whole channels); identity at inference",
    aliases={"dropout1d": 1, "dropout2d": 2, "dropout3d": 3},
    key_args=(("p", "p"),),
    args=(Arg("p", Float(0, 1), 0.5), Arg("inplace", Bool(), False)),
    shape=_dropout_shape,
    torch=_dropout_torch,
    view=lambda ctx: True,  # at inference dropout returns its input
    layout=lambda ctx: "keep",
)

def _linear_shape(ctx: Ctx) -> Shape:
    wanted = ctx.args["in_features"]
    if len(ctx.x) != 1 and wanted is None:
        # a spatial input is far more often a forgotten flatten than a channels-last linear
        raise OpError("E205", f"linear needs a flat input [F], got {list(ctx.x)}",
                      hint=f"add flatten before it (giving [{prod(ctx.x)}]), or global pooling "
                      f"first; to apply it over the last dim, give in_features: {ctx.x[-1]}")
    if wanted is not None and wanted != ctx.x[-1]:
        raise OpError("E209", f"in_features {wanted} does not match the input's last dim "
                      f"({ctx.x[-1]} of {list(ctx.x)})", "in_features",
                      hint=f"write in_features: {ctx.x[-1]}, or leave it out on a flat input")
    return (*ctx.x[:-1], ctx.args["out_features"])


def _linear_params(ctx: Ctx, out: Shape) -> int:
    return ctx.x[-1] * out[-1] + (out[-1] if ctx.args["bias"] else 0)


def _linear_formulas(ctx: Ctx, out: Shape) -> list[str]:
    positions = prod(ctx.x[:-1])
    lines = [f"params: {ctx.x[-1]}·{out[-1]}{f' + {out[-1]}' if ctx.args['bias'] else ''} = "
             f"{_linear_params(ctx, out):,}"]
    if positions > 1:
        lines.append(f"MACs: {positions:,} positions·{ctx.x[-1]}·{out[-1]} = "
                     f"{positions * ctx.x[-1] * out[-1]:,}")
    return lines


LINEAR = OpSpec(
    name="linear",
    summary="fully connected layer (nn.Linear) on a flat input [F], or over the last dim of "
            "any input when in_features names it",
    aliases={"fc": None, "dense": None},
    kind="linear",
    key_args=(("out_features", "f"),),
    args=(Arg("out_features", Int(1)), Arg("bias", Bool(), True),
          Arg("in_features", Either((Null(), Int(1))), None,
              "the input's last dim; needed (and checked) on an input that is not flat")),
    shape=_linear_shape,
    params=lambda ctx, out: Counts(_linear_params(ctx, out)),
    # every position (all dims but the last) multiplies the same weight
    macs=lambda ctx, out: prod(ctx.x[:-1]) * ctx.x[-1] * out[-1],
    extra_ops=lambda ctx, out: prod(out) if ctx.args["bias"] else 0,
    formulas=_linear_formulas,
    torch=lambda ctx: unary(torch_module("Linear", ctx.x[-1], ctx.args["out_features"],
                                         bias=nondefault(ctx.args["bias"], True))),
    depth=True,
)

_MODE_RANKS = {"nearest": (1, 2, 3), "nearest-exact": (1, 2, 3), "area": (1, 2, 3),
               "linear": (1,), "bilinear": (2,), "bicubic": (2,), "trilinear": (3,)}


def _upsample_shape(ctx: Ctx) -> Shape:
    rank = spatial_rank(ctx, (1, 2, 3), "upsample")
    a = ctx.args
    if (a["size"] is None) == (a["scale_factor"] is None):
        raise OpError("E108", "give exactly one of size and scale_factor", "size",
                      hint="e.g. `upsample: {scale_factor: 2}`")
    if rank not in _MODE_RANKS[a["mode"]]:
        ranks = _MODE_RANKS[a["mode"]]
        raise OpError("E201", f"mode '{a['mode']}' works on {ranks[0]}-D inputs, the input is "
                      f"{rank}-D", "mode",
                      hint={1: "use linear", 2: "use bilinear", 3: "use trilinear"}[rank])
    if a["align_corners"] is not None and a["mode"] in ("nearest", "nearest-exact", "area"):
        # F.interpolate refuses it, even `false`: only the interpolating modes have corners
        raise OpError("E108", f"align_corners applies to the modes linear, bilinear, bicubic "
                      f"and trilinear, not '{a['mode']}'", "align_corners",
                      hint="leave align_corners out (null)")
    if a["size"] is not None:
        return (ctx.channels, *ctx.per_axis("size"))
    # F.interpolate: floor(float(in) * scale) per axis
    scaled = [float(L) * f for L, f in zip(ctx.spatial, ctx.per_axis("scale_factor"))]
    if max(scaled) >= 2.0**62:
        raise OpError("E108", "scale_factor gives an output too large for any tensor",
                      "scale_factor")
    out = tuple(math.floor(v) for v in scaled)
    if min(out) <= 0:
        raise OpError("E202", f"scale_factor gives an empty output {list(out)}", "scale_factor")
    return (ctx.channels, *out)


def _upsample_torch(ctx: Ctx) -> tuple[str | None, str]:
    a = ctx.args
    return unary(torch_module("Upsample", size=nondefault(a["size"], None),
                              scale_factor=nondefault(a["scale_factor"], None),
                              mode=nondefault(a["mode"], "nearest"),
                              align_corners=nondefault(a["align_corners"], None)))


UPSAMPLE = OpSpec(
    name="upsample",
    summary="resample to a size or by a scale factor (nn.Upsample); PyTorch floors the size",
    kind="shape",
    key_args=(("scale_factor", "x"), ("size", "size ")),
    args=(
        Arg("size", Either((Null(), Ints(1))), None),
        Arg("scale_factor", Either((Null(), PerAxis(Float(0)))), None),
        Arg("mode", Choice(tuple(_MODE_RANKS)), "nearest"),
        Arg("align_corners", Either((Null(), Bool())), None),
    ),
    shape=_upsample_shape,
    torch=_upsample_torch,
    extra_ops=elementwise,
    rf=no_rf,
)

IDENTITY = OpSpec(
    name="identity",
    summary="passes its input through (nn.Identity)",
    args=(),
    shape=same_shape,
    torch=lambda ctx: unary(torch_module("Identity")),
    view=lambda ctx: True,
    layout=lambda ctx: "keep",
)


def _pad_amounts(ctx: Ctx) -> tuple[int, ...]:
    """PyTorch's order: (left, right, top, bottom, front, back) — last axis first."""
    rank = spatial_rank(ctx, (1, 2, 3), "pad")
    padding: Any = ctx.args["padding"]
    if not isinstance(padding, tuple):
        return (padding,) * 2 * rank
    if len(padding) != 2 * rank:
        raise OpError("E209", f"padding has {len(padding)} values; a {rank}-D input takes one "
                      f"int or {2 * rank} (PyTorch's order: last axis first, before/after)",
                      "padding", hint="e.g. [left, right, top, bottom] for 2-D")
    return padding


def _pad_shape(ctx: Ctx) -> Shape:
    amounts = _pad_amounts(ctx)
    rank = len(ctx.spatial)
    out = [L + amounts[2 * (rank - 1 - i)] + amounts[2 * (rank - 1 - i) + 1]
           for i, L in enumerate(ctx.spatial)]
    if min(out) <= 0:
        raise OpError("E202", f"negative padding crops the input {list(ctx.x)} to nothing",
                      "padding")
    for i, L in enumerate(ctx.spatial):
        # aten's constant_pad_nd crops before it pads: the crops alone must fit the input
        before, after = amounts[2 * (rank - 1 - i)], amounts[2 * (rank - 1 - i) + 1]
        if L + min(before, 0) + min(after, 0) < 0:
            raise OpError("E209", f"negative padding ({before}, {after}) crops more than axis "
                          f"{axis_name(rank, i)} has ({L})", "padding",
                          hint="PyTorch crops before it pads; crop at most the input size")
    return (ctx.channels, *out)


PAD = OpSpec(
    name="pad",
    summary="zero padding (nn.ZeroPad1d/2d/3d); negative amounts crop",
    aliases={"zero_pad": None},
    kind="shape",
    args=(Arg("padding", PerAxis(Int()), doc="int, or 2 per axis in PyTorch's order"),),
    shape=_pad_shape,
    # a pad on the left moves the field's start; the right side doesn't matter
    rf=lambda ctx, out: [(1, 1, _pad_amounts(ctx)[2 * (len(ctx.spatial) - 1 - i)])
                         for i in range(len(ctx.spatial))],
    torch=lambda ctx: unary(torch_module(f"ZeroPad{len(ctx.spatial)}d", ctx.args["padding"])),
)


def _shuffle_shape(ctx: Ctx) -> Shape:
    spatial_rank(ctx, (1, 2, 3), "channel_shuffle")
    groups, c = ctx.args["groups"], ctx.channels
    if c % groups:
        raise OpError("E203", f"{c} channels not divisible by groups={groups}", "groups")
    return ctx.x


CHANNEL_SHUFFLE = OpSpec(
    name="channel_shuffle",
    summary="ShuffleNet's channel shuffle (nn.ChannelShuffle)",
    args=(Arg("groups", Int(1)),),
    shape=_shuffle_shape,
    torch=lambda ctx: unary(torch_module("ChannelShuffle", ctx.args["groups"])),
)
