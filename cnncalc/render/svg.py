"""`cnncalc export --to svg`: the volume diagram of the lecture notes, in plain SVG 1.1.

Each drawn output is a box whose thickness follows its channels C and whose face follows its
height H and width W, on a logarithmic scale (3 and 4,096 channels both read); a conv's or a
pool's kernel is a small square on the volume it slides over; a flat output [F] is a bar. A
layer that keeps its input's shape (an activation, a normalisation, dropout) is not drawn on its
own: its name joins the label of the volume it acts on. Blocks and repeats below --depth are one
box (cnncalc/export.py's `picture`). Branches (inception's, a skip, U-Net's crop-and-concat) get
lanes of their own: a column is the longest path from the input, a lane the place in it.

Everything is computed from the figures (no font metrics, no external program): the text is
monospace at a fixed size, so the width of a label is known and every box is made wide enough.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from ..analysis import Analysis
from ..export import DEFAULT_DEPTH, ExportError, Item, Picture, picture
from ..graph import format_shape
from .diagram import colours
from .registry import View
from .safe import clean

FONT = 10  # px, monospace: a character is 0.6em wide
CHAR = FONT * 0.6
LINE = FONT + 3
GAP = 28  # between columns
ARC_ROOM = 48  # above each lane's boxes, for the arcs of skips
MAX_DRAWN = 2_000  # boxes in one picture: past it, nobody reads it (and the file is huge)

_ALWAYS_DRAWN = frozenset({"conv", "linear", "merge", "block", "input"})
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")  # not characters in XML 1.0


def text(value: str) -> str:
    """A label for SVG: control characters escaped visibly (safe.clean), what XML refuses
    replaced, and the XML specials as entities."""
    return escape(_NOT_XML.sub("\ufffd", clean(value)), quote=True)


def _scale(n: int, unit: float, base: float) -> float:
    """The compressed scale: 1 -> base, doubling adds `unit`."""
    return round(base + unit * math.log2(max(n, 1)), 1)


@dataclass(frozen=True)
class Volume:
    """One drawn box: its item, the folded layers' names, its geometry, its labels."""

    item: Item
    folded: tuple[str, ...]
    thick: float  # x extent of the front face (channels)
    high: float  # y extent of the front face (height)
    slant: float  # the receding side (width), drawn at 45 degrees
    flat: bool  # a bar (a flat [F] output)
    labels: tuple[str, ...]

    @property
    def box_width(self) -> float:
        return self.thick + self.slant

    @property
    def box_height(self) -> float:
        return self.high + self.slant

    @property
    def width(self) -> float:
        return max(self.box_width, max(len(t) for t in self.labels) * CHAR)


def _geometry(item: Item) -> tuple[float, float, float, bool]:
    shape = item.shape
    if shape is None or len(shape) == 0:
        return 10.0, 10.0, 0.0, True
    if len(shape) == 1:  # a bar: as long as its features
        return 8.0, _scale(shape[0], 10, 6), 0.0, True
    channels, spatial = shape[0], shape[1:]
    high = spatial[0]
    wide = spatial[1] if len(spatial) > 1 else 1
    return _scale(channels, 4, 3), _scale(high, 11, 6), _scale(wide, 4, 2), False


def _labels(item: Item, folded: tuple[str, ...]) -> tuple[str, ...]:
    lines = [item.name, f"{item.op} {item.keys}".strip()]
    if folded:
        lines.append("+ " + ", ".join(folded))
    lines.append(format_shape(item.shape) if item.shape is not None else "?")
    if item.params:
        lines.append(f"{item.params:,} params")
    return tuple(lines)


