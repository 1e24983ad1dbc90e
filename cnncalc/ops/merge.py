"""Merges of several earlier outputs: elementwise add/mul and concatenation."""

from __future__ import annotations

from ..graph import Shape, format_shape
from .base import Arg, Choice, Ctx, Ids, Int, OpError, OpSpec, Step, prod


def _describe(ctx: Ctx) -> str:
    names = ctx.names or tuple(f"input {i}" for i in range(len(ctx.inputs)))
    return ", ".join(f"{n} is {format_shape(s)}" for n, s in zip(names, ctx.inputs))


def _broadcast(ctx: Ctx) -> Shape:
    # PyTorch broadcasting over equal ranks: each dim equal, or 1 and stretched
    if len({len(s) for s in ctx.inputs}) != 1:
        raise OpError("E204", f"inputs of different rank cannot be merged: {_describe(ctx)}",
                      "inputs", hint="bring them to the same rank (e.g. flatten or pool one)")
    out = []
    for i, dims in enumerate(zip(*ctx.inputs)):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            what = "channels" if i == 0 else f"dim {i}"
            raise OpError("E204", f"{what} differ: {_describe(ctx)}", "inputs",
                          hint="a 1x1 conv projection on the shortcut matches channels; a "
                          "strided one matches spatial size" if i < 3 else None)
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def _elementwise(name: str, symbol: str, summary: str) -> OpSpec:
    return OpSpec(
        name=name,
        summary=summary,
        args=(Arg("inputs", Ids(), doc="ids of the outputs to merge"),),
        shape=_broadcast,
        extra_ops=lambda ctx, out: prod(out) * (len(ctx.inputs) - 1),
        layout=lambda ctx: "keep",  # PyTorch's elementwise ops follow their input's strides
        torch=lambda ctx: (None, f" {symbol} ".join(f"{{{i}}}" for i in range(len(ctx.inputs)))),
        list_arg="inputs",
        multi_input=True,
        kind="merge",
    )


def _concat_dim(ctx: Ctx) -> int:
    ranks = {len(s) for s in ctx.inputs}
    rank = len(ctx.x)
    dim = ctx.args["dim"]
    if len(ranks) != 1:
        raise OpError("E204", f"inputs of different rank cannot be concatenated: "
                      f"{_describe(ctx)}", "inputs")
    if not -rank <= dim < rank:
        raise OpError("E209", f"dim {dim} is out of range for {rank}-D inputs", "dim",
                      hint=f"use a dim from {-rank} to {rank - 1} (batch excluded; 0 = channels)")
    return int(dim % rank)


def _cropped(ctx: Ctx, dim: int) -> list[int | None]:
    """Per dim, the size every input is centre-cropped to (None: no crop on that dim)."""
    crop = ctx.args["crop"] == "center"
    return [min(s[i] for s in ctx.inputs) if crop and i > 0 and i != dim else None
            for i in range(len(ctx.x))]


def _concat_shape(ctx: Ctx) -> Shape:
    dim = _concat_dim(ctx)
    target = _cropped(ctx, dim)
    for i in range(len(ctx.x)):
        if i != dim and target[i] is None and len({s[i] for s in ctx.inputs}) > 1:
            raise OpError("E204", f"concat along dim {dim} needs every other dim equal, but "
                          f"dim {i} differs: {_describe(ctx)}", "inputs",
                          hint="add `crop: center` to crop the larger inputs (U-Net's skips), "
                          "or pad one input, or change the input size" if i else None)
    return tuple(sum(s[i] for s in ctx.inputs) if i == dim else target[i] or ctx.x[i]
                 for i in range(len(ctx.x)))


