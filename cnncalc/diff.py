"""Two analyses side by side, for code review: what each layer and the totals gained or lost.

Layers are matched by path (`res3[0].conv2`): only in A = removed, only in B = added, in both =
changed when any compared field differs (op, output shape, params, trainable params, buffers,
MACs, activation bytes). Inputs and receptive fields are not compared: inserting a layer rewires
the next one and shifts every later receptive field, which would bury the real changes. Rows
follow B's order, each removed layer placed after the layer it followed in A. Matching by path
means a layer renamed, or an auto-named layer renumbered (`conv3` -> `conv4` after inserting a
conv), shows as removed + added.

Renderers return text and never print: `render_text` (an aligned plain table and a totals block),
`render_markdown` (GitHub tables), `render_json` and `render_csv` (exact integers).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable
from enum import Enum
from typing import Any

from .analysis import Analysis, LayerResult
from .diagnostics import Severity
from .frozen import frozen
from .graph import Shape, format_shape
from .render.console import paint
from .render.json import no_legacy_command
from .render.markdown import code, word
from .render.safe import clean
from .render.units import size

# compared per layer: LayerResult attribute -> short name in reports
FIELDS = {
    "op": "op", "output_shape": "shape", "params": "params", "trainable_params": "trainable",
    "buffers": "buffers", "macs": "macs", "activation_bytes": "memory",
}
# the totals compared, in report order: name -> label
TOTALS = {
    "input": "input", "output": "output", "params": "params",
    "trainable_params": "trainable params", "buffers": "buffers", "macs": "MACs",
    "activation_bytes": "activations", "peak_bytes": "peak memory",
}
_BYTES = frozenset({"activation_bytes", "peak_bytes"})


class Status(str, Enum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    SAME = "same"


_MARK = {Status.ADDED: "+", Status.REMOVED: "-", Status.CHANGED: "~", Status.SAME: " "}


@frozen
class LayerDiff:
    """One layer matched (or not) between the two networks."""

    path: str
    status: Status
    a: LayerResult | None  # None when added
    b: LayerResult | None  # None when removed
    fields: tuple[str, ...] = ()  # the FIELDS names that differ (changed layers only)

    @property
    def op(self) -> str:
        return (self.b or self.a).op  # type: ignore[union-attr]

    @property
    def shape_a(self) -> Shape | None:
        return self.a.output_shape if self.a else None

    @property
    def shape_b(self) -> Shape | None:
        return self.b.output_shape if self.b else None

    def value(self, side: str, name: str) -> int:
        """An integer field of side 'a' or 'b'; 0 for the side the layer is missing from."""
        layer = self.a if side == "a" else self.b
        return int(getattr(layer, name)) if layer is not None else 0

    def delta(self, name: str) -> int:
        """B minus A for an integer field (params, trainable_params, buffers, macs,
        activation_bytes); a missing side counts 0."""
        return self.value("b", name) - self.value("a", name)


TotalValue = int | str | Shape | None


@frozen
class TotalDiff:
    """One whole-network figure in both networks."""

    name: str  # a TOTALS key, or batch / dtype / count for the settings
    a: TotalValue
    b: TotalValue

    @property
    def delta(self) -> int | None:
        """B minus A for integer totals; None for shapes and settings."""
        if isinstance(self.a, int) and isinstance(self.b, int):
            return self.b - self.a
        return None

    @property
    def changed(self) -> bool:
        return self.a != self.b


@frozen
class DiffResult:
    """Everything `cnncalc diff` reports."""

    a_name: str
    b_name: str
    a_file: str
    b_file: str
    layers: tuple[LayerDiff, ...]  # every layer of both, unchanged ones included, in order
    totals: tuple[TotalDiff, ...]  # TOTALS, in order
    settings: tuple[TotalDiff, ...]  # batch, dtype, count: MACs and memory depend on them
    a_layers: int = 0
    b_layers: int = 0
    a_errors: int = 0  # error diagnostics: the figures of a side with errors are incomplete
    b_errors: int = 0

    @property
    def changes(self) -> tuple[LayerDiff, ...]:
        return tuple(d for d in self.layers if d.status is not Status.SAME)

    def count(self, status: Status) -> int:
        return sum(1 for d in self.layers if d.status is status)

    def total(self, name: str) -> TotalDiff:
        for t in self.totals:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def identical(self) -> bool:
        """No layer and no total differs (settings aside)."""
        return not self.changes and not any(t.changed for t in self.totals)


def diff(a: Analysis, b: Analysis) -> DiffResult:
    """What changed from analysis `a` to analysis `b`."""
    a_rows = _keyed(a.layers)
    b_rows = _keyed(b.layers)
    a_map, b_map = dict(a_rows), dict(b_rows)
    # removed layers go after the nearest earlier A layer that B keeps (first when none)
    after: dict[tuple[str, int] | None, list[LayerDiff]] = defaultdict(list)
    anchor: tuple[str, int] | None = None
    for key, layer in a_rows:
        if key in b_map:
            anchor = key
        else:
            after[anchor].append(LayerDiff(layer.path, Status.REMOVED, layer, None))
    rows = list(after[None])
    for key, layer in b_rows:
        old = a_map.get(key)
        if old is None:
            rows.append(LayerDiff(layer.path, Status.ADDED, None, layer))
        else:
            fields = tuple(short for name, short in FIELDS.items()
                           if getattr(old, name) != getattr(layer, name))
            rows.append(LayerDiff(layer.path, Status.CHANGED if fields else Status.SAME, old,
                                  layer, fields))
        rows.extend(after.get(key, ()))
    totals = tuple(TotalDiff(name, _total(a, name), _total(b, name)) for name in TOTALS)
    settings = tuple(TotalDiff(name, getattr(a, name), getattr(b, name))
                     for name in ("batch", "dtype", "count"))
    return DiffResult(a.name, b.name, a.source.name, b.source.name, tuple(rows), totals,
                      settings, len(a.layers), len(b.layers), a.tally(Severity.ERROR),
                      b.tally(Severity.ERROR))


def _keyed(layers: tuple[LayerResult, ...]) -> list[tuple[tuple[str, int], LayerResult]]:
    """(path, occurrence) keys: paths are unique in a graph, but a diff must not lose a layer
    if two ever share one."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for layer in layers:
        out.append(((layer.path, seen[layer.path]), layer))
        seen[layer.path] += 1
    return out


