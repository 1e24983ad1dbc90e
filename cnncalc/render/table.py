"""`--format table`: the layer table, totals and diagnostics, with rich (imported lazily: JSON
output and `--help` never pay for it). Plain text when `color` is false."""

from __future__ import annotations

import io
from dataclasses import dataclass

from ..analysis import Analysis, LayerResult
from ..graph import Shape, format_shape, path_str
from . import text


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    op: str
    output: Shape | None
    params: int
    macs: int
    collapsed: bool


def rows(a: Analysis, depth: int | None = None) -> list[Row]:
    """Layers, or with `depth` one summed row per block/repeat deeper than `depth` levels
    (a level is a block call, a repeat copy `[i]` or a layer), like torchinfo's depth."""
    groups = a.graph.groups if a.graph else {}
    out: list[Row] = []
    current: tuple[str, ...] | None = None
    members: list[LayerResult] = []

    def flush() -> None:
        if current is None:
            return
        collapsed = len(members) > 1 or members[0].parts != current
        op = groups.get(current, members[0].op) if collapsed else members[0].op
        out.append(Row(path_str(current), op, members[-1].output_shape,
                       sum(m.params for m in members), sum(m.macs for m in members), collapsed))

    for layer in a.layers:
        key = layer.parts if depth is None else layer.parts[:depth]
        if key != current:
            flush()
            current, members = key, []
        members.append(layer)
    flush()
    return out


def render(a: Analysis, *, layout: str = "chw", depth: int | None = None,
           color: bool = False, width: int | None = None) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 200, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, emoji=False, soft_wrap=False)
    shape_title = "Output (HxWxC)" if layout == "hwc" else "Output"
    table = Table(box=box.SIMPLE_HEAD, title=f"{a.name}", title_justify="left", pad_edge=False,
                  header_style="bold" if color else "")
    table.add_column("Layer", no_wrap=True)
    table.add_column("Op", no_wrap=True)
    table.add_column(shape_title, justify="right", no_wrap=True)
    table.add_column("Params", justify="right", no_wrap=True)
    table.add_column("MACs", justify="right", no_wrap=True)
    if a.input is not None:
        table.add_row("input", "", format_shape(a.input, layout), "", "")
    for row in rows(a, depth):
        shape = "—" if row.output is None else format_shape(row.output, layout)
        table.add_row(row.path, row.op, shape, f"{row.params:,}", f"{row.macs:,}",
                      style="dim" if color and row.collapsed else None)
    if a.graph is not None:
        console.print(table)
        t = a.totals
        batch = f" (batch {a.batch})" if a.batch != 1 else ""
        for label, value in (("Total params", f"{t.params:,}"),
                             ("Trainable params", f"{t.trainable_params:,}"),
                             ("Buffers", f"{t.buffers:,}"),
                             ("MACs", f"{t.macs:,}{batch}  (conv + linear multiplies, as "
                                      "torchvision counts them)")):
            console.print(f"{label + ':':<18}{value}")
    # rich pads cells to the table width; trailing blanks only get in the way of diffs
    out = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
    if a.diagnostics:
        # written as is, never wrapped: a diagnostic is one logical line plus its excerpt
        out += "\n" + text.diagnostics(a.diagnostics, a.source) + "\n\n"
        out += text.summary(a.diagnostics) + "\n"
    return out