def volumes(pic: Picture) -> tuple[dict[int, Volume], dict[int, int]]:
    """The drawn boxes by item, and for every item the box it is drawn in."""
    consumers: dict[int, int] = {}
    for e in pic.edges:
        consumers[e.source] = consumers.get(e.source, 0) + 1
    drawn_in: dict[int, int] = {}
    folded: dict[int, list[str]] = {}
    for item in pic.items:
        # folded: what keeps its input's shape and learns no map of its own (activations,
        # normalisation, dropout), on a straight stretch of the graph
        keeps = (len(item.inputs) == 1 and not item.changes and not item.collapsed
                 and item.shape is not None and item.index in consumers
                 and consumers.get(item.inputs[0], 0) == 1
                 and item.kind not in _ALWAYS_DRAWN)
        if keeps:
            home = drawn_in[item.inputs[0]]
            drawn_in[item.index] = home
            folded[home].append(item.op)
        else:
            drawn_in[item.index] = item.index
            folded[item.index] = []
    if len(folded) > MAX_DRAWN:
        raise ExportError(f"the volume diagram would have {len(folded):,} boxes (at most "
                          f"{MAX_DRAWN:,} are drawn): draw it with a smaller --depth")
    out = {}
    for index, names in folded.items():
        item = pic.items[index]
        thick, high, slant, flat = _geometry(item)
        names_t = tuple(dict.fromkeys(names))  # relu, relu -> relu once
        out[index] = Volume(item, names_t, thick, high, slant, flat, _labels(item, names_t))
    return out, drawn_in


def _box(v: Volume, x: float, y: float) -> Iterator[str]:
    """The box with its front face's top-left corner at (x, y + slant)."""
    fill, stroke = colours(v.item.kind)
    t, h, s = v.thick, v.high, v.slant
    top = y + s
    style = f'fill="{fill}" stroke="{stroke}" stroke-width="1"'
    if s:
        yield (f'<polygon class="top" points="{x:g},{top:g} {x + s:g},{y:g} {x + s + t:g},{y:g} '
               f'{x + t:g},{top:g}" {style} fill-opacity="0.7"/>')
        yield (f'<polygon class="side" points="{x + t:g},{top:g} {x + t + s:g},{y:g} '
               f'{x + t + s:g},{y + h:g} {x + t:g},{top + h:g}" {style} fill-opacity="0.85"/>')
    yield f'<rect class="box" x="{x:g}" y="{top:g}" width="{t:g}" height="{h:g}" {style}/>'


