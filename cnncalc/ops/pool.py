"""Pooling (torch/nn/modules/pooling.py, aten Pool.h and AdaptivePooling.h)."""

from __future__ import annotations

from collections.abc import Callable

from ..graph import Shape
from .base import (
    Arg,
    Bool,
    Ctx,
    Either,
    Int,
    Ints,
    Null,
    OpError,
    OpSpec,
    Step,
    Window,
    axis_name,
    nondefault,
    prod,
    spatial_rank,
    torch_module,
    unary,
    window_output,
)


def _pool_windows(what: str) -> Callable[[Ctx], list[Window]]:
    return lambda ctx: pool_windows(ctx, what)


def pool_windows(ctx: Ctx, what: str) -> list[Window]:
    rank = spatial_rank(ctx, (1, 2, 3), what)
    k = ctx.per_axis("kernel_size")
    s = k if ctx.args["stride"] is None else ctx.per_axis("stride")
    p = ctx.per_axis("padding")
    d = ctx.per_axis("dilation") if "dilation" in ctx.args else (1,) * rank
    for i, (kk, pp) in enumerate(zip(k, p)):
        # aten checks the undilated kernel: "pad should be smaller than or equal to half of
        # kernel size" (PyTorch 2.x max_pool and avg_pool)
        if pp > kk // 2:
            raise OpError("E206", f"padding {pp} is more than half the kernel ({kk}) on axis "
                          f"{axis_name(rank, i)}", "padding",
                          hint=f"PyTorch allows padding <= kernel_size // 2 = {kk // 2}")
    ceil = ctx.args["ceil_mode"]
    return [Window(L, kk, ss, pp, pp, dd, ceil)
            for L, kk, ss, pp, dd in zip(ctx.spatial, k, s, p, d)]


def _window_ops(ctx: Ctx, out: Shape) -> int:
    """A compare or add per window element, per output element."""
    return prod(out) * prod(ctx.per_axis("kernel_size"))


def _reduce_ops(ctx: Ctx, out: Shape) -> int:
    """Adaptive and global pooling read every input element once."""
    return prod(ctx.x)


