"""Receptive fields per node and axis: size, effective stride (jump) and start.

Forward recurrence from one input pixel (size 1, stride 1, start 0), per layer step
(k = dilated kernel extent, s = stride, p = left padding):
    size  += (k - 1) * jump;  start -= p * jump;  jump *= s
`start` is the input coordinate where output unit 0's field begins (negative: in the padding).
Merges take, per axis, the input with the largest field and note paths that disagree in jump
or centre. Upsampling and transposed convolutions have no such field: it is left undefined.
So is a field past 2^63 - 1 (strides multiply: 300 layers of stride 2^62 on a 1-pixel map
would make a number of 5,600 digits, which nothing can print and every step costs more).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from ..diagnostics import Diagnostic
from ..frozen import frozen
from ..graph import Graph, Node, Shape
from ..limits import MAX_INT
from ..ops import REGISTRY, Ctx, OpError
from ..ops.base import Step
from . import Memo


@frozen
class Field:
    """A receptive field per spatial axis: size, stride (jump) and start."""

    size: tuple[int, ...]
    stride: tuple[int, ...]
    start: tuple[int, ...]

    def step(self, steps: Sequence[Step]) -> Field | None:
        """The field after a layer's steps; None past int64 (undefined, see above)."""
        if steps.count((1, 1, 0)) == len(steps):  # one pixel in, one out: the same field
            return self
        size, stride, start = [], [], []
        for r, j, a, (k, s, p) in zip(self.size, self.stride, self.start, steps):
            size.append(r + (k - 1) * j)
            start.append(a - p * j)
            stride.append(j * s)
        if max(*size, *stride, *[abs(a) for a in start]) > MAX_INT:
            return None
        return Field(tuple(size), tuple(stride), tuple(start))


def steps(node: Node, ctx: Ctx | None, out: Shape | None) -> Sequence[Step] | None:
    """The layer's step per spatial axis (a rule: see passes.Memo); None when undefined."""
    spec = REGISTRY[node.op]
    if ctx is None or out is None:
        return None
    try:
        if spec.rf is not None:
            steps: Sequence[Step] | None = spec.rf(ctx, out)
            return steps
        if spec.windows is not None:
            return [(w.span, w.stride, w.pad_left) for w in spec.windows(ctx)]
    except OpError:  # reported by the shape pass
        return None
    # shape-preserving ops (activations, norms, dropout): one pixel in, one pixel out
    return [(1, 1, 0)] * len(out[1:]) if ctx.x[1:] == out[1:] else None


def merge_steps(node: Node, ctx: Ctx | None, out: Shape | None) -> Sequence[Any] | None:
    """A merge's step lists, one per input (None: the input's field passes unchanged); None
    when a merge has no field (a rule: see passes.Memo)."""
    spec = REGISTRY[node.op]
    if ctx is None or out is None:
        return None
    result: Sequence[Any] | None = (spec.rf(ctx, out) if spec.rf is not None
                                    else [None] * len(node.inputs))
    return result


def node_steps(node: Node, ctx: Ctx | None, out: Shape | None) -> Sequence[Any] | None:
    """`merge_steps` of a merge, `steps` of any other layer (a rule: see passes.Memo)."""
    if not node.inputs:  # the network input: where fields start
        return None
    return (merge_steps if REGISTRY[node.op].multi_input else steps)(node, ctx, out)


def fields(graph: Graph, shapes: Sequence[Shape | None], rules: Memo
           ) -> tuple[list[Field | None], list[Diagnostic]]:
    result: list[Field | None] = []
    notes: list[Diagnostic] = []
    for node, layer_steps in zip(graph.nodes, rules.each(node_steps)):
        out = shapes[node.index]
        if out is None or len(out) < 2:  # failed, or flat: no spatial field to speak of
            result.append(None)
            continue
        if not node.inputs:
            rank = len(out) - 1
            result.append(Field((1,) * rank, (1,) * rank, (0,) * rank))
            continue
        if REGISTRY[node.op].multi_input:
            field, note = _merge(node, layer_steps, shapes, graph.nodes, result, out)
            result.append(field)
            if note:
                notes.append(note)
            continue
        before = result[node.inputs[0]]
        result.append(before.step(layer_steps) if before and layer_steps is not None else None)
    return result, notes


def _merge(node: Node, steps: Sequence[Any] | None, shapes: Sequence[Shape | None],
           nodes: Sequence[Node], result: Sequence[Field | None], out: Shape
           ) -> tuple[Field | None, Diagnostic | None]:
    if steps is None:  # not defined for this merge (or not computed)
        return None, None
    paths = []
    for i, step in zip(node.inputs, steps):
        field, shape = result[i], shapes[i]
        if shape is None or field is None or len(field.size) != len(out) - 1:
            return None, None
        if step is not None:
            stepped = field.step(step)
            if stepped is None:
                return None, None
            paths.append((nodes[i].name, stepped))
        elif shape[1:] == out[1:]:
            paths.append((nodes[i].name, field))
        # else an input broadcast over the spatial axes (a [C, 1, 1] gate): it has seen all
    fields = [f for _, f in paths]
    if not fields:
        return None, None
    size, stride, start = [], [], []
    misaligned = []
    for axis, column in enumerate(zip(*[zip(f.size, f.stride, f.start) for f in fields])):
        r, j, a = max(column, key=_size)  # the first widest
        size.append(r)
        stride.append(j)
        start.append(a)
        # centres compared doubled to stay in integers: 2*start + size - 1
        if any(jj != j or 2 * aa + rr != 2 * a + r for rr, jj, aa in column):
            misaligned.append(axis)
    note = None
    if misaligned:
        axis = misaligned[0]
        described = "; ".join(f"{name}: stride {f.stride[axis]}, centre {_centre(f, axis)}"
                              for name, f in paths)
        note = Diagnostic("N103", f"the merged paths' receptive fields are not aligned "
                          f"({described}); the largest is reported", node.span,
                          "the merged features describe differently placed input windows; "
                          "nothing to fix if that is intended", node.name)
    return Field(tuple(size), tuple(stride), tuple(start)), note


_size = operator.itemgetter(0)  # of a (size, stride, start) column entry


def _centre(f: Field, axis: int) -> str:
    doubled = 2 * f.start[axis] + f.size[axis] - 1
    return str(doubled // 2) if doubled % 2 == 0 else f"{doubled / 2:.1f}"
