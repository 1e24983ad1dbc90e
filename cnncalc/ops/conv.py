"""Convolutions (torch/nn/modules/conv.py): shape, parameters, MACs, windows, code."""

from __future__ import annotations

import math

from ..graph import Shape
from .base import (
    Arg,
    Bool,
    Choice,
    Counts,
    Ctx,
    Either,
    Int,
    Ints,
    OpError,
    OpSpec,
    Window,
    axis_name,
    nearest_divisor,
    no_rf,
    nondefault,
    prod,
    spatial_rank,
    torch_module,
    unary,
    window_output,
)

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _groups(ctx: Ctx) -> int:
    groups, cin, cout = ctx.args["groups"], ctx.channels, ctx.args["out_channels"]
    for what, n in (("input channels", cin), ("out_channels", cout)):
        if n % groups:
            near = nearest_divisor(math.gcd(cin, cout), groups)
            raise OpError("E203", f"{what} ({n}) not divisible by groups={groups}", "groups",
                          hint=f"groups={near} divides both {cin} and {cout}")
    return int(groups)


def conv_windows(ctx: Ctx) -> list[Window]:
    spatial_rank(ctx, (1, 2, 3), "conv")
    k, s, d = ctx.per_axis("kernel_size"), ctx.per_axis("stride"), ctx.per_axis("dilation")
    padding = ctx.args["padding"]
    if padding == "same":
        if any(v != 1 for v in s):
            raise OpError("E207", "padding='same' needs stride 1 (PyTorch refuses strided "
                          "'same' convolutions)", "padding",
                          hint="write the padding out, e.g. padding=" + str(k[0] // 2))
        # PyTorch splits the total d(k-1) with the odd extra on the right/bottom
        pads = [(dd * (kk - 1) // 2, dd * (kk - 1) - dd * (kk - 1) // 2) for kk, dd in zip(k, d)]
    else:
        p = (0,) * len(k) if padding == "valid" else ctx.per_axis("padding")
        pads = [(pp, pp) for pp in p]
    return [Window(L, kk, ss, pl, pr, dd)
            for L, kk, ss, (pl, pr), dd in zip(ctx.spatial, k, s, pads, d)]


def _padding_fits(ctx: Ctx, windows: list[Window]) -> None:
    """F.pad's limits for the padding modes that copy the input: reflection needs padding
    smaller than the input, circular padding may wrap around once."""
    mode = ctx.args["padding_mode"]
    if mode not in ("reflect", "circular"):
        return
    for i, w in enumerate(windows):
        limit = w.size - 1 if mode == "reflect" else w.size
        if max(w.pad_left, w.pad_right) > limit:
            raise OpError("E209", f"padding_mode '{mode}' pads at most {limit} on axis "
                          f"{axis_name(len(windows), i)} (input size {w.size}), got "
                          f"{max(w.pad_left, w.pad_right)}", "padding",
                          hint="use less padding, or padding_mode zeros or replicate")


def _conv_shape(ctx: Ctx) -> Shape:
    _groups(ctx)
    windows = conv_windows(ctx)
    _padding_fits(ctx, windows)
    return (ctx.args["out_channels"], *window_output(ctx, windows))


def _conv_params(ctx: Ctx, out: Shape) -> Counts:
    cout = ctx.args["out_channels"]
    weight = cout * (ctx.channels // ctx.args["groups"]) * prod(ctx.per_axis("kernel_size"))
    return Counts(weight + (cout if ctx.args["bias"] else 0))


def _conv_macs(ctx: Ctx, out: Shape) -> int:
    # multiplies only, over output positions (torchvision's published GFLOPS convention)
    groups: int = ctx.args["groups"]
    return prod(out) * (ctx.channels // groups) * prod(ctx.per_axis("kernel_size"))


def _conv_formulas(ctx: Ctx, out: Shape) -> list[str]:
    cout, groups = ctx.args["out_channels"], ctx.args["groups"]
    k = "·".join(map(str, ctx.per_axis("kernel_size")))
    cin = f"{ctx.channels}/{groups}" if groups > 1 else str(ctx.channels)
    bias = f" + {cout}" if ctx.args["bias"] else ""
    return [f"params: ({k}·{cin})·{cout}{bias} = {_conv_params(ctx, out).params:,}"]


def _transpose_formulas(ctx: Ctx, out: Shape) -> list[str]:
    lines = [f"output {'HW'[i] if len(out) == 3 else i}: ({L} − 1)·{s} − 2·{p} + {d}·({k} − 1)"
             f" + {op} + 1 = {n}"
             for i, ((L, k, s, p, op, d), n) in enumerate(zip(_transpose_axes(ctx), out[1:]))]
    return [*lines, *_conv_formulas(ctx, out)]


def _bias_adds(ctx: Ctx, out: Shape) -> int:
    return prod(out) if ctx.args["bias"] else 0


def _conv_torch(ctx: Ctx) -> tuple[str | None, str]:
    a = ctx.args
    return unary(torch_module(
        f"Conv{len(ctx.spatial)}d", ctx.channels, a["out_channels"], a["kernel_size"],
        stride=nondefault(a["stride"], 1), padding=nondefault(a["padding"], 0),
        dilation=nondefault(a["dilation"], 1), groups=nondefault(a["groups"], 1),
        bias=nondefault(a["bias"], True), padding_mode=nondefault(a["padding_mode"], "zeros")))


CONV = OpSpec(
    name="conv",
    summary="N-d convolution (nn.Conv1d/2d/3d); the rank follows the input",
    kind="conv",
    key_args=(("kernel_size", "k"), ("stride", "s"), ("out_channels", "c")),
    aliases={"conv1d": 1, "conv2d": 2, "conv3d": 3},
    args=(
        Arg("out_channels", Int(1)),
        Arg("kernel_size", Ints(1)),
        Arg("stride", Ints(1), 1),
        Arg("padding", Either((Ints(0), Choice(("same", "valid")))), 0,
            "int, list, 'same' (stride 1 only) or 'valid'"),
        Arg("dilation", Ints(1), 1),
        Arg("groups", Int(1), 1),
        Arg("bias", Bool(), True),
        Arg("padding_mode", Choice(PADDING_MODES), "zeros", "changes values, never shapes"),
    ),
    shape=_conv_shape,
    params=_conv_params,
    macs=_conv_macs,
    extra_ops=_bias_adds,
    formulas=_conv_formulas,
    windows=conv_windows,
    torch=_conv_torch,
    images=True,
    depth=True,
)


def _transpose_axes(ctx: Ctx) -> list[tuple[int, int, int, int, int, int]]:
    spatial_rank(ctx, (1, 2, 3), "conv_transpose")
    k, s, p = ctx.per_axis("kernel_size"), ctx.per_axis("stride"), ctx.per_axis("padding")
    op, d = ctx.per_axis("output_padding"), ctx.per_axis("dilation")
    return list(zip(ctx.spatial, k, s, p, op, d))


def _transpose_shape(ctx: Ctx) -> Shape:
    _groups(ctx)
    out = []
    for L, k, s, p, op, d in _transpose_axes(ctx):
        if op >= max(s, d):
            raise OpError("E208", f"output_padding={op} must be smaller than stride ({s}) or "
                          f"dilation ({d})", "output_padding",
                          hint=f"use output_padding <= {max(s, d) - 1}")
        n = (L - 1) * s - 2 * p + d * (k - 1) + op + 1
        if n <= 0:
            raise OpError("E202", f"output size (L-1)*s - 2p + d(k-1) + op + 1 = "
                          f"({L}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1 = {n} is not positive",
                          "padding", hint="use less padding")
        out.append(n)
    return (ctx.args["out_channels"], *out)


def _transpose_params(ctx: Ctx, out: Shape) -> Counts:
    # weight is (Cin, Cout/g, *k): the same count as a conv with the same Cin, Cout and g
    return _conv_params(ctx, out)


def _transpose_macs(ctx: Ctx, out: Shape) -> int:
    # counted over input positions: every input value is multiplied into a k-sized patch
    per_group: int = ctx.args["out_channels"] // ctx.args["groups"]
    return (prod(ctx.spatial) * ctx.channels * per_group
            * prod(ctx.per_axis("kernel_size")))


def _transpose_torch(ctx: Ctx) -> tuple[str | None, str]:
    a = ctx.args
    return unary(torch_module(
        f"ConvTranspose{len(ctx.spatial)}d", ctx.channels, a["out_channels"], a["kernel_size"],
        stride=nondefault(a["stride"], 1), padding=nondefault(a["padding"], 0),
        output_padding=nondefault(a["output_padding"], 0), groups=nondefault(a["groups"], 1),
        bias=nondefault(a["bias"], True), dilation=nondefault(a["dilation"], 1)))


CONV_TRANSPOSE = OpSpec(
    name="conv_transpose",
    summary="N-d transposed convolution (nn.ConvTranspose1d/2d/3d)",
    kind="conv",
    key_args=(("kernel_size", "k"), ("stride", "s"), ("out_channels", "c")),
    aliases={"conv_transpose1d": 1, "conv_transpose2d": 2, "conv_transpose3d": 3},
    args=(
        Arg("out_channels", Int(1)),
        Arg("kernel_size", Ints(1)),
        Arg("stride", Ints(1), 1),
        Arg("padding", Ints(0), 0),
        Arg("output_padding", Ints(0), 0),
        Arg("groups", Int(1), 1),
        Arg("bias", Bool(), True),
        Arg("dilation", Ints(1), 1),
    ),
    shape=_transpose_shape,
    params=_transpose_params,
    macs=_transpose_macs,
    extra_ops=_bias_adds,
    formulas=_transpose_formulas,
    rf=no_rf,
    images=True,
    depth=True,
    torch=_transpose_torch,
)
