"""`--format table`: the layer table, totals and diagnostics.

The table is laid out here, as rich's SIMPLE_HEAD box draws it (tests/test_table_layout.py
holds the two to the same bytes): rich takes about a millisecond a row (half a second for
ResNet-152, minutes for 10^5 layers), and it shortens cells with an ellipsis when a table is
wider than the terminal. Here every cell is written whole; a narrow terminal loses whole
columns, named under the table. Colour only adds SGR sequences around the same text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..analysis import COUNTS, Analysis, LayerResult
from ..format import DTYPES
from ..frozen import frozen
from ..graph import Shape, format_shape, path_str
from ..passes.receptive import Field
from . import text
from .columns import Column, Grid
from .console import paint
from .registry import DEFAULT_COLUMNS, View
from .safe import all_clean, clean
from .units import count, size


@frozen
class Row:
    """One table row: a layer, or a block or repeat summed at `--depth`."""

    path: str
    op: str
    output: Shape | None
    params: int
    macs: int
    memory: int
    values: int
    field: Field | None
    collapsed: bool


def rows(a: Analysis, depth: int | None = None) -> list[Row]:
    """Layers, or with `depth` one summed row per block/repeat deeper than `depth` levels
    (a level is a block call, a repeat copy `[i]` or a layer), like torchinfo's depth."""
    groups = a.graph.groups if a.graph else {}
    itemsize = DTYPES[a.dtype] * a.batch
    if depth is None:  # a row per layer, as the loop below would make them, only sooner
        return [Row(layer.path, layer.op, layer.output_shape, layer.params, layer.macs,
                    layer.activation_bytes, layer.activation_bytes // itemsize,
                    layer.receptive_field, False) for layer in a.layers]
    out: list[Row] = []
    current: tuple[str, ...] | None = None
    members: list[LayerResult] = []

    def flush() -> None:
        if current is None:
            return
        collapsed = len(members) > 1 or members[0].parts != current
        op = groups.get(current, members[0].op) if collapsed else members[0].op
        last = members[-1]
        out.append(Row(path_str(current), op, last.output_shape,
                       sum(m.params for m in members), sum(m.macs for m in members),
                       sum(m.activation_bytes for m in members),
                       sum(m.activation_bytes for m in members) // itemsize,
                       last.receptive_field,
                       collapsed))

    for layer in a.layers:
        key = layer.parts if depth is None else layer.parts[:depth]
        if key != current:
            flush()
            current, members = key, []
        members.append(layer)
    flush()
    return out


def field(f: Field | None) -> str:
    if f is None:
        return "—"

    def axes(values: tuple[int, ...]) -> str:
        return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))

    return f"{axes(f.size)} /{axes(f.stride)} @{axes(f.start)}"


def bar(share: float, width: int = 10) -> str:
    eighths = round(share * width * 8)
    full, rest = divmod(eighths, 8)
    return ("█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")).ljust(width) + f" {share:6.1%}"


# the rows of a deep network repeat a few shapes and sizes: each is formatted once
_shape = functools.lru_cache(maxsize=1024)(format_shape)
_size = functools.lru_cache(maxsize=1024)(size)

CELLS: dict[str, tuple[str, Callable[[Row, str], str]]] = {
    "output": ("Output", lambda r, layout: "—" if r.output is None
               else _shape(r.output, layout)),
    "params": ("Params", lambda r, layout: f"{r.params:,}"),
    "macs": ("MACs", lambda r, layout: f"{r.macs:,}"),
    "memory": ("Memory", lambda r, layout: _size(r.memory)),
    # the values a layer allocates (memory / dtype size): the CS231n notes' "memory" column
    "values": ("Values", lambda r, layout: f"{r.values:,}"),
    "rf": ("RF size /stride @start", lambda r, layout: field(r.field)),
}


