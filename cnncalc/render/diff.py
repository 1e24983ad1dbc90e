"""`cnncalc diff`'s output: `render_text` (an aligned plain table and a totals block),
`render_markdown` (GitHub tables), `render_json` and `render_csv` (exact integers), by name in
FORMATS. They write a DiffResult (cnncalc/diff.py) and compute nothing.

Text and markdown, which people read, write shapes in the view's layout (`--layout hwc`:
`55x55x96`); JSON and CSV, which programs read, keep them channels first whatever the layout,
as `show`'s do (docs/format.md, "JSON output")."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from ..analysis import LayerResult
from ..diff import TOTALS, DiffResult, LayerDiff, Status, TotalDiff, TotalValue
from ..graph import Shape, format_shape
from .columns import Column, Grid, markdown_head
from .console import paint
from .json import dumps
from .markdown import code, word
from .registry import View
from .safe import clean
from .units import size

_BYTES = frozenset({"activation_bytes", "peak_bytes"})

_MARK = {Status.ADDED: "+", Status.REMOVED: "-", Status.CHANGED: "~", Status.SAME: " "}


def signed(n: int) -> str:
    """+10,108,160 / -36,864 / 0."""
    return f"{n:+,}" if n else "0"


def signed_size(n: int) -> str:
    return ("+" if n > 0 else "") + size(n) if n else "0"


def shape(s: Shape | None, layout: str = "chw") -> str:
    return format_shape(s, layout) if s is not None else "?"


def _shape_cell(d: LayerDiff, layout: str = "chw", arrow: str = "→") -> str:
    if d.a is None:
        return shape(d.shape_b, layout)
    if d.b is None:
        return shape(d.shape_a, layout)
    if d.shape_a == d.shape_b:
        return shape(d.shape_b, layout)
    return f"{shape(d.shape_a, layout)} {arrow} {shape(d.shape_b, layout)}"


def _op_cell(d: LayerDiff, arrow: str = "→", name: Callable[[str], str] = clean) -> str:
    """The op (`a → b` when it changed), each name written by `name` (ops and block names
    come from the file)."""
    if d.a is not None and d.b is not None and d.a.op != d.b.op:
        return f"{name(d.a.op)} {arrow} {name(d.b.op)}"
    return name(d.op)


def _what(d: LayerDiff) -> str:
    return ", ".join(d.fields)


def _value(t: TotalDiff, v: TotalValue, layout: str = "chw") -> str:
    if v is None:
        return "?"
    if isinstance(v, tuple):
        return shape(v, layout)
    if isinstance(v, int):
        return size(v) if t.name in _BYTES else f"{v:,}"
    return v


def _change(t: TotalDiff) -> str:
    """`+10,108,160, +86.5%`, `no change`, or `changed` (shapes)."""
    if not t.changed:
        return "no change"
    delta = t.delta
    if delta is None:
        return "changed"
    text = signed_size(delta) if t.name in _BYTES else signed(delta)
    if isinstance(t.a, int) and t.a:
        text += f", {delta / t.a * 100:+.1f}%"
    return text


def summary(result: DiffResult) -> str:
    """`56 added, 0 removed, 0 changed (69 → 125 layers)`."""
    return (f"{result.count(Status.ADDED)} added, {result.count(Status.REMOVED)} removed, "
            f"{result.count(Status.CHANGED)} changed ({result.a_layers} → {result.b_layers} "
            "layers)")


def _notes(result: DiffResult, name: Callable[[str], str] = clean) -> list[str]:
    notes = [f"{s.name} differs ({s.a} → {s.b}): MACs and memory are not like for like"
             for s in result.settings if s.changed]
    for side, network, errors in (("A", result.a_name, result.a_errors),
                                  ("B", result.b_name, result.b_errors)):
        if errors:
            notes.append(f"{side} ({name(network)}) has {errors} error"
                         f"{'s' if errors != 1 else ''}: its figures are incomplete")
    return notes


def _rows(result: DiffResult, all_layers: bool) -> tuple[LayerDiff, ...]:
    return result.layers if all_layers else result.changes


# ---------------------------------------------------------------- renderers


# the layer table's columns, in text and markdown ("Changed" is left out when only layers were
# added or removed, in text)
TEXT_COLUMNS = (Column(""), Column("Layer"), Column("Op"), Column("Shape"),
                Column("Δ Params", right=True), Column("Δ MACs", right=True),
                Column("Δ Memory", right=True), Column("Changed"))

_ROLE = {Status.ADDED: "added", Status.REMOVED: "removed", Status.CHANGED: "changed"}


def _columns(layout: str) -> tuple[Column, ...]:
    """The layer table's columns; the shape's names its order when it is not PyTorch's, as
    `show`'s table does."""
    if layout != "hwc":
        return TEXT_COLUMNS
    return tuple(Column("Shape (HxWxC)") if c.header == "Shape" else c for c in TEXT_COLUMNS)


