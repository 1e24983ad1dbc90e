"""`expect:` checks: the figures a user wrote (figures.py reads them) against the computed ones.

Every figure becomes a Verdict (right or wrong: a homework answer sheet); a wrong one is also
an E301 diagnostic at the key the user wrote.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..diagnostics import Diagnostic
from ..figures import Rounded, per_axis, right, show
from ..frozen import frozen
from ..graph import Shape, ShapeExpect, from_layout, in_layout
from ..source import Span
from .counts import NodeCounts
from .receptive import Field


@frozen
class Verdict:
    """One `expect:` figure checked against what cnncalc computed."""

    path: str  # the layer path, or "network"
    key: str  # shape, output, params, trainable_params, buffers, macs, memory, values, ...
    expected: Any  # an int, a shape, a per-axis text (`7x11`) or a Rounded (figures.py)
    computed: Any
    span: Span
    node: int  # the node whose output the figure is about (for explanations)

    @property
    def ok(self) -> bool:
        return right(self.expected, self.computed)


def other_order(v: Verdict) -> bool:
    """Whether a wrong shape has the right numbers written in the other layout's order
    (`55x55x96` in a channels-first file, `96x55x55` in a `layout: hwc` one)."""
    if not (isinstance(v.expected, tuple) and isinstance(v.computed, tuple)) or v.ok:
        return False
    return v.expected in (in_layout(v.computed, "hwc"), from_layout(v.computed, "hwc"))


@frozen
class Computed:
    """What the figures are checked against, per node (the passes' results)."""

    shapes: Sequence[Shape | None]
    counts: Sequence[NodeCounts]
    sizes: Sequence[int]  # bytes each node allocates (x batch)
    itemsize: int
    fields: Sequence[Field | None]
    depth: int  # the network's depth in conv and linear layers
    ops: Sequence[str]  # each node's op


def check(expect: ShapeExpect, c: Computed) -> Iterator[Verdict]:
    shapes = c.shapes
    covered = [c.counts[i] for i in expect.nodes]
    if (expect.output < 0 or shapes[expect.output] is None
            or any(shapes[i] is None for i in expect.nodes)):
        return  # something inside failed and was reported; the figures would mislead
    memory = sum(c.sizes[i] for i in expect.nodes)
    actual: dict[str, Any] = {
        "shape": shapes[expect.output],
        "output": shapes[expect.output],
        "params": sum(n.params for n in covered),
        "trainable_params": sum(n.trainable for n in covered),
        "buffers": sum(n.buffers for n in covered),
        "macs": sum(n.macs for n in covered),
        "memory": memory,
        "values": memory // c.itemsize,
        "layers": c.depth,
        "outputs": tuple(shapes[i] for i in expect.results),
    }
    field = c.fields[expect.output]
    if field is not None:
        actual |= {"rf": per_axis(field.size), "rf_stride": per_axis(field.stride),
                   "rf_start": per_axis(field.start)}
    for key, wanted, span in expect.figures:
        if key.startswith("ops."):  # a per-op subtotal: ops.conv.params
            _, op, figure = key.split(".")
            actual[key] = _subtotal(c, [i for i in expect.nodes if c.ops[i] == op], figure)
        yield Verdict(expect.path, key, wanted, actual.get(key, "no receptive field"), span,
                      expect.output)


def _subtotal(c: Computed, nodes: list[int], figure: str) -> int:
    """A figure summed over `nodes` (all of one op)."""
    if figure == "layers":
        return len(nodes)
    if figure in ("memory", "values"):
        memory = sum(c.sizes[i] for i in nodes)
        return memory if figure == "memory" else memory // c.itemsize
    return sum(getattr(c.counts[i], figure) for i in nodes)


def diagnostic(v: Verdict, layout: str = "chw") -> Diagnostic:
    """E301 for a wrong figure; shapes in `layout`, the order the file writes them."""
    where = "the network" if v.path == "network" else v.path
    delta = (f" ({v.computed - v.expected:+,})"
             if isinstance(v.computed, int) and isinstance(v.expected, int) else "")
    if isinstance(v.expected, Rounded):
        delta = f" (not {show(v.expected)} at the precision written)"
    hint = "fix the layer, or the expected value"
    if other_order(v):
        other = "H×W×C" if layout == "chw" else "C×H×W"
        delta = f" (same numbers, other order: that is {other})"
        hint = (f"write {show(v.computed, layout)}"
                + (", or declare `layout: hwc`" if layout == "chw" else
                   ", or leave out `layout: hwc`"))
    return Diagnostic("E301", f"expected {v.key} of {where} {show(v.expected, layout)}, "
                      f"computed {show(v.computed, layout)}{delta}", v.span, hint,
                      None if v.path == "network" else v.path)