def svg(analysis: Analysis, depth: int | None = DEFAULT_DEPTH) -> str:
    """The volume diagram as an SVG 1.1 document."""
    pic = picture(analysis, depth)
    boxes, drawn_in = volumes(pic)
    # columns: the longest path from the input, over the drawn boxes; lanes: order within one
    column: dict[int, int] = {}
    inputs: dict[int, list[int]] = {i: [] for i in boxes}
    for e in pic.edges:
        a, b = drawn_in[e.source], drawn_in[e.target]
        if a != b and a not in inputs[b]:
            inputs[b].append(a)
    lanes: dict[int, list[int]] = {}
    for index in boxes:  # network order is topological
        column[index] = 1 + max((column[j] for j in inputs[index]), default=-1)
        lanes.setdefault(column[index], []).append(index)
    widths = {c: max(boxes[i].width for i in members) for c, members in lanes.items()}
    lane_count = max(len(m) for m in lanes.values())
    label_lines = max(len(v.labels) for v in boxes.values())
    tallest = max(v.box_height for v in boxes.values())
    row = ARC_ROOM + tallest + 8 + label_lines * LINE + GAP
    margin = 16.0
    x_at: dict[int, float] = {}
    x = margin
    for c in sorted(lanes):
        x_at[c] = x
        x += widths[c] + GAP
    total_w = x - GAP + margin
    title_h = 2 * LINE + 8
    total_h = margin + title_h + lane_count * row
    place: dict[int, tuple[float, float]] = {}
    for c, members in lanes.items():
        for lane, index in enumerate(members):
            v = boxes[index]
            bx = x_at[c] + (widths[c] - v.box_width) / 2
            by = margin + title_h + lane * row + ARC_ROOM + (tallest - v.box_height)
            place[index] = (bx, by)

    name = text(pic.name)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="0 0 {total_w:g} {total_h:g}" width="{total_w:g}" height="{total_h:g}" '
        f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT}">',
        f"<title>{name}: volume diagram by cnncalc</title>",
        '<rect class="background" x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="{margin:g}" y="{margin + FONT:g}" font-size="{FONT + 2}" '
        f'font-weight="bold">{name}</text>',
        f'<text x="{margin:g}" y="{margin + FONT + LINE + 2:g}" fill="#4b5563">'
        f'{text(_summary(analysis, pic))}</text>',
    ]
    out.append('<g class="edges" fill="none" stroke="#6b7280" stroke-width="1">')
    for b, sources in inputs.items():
        for a in sources:
            out.append(_edge(boxes[a], place[a], boxes[b], place[b], column[b] - column[a]))
    out.append("</g>")
    for index, v in boxes.items():
        bx, by = place[index]
        out.append(f'<g class="volume" data-item="{index}">')
        out.extend(_box(v, bx, by))
        previous = inputs[index][0] if inputs[index] else None
        kernel = _kernel(v, boxes[previous], place[previous]) if previous is not None else None
        if kernel:
            out.append(kernel)
        cx = x_at[column[index]] + widths[column[index]] / 2
        ty = (margin + title_h + lanes[column[index]].index(index) * row + ARC_ROOM + tallest
              + 8 + FONT)
        for n, line in enumerate(v.labels):
            weight = ' font-weight="bold"' if n == 0 else ""
            out.append(f'<text class="label" x="{cx:g}" y="{ty + n * LINE:g}" '
                       f'text-anchor="middle"{weight}>{text(line)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _summary(analysis: Analysis, pic: Picture) -> str:
    depth = "every layer" if pic.depth is None else f"depth {pic.depth}"
    return (f"{analysis.totals.params:,} params, {analysis.totals.macs:,} MACs ({depth}; "
            f"from {pic.source})")


def _kernel(v: Volume, prev: Volume, at: tuple[float, float]) -> str | None:
    """The kernel as a small square on the face of the volume it slides over, its size the
    kernel's share of that volume's height (at least 3 px, so a 1x1 still shows)."""
    if v.flat or prev.flat or v.item.collapsed or not v.item.keys.startswith("k"):
        return None
    shape = prev.item.shape
    kernel = re.match(r"k(\d+)", v.item.keys)
    if shape is None or len(shape) < 2 or kernel is None:
        return None
    size = max(3.0, round(prev.high * int(kernel.group(1)) / max(shape[1], 1), 1))
    size = min(size, prev.high)
    px, py = at
    kx = px + prev.thick / 2 - size / 2 + prev.slant / 2
    ky = py + prev.slant / 2 + (prev.high - size) / 2
    return (f'<rect class="kernel" x="{kx:g}" y="{ky:g}" width="{size:g}" height="{size:g}" '
            f'fill="#f59e0b" fill-opacity="0.6" stroke="#b45309"/>')


def _edge(a: Volume, pa: tuple[float, float], b: Volume, pb: tuple[float, float],
          span: int) -> str:
    """A straight arrow to the next column on the same lane; a curve to another lane; a
    dashed arc over the boxes for a skip along a lane, higher the more columns it spans."""
    x1 = pa[0] + a.box_width
    y1 = pa[1] + a.slant + a.high / 2
    x2 = pb[0]
    y2 = pb[1] + b.slant + b.high / 2
    if span == 1 and abs(y1 - y2) < 1:
        return f'<path d="M{x1:g},{y1:g} L{x2:g},{y2:g}"/>'
    if span > 1 and abs(pa[1] + a.box_height - pb[1] - b.box_height) < 1:
        top = min(pa[1], pb[1]) - min(ARC_ROOM - 4, 10 + 4 * span)
        sx, tx = pa[0] + a.box_width / 2, pb[0] + b.box_width / 2
        return (f'<path d="M{sx:g},{pa[1]:g} C{sx:g},{top:g} {tx:g},{top:g} {tx:g},{pb[1]:g}" '
                f'stroke-dasharray="4 3"/>')
    mid = (x1 + x2) / 2
    return f'<path d="M{x1:g},{y1:g} C{mid:g},{y1:g} {mid:g},{y2:g} {x2:g},{y2:g}"/>'


def svg_view(analysis: Analysis, v: View) -> str:
    """`export`'s svg format (render/registry.py)."""
    return svg(analysis, v.depth or DEFAULT_DEPTH)