def _concat_rf(ctx: Ctx, out: Shape) -> list[list[Step]] | None:
    if _concat_dim(ctx) > 0:  # joined along a spatial axis: no one stride maps out to in
        return None
    # a centre crop starts (L - target) // 2 into its input: a negative left padding
    return [[(1, 1, -((L - n) // 2)) for L, n in zip(shape[1:], out[1:])]
            for shape in ctx.inputs]


def _concat_torch(ctx: Ctx) -> tuple[str | None, str]:
    dim = _concat_dim(ctx)
    # one entry per spatial dim, None where nothing is cropped: the dim concatenated along
    # may be spatial, so the cropped dims are not simply the trailing ones
    spatial = tuple(_cropped(ctx, dim)[1:])
    cropped = any(t is not None for t in spatial)
    inputs = ", ".join(f"center_crop({{{i}}}, {spatial})" if cropped else f"{{{i}}}"
                       for i in range(len(ctx.inputs)))
    return None, f"torch.cat([{inputs}], dim={dim + 1})"


ADD = _elementwise("add", "+", "elementwise sum of outputs (residual connections)")
MUL = _elementwise("mul", "*", "elementwise product of outputs (squeeze-excitation gates)")
CONCAT = OpSpec(
    name="concat",
    summary="concatenation of outputs along a dim (default 0: channels)",
    aliases={"cat": None},
    args=(Arg("inputs", Ids(), doc="ids of the outputs to concatenate"),
          Arg("dim", Int(), 0, "counts over the batch-less shape; 0 = channels"),
          Arg("crop", Choice(("none", "center")), "none",
              "center: crop larger inputs to the smallest, centred (U-Net's skips)")),
    shape=_concat_shape,
    rf=_concat_rf,  # multi-input: one step list per input
    torch=_concat_torch,
    list_arg="inputs",
    multi_input=True,
    kind="merge",
)

def _matmul_shape(ctx: Ctx) -> Shape:
    if len(ctx.inputs) != 2:
        raise OpError("E209", f"matmul multiplies two inputs, got {len(ctx.inputs)}", "inputs",
                      hint="list two ids: [a, b]")
    a, b = ctx.inputs
    if len(a) < 2 or len(a) != len(b):
        # with the batch in front, inputs of other ranks would broadcast the batch against a
        # dim of the other input: not what the same product per sample means
        raise OpError("E201", f"matmul needs two inputs of the same rank, at least 2 "
                      f"(matrices, or stacks of them): {_describe(ctx)}", "inputs",
                      hint="unsqueeze or reshape them to [..., m, k] and [..., k, n]")
    if a[-1] != b[-2]:
        raise OpError("E204", f"matmul needs the first input's last dim to equal the second's "
                      f"next to last: {_describe(ctx)}", "inputs",
                      hint="[..., m, k] @ [..., k, n]; transpose one of them?")
    leading = []
    for i, (x, y) in enumerate(zip(a[:-2], b[:-2])):
        if x != y and 1 not in (x, y):
            raise OpError("E204", f"matmul's leading dims do not broadcast (dim {i}): "
                          f"{_describe(ctx)}", "inputs")
        leading.append(max(x, y))
    return (*leading, a[-2], b[-1])


MATMUL = OpSpec(
    name="matmul",
    kind="merge",
    summary="matrix product of two outputs (torch.matmul) over their last two dims, "
            "broadcasting the dims before them (attention)",
    args=(Arg("inputs", Ids(), doc="two ids: [a, b], a is [..., m, k] and b [..., k, n]"),),
    shape=_matmul_shape,
    # m·k·n multiplies per product, under `--count all` only: the default convention counts
    # conv and linear layers (format 1.1; torchvision's own counter also counts aten.matmul,
    # which no network of the zoo uses)
    extra_ops=lambda ctx, out: prod(out) * ctx.inputs[0][-1],
    formulas=lambda ctx, out: [f"MACs: {prod(out[:-2]) or 1:,} products·{out[-2]}·"
                               f"{ctx.inputs[0][-1]}·{out[-1]} = "
                               f"{prod(out) * ctx.inputs[0][-1]:,}"],
    rf=lambda ctx, out: None,  # positions mix: no window maps outputs to inputs
    torch=lambda ctx: (None, "torch.matmul({0}, {1})"),
    list_arg="inputs",
    multi_input=True,
)

INPUT = OpSpec(
    name="input",
    summary="the network input",
    args=(),
    shape=lambda ctx: ctx.x,
    internal=True,
    kind="input",
)
