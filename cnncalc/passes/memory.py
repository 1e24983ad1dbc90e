"""Memory: what each layer allocates for its output, and peak inference memory by liveness.

A layer allocates output elements x batch x dtype bytes unless its op says the output shares
the input's storage (views, no-ops, dropout at inference, `inplace: true` activations). Walking
the nodes in order, a storage is freed after its last consumer; the network output is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..frozen import frozen
from ..graph import Graph, Node, Shape
from ..ops import REGISTRY, Ctx
from ..ops.base import prod
from . import Memo

OPTIMIZER_STATE = {"sgd": 0, "momentum": 1, "adam": 2}  # copies of the parameters kept


@frozen
class Peak:
    """The most activation memory live at once, and where it is reached."""

    bytes: int  # activations live at the peak
    node: int  # the node whose output allocation reaches it


def shares(node: Node, ctx: Ctx | None, out: Shape | None) -> bool:
    """Whether the node's output lives in its first input's storage (a rule: see passes.Memo)."""
    return bool(node.inputs) and ctx is not None and REGISTRY[node.op].view(ctx)


def layout(node: Node, ctx: Ctx | None, out: Shape | None) -> str:
    """The op's layout rule (ops/base.py `OpSpec.layout`; a rule: see passes.Memo)."""
    return "fresh" if ctx is None or out is None else REGISTRY[node.op].layout(ctx)


def allocations(graph: Graph, shapes: Sequence[Shape | None], rules: Memo, batch: int,
                itemsize: int) -> tuple[list[int], list[int]]:
    """(bytes each node allocates, the node whose storage each node's output lives in).

    Whether an output is contiguous is followed along the graph: a reshape of a permuted
    tensor cannot be a view, so it allocates (and its copy is contiguous again)."""
    sizes: list[int] = []
    storage: list[int] = []
    contiguous: list[bool] = []
    for node, shared, kind in zip(graph.nodes, rules.each(shares), rules.each(layout)):
        out = shapes[node.index]
        before = contiguous[node.inputs[0]] if node.inputs else True
        if kind == "reshape" and not before:
            shared = False  # PyTorch copies: no view has these strides
        # elementwise ops and views keep their input's strides; a reshape's result is contiguous
        contiguous.append(before if kind == "keep" else kind != "strided")
        if out is None or shared or not node.inference:  # `inference: false`: never made
            sizes.append(0)
            storage.append(storage[node.inputs[0]] if shared else node.index)
        else:
            sizes.append(prod(out) * batch * itemsize)
            storage.append(node.index)
    return sizes, storage


def peak(graph: Graph, sizes: Sequence[int], storage: Sequence[int]) -> Peak:
    """The most activation memory live at once in a topological execution."""
    last_use = list(range(len(graph.nodes)))  # by storage owner
    for node in graph.nodes:
        for i in node.inputs if node.inference else ():  # a layer not run reads nothing
            last_use[storage[i]] = max(last_use[storage[i]], node.index)
    for result in (graph.output, *graph.results):
        if result >= 0:
            last_use[storage[result]] = len(graph.nodes)  # the results are kept
    freed = [0] * (len(graph.nodes) + 1)  # bytes freed after each node
    for owner in set(storage):
        freed[last_use[owner]] += sizes[owner]
    live, best = 0, Peak(0, 0)
    for node in graph.nodes:
        live += sizes[node.index]
        if live > best.bytes:
            best = Peak(live, node.index)
        live -= freed[node.index]
    return best