def _adaptive_rf(ctx: Ctx, out: Shape) -> list[Step] | None:
    """Adaptive bins are a fixed window only when the output size divides the input size."""
    steps = []
    for L, n in zip(ctx.spatial, out[1:]):
        if L % n:
            return None
        steps.append((L // n, L // n, 0))
    return steps


def _pool_shape(what: str) -> Callable[[Ctx], Shape]:
    return lambda ctx: (ctx.channels, *window_output(ctx, pool_windows(ctx, what)))


def _maxpool_torch(ctx: Ctx) -> tuple[str | None, str]:
    a = ctx.args
    return unary(torch_module(
        f"MaxPool{len(ctx.spatial)}d", a["kernel_size"], stride=nondefault(a["stride"], None),
        padding=nondefault(a["padding"], 0), dilation=nondefault(a["dilation"], 1),
        ceil_mode=nondefault(a["ceil_mode"], False)))


def _avgpool_torch(ctx: Ctx) -> tuple[str | None, str]:
    a = ctx.args
    return unary(torch_module(
        f"AvgPool{len(ctx.spatial)}d", a["kernel_size"], stride=nondefault(a["stride"], None),
        padding=nondefault(a["padding"], 0), ceil_mode=nondefault(a["ceil_mode"], False),
        count_include_pad=nondefault(a["count_include_pad"], True),
        divisor_override=nondefault(a["divisor_override"], None)))


_STRIDE = Arg("stride", Either((Null(), Ints(1))), None, "default: kernel_size")

MAXPOOL = OpSpec(
    name="maxpool",
    summary="max pooling (nn.MaxPool1d/2d/3d); ceil_mode as PyTorch trims it",
    aliases={"maxpool1d": 1, "maxpool2d": 2, "maxpool3d": 3, "max_pool": None},
    kind="pool",
    key_args=(("kernel_size", "k"), ("stride", "s")),
    args=(
        Arg("kernel_size", Ints(1)),
        _STRIDE,
        Arg("padding", Ints(0), 0),
        Arg("dilation", Ints(1), 1),
        Arg("ceil_mode", Bool(), False),
    ),
    shape=_pool_shape("maxpool"),
    windows=_pool_windows("maxpool"),
    extra_ops=_window_ops,
    torch=_maxpool_torch,
    images=True,
)


def _avgpool_shape(ctx: Ctx) -> Shape:
    if len(ctx.x) == 2 and ctx.args["divisor_override"] is not None:
        raise OpError("E209", "divisor_override needs a 2-D or 3-D input: nn.AvgPool1d has no "
                      "such argument", "divisor_override", hint="leave divisor_override out")
    out = _pool_shape("avgpool")(ctx)
    if len(ctx.x) == 4:
        # aten's avg_pool3d (pool3d_shape_check with check_input_size) wants the unpadded
        # input at least as large as the kernel on every axis; 1-D and 2-D pooling do not
        for i, (size, k) in enumerate(zip(ctx.spatial, ctx.per_axis("kernel_size"))):
            if size < k:
                raise OpError("E209", f"avgpool on a 3-D input needs every input size at least "
                              f"the kernel, padding aside (PyTorch's avg_pool3d): axis "
                              f"{axis_name(3, i)} is {size}, the kernel {k}", "kernel_size",
                              hint=f"use kernel_size <= {size} on that axis")
    return out


AVGPOOL = OpSpec(
    name="avgpool",
    summary="average pooling (nn.AvgPool1d/2d/3d)",
    aliases={"avgpool1d": 1, "avgpool2d": 2, "avgpool3d": 3, "avg_pool": None},
    kind="pool",
    key_args=(("kernel_size", "k"), ("stride", "s")),
    args=(
        Arg("kernel_size", Ints(1)),
        _STRIDE,
        Arg("padding", Ints(0), 0),
        Arg("ceil_mode", Bool(), False),
        Arg("count_include_pad", Bool(), True, "changes values, never shapes"),
        Arg("divisor_override", Either((Null(), Int(1))), None, "changes values, never shapes"),
    ),
    shape=_avgpool_shape,
    windows=_pool_windows("avgpool"),
    extra_ops=_window_ops,
    torch=_avgpool_torch,
    images=True,
)


def _adaptive_shape(ctx: Ctx) -> Shape:
    spatial_rank(ctx, (1, 2, 3), "adaptive pooling")
    size = ctx.per_axis("output_size")
    if len(size) == 1 and size[0] is None:  # adaptive_avg_pool1d takes integers only
        raise OpError("E209", "a null output_size keeps an axis of a 2-D or 3-D input only; a "
                      "1-D input needs a size", "output_size", hint=f"use {ctx.spatial[0]}")
    # a null entry keeps that axis (AdaptivePooling.h); bins may overlap and may outnumber input
    return (ctx.channels, *(L if n is None else n for L, n in zip(ctx.spatial, size)))


def _adaptive(kind: str) -> OpSpec:
    def torch(ctx: Ctx) -> tuple[str | None, str]:
        return unary(torch_module(f"Adaptive{kind}Pool{len(ctx.spatial)}d",
                                  ctx.args["output_size"]))

    name = f"adaptive_{kind.lower()}pool"
    return OpSpec(
        name=name,
        summary=f"adaptive {kind.lower()} pooling to a fixed output size "
                f"(nn.Adaptive{kind}Pool1d/2d/3d)",
        aliases={f"{name}{n}d": n for n in (1, 2, 3)},
        args=(Arg("output_size", Ints(1, nullable_items=True),
                  doc="int or list; a null entry keeps that dimension"),),
        shape=_adaptive_shape,
        torch=torch,
        extra_ops=_reduce_ops,
        rf=_adaptive_rf,
        kind="pool",
        key_args=(("output_size", "out "),),
    )


ADAPTIVE_AVGPOOL = _adaptive("Avg")
ADAPTIVE_MAXPOOL = _adaptive("Max")


def _global_shape(ctx: Ctx) -> Shape:
    spatial_rank(ctx, (1, 2, 3), "global_avgpool")
    return (ctx.channels, *(1 for _ in ctx.spatial))


GLOBAL_AVGPOOL = OpSpec(
    name="global_avgpool",
    summary="mean over all spatial positions: [C, 1, 1] (nn.AdaptiveAvgPool2d(1))",
    aliases={"gap": None},
    kind="pool",
    args=(),
    shape=_global_shape,
    extra_ops=_reduce_ops,
    rf=lambda ctx, out: [(L, L, 0) for L in ctx.spatial],
    torch=lambda ctx: unary(torch_module(f"AdaptiveAvgPool{len(ctx.spatial)}d", 1)),
)
