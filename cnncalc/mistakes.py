"""Common homework mistakes, named when a wrong answer equals one of them.

Each rule asks whether the expected figure is what a known slip gives: the parameters without
the biases, an output size without the padding, one layer of the several an entry covers, one
copy of a repeat, the weights of one filter instead of all, the value count instead of bytes
(or the reverse), FLOPs instead of MACs. (H×W×C order is told by `expectations.other_order`.)
A rule recomputes what the slip computes from the layer's own registry entry, never from its
op's name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from .analysis import Analysis
from .format import DTYPES
from .frozen import frozen
from .graph import Node, format_shape
from .ops import REGISTRY, OpError
from .passes import context
from .passes.expectations import Verdict


@frozen
class Covered:
    """What the rules know of the nodes a wrong figure is about."""

    analysis: Analysis
    nodes: tuple[Node, ...]  # the nodes the expectation covers, in order
    output: Node  # the node whose output shape is checked

    def shape(self, node: Node, **args: Any) -> Any:
        """The output shape of `node` with some arguments changed; None when it fails."""
        ctx = context(node, self.analysis.shapes, self.nodes_of_graph)
        if ctx is None:
            return None
        try:
            return REGISTRY[node.op].shape(dataclasses.replace(ctx, args={**ctx.args, **args}))
        except (OpError, KeyError, ValueError, TypeError):
            return None

    def params(self, node: Node, **args: Any) -> int | None:
        ctx = context(node, self.analysis.shapes, self.nodes_of_graph)
        out = self.analysis.shapes[node.index]
        if ctx is None or out is None:
            return None
        changed = dataclasses.replace(ctx, args={**ctx.args, **args})
        try:
            return REGISTRY[node.op].params(changed, out).params
        except (OpError, KeyError, ValueError, TypeError):
            return None

    @property
    def nodes_of_graph(self) -> tuple[Node, ...]:
        graph = self.analysis.graph
        assert graph is not None
        return graph.nodes

    def each(self, key: str) -> list[tuple[Node, int]]:
        """The figure `key` of each covered layer that has some (params, macs, memory)."""
        layers = {layer.path: layer for layer in self.analysis.layers}
        out = []
        for node in self.nodes:
            layer = layers.get(node.name)
            if layer is None:
                continue
            value = {"params": layer.params, "trainable_params": layer.trainable_params,
                     "macs": layer.macs, "memory": layer.activation_bytes,
                     "values": layer.activation_bytes // DTYPES[self.analysis.dtype]
                     }.get(key, 0)
            if value:
                out.append((node, value))
        return out


Rule = Callable[[Verdict, Covered], str | None]


def no_biases(v: Verdict, c: Covered) -> str | None:
    if v.key not in ("params", "trainable_params"):
        return None
    counted = dict((node.index, value) for node, value in c.each(v.key))
    without = 0
    for node in c.nodes:
        unbiased = c.params(node, bias=False) if node.args.get("bias") is True else None
        without += unbiased if unbiased is not None else counted.get(node.index, 0)
    if v.expected == without != v.computed:
        return f"the count without the biases ({without:,}): each filter has a bias too"
    return None


def no_padding(v: Verdict, c: Covered) -> str | None:
    padding = c.output.args.get("padding")
    if v.key != "shape" or padding in (None, 0, "valid") or not isinstance(v.expected, tuple):
        return None
    unpadded = c.shape(c.output, padding=0)
    if unpadded is not None and tuple(unpadded) == v.expected:
        shown = format_shape(tuple(unpadded), c.analysis.layout)
        return (f"the size without the padding ({shown}): (W − F + 2P)/S + 1 "
                f"with P = {padding}")
    return None


def one_of_several(v: Verdict, c: Covered) -> str | None:
    layers = c.each(v.key)
    if len(layers) < 2:
        return None
    for node, value in layers:
        if value == v.expected:
            return f"the {v.key} of one layer ({node.name}) of the {len(layers)} it covers"
    return None


def one_copy(v: Verdict, c: Covered) -> str | None:
    """A repeat's figure answered for one of its copies (`b2[0]` of `b2`, a block called
    twice)."""
    copies: dict[str, int] = {}
    for node, value in c.each(v.key):
        rest = node.name[len(v.path):]
        if not rest.startswith("["):  # a layer of the entry itself, not of a copy of it
            return None
        copy = v.path + rest[:rest.index("]") + 1]
        copies[copy] = copies.get(copy, 0) + value
    if len(copies) < 2:
        return None
    for copy, value in copies.items():
        if value == v.expected:
            return f"the {v.key} of one copy ({copy}) of the {len(copies)} it repeats"
    return None


def one_filter(v: Verdict, c: Covered) -> str | None:
    node = c.output
    filters = node.args.get("out_channels")
    if v.key != "params" or len(c.each("params")) != 1 or not isinstance(filters, int):
        return None
    weights = c.params(node, bias=False) if "bias" in node.args else v.computed
    if not isinstance(weights, int) or weights % filters:
        return None
    one = weights // filters
    if v.expected in (one, one + 1):
        return (f"the weights of one filter ({one:,}{' + 1 bias' if v.expected > one else ''}"
                f"), not of all {filters:,}")
    return None


def values_for_bytes(v: Verdict, c: Covered) -> str | None:
    itemsize = DTYPES[c.analysis.dtype]
    if v.key == "memory" and v.expected * itemsize == v.computed:
        return (f"the value count, not bytes: {v.expected:,} values × {itemsize} B "
                f"({c.analysis.dtype}) = {v.computed:,} B")
    if v.key == "values" and v.expected == v.computed * itemsize:
        return f"bytes, not values: {v.expected:,} B / {itemsize} B = {v.computed:,} values"
    return None


def flops_for_macs(v: Verdict, c: Covered) -> str | None:
    if v.key == "macs" and v.expected == 2 * v.computed:
        return "FLOPs, not MACs: a multiply-accumulate is 2 floating-point operations"
    return None


RULES: tuple[tuple[str, Rule], ...] = (
    ("no biases", no_biases),
    ("no padding", no_padding),
    ("one layer of several", one_of_several),
    ("one copy of several", one_copy),
    ("one filter", one_filter),
    ("values for bytes", values_for_bytes),
    ("FLOPs for MACs", flops_for_macs),
)


def name(a: Analysis, v: Verdict) -> str | None:
    """The mistake the wrong figure `v` equals, if a rule knows it."""
    found = find(a, v)
    return found[1] if found else None


def find(a: Analysis, v: Verdict) -> tuple[str, str] | None:
    """The rule (its name in RULES) that the wrong figure `v` equals, and the mistake in
    words; None when no rule knows it."""
    graph = a.graph
    if graph is None or v.ok or not isinstance(v.expected, (int, tuple)):
        return None
    nodes = _covered(a, v)
    c = Covered(a, nodes, graph.nodes[v.node])
    for rule_name, rule in RULES:
        found = rule(v, c)
        if found:
            return rule_name, found
    return None


def _covered(a: Analysis, v: Verdict) -> tuple[Node, ...]:
    graph = a.graph
    assert graph is not None
    if v.path == "network":
        return graph.nodes[1:]
    prefixes = (v.path + ".", v.path + "[")
    return tuple(n for n in graph.nodes[1:] if n.name == v.path or n.name.startswith(prefixes))
