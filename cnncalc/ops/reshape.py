"""Reshaping ops (format 1.1): reshape/view, permute, transpose, flatten ranges, unflatten,
squeeze and unsqueeze — PyTorch's semantics over the batch-less shape (dim 0 = channels,
PyTorch's dim 1).

None of them computes anything. Their memory follows PyTorch: permute, transpose, squeeze and
unsqueeze always return views (strided ones for the first two); reshape, view, flatten and
unflatten return a view of a contiguous input and copy a non-contiguous one (`layout`, read by
the memory pass, which knows what is contiguous).
"""

from __future__ import annotations

from typing import Any

from ..graph import Shape
from .base import (
    Arg,
    Ctx,
    Either,
    Int,
    Null,
    OpError,
    OpSpec,
    PerAxis,
    prod,
    short_int,
)


def _dim(ctx: Ctx, name: str, value: int, rank: int | None = None) -> int:
    """A dim over the batch-less shape, negatives from the end, normalised; E209 out of
    range (PyTorch's "Dimension out of range")."""
    n = len(ctx.x) if rank is None else rank
    if not -n <= value < n:
        raise OpError("E209", f"{name} {short_int(value)} is out of range for "
                      f"{'the input ' + str(list(ctx.x)) if rank is None else f'{n} dims'}",
                      name, hint=f"use a dim from {-n} to {n - 1} (batch excluded; 0 = "
                      "channels)")
    return value % n


def _sizes(value: Any) -> tuple[int, ...]:
    return value if isinstance(value, tuple) else (value,)


