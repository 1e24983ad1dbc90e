"""`--format table`: the layer table, totals and diagnostics, with rich (imported lazily: JSON
output and `--help` never pay for it). Plain text when `color` is false."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from ..analysis import COUNTS, Analysis, LayerResult
from ..expand import DTYPES
from ..graph import Shape, format_shape, path_str
from ..passes.receptive import Field
from . import text
from .units import count, size

COLUMNS = ("output", "params", "macs", "memory", "values", "rf")
DEFAULT_COLUMNS = ("output", "params", "macs", "memory")
SHARES = ("params", "macs", "memory")


@dataclass(frozen=True, slots=True)
class Row:
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


CELLS: dict[str, tuple[str, Callable[[Row, str], str]]] = {
    "output": ("Output", lambda r, layout: "—" if r.output is None
               else format_shape(r.output, layout)),
    "params": ("Params", lambda r, layout: f"{r.params:,}"),
    "macs": ("MACs", lambda r, layout: f"{r.macs:,}"),
    "memory": ("Memory", lambda r, layout: size(r.memory)),
    # the values a layer allocates (memory / dtype size): the CS231n notes' "memory" column
    "values": ("Values", lambda r, layout: f"{r.values:,}"),
    "rf": ("RF size /stride @start", lambda r, layout: field(r.field)),
}


def render(a: Analysis, *, layout: str = "chw", depth: int | None = None,
           color: bool = False, width: int | None = None,
           columns: tuple[str, ...] = DEFAULT_COLUMNS, share: str | None = None) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 200, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, emoji=False, soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, title=f"{a.name}", title_justify="left", pad_edge=False,
                  header_style="bold" if color else "")
    table.add_column("Layer", no_wrap=True)
    table.add_column("Op", no_wrap=True)
    for name in columns:
        title = CELLS[name][0]
        if name == "output" and layout == "hwc":
            title += " (HxWxC)"
        table.add_column(title, justify="left" if name == "rf" else "right", no_wrap=True)
    if share:
        table.add_column(f"Share of {share}", no_wrap=True)
    table_rows = rows(a, depth)
    whole = max(1, sum(getattr(r, share) for r in table_rows)) if share else 1
    if a.input is not None:
        input_bytes = a.totals.activation_bytes - sum(r.memory for r in table_rows)
        first = {"output": format_shape(a.input, layout), "memory": size(input_bytes),
                 "values": f"{input_bytes // (DTYPES[a.dtype] * a.batch):,}"}
        table.add_row("input", "", *(first.get(c, "") for c in columns),
                      *([""] if share else []))
    for row in table_rows:
        cells = [CELLS[c][1](row, layout) for c in columns]
        if share:
            part = getattr(row, share)
            cells.append(bar(part / whole) if part else "")
        table.add_row(row.path, row.op, *cells,
                      style="dim" if color and row.collapsed else None)
    if a.graph is not None:
        console.print(table)
        console.print(totals(a), markup=False, highlight=False)
    # rich pads cells to the table width; trailing blanks only get in the way of diffs
    out = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
    if a.diagnostics:
        # written as is, never wrapped: a diagnostic is one logical line plus its excerpt
        out += "\n" + text.diagnostics(a.diagnostics, a.source) + "\n\n"
        out += text.summary(a.diagnostics) + "\n"
    return out


def totals(a: Analysis) -> str:
    t = a.totals
    per = f"batch {a.batch}, {a.dtype}"
    states = {"sgd": "no optimizer state", "momentum": "1 momentum buffer",
              "adam": "2 Adam moments"}[a.optimizer]
    lines = [
        ("Total params", f"{t.params:,}{count(t.params)}"),
        ("Trainable params", f"{t.trainable_params:,}"),
        ("Buffers", f"{t.buffers:,}"),
        ("MACs", f"{t.macs:,}{count(t.macs)}, FLOPs {t.flops:,}; {a.count}: "
                 f"{COUNTS[a.count]}"),
        ("Memory", f"params {size(t.param_bytes)}, buffers {size(t.buffer_bytes)}, "
                   f"activations {size(t.activation_bytes)} (input + outputs; {per})"),
        ("Peak inference", f"{size(t.peak_bytes)} (weights + {size(t.peak_activation_bytes)} "
                           f"live activations, at {t.peak_at})"),
        ("Training est.", f"{size(t.training_bytes)} (params, grads, {states}, buffers, "
                          "every activation kept)"),
    ]
    return "\n".join(f"{label + ':':<18}{value}" for label, value in lines)