def render_text(result: DiffResult, all_layers: bool = False, color: bool = False,
                layout: str = "chw") -> str:
    """A plain aligned table of the changed layers (every layer with `all_layers`), then the
    totals: `params: 11,689,512 → 21,797,672 (+10,108,160, +86.5%)`. With `color`, added rows
    are green, removed red, changed yellow (the same text otherwise). Shapes are written in
    `layout` (hwc: `55x55x96`)."""
    lines = [f"{clean(result.a_name)} → {clean(result.b_name)}  ({clean(result.a_file)} → "
             f"{clean(result.b_file)})", ""]
    rows = _rows(result, all_layers)
    if rows:
        heads: tuple[Column, ...] = _columns(layout)
        body: list[tuple[str, ...]] = [
            (_MARK[d.status], clean(d.path), _op_cell(d), _shape_cell(d, layout),
             signed(d.delta("params")),
             signed(d.delta("macs")), signed_size(d.delta("activation_bytes")), _what(d))
            for d in rows]
        if not any(d.fields for d in rows):  # only added and removed layers
            heads, body = heads[:-1], [r[:-1] for r in body]
        grid = Grid(heads, body)
        lines += [grid.head(), *(paint(grid.line(r), _ROLE[d.status], color)
                                 if d.status in _ROLE else grid.line(r)
                                 for d, r in zip(rows, body)), ""]
    else:
        lines += ["no layer differences", ""]
    lines += [summary(result), ""]
    labels = {t.name: TOTALS[t.name] + ":" for t in result.totals}
    width = max(map(len, labels.values()))
    lines.append("Totals")
    for t in result.totals:
        label = labels[t.name].ljust(width)
        if t.changed:
            lines.append(f"  {label} {_value(t, t.a, layout)} → {_value(t, t.b, layout)} "
                         f"({_change(t)})")
        else:
            lines.append(f"  {label} {_value(t, t.b, layout)} (no change)")
    notes = _notes(result)
    if notes:
        lines += ["", *(f"note: {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def render_markdown(result: DiffResult, all_layers: bool = False, layout: str = "chw") -> str:
    """GitHub-flavoured markdown: a heading, the layer table and the totals table; shapes in
    `layout`."""
    out = [f"### {code(result.a_name)} → {code(result.b_name)}", "",
           summary(result) + ".", ""]
    rows = _rows(result, all_layers)
    if rows:
        out += markdown_head(_columns(layout), right="--:")
        out += [f"| {d.status.value} | {code(d.path)} | {_op_cell(d, name=word)} | "
                f"{_md(_shape_cell(d, layout))} | {signed(d.delta('params'))} | "
                f"{signed(d.delta('macs'))} | {signed_size(d.delta('activation_bytes'))} | "
                f"{_md(_what(d))} |" for d in rows]
        out.append("")
    else:
        out += ["No layer differences.", ""]
    out += markdown_head((Column("Total"), Column(word(result.a_name), right=True),
                          Column(word(result.b_name), right=True), Column("Δ", right=True)),
                         right="--:")
    out += [f"| {TOTALS[t.name]} | {_md(_value(t, t.a, layout))} | "
            f"{_md(_value(t, t.b, layout))} | "
            f"{_md(_change(t)) if t.changed else _unchanged(t)} |" for t in result.totals]
    notes = _notes(result, word)
    if notes:
        out += ["", *(f"> **Note:** {n}" for n in notes)]
    return "\n".join(out) + "\n"


def _unchanged(t: TotalDiff) -> str:
    return "0" if isinstance(t.b, int) else "same"


def _plain(v: TotalValue) -> Any:
    return list(v) if isinstance(v, tuple) else v


def document(result: DiffResult, all_layers: bool = False) -> dict[str, Any]:
    """The JSON document: exact integers, shapes as lists."""
    ints = ("params", "trainable_params", "buffers", "macs", "activation_bytes")

    def side(layer: LayerResult | None) -> dict[str, Any] | None:
        if layer is None:
            return None
        return {"op": layer.op, "inputs": list(layer.inputs),
                "output_shape": _plain(layer.output_shape),
                **{name: getattr(layer, name) for name in ints}, "line": layer.line}

    return {
        "a": {"name": result.a_name, "file": result.a_file, "layers": result.a_layers,
              "errors": result.a_errors},
        "b": {"name": result.b_name, "file": result.b_file, "layers": result.b_layers,
              "errors": result.b_errors},
        "settings": {s.name: {"a": s.a, "b": s.b} for s in result.settings},
        "summary": {s.value: result.count(s) for s in Status},
        "identical": result.identical,
        "layers": [{"path": d.path, "status": d.status.value, "changed": list(d.fields),
                    "a": side(d.a), "b": side(d.b),
                    "delta": {name: d.delta(name) for name in ints}}
                   for d in _rows(result, all_layers)],
        "totals": {t.name: {"a": _plain(t.a), "b": _plain(t.b), "delta": t.delta,
                            "changed": t.changed} for t in result.totals},
    }


def render_json(result: DiffResult, all_layers: bool = False) -> str:
    """`document` as indented JSON, shapes on one line (`[64, 56, 56]`), as every command's."""
    return dumps(document(result, all_layers)) + "\n"


CSV_COLUMNS = ("status", "path", "op_a", "op_b", "shape_a", "shape_b",
               *(f"{name}_{s}" for name in ("params", "trainable", "buffers", "macs", "memory")
                 for s in ("a", "b", "delta")))


def render_csv(result: DiffResult, all_layers: bool = False) -> str:
    """One row per layer (status, path, ops, shapes, then a/b/delta of params, trainable,
    buffers, MACs and memory in bytes) and a last `total` row for the network (shapes are the
    outputs, memory the activation bytes). Missing values are empty cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    attrs = ("params", "trainable_params", "buffers", "macs", "activation_bytes")

    def cells(get: Callable[[str, str], int | None]) -> list[Any]:
        row: list[Any] = []
        for name in attrs:
            a, b = get("a", name), get("b", name)
            row += [_cell(a), _cell(b), (b or 0) - (a or 0)]
        return row

    for d in _rows(result, all_layers):
        def get(s: str, name: str, d: LayerDiff = d) -> int | None:
            return None if (d.a if s == "a" else d.b) is None else d.value(s, name)

        writer.writerow([d.status.value, clean(d.path), clean(d.a.op) if d.a else "",
                         clean(d.b.op) if d.b else "",
                         _shape_csv(d.shape_a) if d.a else "",
                         _shape_csv(d.shape_b) if d.b else "", *cells(get)])
    totals = {t.name: t for t in result.totals}

    def total(s: str, name: str) -> int | None:
        value = getattr(totals[name], s)
        return value if isinstance(value, int) else None

    writer.writerow(["total", "", "", "", _shape_csv(totals["output"].a),
                     _shape_csv(totals["output"].b), *cells(total)])
    return out.getvalue()


def _cell(v: int | None) -> Any:
    return "" if v is None else v


def _shape_csv(s: TotalValue) -> str:
    return format_shape(s) if isinstance(s, tuple) else ""


def text_view(result: DiffResult, v: View) -> str:
    return render_text(result, v.all_layers, color=v.color, layout=v.layout)


def json_view(result: DiffResult, v: View) -> str:
    return render_json(result, v.all_layers)


def csv_view(result: DiffResult, v: View) -> str:
    return render_csv(result, v.all_layers)


def markdown_view(result: DiffResult, v: View) -> str:
    return render_markdown(result, v.all_layers, layout=v.layout)
