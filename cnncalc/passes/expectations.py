"""`expect:` checks: the figures a user wrote against the computed ones (E301 at the key)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..diagnostics import Diagnostic
from ..graph import Shape, ShapeExpect, format_shape
from .counts import NodeCounts


def _show(key: str, value: Any) -> str:
    if isinstance(value, tuple):
        return format_shape(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def check(expect: ShapeExpect, shapes: Sequence[Shape | None],
          counts: Sequence[NodeCounts]) -> Iterator[Diagnostic]:
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
        got = actual[key]
        if got != wanted:
            where = "the network" if expect.path == "network" else expect.path
            delta = f" ({got - wanted:+,})" if isinstance(got, int) else ""
            yield Diagnostic("E301", f"expected {key} of {where} {_show(key, wanted)}, "
                             f"computed {_show(key, got)}{delta}", span,
                             "fix the layer, or the expected value", None
                             if expect.path == "network" else expect.path)
