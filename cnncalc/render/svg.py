"""`cnncalc export --to svg`: the volume diagram of the lecture notes, in plain SVG 1.1.

Each drawn output is a box whose thickness follows its channels C and whose face follows its
height H and width W, on a logarithmic scale (3 and 4,096 channels both read); a conv's or a
pool's kernel is a small square on the volume it slides over; a flat output [F] is a bar. A
layer that keeps its input's shape (an activation, a normalisation, dropout) is not drawn on its
own: its name joins the label of the volume it acts on. Blocks and repeats below --depth are one
box (cnncalc/export.py's `picture`).

The layout (`layout`): a box's column is the longest path from the input to it, its lane its
place among the branches of that column (inception's four, a projection shortcut). The columns
are laid in bands: left to right (the default) a band is a row, and a chain wider than A4_WIDTH
wraps into rows, each break after a column where the flow is one box's output; top to bottom
(--direction TB) a band is a column of cells. An encoder-decoder whose skips nest and join
volumes of one spatial level (U-Net's crop-and-concat, an hourglass) is folded instead: a band
per skip, the encoder's part at its start and the decoder's at its end, the bottom in the middle
of the last band, so U-Net is drawn as its U. A skip along a row is a dashed arc; a line back
to another row runs around the cells.

Everything is computed from the figures (no font metrics, no external program): the text is
monospace at a fixed size, so the width of a label is known and every box is made wide enough.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape

from ..analysis import Analysis
from ..export import DEFAULT_DEPTH, Item, Picture, deepest_fitting, picture, too_large
from ..graph import format_shape
from .diagram import colours
from .registry import View
from .safe import clean

FONT = 10  # px, monospace: a character is 0.6em wide
CHAR = FONT * 0.6
LINE = FONT + 3
GAP = 20  # between cells
ARC_ROOM = 48  # above each box, for the arcs of skips and the lines back across the flow
MARGIN = 16.0
WRAP = 18  # characters: a longer label line breaks (at a space, or after a dot)
# Readable at A4 width: scaled to 180 mm (510 pt) wide, a picture of at most A4_WIDTH units
# shows its FONT-unit labels at 6 pt or more; left to right, a longer chain wraps into rows
A4_WIDTH = FONT * 85
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
    def lines(self) -> tuple[tuple[str, ...], ...]:
        """Each label, wrapped at WRAP characters."""
        return tuple(wrap(t) for t in self.labels)

    @property
    def rows(self) -> int:
        return sum(len(pieces) for pieces in self.lines)

    @property
    def width(self) -> float:
        return max(self.box_width, max(len(p) for ps in self.lines for p in ps) * CHAR)


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


def _labels(item: Item, folded: tuple[str, ...], layout: str) -> tuple[str, ...]:
    lines = [item.name, f"{item.op} {item.keys}".strip()]
    if folded:
        lines.append("+ " + ", ".join(folded))
    lines.append(format_shape(item.shape, layout) if item.shape is not None else "?")
    if item.params:
        lines.append(f"{item.params:,} params")
    return tuple(lines)


def _folds(pic: Picture) -> tuple[dict[int, int], dict[int, list[str]]]:
    """For every item the item whose box it is drawn in, and the ops folded into each box."""
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
    return drawn_in, folded


def volumes(pic: Picture) -> tuple[dict[int, Volume], dict[int, int]]:
    """The drawn boxes by item, and for every item the box it is drawn in."""
    drawn_in, folded = _folds(pic)
    out = {}
    for index, names in folded.items():
        item = pic.items[index]
        thick, high, slant, flat = _geometry(item)
        names_t = tuple(dict.fromkeys(names))  # relu, relu -> relu once
        labels = _labels(item, names_t, pic.layout)
        out[index] = Volume(item, names_t, thick, high, slant, flat, labels)
    return out, drawn_in


def wrap(line: str, width: int = WRAP) -> tuple[str, ...]:
    """A label line in pieces of at most `width` characters where it can break: after a space
    outside parentheses ("bottleneck / (12 layers)"), or after a dot before a name
    (res3[0].conv2 -> res3[0]. / conv2); a longer word stays whole. `unwrap` joins the pieces
    back into the line."""
    if len(line) <= width:
        return (line,)
    cuts = []
    inside = 0
    for i, c in enumerate(line[:-1]):
        inside += (c == "(") - (c == ")")
        if (c == " " and inside <= 0) or (c == "." and (line[i + 1].isalpha()
                                                        or line[i + 1] == "_")):
            cuts.append(i + 1)
    pieces: list[str] = []
    start = last = 0
    for cut in [*cuts, len(line)]:
        if cut - start > width and last > start:
            pieces.append(line[start:last])
            start = last
        last = cut
    pieces.append(line[start:])
    return tuple(p.rstrip(" ") for p in pieces)


def unwrap(pieces: Sequence[str]) -> str:
    """The line `wrap` broke into `pieces` (a piece ending in a dot was broken after it)."""
    out = pieces[0]
    for piece in pieces[1:]:
        out += piece if out.endswith(".") else " " + piece
    return out


# ---------------------------------------------------------------- layout

@dataclass(frozen=True)
class Cell:
    """Where a box is drawn: its cell (the box over its labels), its band (a row of the
    picture left to right, a column of it top to bottom), the run of the band and its lane."""

    x: float
    y: float
    w: float
    h: float
    band: int
    run: int
    lane: int
    column: int
    across: float  # where its band starts across the flow (its first lane's y, or x TB)


def _columns(boxes: dict[int, Volume], inputs: dict[int, list[int]]) -> dict[int, int]:
    """The longest path from the input to each box, over the drawn boxes (network order is
    topological)."""
    column: dict[int, int] = {}
    for index in boxes:
        column[index] = 1 + max((column[j] for j in inputs[index]), default=-1)
    return column


def _same_size(a: Volume, b: Volume) -> bool:
    """Two volumes of one spatial level: less than a factor of 2 apart on every axis (an
    encoder halves the size from level to level; U-Net crops 568x568 to 392x392 before it
    concatenates)."""
    sa, sb = a.item.shape, b.item.shape
    if sa is None or sb is None or len(sa) < 2 or len(sa) != len(sb):
        return False
    return all(min(x, y) > 0 and max(x, y) < 2 * min(x, y) for x, y in zip(sa[1:], sb[1:]))


def folds(boxes: dict[int, Volume], inputs: dict[int, list[int]],
          column: dict[int, int]) -> list[tuple[int, int]]:
    """Where an encoder-decoder folds: skips (edges over more than one column) joining volumes
    of one spatial level, nested one inside the other, each inner one at a smaller level (the
    encoder shrinks the picture on the way down), as (encoder column, decoder column) from the
    outermost in; at least two of them, or none. The decoder is then drawn back along the
    encoder, each skip joining the two halves of one band (U-Net's U). ResNet's skips follow
    one another and never nest; DenseNet's nest but keep one size, so neither folds."""
    skips = sorted((column[a], -column[b], -_area(boxes[a])) for b, sources in inputs.items()
                   for a in sources
                   if column[b] - column[a] > 1 and _same_size(boxes[a], boxes[b]))
    chain: list[tuple[int, int, int]] = []
    for a, minus_b, minus_area in skips:
        b, area = -minus_b, -minus_area
        if not chain or (a > chain[-1][0] and b < chain[-1][1] and area < chain[-1][2]):
            chain.append((a, b, area))
    return [(a, b) for a, b, _ in chain] if len(chain) >= 2 else []


def _area(v: Volume) -> int:
    """The spatial size of a volume (H x W ...); _same_size has checked it has one."""
    return math.prod(v.item.shape[1:]) if v.item.shape is not None else 0


Run = tuple[list[int], str]  # columns, and where the run stands in its band: start, end, middle


def bands(widths: list[float], pairs: list[tuple[int, int]], budget: float,
          cuts: Sequence[bool] = ()) -> list[list[Run]]:
    """The columns in bands. Folded (an encoder-decoder): a band per skip, the encoder's
    columns up to the skip at its start and the decoder's from the skip at its end, then the
    bottom in the middle of the last band. Otherwise in order, a new band whenever the next
    column would pass `budget`: after the last column of the band where the flow is one box's
    output (`cuts[c]`: what leaves column c and the columns before comes from one box, so an
    inception module or a residual block stays whole), else just before that column."""
    n = len(widths)
    if pairs:
        out: list[list[Run]] = []
        before, after = -1, n
        for a, b in pairs:
            out.append([(list(range(before + 1, a + 1)), "start"), (list(range(b, after)), "end")])
            before, after = a, b
        out.append([(list(range(before + 1, after)), "middle")])
        return [[run for run in band if run[0]] for band in out]
    current: list[int] = []
    used = 0.0
    out = []
    for c in range(n):
        if current and used + widths[c] > budget:
            cut = next((i for i in range(len(current), 0, -1)
                        if current[i - 1] < len(cuts) and cuts[current[i - 1]]), len(current))
            out.append([(current[:cut], "start")])
            current = current[cut:]
            used = sum(widths[k] for k in current)
        current.append(c)
        used += widths[c]
    out.append([(current, "start")])
    return out


def layout(boxes: dict[int, Volume], inputs: dict[int, list[int]], direction: str,
           top: float, least_width: float) -> tuple[dict[int, Cell], float, float]:
    """Every box's cell, and the picture's width and height. Left to right (LR) a band is a
    row of cells and a column's lanes stack down; top to bottom (TB) a band is a column of
    cells and the lanes stand side by side. Bands follow one another across the flow."""
    column = _columns(boxes, inputs)
    lanes: dict[int, list[int]] = {}
    for index in boxes:
        lanes.setdefault(column[index], []).append(index)
    count = len(lanes)
    # a box's lane: its first input's, when that is free, so a branch stays on one line
    # (inception's 3x3 reduce and its 3x3 side by side); else the next free one
    slot: dict[int, int] = {}
    for c in range(count):
        wanted = sorted(lanes[c], key=lambda i: slot[inputs[i][0]] if inputs[i] else 0)
        last = -1
        for index in wanted:
            last = max(last + 1, slot[inputs[index][0]] if inputs[index] else 0)
            slot[index] = last
        lanes[c] = wanted
    content = {c: max(boxes[i].width for i in members) for c, members in lanes.items()}
    label_rows = max(v.rows for v in boxes.values())
    tallest = max(v.box_height for v in boxes.values())
    height = ARC_ROOM + tallest + 8 + label_rows * LINE + GAP  # of every cell
    lr = direction == "LR"
    widths = [content[c] + GAP for c in range(count)]
    major = widths if lr else [height] * count  # along the flow, per column
    budget = A4_WIDTH - 2 * MARGIN if lr else math.inf
    between = 2 * GAP if lr else height  # the gap between a band's runs
    # how many boxes send lines past the boundary after each column (a box's lines pass the
    # boundaries from its column to its farthest reader's): by differences, linear in the edges
    reach: dict[int, int] = {}
    for b, froms in inputs.items():
        for a in froms:
            reach[a] = max(reach.get(a, 0), column[b])
    senders = [0] * (count + 1)
    for a, farthest in reach.items():
        senders[column[a]] += 1
        senders[farthest] -= 1
    crossing = itertools.accumulate(senders[:count])
    plan = bands(major, folds(boxes, inputs, column), budget, [n == 1 for n in crossing])

    def extent(band: list[Run]) -> float:
        return sum(major[c] for cols, _ in band for c in cols) + between * (len(band) - 1)

    origin = MARGIN if lr else top  # where the flow starts
    flow = max(extent(band) for band in plan)
    if lr:
        flow = max(flow, least_width - 2 * MARGIN)
    cells: dict[int, Cell] = {}
    across = top if lr else MARGIN  # where the next band starts, across the flow
    for b, band in enumerate(plan):
        lane_size = height if lr else max(content[c] for cols, _ in band for c in cols) + GAP
        deepest = max(slot[lanes[c][-1]] + 1 for cols, _ in band for c in cols)
        for r, (cols, where) in enumerate(band):
            size = sum(major[c] for c in cols)
            at = {"start": origin, "end": origin + flow - size,
                  "middle": origin + (flow - size) / 2}[where]
            if not lr and where == "middle":  # on the grid of the other runs' cells
                at = origin + height * math.floor((flow - size) / 2 / height)
            for c in cols:
                for index in lanes[c]:
                    lane = slot[index]
                    side = across + lane * lane_size
                    cells[index] = (
                        Cell(at, side, major[c], lane_size, b, r, lane, c, across) if lr
                        else Cell(side, at, lane_size, major[c], b, r, lane, c, across))
                at += major[c]
        across += deepest * lane_size
    if lr:
        return cells, flow + 2 * MARGIN, across + MARGIN - GAP
    return cells, max(across + MARGIN, least_width), flow + top + MARGIN - GAP


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


def box_inputs(pic: Picture, boxes: dict[int, Volume], drawn_in: dict[int, int]
               ) -> dict[int, list[int]]:
    """For every drawn box the boxes it reads, in order (edges inside one box dropped)."""
    inputs: dict[int, list[int]] = {i: [] for i in boxes}
    for e in pic.edges:
        a, b = drawn_in[e.source], drawn_in[e.target]
        if a != b and a not in inputs[b]:
            inputs[b].append(a)
    return inputs


def svg(analysis: Analysis, depth: int | None = DEFAULT_DEPTH, direction: str = "LR") -> str:
    """The volume diagram as an SVG 1.1 document, flowing left to right (LR, in rows of at
    most A4_WIDTH) or top to bottom (TB)."""
    pic = picture(analysis, depth)
    _refuse_too_many(analysis, pic)
    boxes, drawn_in = volumes(pic)
    inputs = box_inputs(pic, boxes, drawn_in)
    name = text(pic.name)
    summary = _summary(analysis, pic)
    title_h = 2 * LINE + 8
    least = 2 * MARGIN + max(len(pic.name) * CHAR * 1.2, len(summary) * CHAR)
    cells, total_w, total_h = layout(boxes, inputs, direction, MARGIN + title_h, least)
    tallest = max(v.box_height for v in boxes.values())
    place = {i: (c.x + (c.w - boxes[i].box_width) / 2,
                 c.y + ARC_ROOM + tallest - boxes[i].box_height) for i, c in cells.items()}
    total_w, total_h = round(total_w, 1), round(total_h, 1)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="0 0 {total_w:g} {total_h:g}" width="{total_w:g}" height="{total_h:g}" '
        f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT}">',
        f"<title>{name}: volume diagram by cnncalc</title>",
        '<defs><marker id="cnncalc-arrow" viewBox="0 0 6 6" refX="6" refY="3" '
        'markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" '
        'fill="#6b7280"/></marker></defs>',
        '<rect class="background" x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="{MARGIN:g}" y="{MARGIN + FONT:g}" font-size="{FONT + 2}" '
        f'font-weight="bold">{name}</text>',
        f'<text x="{MARGIN:g}" y="{MARGIN + FONT + LINE + 2:g}" fill="#4b5563">'
        f"{text(summary)}</text>",
    ]
    out.append('<g class="edges" fill="none" stroke="#6b7280" stroke-width="1">')
    for b, sources in inputs.items():
        for a in sources:
            out.append(_edge(boxes[a], cells[a], place[a], boxes[b], cells[b], place[b],
                             direction == "LR"))
    out.append("</g>")
    for index, v in boxes.items():
        bx, by = place[index]
        cell = cells[index]
        out.append(f'<g class="volume" data-item="{index}">')
        out.extend(_box(v, bx, by))
        previous = inputs[index][0] if inputs[index] else None
        kernel = _kernel(v, boxes[previous], place[previous]) if previous is not None else None
        if kernel:
            out.append(kernel)
        cx = cell.x + cell.w / 2
        ty = cell.y + ARC_ROOM + tallest + 8 + FONT
        for n, pieces in enumerate(v.lines):
            weight = ' font-weight="bold"' if n == 0 else ""
            spans = "".join(f'<tspan x="{cx:g}" y="{ty + k * LINE:g}">{text(p)}</tspan>'
                            for k, p in enumerate(pieces))
            out.append(f'<text class="label" text-anchor="middle"{weight}>{spans}</text>')
            ty += len(pieces) * LINE
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _count(analysis: Analysis, depth: int) -> int:
    return len(_folds(picture(analysis, depth))[1])


