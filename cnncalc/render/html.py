"""`cnncalc report FILE -o report.html`: one self-contained HTML page of a network.

The volume diagram (render/svg.py, inline), the totals, the layer table with share bars and
every top-level block as a collapsible row (<details>: no script at all), the diagnostics with
their source excerpts, and the file itself. No network access, no external file: inline CSS,
which follows the reader's dark mode, narrows to a phone and prints without the open/close
chrome. Every value from the file is escaped (safe.clean for control characters, then HTML).
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from ..analysis import Analysis, LayerResult
from ..diagnostics import Severity
from ..export import DEFAULT_DEPTH, ExportError
from ..graph import format_shape
from . import text
from .registry import View
from .safe import clean
from .svg import svg
from .units import size

STYLE = """
:root { color-scheme: light dark; --fg: #111827; --bg: #ffffff; --muted: #6b7280;
  --line: #e5e7eb; --bar: #3b82f6; --error: #b91c1c; --warning: #a16207; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e5e7eb; --bg: #111827; --muted: #9ca3af; --line: #374151; --bar: #60a5fa;
    --error: #f87171; --warning: #facc15; } }
body { font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  margin: 0 auto; padding: 1rem; max-width: 72rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.muted { color: var(--muted); }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
  gap: .5rem; margin: 1rem 0; }
.totals div { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
.totals b { display: block; font-size: 1.1rem; font-variant-numeric: tabular-nums;
  overflow-wrap: anywhere; }
.diagram { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px;
  background: #ffffff; }
.diagram svg { display: block; max-width: none; height: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
td.n, th.n { text-align: right; white-space: nowrap; }
.scroll { overflow-x: auto; }
.bar { display: inline-block; height: .6rem; background: var(--bar); vertical-align: middle;
  margin-right: .3rem; min-width: 1px; }
details > summary { cursor: pointer; }
details table { margin: .25rem 0 .5rem 1rem; width: calc(100% - 1rem); }
pre { overflow-x: auto; padding: .5rem; border: 1px solid var(--line); border-radius: 6px;
  font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; }
.error { color: var(--error); } .warning { color: var(--warning); }
@media (max-width: 40rem) { body { padding: .5rem; } .hide-narrow { display: none; } }
@media print { body { max-width: none; } details { display: block; }
  details > summary { list-style: none; } .diagram { overflow: visible; }
  .diagram svg { max-width: 100%; } }
"""


def _e(value: str) -> str:
    """A one-line value from the file, for HTML."""
    return escape(clean(value), quote=True)


def _block(value: str) -> str:
    """A multi-line text (an excerpt, the file): each line cleaned, then HTML-escaped."""
    return "\n".join(escape(clean(line), quote=True) for line in value.split("\n"))


def _bar(part: int, whole: int) -> str:
    share = part / whole if whole else 0.0
    return (f'<span class="bar" style="width:{share * 6:.2f}rem"></span>'
            f'<span class="muted">{share:.1%}</span>')


def _row(name: str, op: str, shape: str, params: int, macs: int, memory: int,
         a: Analysis) -> str:
    return (f"<td>{name}</td><td>{_e(op)}</td><td class=\"n\">{_e(shape)}</td>"
            f'<td class="n">{params:,}</td><td class="n hide-narrow">'
            f"{_bar(params, a.totals.params)}</td>"
            f'<td class="n">{macs:,}</td><td class="n hide-narrow">{_bar(macs, a.totals.macs)}'
            f'</td><td class="n">{size(memory)}</td>')


HEAD = ('<tr><th>Layer</th><th>Op</th><th class="n">Output</th><th class="n">Params</th>'
        '<th class="n hide-narrow">share</th><th class="n">MACs</th>'
        '<th class="n hide-narrow">share</th><th class="n">Memory</th></tr>')


def _shape(layer: LayerResult, layout: str) -> str:
    return format_shape(layer.output_shape, layout) if layer.output_shape is not None else "?"


def _table(a: Analysis) -> Iterator[str]:
    """Top-level rows; a block call or repeat is a <details> row holding its layers."""
    groups = a.graph.groups if a.graph else {}
    yield f'<div class="scroll"><table>{HEAD}'
    runs: list[tuple[tuple[str, ...], list[LayerResult]]] = []
    for layer in a.layers:
        key = layer.parts[:1]
        if runs and runs[-1][0] == key:
            runs[-1][1].append(layer)
        else:
            runs.append((key, [layer]))
    for key, members in runs:
        last = members[-1]
        params = sum(m.params for m in members)
        macs = sum(m.macs for m in members)
        memory = sum(m.activation_bytes for m in members)
        if len(members) == 1 and members[0].parts == key:
            row = _row(_e(last.path), last.op, _shape(last, a.layout), params, macs, memory, a)
            yield f"<tr>{row}</tr>"
            continue
        what = groups.get(key, last.op)
        inner = "".join(
            "<tr>" + _row(_e(m.path), m.op, _shape(m, a.layout), m.params, m.macs,
                          m.activation_bytes, a) + "</tr>" for m in members)
        name = (f"<details><summary>{_e(key[0])} <span class=\"muted\">({len(members)} "
                f"layers)</span></summary><table>{HEAD}{inner}</table></details>")
        yield f"<tr>{_row(name, what, _shape(last, a.layout), params, macs, memory, a)}</tr>"
    yield "</table></div>"


def _input(a: Analysis) -> str:
    first = a.shapes[0] if a.shapes else None
    return format_shape(first, a.layout) if first is not None else "?"


def report(a: Analysis, depth: int | None = DEFAULT_DEPTH) -> str:
    t = a.totals
    title = _e(a.name)
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{title}: cnncalc report</title>", f"<style>{STYLE}</style>", "</head>",
           "<body>", f"<h1>{title}</h1>",
           f'<p class="muted">{_e(a.source.name)}: input {_e(_input(a))}, batch {a.batch}, '
           f"{_e(a.dtype)}; generated by cnncalc</p>"]
    # shapes as the file writes them, or as --layout says (a.layout)
    output = format_shape(a.output_shape, a.layout) if a.output_shape is not None else "?"
    cells = [("Params", f"{t.params:,}"), ("MACs", f"{t.macs:,}"),
             ("Output", output), ("Layers", f"{len(a.layers):,}"),
             ("Depth (conv and linear)", f"{t.depth:,}"),
             ("Peak inference memory", size(t.peak_bytes)),
             ("Training memory", size(t.training_bytes))]
    out.append('<div class="totals">' + "".join(
        f"<div>{name}<b>{_e(value)}</b></div>" for name, value in cells) + "</div>")
    problems = [d for d in a.diagnostics if d.severity is not Severity.NOTE]
    if problems:
        out.append(f"<h2>Problems ({len(problems):,})</h2>")
        for d in problems:
            kind = "error" if d.severity is Severity.ERROR else "warning"
            out.append(f'<pre class="{kind}">{_block(text.diagnostic(d, a.source))}</pre>')
    out.append("<h2>Diagram</h2>")
    if a.graph is not None:
        try:
            drawn = svg(a, depth)
            out.append('<div class="diagram">' + drawn.split("\n", 1)[1] + "</div>")
        except ExportError as exc:
            said = (text.diagnostic(exc.diagnostic, a.source) if exc.diagnostic is not None
                    else str(exc))
            out.append(f'<pre class="error">{_block(said)}</pre>')
    else:
        out.append('<p class="muted">no network to draw</p>')
    out.append("<h2>Layers</h2>")
    out.extend(_table(a))
    out.append("<h2>The file</h2>")
    out.append(f"<details><summary>{_e(a.source.name)} ({len(a.source.text):,} characters)"
               f"</summary><pre>{_block(a.source.text)}</pre></details>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def index(entries: list[tuple[str, str, int, int, int, int]]) -> str:
    """`check --report DIR`'s index.html: a row per file (path, its page, params, MACs, errors,
    warnings), linking to the page next to it."""
    rows = "".join(
        f'<tr><td><a href="{escape(page, quote=True)}">{_e(path)}</a></td>'
        f'<td class="n">{params:,}</td><td class="n">{macs:,}</td>'
        f'<td class="n{" error" if errors else ""}">{errors:,}</td>'
        f'<td class="n{" warning" if warnings else ""}">{warnings:,}</td></tr>'
        for path, page, params, macs, errors, warnings in entries)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>cnncalc check</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<h1>cnncalc check: {len(entries):,} files</h1>",
        '<div class="scroll"><table><tr><th>File</th><th class="n">Params</th>'
        '<th class="n">MACs</th><th class="n">Errors</th><th class="n">Warnings</th></tr>',
        rows, "</table></div>", "</body>", "</html>"]) + "\n"


def report_view(a: Analysis, v: View) -> str:
    return report(a, v.depth or DEFAULT_DEPTH)
