"""Ops with several outputs (format 1.1): chunk and split, PyTorch's views of pieces of a dim.

A split op's node reports its first piece as "the" output and all of them through `outputs`.
Layers read piece i through `id[i]`: the expander makes one `getitem` node per piece read
(as torch.fx does for a tuple), whose shape is that piece's; the split node itself is read
by nothing else, and naming it without an index is an error.
"""

from __future__ import annotations

from typing import Any

from ..graph import Shape
from .base import Arg, Ctx, Int, OpError, OpSpec, PerAxis, short_int

# pieces of one split op: each is a node's shape in JSON and tables (and a tuple in memory)
MAX_PIECES = 10_000


def _dim(ctx: Ctx) -> int:
    n, dim = len(ctx.x), ctx.args["dim"]
    if not -n <= dim < n:
        raise OpError("E209", f"dim {short_int(dim)} is out of range for the input "
                      f"{list(ctx.x)}", "dim",
                      hint=f"use a dim from {-n} to {n - 1} (batch excluded; 0 = channels)")
    return int(dim % n)


def _pieces(ctx: Ctx, dim: int, sizes: list[int] | range, arg: str) -> tuple[Shape, ...]:
    return tuple((*ctx.x[:dim], size, *ctx.x[dim + 1:]) for size in sizes)


def _even(ctx: Ctx, dim: int, size: int, arg: str) -> tuple[Shape, ...]:
    """Pieces of `size` along `dim`, the last one shorter (torch.split with an int)."""
    length = ctx.x[dim]
    count = -(-length // size)
    if count > MAX_PIECES:
        raise OpError("E222", f"splitting dim {dim} ({length:,}) into pieces of {size:,} gives "
                      f"{count:,} outputs, more than {MAX_PIECES:,}", arg,
                      hint="a layer's outputs are listed one by one: use larger pieces")
    sizes = [size] * (length // size) + ([length % size] if length % size else [])
    return _pieces(ctx, dim, sizes, arg)


def _chunk_outputs(ctx: Ctx) -> tuple[Shape, ...]:
    # torch.chunk: pieces of ceil(L / chunks), so fewer than `chunks` pieces may come out
    # (5 in 4 chunks: 2, 2, 1)
    dim = _dim(ctx)
    chunks = ctx.args["chunks"]
    if chunks > MAX_PIECES:
        raise OpError("E222", f"{chunks:,} chunks: more than {MAX_PIECES:,} outputs",
                      "chunks", hint="a layer's outputs are listed one by one: fewer chunks")
    return _even(ctx, dim, -(-ctx.x[dim] // chunks), "chunks")


def _split_outputs(ctx: Ctx) -> tuple[Shape, ...]:
    dim = _dim(ctx)
    sections: Any = ctx.args["split_size_or_sections"]
    if not isinstance(sections, tuple):
        return _even(ctx, dim, sections, "split_size_or_sections")
    if sum(sections) != ctx.x[dim]:
        raise OpError("E220", f"split_size_or_sections {list(sections)} sums to "
                      f"{sum(sections):,}, dim {dim} of the input {list(ctx.x)} has "
                      f"{ctx.x[dim]:,}", "split_size_or_sections",
                      hint="the sections must add up to the dim's size")
    return _pieces(ctx, dim, list(sections), "split_size_or_sections")


def _torch_dim(ctx: Ctx) -> int:
    return _dim(ctx) + 1


CHUNK = OpSpec(
    name="chunk",
    kind="shape",
    summary="splits a dim into `chunks` pieces of ceil(L / chunks), the last smaller (and "
            "fewer pieces when they run out): torch.chunk, views; read them as id[i]",
    args=(Arg("chunks", Int(1)), Arg("dim", Int(), 0, "counts over the batch-less shape")),
    shape=lambda ctx: _chunk_outputs(ctx)[0],
    outputs=_chunk_outputs,
    view=lambda ctx: True,
    layout=lambda ctx: "strided",  # a piece of a dim after the batch: not contiguous
    torch=lambda ctx: (None, f"{{0}}.chunk({ctx.args['chunks']}, {_torch_dim(ctx)})"),
)

SPLIT = OpSpec(
    name="split",
    kind="shape",
    summary="splits a dim into pieces of one size (the last smaller) or of the listed sizes: "
            "torch.split, views; read them as id[i]",
    args=(Arg("split_size_or_sections", PerAxis(Int(1)),
              doc="one size, or the size of each piece (a list, in keyword form)"),
          Arg("dim", Int(), 0, "counts over the batch-less shape")),
    shape=lambda ctx: _split_outputs(ctx)[0],
    outputs=_split_outputs,
    view=lambda ctx: True,
    layout=lambda ctx: "strided",
    torch=lambda ctx: (None, f"{{0}}.split({ctx.args['split_size_or_sections']!r}, "
                             f"{_torch_dim(ctx)})"),
)

GETITEM = OpSpec(
    name="getitem",
    kind="shape",
    summary="output `index` of a split op (made by the expander for `id[i]`)",
    args=(),
    # the expander knows the piece's shape from the split op's outputs and passes it in
    shape=lambda ctx: ctx.args["shape"],
    view=lambda ctx: True,
    layout=lambda ctx: "keep",
    torch=lambda ctx: (None, f"{{0}}[{ctx.args['index']}]"),
    internal=True,
)

SPLITS = [CHUNK, SPLIT]