def _refuse_too_many(analysis: Analysis, pic: Picture) -> None:
    """E181 past MAX_DRAWN boxes, with the deepest --depth that draws at most that many."""
    drawn = len(_folds(pic)[1])
    if drawn <= MAX_DRAWN:
        return
    deepest = max(len(item.path) for item in pic.items)
    start = deepest if pic.depth is None else min(pic.depth, deepest)
    fits = deepest_fitting(lambda d: _count(analysis, d) <= MAX_DRAWN, start)
    hint = (f"draw it with --depth {fits}, the deepest at which it fits (what is deeper than "
            f"{fits} path level{'s' if fits > 1 else ''} as one box)" if fits is not None else
            "draw a part of it: the network has more boxes than that even at --depth 1")
    raise too_large("E181", f"the volume diagram would have {drawn:,} boxes: at most "
                    f"{MAX_DRAWN:,} are drawn", hint)


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


def _edge(a: Volume, ca: Cell, pa: tuple[float, float], b: Volume, cb: Cell,
          pb: tuple[float, float], lr: bool) -> str:
    """The line from box a to box b: straight to the next cell on the same lane, a curve to
    another lane or a cell further on, a dashed arc beside the boxes for a skip along a lane
    (over them left to right, to their left top to bottom), and back across the flow (a new
    row, a fold) around the cells, through the space above the target's box. A skip is dashed."""
    dashed = cb.column - ca.column > 1 and ca.lane == cb.lane
    style = ' stroke-dasharray="4 3"' if dashed else ""
    end = f'{style} marker-end="url(#cnncalc-arrow)"/>'
    if lr:
        x1, y1 = pa[0] + a.box_width, pa[1] + a.slant + a.high / 2
        x2, y2 = pb[0], pb[1] + b.slant + b.high / 2
    else:
        x1, y1 = ca.x + ca.w / 2, ca.y + ca.h - GAP - 2
        x2, y2 = pb[0] + b.box_width / 2, pb[1]
    along = dashed and (ca.band, ca.run) == (cb.band, cb.run)
    if along and lr:
        span = cb.column - ca.column
        rise = pa[1] - min(ARC_ROOM - 4, 10 + 4 * span)
        top = min(rise, pb[1] - min(ARC_ROOM - 4, 10 + 4 * span))
        sx, tx = pa[0] + a.box_width / 2, pb[0] + b.box_width / 2
        return f'<path d="M{sx:g},{pa[1]:g} C{sx:g},{top:g} {tx:g},{top:g} {tx:g},{pb[1]:g}"{end}'
    if along:
        side = min(ca.x, cb.x) + 3
        ya, yb = pa[1] + a.slant + a.high / 2, pb[1] + b.slant + b.high / 2
        return (f'<path d="M{pa[0]:g},{ya:g} C{side:g},{ya:g} {side:g},{yb:g} {pb[0]:g},{yb:g}"'
                f"{end}")
    ahead = x2 > x1 + 2 if lr else y2 > y1 + 2
    if ahead and abs((y2 - y1) if lr else (x2 - x1)) < 1:
        return f'<path d="M{x1:g},{y1:g} L{x2:g},{y2:g}"{end}'
    if ahead and lr:
        mid = round((x1 + x2) / 2, 1)
        return f'<path d="M{x1:g},{y1:g} C{mid:g},{y1:g} {mid:g},{y2:g} {x2:g},{y2:g}"{end}'
    if ahead:
        mid = round((y1 + y2) / 2, 1)
        return f'<path d="M{x1:g},{y1:g} C{x1:g},{mid:g} {x2:g},{mid:g} {x2:g},{y2:g}"{end}'
    # back across the flow (a new row, the way up a fold): out of the source's cell, across
    # through the room above the first lane of the later band, and in along the target cell's
    # edge (past the lanes before it)
    into = (max(ca.across, cb.across) + ARC_ROOM / 2) if lr else cb.across + 4
    if lr:
        out, enter = ca.x + ca.w, cb.x + 4
        return (f'<path d="M{x1:g},{y1:g} H{out:g} V{into:g} H{enter:g} V{y2:g} H{x2:g}"'
                f"{end}")
    out, enter = ca.y + ca.h - GAP / 2, cb.y + ARC_ROOM / 2
    return (f'<path d="M{x1:g},{y1:g} V{out:g} H{into:g} V{enter:g} H{x2:g} V{y2:g}"{end}')


def svg_view(analysis: Analysis, v: View) -> str:
    """`export`'s svg format (render/registry.py)."""
    return svg(analysis, v.depth or DEFAULT_DEPTH, v.direction or "LR")
