"""Normalisation layers (torch/nn/modules/batchnorm.py, normalization.py)."""

from __future__ import annotations

from ..graph import Shape
from .base import (
    Arg,
    Bool,
    Counts,
    Ctx,
    Either,
    Float,
    Int,
    Ints,
    Null,
    OpError,
    OpSpec,
    nearest_divisor,
    nondefault,
    prod,
    spatial_rank,
    torch_module,
    unary,
)


def _normalise_ops(out: Shape, affine: bool) -> int:
    """Normalising is one operation per element; the affine scale-and-shift one more."""
    return prod(out) * (2 if affine else 1)


def _bn_counts(ctx: Ctx, out: Shape) -> Counts:
    c = ctx.channels
    # running_mean, running_var and the int64 scalar num_batches_tracked
    return Counts(2 * c if ctx.args["affine"] else 0,
                  2 * c + 1 if ctx.args["track_running_stats"] else 0,
                  1 if ctx.args["track_running_stats"] else 0)


def _bn_shape(ctx: Ctx) -> Shape:
    if len(ctx.x) == 1 and ctx.rank is not None:
        # nn.BatchNorm1d takes (N, C) as well as (N, C, L); 2d and 3d need a spatial input
        if ctx.rank == 1:
            return ctx.x
        raise OpError("E201", f"batchnorm{ctx.rank}d needs a {ctx.rank + 1}-D input [C, ...], "
                      f"got the flat vector {list(ctx.x)}",
                      hint="use batchnorm1d or plain batchnorm")
    spatial_rank(ctx, (0, 1, 2, 3), "batchnorm")
    return ctx.x


def _bn_torch(ctx: Ctx) -> tuple[str | None, str]:
    a = ctx.args
    return unary(torch_module(
        f"BatchNorm{max(len(ctx.spatial), 1)}d", ctx.channels, eps=nondefault(a["eps"], 1e-5),
        momentum=nondefault(a["momentum"], 0.1), affine=nondefault(a["affine"], True),
        track_running_stats=nondefault(a["track_running_stats"], True)))


BATCHNORM = OpSpec(
    name="bn",
    summary="batch normalisation (nn.BatchNorm1d/2d/3d): params 2C, buffers 2C+1",
    kind="norm",
    aliases={"batchnorm": None, "batchnorm1d": 1, "batchnorm2d": 2, "batchnorm3d": 3},
    args=(
        Arg("eps", Float(0), 1e-5),
        Arg("momentum", Either((Null(), Float(0, 1))), 0.1),
        Arg("affine", Bool(), True),
        Arg("track_running_stats", Bool(), True),
    ),
    shape=_bn_shape,
    # without running statistics, batch norm normalises by the batch's even at inference
    statistics=lambda ctx: None if ctx.args["track_running_stats"] else prod(ctx.spatial),
    params=_bn_counts,
    extra_ops=lambda ctx, out: _normalise_ops(out, ctx.args["affine"]),
    formulas=lambda ctx, out: [
        f"params: 2·{ctx.channels} = {2 * ctx.channels:,} (weight, bias)"
        * ctx.args["affine"],
        f"buffers: 2·{ctx.channels} + 1 = {2 * ctx.channels + 1:,} (running mean, variance, "
        "batches tracked)" * ctx.args["track_running_stats"]],
    torch=_bn_torch,
)


def _groupnorm_shape(ctx: Ctx) -> Shape:
    spatial_rank(ctx, (0, 1, 2, 3), "groupnorm")
    groups, c = ctx.args["num_groups"], ctx.channels
    if c % groups:
        near = nearest_divisor(c, groups)
        raise OpError("E203", f"{c} channels not divisible by num_groups={groups}",
                      "num_groups", hint=f"num_groups={near} divides {c}")
    return ctx.x


