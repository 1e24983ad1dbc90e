"""`--format csv` (every layer, exact numbers, for spreadsheets) and `--format markdown` (a
GitHub table to paste into a README or a pull request)."""

from __future__ import annotations

import csv
import io

from ..analysis import Analysis
from ..graph import format_shape
from .columns import Column, markdown_head
from .markdown import code, word
from .registry import DEFAULT_COLUMNS, View
from .safe import clean
from .table import CELLS, rows
from .units import size


def render_csv(a: Analysis) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["path", "op", "inputs", "output_shape", "params", "trainable_params",
                  "buffers", "macs", "activation_bytes", "rf_size", "rf_stride", "rf_start",
                  "line"])
    for layer in a.layers:
        f = layer.receptive_field
        out.writerow([
            clean(layer.path), clean(layer.op), clean(" ".join(layer.inputs)),
            format_shape(layer.output_shape) if layer.output_shape else "",
            layer.params, layer.trainable_params, layer.buffers, layer.macs,
            layer.activation_bytes,
            *(("x".join(map(str, v)) for v in (f.size, f.stride, f.start)) if f else ("",) * 3),
            layer.line])
    return buffer.getvalue()


def _cell(text: str) -> str:
    """A cell cnncalc computed (a number, a shape, a size): only `|` could mean something."""
    return text.replace("|", "\\|")


def render_markdown(a: Analysis, *, layout: str = "chw", depth: int | None = None,
                    columns: tuple[str, ...] = DEFAULT_COLUMNS) -> str:
    heads = [Column("Layer"), Column("Op"), *(Column(CELLS[c][0], right=c != "rf")
                                              for c in columns)]
    lines = [f"**{word(a.name)}**", "", *markdown_head(heads)]
    if a.input is not None:
        first = [format_shape(a.input, layout) if c == "output" else "" for c in columns]
        lines.append("| " + " | ".join(["input", "", *first]) + " |")
    for row in rows(a, depth):
        cells = [code(row.path), word(row.op),
                 *(_cell(CELLS[c][1](row, layout)) for c in columns)]
        lines.append("| " + " | ".join(cells) + " |")
    t = a.totals
    lines += ["", f"Params **{t.params:,}** (trainable {t.trainable_params:,}), buffers "
              f"{t.buffers:,}, MACs **{t.macs:,}** ({a.count}), activations "
              f"{size(t.activation_bytes)}, peak inference {size(t.peak_bytes)}; "
              f"{len(a.layers):,} layers, depth **{t.depth:,}** (conv and linear layers on the "
              "longest path)."]
    problems = [d for d in a.diagnostics if d.severity.value != "note"]
    if problems:
        lines += ["", *(f"- **{d.severity.value}** `{d.code}` line {d.span.line if d.span else '?'}"
                        f": {code(d.message)}" for d in problems)]
    return "\n".join(lines) + "\n"


def csv_view(a: Analysis, v: View) -> str:
    """`show`'s csv format (render/registry.py): every layer, every number."""
    return render_csv(a)


def markdown_view(a: Analysis, v: View) -> str:
    """`show`'s markdown format (render/registry.py)."""
    return render_markdown(a, layout=v.layout, depth=v.depth, columns=v.columns)
