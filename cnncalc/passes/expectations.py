"""`expect:` checks: the figures a user wrote against the computed ones.

Every figure becomes a Verdict (right or wrong: a homework answer sheet); a wrong one is also
an E301 diagnostic at the key the user wrote.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..diagnostics import Diagnostic
from ..frozen import frozen
from ..graph import Shape, ShapeExpect, format_shape, from_layout, in_layout
from ..source import Span
from .counts import NodeCounts


@frozen
class Verdict:
    """One `expect:` figure checked against what cnncalc computed."""

    path: str  # the layer path, or "network"
    key: str  # shape, output, params, trainable_params, buffers, macs
    expected: Any
    computed: Any
    span: Span
    node: int  # the node whose output the figure is about (for explanations)

    @property
    def ok(self) -> bool:
        return bool(self.expected == self.computed)


def show(value: Any, layout: str = "chw") -> str:
    """A figure as cnncalc prints it: a shape in `layout`'s order, a count with commas."""
    if isinstance(value, tuple):
        return format_shape(value, layout)
    return f"{value:,}" if isinstance(value, int) else str(value)


def other_order(v: Verdict) -> bool:
    """Whether a wrong shape has the right numbers written in the other layout's order
    (`55x55x96` in a channels-first file, `96x55x55` in a `layout: hwc` one)."""
    if not (isinstance(v.expected, tuple) and isinstance(v.computed, tuple)) or v.ok:
        return False
    return v.expected in (in_layout(v.computed, "hwc"), from_layout(v.computed, "hwc"))


def check(expect: ShapeExpect, shapes: Sequence[Shape | None],
          counts: Sequence[NodeCounts]) -> Iterator[Verdict]:
    covered = [counts[i] for i in expect.nodes]
    if (expect.output < 0 or shapes[expect.output] is None
            or any(shapes[i] is None for i in expect.nodes)):
        return  # something inside failed and was reported; the figures would mislead
    actual: dict[str, Any] = {
        "shape": shapes[expect.output],
        "output": shapes[expect.output],
        "params": sum(c.params for c in covered),
        "trainable_params": sum(c.trainable for c in covered),
        "buffers": sum(c.buffers for c in covered),
        "macs": sum(c.macs for c in covered),
    }
    for key, wanted, span in expect.figures:
        yield Verdict(expect.path, key, wanted, actual[key], span, expect.output)


def diagnostic(v: Verdict, layout: str = "chw") -> Diagnostic:
    """E301 for a wrong figure; shapes in `layout`, the order the file writes them."""
    where = "the network" if v.path == "network" else v.path
    delta = (f" ({v.computed - v.expected:+,})"
             if isinstance(v.computed, int) and isinstance(v.expected, int) else "")
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
