"""The graph IR: frozen nodes in topological order, produced by expansion, read by passes."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from .frozen import frozen
from .source import Span

Shape = tuple[int, ...]  # channels first, batch excluded: (C, H, W), (C, L), (C, D, H, W), (F,)


def format_shape(shape: Shape, layout: str = "chw") -> str:
    """`64x56x56`, or CS231n's `56x56x64` for layout 'hwc'."""
    return "x".join(map(str, in_layout(shape, layout)))


def in_layout(shape: Shape, layout: str) -> Shape:
    """A channels-first shape in the order `layout` writes it (hwc: channels last)."""
    return shape[1:] + shape[:1] if layout == "hwc" and len(shape) > 1 else shape


def from_layout(dims: Shape, layout: str) -> Shape:
    """A shape written in `layout`'s order, channels first."""
    return dims[-1:] + dims[:-1] if layout == "hwc" and len(dims) > 1 else dims


@frozen
class Node:
    """One layer instance after expansion; node 0 of every graph is the network input."""

    index: int
    op: str  # canonical op name in the registry
    path: tuple[str, ...]  # ("res3", "[0]", "conv2"); joined by `path_str`
    args: dict[str, Any]  # validated argument values, defaults filled in
    inputs: tuple[int, ...]  # indices of earlier nodes
    span: Span  # the layer entry that produced this node
    arg_spans: dict[str, Span] = field(default_factory=dict)
    rank: int | None = None  # spatial rank demanded by an alias such as conv2d
    trainable: bool = True  # false under `trainable: false`: requires_grad=False
    # false under `inference: false`: built (its parameters and buffers count) but not run by
    # the inference forward, so no MACs and no activations
    inference: bool = True
    # `path_str(path)`, made once: every pass and renderer names nodes, many times over
    name: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", path_str(self.path))

    def arg_span(self, arg: str | None) -> Span:
        return self.arg_spans.get(arg, self.span) if arg else self.span


def path_str(path: tuple[str, ...]) -> str:
    """("res3", "[0]", "conv2") -> "res3[0].conv2"."""
    # parts are names (ids, blocks, ops: no dots or brackets) and copy numbers "[i]"
    return ".".join(path).replace(".[", "[")


@frozen
class ShapeExpect:
    """An `expect:` entry: figures the user wrote, each with where they wrote it."""

    nodes: tuple[int, ...]  # the nodes the entry covers (all copies of a repeat, a block body)
    output: int  # the node whose output shape is checked
    figures: tuple[tuple[str, Any, Span], ...]  # (key, expected value, span)
    path: str
    span: Span
    results: tuple[int, ...] = ()  # the network's outputs (for an `outputs` figure)


@frozen
class Graph:
    """An expanded network: nodes in topological order and what the file expects of it."""

    name: str
    nodes: tuple[Node, ...]  # topological order; nodes[0] is the input
    output: int  # the node whose output is the network's output; -1 when its layer failed
    batch: int
    dtype: str
    expects: tuple[ShapeExpect, ...] = ()  # per-layer and whole-network (nodes == all)
    # what each block call or repeat is, by path prefix: ("res3",) -> "bottleneck x4"
    groups: dict[tuple[str, ...], str] = field(default_factory=dict)
    # every output of each node with several (chunk, split), by node index; its shape in the
    # shapes list is the first
    pieces: dict[int, tuple[Shape, ...]] = field(default_factory=dict)
    # the network's `outputs:`, in order (empty: the file names none; its output is `output`)
    results: tuple[int, ...] = ()
    layout: str = "chw"  # how the file writes shapes (`layout:`): its input and expected shapes
