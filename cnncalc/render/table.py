"""`--format table`: the layer table, totals and diagnostics.

With colour (a terminal) rich draws the table. Without, the same layout is written directly:
rich takes about a millisecond a row (half a second for ResNet-152, minutes for 10^5 layers),
and its plain output is simple to reproduce exactly — tests/test_table_layout.py holds the two
to the same bytes. Anything the direct layout is not sure to reproduce (a table wider than the
console, markup-like or wide characters) still goes to rich, imported only then.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable

from ..analysis import COUNTS, Analysis, LayerResult
from ..diagnostics import Severity
from ..expand import DTYPES
from ..frozen import frozen
from ..graph import Shape, format_shape, path_str
from ..passes.receptive import Field
from . import text
from .units import count, size

COLUMNS = ("output", "params", "macs", "memory", "values", "rf")
DEFAULT_COLUMNS = ("output", "params", "macs", "memory")
SHARES = ("params", "macs", "memory")


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
           columns: tuple[str, ...] = DEFAULT_COLUMNS, share: str | None = None) -> str:
    headers = ["Layer", "Op"]
    right = [False, False]  # right-justified columns
    for name in columns:
        title = CELLS[name][0]
        if name == "output" and layout == "hwc":
            title += " (HxWxC)"
        headers.append(title)
        right.append(name != "rf")
    if share:
        headers.append(f"Share of {share}")
        right.append(False)
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
    for row in table_rows:
        cells = [row.path, row.op, *[cell(row, layout) for cell in formats]]
        if share:
            part = getattr(row, share)
            cells.append(bar(part / whole) if part else "")
        body.append((cells, row.collapsed))
    out = ""
    if a.graph is not None:
        summary = totals(a)
        drawn = None if color else _plain(a.name, headers, right, body, summary, width or 200)
        if drawn is None:
            drawn = _rich(a.name, headers, right, body, summary, width or 200, color)
        # rich pads cells to the table width; trailing blanks only get in the way of diffs
        out = "".join(line.rstrip() + "\n" for line in drawn.splitlines())
    if a.diagnostics:
        # written as is, never wrapped: a diagnostic is one logical line plus its excerpt;
        # no blank line above it when there is no table (the file could not be built)
        out += ("\n" if out else "") + text.diagnostics(a.diagnostics, a.source) + "\n\n"
        out += text.summary(a.diagnostics) + "\n"
    return out


def _rich(title: str, headers: list[str], right: list[bool], body: list[tuple[list[str], bool]],
          summary: str, width: int, color: bool) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, emoji=False, soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False,
                  header_style="bold" if color else "")
    for header, justify in zip(headers, right):
        table.add_column(header, justify="right" if justify else "left", no_wrap=True)
    for cells, collapsed in body:
        table.add_row(*cells, style="dim" if color and collapsed else None)
    console.print(table)
    console.print(summary, markup=False, highlight=False)
    return buffer.getvalue()


_MARKUP = re.compile(r"\[[a-z#/@]")  # what could open a rich markup tag (rich.markup.RE_TAGS)
_NARROW = frozenset("—─█▏▎▍▌▋▊▉")  # the non-ASCII characters cnncalc writes: one cell each


def _simple(text: str) -> bool:
    """Text rich prints as it is, a character a cell: no markup, no tabs, no wide characters."""
    if _MARKUP.search(text):
        return False
    return (text.isascii() and text.isprintable()) or all(
        c in _NARROW or (c.isascii() and c.isprintable()) for c in text)


def _plain(title: str, headers: list[str], right: list[bool],
           body: list[tuple[list[str], bool]], summary: str, width: int) -> str | None:
    """rich's SIMPLE_HEAD table without colour, as rich lays it out when it fits (the title,
    a blank edge, the header, a rule, the rows, a blank edge); None when unsure."""
    cells = [row for row, _ in body]
    lines = summary.splitlines()
    # joined, the texts are checked at once (a tag across two cells only sends us to rich)
    if not (title and title == title.strip()
            and _simple("".join([title, *headers, *lines, *(c for row in cells for c in row)]))):
        return None
    widths = [max(map(len, column)) for column in zip(headers, *cells)]
    # an edge column each side; between columns a padding, the (blank) rule and a padding
    inner = sum(widths) + 3 * (len(widths) - 1)
    if inner + 2 > width or len(title) > inner + 2 or any(len(line) > width for line in lines):
        return None  # rich would shrink columns or wrap text
    line = " " + "   ".join(f"{{:{'>' if r else '<'}{w}}}" for w, r in zip(widths, right))
    return "\n".join([title, "", line.format(*headers), " " + "─" * inner,
                      *(line.format(*row) for row in cells), "", summary]) + "\n"


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
    # a layer that failed, or one the expansion could not make, counts nothing: say so rather
    # than let the totals pass for the network's (failed expectations change no number)
    if any(d.severity is Severity.ERROR and not d.code.startswith("E3") for d in a.diagnostics):
        lines.append(("Incomplete", "the errors below leave layers out of these totals"))
    return "\n".join(f"{label + ':':<18}{value}" for label, value in lines)
