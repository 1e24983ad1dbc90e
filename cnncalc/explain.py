"""`cnncalc explain`: each layer's arithmetic with the numbers put in, as a course writes it.

    output H: (227 − 11 + 2·0)/4 + 1 = 55
    params: (11·11·3)·96 + 96 = 34,944

Shape formulas come from the op's windows, parameter formulas from its registry entry; MACs,
memory and the receptive-field step are the same for every op.
"""

from __future__ import annotations

from .analysis import Analysis, LayerResult
from .format import DTYPES
from .frozen import frozen
from .graph import format_shape
from .ops import REGISTRY, Ctx, OpError, Window
from .ops.base import axis_name, prod
from .passes import context, fractions, receptive


@frozen
class Explanation:
    """One layer's numbers with the arithmetic that gives them."""

    layer: LayerResult
    lines: tuple[str, ...]
    # the file the layer is written in when it is not the one analysed (an included library,
    # a YOLO config's block library): its `line` is that file's
    file: str = ""


def select(analysis: Analysis, wanted: list[str]) -> list[LayerResult]:
    """Layers by exact path, or everything under a path prefix (a block call or repeat)."""
    if not wanted:
        return list(analysis.layers)
    return [layer for layer in analysis.layers
            if any(layer.path == w or layer.path.startswith((w + ".", w + "[")) for w in wanted)]


def explain(analysis: Analysis, wanted: list[str] | None = None) -> list[Explanation]:
    graph = analysis.graph
    if graph is None:
        return []
    by_path = {node.name: node for node in graph.nodes}
    shapes = analysis.shapes
    itemsize = DTYPES[analysis.dtype]
    out: list[Explanation] = []
    for layer in select(analysis, wanted or []):
        node = by_path[layer.path]
        spec = REGISTRY[node.op]
        ctx = context(node, shapes, graph.nodes)
        shape = shapes[node.index]
        lines: list[str] = []
        file = node.span.file if node.span.file != analysis.source.name else ""
        if ctx is None or shape is None:
            out.append(Explanation(layer, ("not computed: see the errors above",), file))
            continue
        ins = ", ".join(format_shape(s, analysis.layout) for s in ctx.inputs)
        lines.append(f"shape: {ins} → {format_shape(shape, analysis.layout)}")
        if spec.windows is not None:
            try:
                windows = spec.windows(ctx)
            except OpError:
                windows = []
            axes: dict[Window, list[str]] = {}  # identical axes share a line, as in class
            for i, w in enumerate(windows):
                axes.setdefault(w, []).append(axis_name(len(windows), i))
            for w, names in axes.items():
                value = fractions.exact(w)
                text = f"output {' and '.join(names)}: {fractions.formula(w)} = "
                if value.denominator == 1:
                    text += f"{value}"
                else:
                    how = "rounded up (ceil_mode)" if w.out > value else "floored"
                    text += f"{fractions.decimal(value)} → {w.out} ({how})"
                lines.append(text)
        lines += [line for line in spec.formulas(ctx, shape) if line]
        if spec.windows is not None and not layer.params and not any(
                line.startswith("params:") for line in lines):
            lines.append("params: 0 (a window with no weights)")  # pooling: a quiz asks
        macs = layer.macs // analysis.batch
        if macs:
            per_out, per_in = prod(shape), prod(ctx.x)
            if macs % per_out == 0:
                lines.append(f"MACs: {per_out:,} outputs × {macs // per_out:,} multiplies = "
                             f"{macs:,}")
            else:
                lines.append(f"MACs: {per_in:,} inputs × {macs // per_in:,} multiplies = "
                             f"{macs:,}")
        if layer.activation_bytes:
            per = "" if analysis.batch == 1 else f" × batch {analysis.batch}"
            lines.append(f"memory: {prod(shape):,} values{per} × {itemsize} B "
                         f"({analysis.dtype}) = {layer.activation_bytes:,} B")
        else:
            lines.append("memory: allocates nothing (a view, or in place)")
        lines += _field(analysis, node.index, ctx)
        for d in analysis.diagnostics:
            if d.path == layer.path and d.code in ("W101", "N101", "N102"):
                lines.append(f"{d.severity.value}: {d.message}" + (f" — {d.hint}" if d.hint
                                                                   else ""))
        out.append(Explanation(layer, tuple(lines), file))
    return out


def _field(analysis: Analysis, index: int, ctx: Ctx) -> list[str]:
    graph = analysis.graph
    assert graph is not None
    node = graph.nodes[index]
    after = analysis.layers[index - 1].receptive_field
    before_layer = node.inputs[0] if node.inputs else None
    if after is None:
        return []
    before = (analysis.layers[before_layer - 1].receptive_field if before_layer
              else receptive.Field((1,) * len(after.size), (1,) * len(after.size),
                                   (0,) * len(after.size)))
    shape = analysis.shapes[index]
    if before is None or shape is None or REGISTRY[node.op].multi_input:
        return [f"receptive field: size {after.size[0]}, stride {after.stride[0]}, start "
                f"{after.start[0]} (the widest of the merged paths)"]
    steps = receptive.steps(node, ctx, shape)
    if not steps:
        return []
    k, s, p = steps[0]
    r, j, a = before.size[0], before.stride[0], before.start[0]
    return [f"receptive field: size {r} + ({k} − 1)·{j} = {after.size[0]}, stride {j}·{s} = "
            f"{after.stride[0]}, start {a} − {p}·{j} = {after.start[0]}"
            + ("" if len(set(after.size)) == 1 else f" (first axis; all: {after.size})")]