GROUPNORM = OpSpec(
    name="groupnorm",
    summary="group normalisation (nn.GroupNorm): params 2C",
    kind="norm",
    key_args=(("num_groups", "g"),),
    args=(
        Arg("num_groups", Int(1)),
        Arg("eps", Float(0), 1e-5),
        Arg("affine", Bool(), True),
    ),
    shape=_groupnorm_shape,
    # the channels of one group at every position (F.group_norm checks this in every mode)
    statistics=lambda ctx: ctx.channels // ctx.args["num_groups"] * prod(ctx.spatial),
    params=lambda ctx, out: Counts(2 * ctx.channels if ctx.args["affine"] else 0),
    extra_ops=lambda ctx, out: _normalise_ops(out, ctx.args["affine"]),
    torch=lambda ctx: unary(torch_module(
        "GroupNorm", ctx.args["num_groups"], ctx.channels,
        eps=nondefault(ctx.args["eps"], 1e-5), affine=nondefault(ctx.args["affine"], True))),
)


def _normalized(ctx: Ctx) -> tuple[int, ...]:
    shape = ctx.args["normalized_shape"]
    if shape is None:  # ConvNeXt's LayerNorm2d: over channels at every position
        return (ctx.channels,)
    shape = shape if isinstance(shape, tuple) else (shape,)
    if tuple(ctx.x[len(ctx.x) - len(shape):]) != shape or len(shape) > len(ctx.x):
        raise OpError("E209", f"normalized_shape {list(shape)} must equal the trailing "
                      f"dimensions of the input {list(ctx.x)}", "normalized_shape",
                      hint=f"use {list(ctx.x[1:]) or list(ctx.x)}, or leave it out to "
                      "normalise over channels")
    return shape


def _layernorm_counts(ctx: Ctx, out: Shape) -> Counts:
    n = prod(_normalized(ctx))
    if not ctx.args["elementwise_affine"]:
        return Counts()
    return Counts(2 * n if ctx.args["bias"] else n)


def _layernorm_shape(ctx: Ctx) -> Shape:
    _normalized(ctx)
    return ctx.x


def _layernorm_torch(ctx: Ctx) -> tuple[str | None, str]:
    a = ctx.args
    keywords = dict(eps=nondefault(a["eps"], 1e-5),
                    elementwise_affine=nondefault(a["elementwise_affine"], True),
                    bias=nondefault(a["bias"], True))
    if a["normalized_shape"] is None and len(ctx.x) > 1:
        # LayerNorm over channels needs channels last; the prelude defines this module
        return "ChannelLayerNorm" + torch_module("", ctx.channels, **keywords)[3:], "{m}({0})"
    return unary(torch_module("LayerNorm", list(_normalized(ctx)), **keywords))


LAYERNORM = OpSpec(
    name="layernorm",
    summary="layer normalisation (nn.LayerNorm); by default over channels at every position",
    kind="norm",
    args=(
        Arg("normalized_shape", Either((Null(), Ints(1))), None,
            "trailing dims as in PyTorch; default: channels at every position (params 2C)"),
        Arg("eps", Float(0), 1e-5),
        Arg("elementwise_affine", Bool(), True),
        Arg("bias", Bool(), True),
    ),
    shape=_layernorm_shape,
    params=_layernorm_counts,
    extra_ops=lambda ctx, out: _normalise_ops(out, ctx.args["elementwise_affine"]),
    torch=_layernorm_torch,
)

def _lrn_shape(ctx: Ctx) -> Shape:
    spatial_rank(ctx, (1, 2, 3), "lrn")  # PyTorch needs [N, C, ...]: no flat input
    return ctx.x


LRN = OpSpec(
    name="lrn",
    summary="local response normalisation across channels (nn.LocalResponseNorm)",
    aliases={"local_response_norm": None},
    kind="norm",
    key_args=(("size", "n"),),
    args=(
        Arg("size", Int(1)),
        Arg("alpha", Float(), 1e-4),
        Arg("beta", Float(), 0.75),
        Arg("k", Float(), 1.0),
    ),
    shape=_lrn_shape,
    extra_ops=lambda ctx, out: prod(out) * ctx.args["size"],  # a sum over `size` channels
    torch=lambda ctx: unary(torch_module(
        "LocalResponseNorm", ctx.args["size"], alpha=nondefault(ctx.args["alpha"], 1e-4),
        beta=nondefault(ctx.args["beta"], 0.75), k=nondefault(ctx.args["k"], 1.0))),
)