def _total(a: Analysis, name: str) -> TotalValue:
    if name == "input":
        return a.input
    if name == "output":
        return a.output_shape
    value: int = getattr(a.totals, name)
    return value


# ---------------------------------------------------------------- formatting


def signed(n: int) -> str:
    """+10,108,160 / -36,864 / 0."""
    return f"{n:+,}" if n else "0"


def signed_size(n: int) -> str:
    return ("+" if n > 0 else "") + size(n) if n else "0"


def shape(s: Shape | None) -> str:
    return format_shape(s) if s is not None else "?"


def _shape_cell(d: LayerDiff, arrow: str = "→") -> str:
    if d.a is None:
        return shape(d.shape_b)
    if d.b is None:
        return shape(d.shape_a)
    if d.shape_a == d.shape_b:
        return shape(d.shape_b)
    return f"{shape(d.shape_a)} {arrow} {shape(d.shape_b)}"


def _op_cell(d: LayerDiff, arrow: str = "→", name: Callable[[str], str] = clean) -> str:
    """The op (`a → b` when it changed), each name written by `name` (ops and block names
    come from the file)."""
    if d.a is not None and d.b is not None and d.a.op != d.b.op:
        return f"{name(d.a.op)} {arrow} {name(d.b.op)}"
    return name(d.op)


def _what(d: LayerDiff) -> str:
    return ", ".join(d.fields)


def _value(t: TotalDiff, v: TotalValue) -> str:
    if v is None:
        return "?"
    if isinstance(v, tuple):
        return shape(v)
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


_ROLE = {Status.ADDED: "added", Status.REMOVED: "removed", Status.CHANGED: "changed"}


def render_text(result: DiffResult, all_layers: bool = False, color: bool = False) -> str:
    """A plain aligned table of the changed layers (every layer with `all_layers`), then the
    totals: `params: 11,689,512 → 21,797,672 (+10,108,160, +86.5%)`. With `color`, added rows
    are green, removed red, changed yellow (the same text otherwise)."""
    lines = [f"{clean(result.a_name)} → {clean(result.b_name)}  ({clean(result.a_file)} → "
             f"{clean(result.b_file)})", ""]
    rows = _rows(result, all_layers)
    if rows:
        header: tuple[str, ...] = ("", "Layer", "Op", "Shape", "Δ Params", "Δ MACs",
                                   "Δ Memory", "Changed")
        body: list[tuple[str, ...]] = [
            (_MARK[d.status], clean(d.path), _op_cell(d), _shape_cell(d),
             signed(d.delta("params")),
             signed(d.delta("macs")), signed_size(d.delta("activation_bytes")), _what(d))
            for d in rows]
        if not any(d.fields for d in rows):  # only added and removed layers
            header, body = header[:-1], [r[:-1] for r in body]
        right = {4, 5, 6}
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return " ".join(c.rjust(w) if i in right else c.ljust(w)
                            for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        lines += [line(header), *(paint(line(r), _ROLE[d.status], color)
                                  if d.status in _ROLE else line(r)
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
            lines.append(f"  {label} {_value(t, t.a)} → {_value(t, t.b)} ({_change(t)})")
        else:
            lines.append(f"  {label} {_value(t, t.b)} (no change)")
    notes = _notes(result)
    if notes:
        lines += ["", *(f"note: {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def render_markdown(result: DiffResult, all_layers: bool = False) -> str:
    """GitHub-flavoured markdown: a heading, the layer table and the totals table."""
    out = [f"### {code(result.a_name)} → {code(result.b_name)}", "",
           summary(result) + ".", ""]
    rows = _rows(result, all_layers)
    if rows:
        out += ["| | Layer | Op | Shape | Δ Params | Δ MACs | Δ Memory | Changed |",
                "|---|---|---|---|--:|--:|--:|---|"]
        out += [f"| {d.status.value} | {code(d.path)} | {_op_cell(d, name=word)} | "
                f"{_md(_shape_cell(d))} | {signed(d.delta('params'))} | "
                f"{signed(d.delta('macs'))} | {signed_size(d.delta('activation_bytes'))} | "
                f"{_md(_what(d))} |" for d in rows]
        out.append("")
    else:
        out += ["No layer differences.", ""]
    out += [f"| Total | {word(result.a_name)} | {word(result.b_name)} | Δ |",
            "|---|--:|--:|--:|"]
    out += [f"| {TOTALS[t.name]} | {_md(_value(t, t.a))} | {_md(_value(t, t.b))} | "
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


_NUMBERS = re.compile(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]")


def render_json(result: DiffResult, all_layers: bool = False) -> str:
    """`document` as indented JSON, shapes on one line (`[64, 56, 56]`) as in `show`'s."""
    text = no_legacy_command(json.dumps(document(result, all_layers), indent=2))
    return _NUMBERS.sub(lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(","))
                        + "]", text) + "\n"


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