def render(a: Analysis, *, layout: str = "chw", depth: int | None = None,
           color: bool = False, width: int | None = None,
           columns: tuple[str, ...] = DEFAULT_COLUMNS, share: str | None = None,
           notes: bool = False) -> str:
    """The table, totals and diagnostics. `width` (the terminal's columns; None: no limit)
    drops columns by priority rather than cut a number, and wraps the totals and diagnostics
    at spaces; `color` only adds SGR sequences around the same text. Repeated notes are one
    line each (text.grouped) unless `notes`."""
    def ranked(name: str, header: str, right: bool) -> Column:
        return Column(header, right, DROP_ORDER.index(name) if name in DROP_ORDER else None)

    heads = [Column("Layer"), ranked("op", "Op", False)]
    for name in columns:
        title = CELLS[name][0]
        if name == "output" and layout == "hwc":
            title += " (HxWxC)"
        heads.append(ranked(name, title, name != "rf"))
    if share:
        heads.append(ranked("share", f"Share of {share}", False))
    table_rows = rows(a, depth)
    whole = max(1, sum(getattr(r, share) for r in table_rows)) if share else 1
    body: list[tuple[list[str], bool]] = []  # (cells, collapsed)
    if a.input is not None:
        input_bytes = a.totals.activation_bytes - sum(r.memory for r in table_rows)
        first = {"output": format_shape(a.input, layout), "memory": size(input_bytes),
                 "values": f"{input_bytes // (DTYPES[a.dtype] * a.batch):,}"}
        body.append((["input", "", *(first.get(c, "") for c in columns),
                      *([""] if share else [])], False))
    formats = [CELLS[c][1] for c in columns]
    # layer paths and op names come from the file: one search over all of them, and each
    # cleaned only when some of them need it
    named: Callable[[str], str] = clean
    if all_clean([r.path for r in table_rows] + [r.op for r in table_rows]):
        named = str
    # the layers the file's `outputs:` names are marked (a file without it marks none)
    results = ({a.graph.nodes[i].name for i in a.graph.results}
               if a.outputs and a.graph is not None else set())
    for row in table_rows:
        mark = " (output)" if row.path in results else ""
        cells = [named(row.path) + mark, named(row.op),
                 *[cell(row, layout) for cell in formats]]
        if share:
            part = getattr(row, share)
            cells.append(bar(part / whole) if part else "")
        body.append((cells, row.collapsed))
    out = ""
    if a.graph is not None:
        out = _layout(clean(a.name), heads, body, width, color)
        out += "\n".join(line for label_value in totals(a).splitlines()
                                 for line in text.wrap(label_value, width, " " * 18)) + "\n"
    if a.diagnostics:
        # no blank line above it when there is no table (the file could not be built)
        shown = a.diagnostics if notes else text.grouped(a.diagnostics)
        out += ("\n" if out else "") + text.diagnostics(shown, a.source, color=color,
                                                         width=width) + "\n\n"
        out += text.summary(a.diagnostics) + "\n"
    return out


# the order in which columns give way to a narrow terminal: the share bar and the extras
# first, the layer's name and its parameter count last
DROP_ORDER = ("share", "rf", "values", "memory", "macs", "op", "output")


def _layout(title: str, heads: list[Column], body: list[tuple[list[str], bool]],
            width: int | None, color: bool) -> str:
    """The title, a blank line, the header, a rule, the rows and a blank line, as rich's
    SIMPLE_HEAD box draws them (tests/test_table_layout.py holds the two to the same bytes).
    Every cell is written whole: when the table is wider than `width`, columns are left out in
    DROP_ORDER, and a line under the table names them."""
    # an edge column each side; between columns a padding, the (blank) rule, a padding
    grid = Grid(heads, [row for row, _ in body], gap="   ", indent=" ", width=width)
    lines = [paint(title, "header", color), "", paint(grid.head(), "header", color),
             " " + "─" * grid.span()]
    lines += [paint(grid.line(row), "dim", color and collapsed) for row, collapsed in body]
    lines.append("")
    if grid.dropped:
        lines += text.wrap(f"(not shown, to fit {width} columns: "
                           f"{', '.join(c.header for c in grid.dropped)}; a wider terminal, "
                           "--columns or a pipe shows them)", width, " ")
        lines.append("")
    return "\n".join(lines) + "\n"


def totals(a: Analysis) -> str:
    t = a.totals
    per = f"batch {a.batch}, {a.dtype}"
    states = {"sgd": "no optimizer state", "momentum": "1 momentum buffer",
              "adam": "2 Adam moments"}[a.optimizer]
    lines = [
        # the depth a paper quotes ("ResNet-152") beside the rows above, which also count the
        # norms, activations and pooling layers
        ("Layers", f"{len(a.layers):,}; depth {t.depth:,} (conv and linear layers on the "
                   "longest path, as papers count them)"),
        ("Total params", f"{t.params:,}{count(t.params)}"),
        ("Trainable params", f"{t.trainable_params:,}"),
        ("Buffers", f"{t.buffers:,}"),
        ("MACs", f"{t.macs:,}{count(t.macs)}, FLOPs {t.flops:,}; {a.count}: "
                 f"{COUNTS[a.count]}"),
        ("Memory", f"params {size(t.param_bytes)}, buffers {size(t.buffer_bytes)}, "
                   f"activations {size(t.activation_bytes)} (input + outputs; {per})"),
        ("Peak inference", f"{size(t.peak_bytes)} (weights + {size(t.peak_activation_bytes)} "
                           f"live activations, at {clean(t.peak_at)})"),
        ("Training est.", f"{size(t.training_bytes)} (params, grads, {states}, buffers, "
                          "every activation kept)"),
    ]
    # a layer that failed counts nothing: say so rather than let the totals pass for the
    # network's
    if a.incomplete:
        lines.append(("Incomplete", "the errors below leave layers out of these totals"))
    return "\n".join(f"{label + ':':<18}{value}" for label, value in lines)


def view(a: Analysis, v: View) -> str:
    """`show`'s table format (render/registry.py)."""
    return render(a, layout=v.layout, depth=v.depth, color=v.color, width=v.width,
                  columns=v.columns, share=v.share, notes=v.notes)