def _infer(ctx: Ctx, name: str, sizes: tuple[int, ...], total: int, what: str) -> Shape:
    """`sizes` with its one -1 inferred so that they multiply to `total` (PyTorch's
    infer_size); E221 for a second -1, E220 when the count cannot match."""
    if sizes.count(-1) > 1:
        raise OpError("E221", f"{name} {list(sizes)} has more than one -1: only one size can "
                      "be inferred", name, hint="give every size but one")
    if 0 in sizes:
        raise OpError("E202", f"{name} {list(sizes)} has a size 0: the output would be empty",
                      name)
    known = prod([s for s in sizes if s != -1])
    if -1 in sizes:
        if total % known:
            raise OpError("E220", f"{name} {list(sizes)} cannot hold {what}: "
                          f"{short_int(total)} elements are not a multiple of "
                          f"{short_int(known)}", name,
                          hint="the known sizes must divide the element count")
        return tuple(total // known if s == -1 else s for s in sizes)
    if known != total:
        raise OpError("E220", f"{name} {list(sizes)} holds {short_int(known)} elements, "
                      f"{what} has {short_int(total)}", name,
                      hint="the sizes must multiply to the element count (one may be -1)")
    return sizes


def _reshape_shape(ctx: Ctx) -> Shape:
    return _infer(ctx, "shape", _sizes(ctx.args["shape"]), prod(ctx.x),
                  f"the input {list(ctx.x)}")


def _torch_dims(dims: tuple[int, ...]) -> str:
    return ", ".join(str(d + 1) for d in dims)


# the layouts the memory pass knows (passes/memory.py): what an op's output storage is
FRESH, KEEP, STRIDED, RESHAPE = "fresh", "keep", "strided", "reshape"

RESHAPE_OP = OpSpec(
    name="reshape",
    kind="shape",
    summary="a new shape with the same elements (torch.reshape; one size may be -1): a view of "
            "a contiguous input, a copy of a permuted one",
    aliases={"view": None},
    args=(Arg("shape", PerAxis(Int(-1)), doc="sizes over the batch-less shape; one may be -1"),),
    shape=_reshape_shape,
    view=lambda ctx: True,
    layout=lambda ctx: RESHAPE,
    torch=lambda ctx: (None, f"{{0}}.reshape({{0}}.shape[0], "
                             f"{', '.join(map(str, _reshape_shape(ctx)))})"),
)


def _permutation(ctx: Ctx) -> tuple[int, ...]:
    dims = _sizes(ctx.args["dims"])
    n = len(ctx.x)
    if len(dims) != n:
        raise OpError("E209", f"dims {list(dims)} has {len(dims)} entries, the input "
                      f"{list(ctx.x)} has {n} dims", "dims",
                      hint=f"list each of the {n} dims once (batch excluded)")
    normalised = tuple(_dim(ctx, "dims", d) for d in dims)
    if len(set(normalised)) != n:
        raise OpError("E209", f"dims {list(dims)} repeats a dim", "dims",
                      hint=f"list each of the {n} dims once")
    return normalised


def _moved(dims: tuple[int, ...]) -> str:
    return STRIDED if dims != tuple(range(len(dims))) else KEEP


PERMUTE = OpSpec(
    name="permute",
    kind="shape",
    summary="reorders the dims (torch.permute), a strided view: later ops see the new layout",
    args=(Arg("dims", PerAxis(Int()), doc="the new order of the batch-less dims"),),
    shape=lambda ctx: tuple(ctx.x[d] for d in _permutation(ctx)),
    view=lambda ctx: True,
    layout=lambda ctx: _moved(_permutation(ctx)),
    torch=lambda ctx: (None, f"{{0}}.permute(0, {_torch_dims(_permutation(ctx))})"),
)


def _swapped(ctx: Ctx) -> tuple[int, ...]:
    a = _dim(ctx, "dim0", ctx.args["dim0"])
    b = _dim(ctx, "dim1", ctx.args["dim1"])
    dims = list(range(len(ctx.x)))
    dims[a], dims[b] = dims[b], dims[a]
    return tuple(dims)


TRANSPOSE = OpSpec(
    name="transpose",
    kind="shape",
    summary="swaps two dims (torch.transpose), a strided view",
    args=(Arg("dim0", Int()), Arg("dim1", Int())),
    shape=lambda ctx: tuple(ctx.x[d] for d in _swapped(ctx)),
    view=lambda ctx: True,
    layout=lambda ctx: _moved(_swapped(ctx)),
    torch=lambda ctx: (None, f"{{0}}.transpose({_dim(ctx, 'dim0', ctx.args['dim0']) + 1}, "
                             f"{_dim(ctx, 'dim1', ctx.args['dim1']) + 1})"),
)


def _flat_range(ctx: Ctx) -> tuple[int, int]:
    start = _dim(ctx, "start_dim", ctx.args["start_dim"])
    end = _dim(ctx, "end_dim", ctx.args["end_dim"])
    if start > end:
        raise OpError("E209", f"start_dim {ctx.args['start_dim']} comes after end_dim "
                      f"{ctx.args['end_dim']} for the input {list(ctx.x)}", "start_dim",
                      hint="start_dim must not come after end_dim")
    return start, end


def _flatten_shape(ctx: Ctx) -> Shape:
    start, end = _flat_range(ctx)
    return (*ctx.x[:start], prod(ctx.x[start:end + 1]), *ctx.x[end + 1:])


def _flatten_torch(ctx: Ctx) -> tuple[str | None, str]:
    start, end = _flat_range(ctx)
    # nn.Flatten's defaults (1, -1) are v1's flatten: everything but the batch
    keywords = [] if start == 0 else [f"start_dim={start + 1}"]
    if end != len(ctx.x) - 1:
        keywords.append(f"end_dim={end + 1}")
    return f"nn.Flatten({', '.join(keywords)})", "{m}({0})"


def _flatten_formulas(ctx: Ctx) -> list[str]:
    """`features: 64·12·12 = 9,216`: the dims merged and their product."""
    start, end = _flat_range(ctx)
    merged = ctx.x[start:end + 1]
    return [f"features: {'·'.join(map(str, merged))} = {prod(merged):,}"] if len(merged) > 1 else []


FLATTEN = OpSpec(
    name="flatten",
    kind="shape",
    summary="merges the dims start_dim..end_dim into one (nn.Flatten); by default everything "
            "but the batch becomes [F]",
    args=(Arg("start_dim", Int(), 0, "counts over the batch-less shape; 0 = channels"),
          Arg("end_dim", Int(), -1)),
    shape=_flatten_shape,
    formulas=lambda ctx, out: _flatten_formulas(ctx),
    view=lambda ctx: True,  # a view of contiguous memory
    # flattening one dim returns the input itself, whatever its strides
    layout=lambda ctx: KEEP if len(set(_flat_range(ctx))) == 1 else RESHAPE,
    torch=_flatten_torch,
)


def _unflatten_shape(ctx: Ctx) -> Shape:
    dim = _dim(ctx, "dim", ctx.args["dim"])
    sizes = _infer(ctx, "sizes", _sizes(ctx.args["sizes"]), ctx.x[dim], f"dim {dim}")
    return (*ctx.x[:dim], *sizes, *ctx.x[dim + 1:])


def _unflatten_torch(ctx: Ctx) -> tuple[str | None, str]:
    dim = _dim(ctx, "dim", ctx.args["dim"])
    sizes = _unflatten_shape(ctx)[dim:dim + len(_sizes(ctx.args["sizes"]))]
    return f"nn.Unflatten({dim + 1}, {tuple(sizes)!r})", "{m}({0})"


UNFLATTEN = OpSpec(
    name="unflatten",
    kind="shape",
    summary="splits one dim into several (nn.Unflatten; one size may be -1)",
    args=(Arg("dim", Int(), doc="counts over the batch-less shape; 0 = channels"),
          Arg("sizes", PerAxis(Int(-1)), doc="the new sizes; one may be -1")),
    shape=_unflatten_shape,
    view=lambda ctx: True,
    layout=lambda ctx: RESHAPE,
    torch=_unflatten_torch,
)


def _squeezed(ctx: Ctx) -> tuple[int, ...]:
    """The batch-less dims squeeze removes: the given ones that have size 1 (PyTorch leaves
    a dim of another size alone), or every dim of size 1."""
    dim = ctx.args["dim"]
    if dim is None:
        dims = tuple(i for i, n in enumerate(ctx.x) if n == 1)
    else:
        given = tuple(_dim(ctx, "dim", d) for d in _sizes(dim))
        if len(set(given)) != len(given):
            raise OpError("E209", f"dim {list(_sizes(dim))} repeats a dim", "dim")
        dims = tuple(sorted(d for d in given if ctx.x[d] == 1))
    if len(dims) == len(ctx.x):
        # a tensor of the batch alone: cnncalc's shapes have at least one dim besides it
        raise OpError("E209", f"squeezing {list(ctx.x)} would leave only the batch dim",
                      "dim", hint="keep one dim (flatten gives [1])")
    return dims


def _squeeze_torch(ctx: Ctx) -> tuple[str | None, str]:
    dims = _squeezed(ctx)
    if not dims:
        return None, "{0}"
    return None, f"{{0}}.squeeze({tuple(d + 1 for d in dims)!r})"


SQUEEZE = OpSpec(
    name="squeeze",
    kind="shape",
    summary="removes dims of size 1 (torch.squeeze): all of them, or those of `dim`",
    args=(Arg("dim", Either((Null(), PerAxis(Int()))), None,
              "a dim or a list of dims over the batch-less shape; null: every dim of size 1"),),
    shape=lambda ctx: tuple(n for i, n in enumerate(ctx.x) if i not in _squeezed(ctx)),
    view=lambda ctx: True,
    layout=lambda ctx: KEEP,
    torch=_squeeze_torch,
)


def _unsqueezed(ctx: Ctx) -> int:
    return _dim(ctx, "dim", ctx.args["dim"], len(ctx.x) + 1)


UNSQUEEZE = OpSpec(
    name="unsqueeze",
    kind="shape",
    summary="inserts a dim of size 1 at `dim` (torch.unsqueeze)",
    args=(Arg("dim", Int(), doc="where, over the batch-less output shape"),),
    shape=lambda ctx: (*ctx.x[:_unsqueezed(ctx)], 1, *ctx.x[_unsqueezed(ctx):]),
    view=lambda ctx: True,
    layout=lambda ctx: KEEP,
    torch=lambda ctx: (None, f"{{0}}.unsqueeze({_unsqueezed(ctx) + 1})"),
)

RESHAPING = [RESHAPE_OP, PERMUTE, TRANSPOSE, UNFLATTEN, SQUEEZE, UNSQUEEZE]
