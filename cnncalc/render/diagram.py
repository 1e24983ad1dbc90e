"""`cnncalc export --to mermaid` (a flowchart GitHub renders) and `--to dot` (Graphviz): a node
per layer, or at `--depth` per block call or repeat (cnncalc/export.py's `picture` decides
which), labelled with the op's key arguments and params, coloured by the op's kind; a shape is
written on an edge only where it changes; the groups above the depth drawn as nested groups."""

from __future__ import annotations

from collections.abc import Callable

from ..analysis import Analysis
from ..export import DEFAULT_DEPTH, Item, Picture, deepest_fitting, picture, too_large
from ..graph import format_shape, path_str
from .registry import View

# fill and stroke by the op's kind (the registry's OpSpec.kind); other kinds are drawn plain.
# Light fills with dark text read in both GitHub themes.
PALETTE: dict[str, tuple[str, str]] = {
    "input": ("#e5e7eb", "#374151"),
    "conv": ("#dbeafe", "#1d4ed8"),
    "linear": ("#ede9fe", "#6d28d9"),
    "pool": ("#dcfce7", "#15803d"),
    "norm": ("#fef9c3", "#a16207"),
    "activation": ("#ffedd5", "#c2410c"),
    "merge": ("#fce7f3", "#be185d"),
    "shape": ("#f1f5f9", "#475569"),
    "block": ("#e0f2fe", "#0369a1"),
}
PLAIN = ("#ffffff", "#6b7280")


def colours(kind: str) -> tuple[str, str]:
    return PALETTE.get(kind, PLAIN)


def shape_text(item: Item, layout: str) -> str:
    return format_shape(item.shape, layout) if item.shape is not None else "?"


def label_lines(item: Item, sinks: set[int], layout: str) -> list[str]:
    """path; op and key arguments; params (and a group's MACs); the output shape only for the
    input and for what nothing reads (elsewhere it is on the edges)."""
    if item.kind == "input":
        return [item.name, shape_text(item, layout)]
    lines = [item.name, f"{item.op} {item.keys}".strip()]
    figures = []
    if item.params:
        figures.append(f"{item.params:,} params")
    if item.collapsed and item.macs:
        figures.append(f"{item.macs:,} MACs")
    if figures:
        lines.append(", ".join(figures))
    if item.index in sinks or item.shape is None:
        lines.append(shape_text(item, layout))
    return lines


def _sinks(pic: Picture) -> set[int]:
    read = {e.source for e in pic.edges}
    return {item.index for item in pic.items if item.index not in read}


def _edge_label(pic: Picture, source: int) -> str | None:
    """The shape on an edge: only where the source changed it (the input's always)."""
    item = pic.items[source]
    if item.kind == "input" or item.changes or item.shape is None:
        return shape_text(item, pic.layout)
    return None


def _nested(pic: Picture, emit: Callable[[Item, int], list[str]],
            open_group: Callable[[tuple[str, ...], int, int], list[str]],
            close_group: Callable[[int], list[str]]) -> list[str]:
    """Items in order, inside nested groups (block calls and repeats above the depth) opened
    and closed as the paths enter and leave them."""
    lines: list[str] = []
    stack: list[tuple[str, ...]] = []
    count = 0
    for item in pic.items:
        groups = _groups(pic, item.path)
        while stack and stack[-1] not in groups:
            stack.pop()
            lines += close_group(len(stack))
        for group in groups:
            if group not in stack:
                lines += open_group(group, count, len(stack))
                stack.append(group)
                count += 1
        lines += emit(item, len(stack))
    while stack:
        stack.pop()
        lines += close_group(len(stack))
    return lines


def _groups(pic: Picture, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [path[:n] for n in range(1, len(path)) if path[:n] in pic.groups]


# Mermaid's defaults (maxEdges, maxTextSize in mermaid's config defaults, checked against the
# npm package by tests/test_browser.py), which GitHub keeps: past them it draws nothing.
MERMAID_MAX_EDGES = 500
MERMAID_MAX_TEXT = 50_000

_MERMAID_ESCAPES = {c: f"#{ord(c)};" for c in '#"<>&`|%'}  # % would start a %%{directive}%%


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: entity codes for the characters Mermaid reads."""
    return "".join(_MERMAID_ESCAPES.get(c, c if c.isprintable() else " ") for c in text)


def _direction(v: View) -> str:
    return "LR" if v.direction == "LR" else "TB"


def mermaid_text(pic: Picture, direction: str = "TB") -> tuple[str, int]:
    """The flowchart and its number of edges."""
    pad = "    "
    sinks = _sinks(pic)

    def node_line(item: Item, depth: int) -> list[str]:
        label = "<br/>".join(_mermaid_text(t) for t in label_lines(item, sinks, pic.layout))
        left, right = ('(["', '"])') if item.kind == "input" else ('["', '"]')
        return [f"{pad * (depth + 1)}n{item.index}{left}{label}{right}"]

    def open_group(group: tuple[str, ...], n: int, depth: int) -> list[str]:
        title = _mermaid_text(f"{path_str(group)}: {pic.groups[group]}")
        return [f'{pad * (depth + 1)}subgraph g{n}["{title}"]']

    def close_group(depth: int) -> list[str]:
        return [f"{pad * (depth + 1)}end"]

    depth = "every layer" if pic.depth is None else f"depth {pic.depth}"
    lines = [f"flowchart {direction}",
             f"{pad}%% {_mermaid_text(pic.name)}, generated by cnncalc from "
             f"{_mermaid_text(pic.source)} ({depth})"]
    lines += _nested(pic, node_line, open_group, close_group)
    for e in pic.edges:
        label = _edge_label(pic, e.source)
        arrow = "-->" if label is None else f'-->|"{_mermaid_text(label)}"|'
        lines.append(f"{pad}n{e.source} {arrow} n{e.target}")
    kinds: dict[str, list[str]] = {}
    for item in pic.items:
        if item.kind in PALETTE:
            kinds.setdefault(item.kind, []).append(f"n{item.index}")
    for kind, nodes in kinds.items():
        fill, stroke = PALETTE[kind]
        lines.append(f"{pad}classDef {kind} fill:{fill},stroke:{stroke},color:#111827")
        lines.append(f"{pad}class {','.join(nodes)} {kind}")
    return "\n".join(lines) + "\n", len(pic.edges)


def _fits(text: str, edges: int) -> bool:
    return edges <= MERMAID_MAX_EDGES and len(text) <= MERMAID_MAX_TEXT


def _fits_at(analysis: Analysis, depth: int, direction: str) -> bool:
    pic = picture(analysis, depth)
    return len(pic.edges) <= MERMAID_MAX_EDGES and _fits(*mermaid_text(pic, direction))


def mermaid(analysis: Analysis, depth: int | None = DEFAULT_DEPTH, direction: str = "TB") -> str:
    """A Mermaid flowchart (renders on GitHub), or ExportError when it is past what Mermaid
    draws (GitHub would show only an error), naming the depth at which it fits."""
    pic = picture(analysis, depth)
    edges = len(pic.edges)
    text = mermaid_text(pic, direction)[0] if edges <= MERMAID_MAX_EDGES else ""
    if text and _fits(text, edges):
        return text
    deepest = max(len(item.path) for item in pic.items)
    start = deepest if depth is None else min(depth, deepest)
    fits = deepest_fitting(lambda d: _fits_at(analysis, d, direction), start)
    hint = (f"draw it with --depth {fits}, the deepest at which it fits (what is deeper than "
            f"{fits} path level{'s' if fits > 1 else ''} as one node), or with --to dot or --to svg"
            if fits is not None else "draw it with --to dot or --to svg")
    size = f" and {len(text):,} characters" if text else ""
    raise too_large("E180", f"the Mermaid diagram has {edges:,} edges{size}: Mermaid (and "
                    f"GitHub) draw at most {MERMAID_MAX_EDGES} edges and "
                    f"{MERMAID_MAX_TEXT:,} characters, and show only an error past that", hint)


def _dot_text(text: str) -> str:
    """A double-quoted DOT string (label escapes: \\n is a line break)."""
    text = "".join(c if c.isprintable() or c == "\n" else " " for c in text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot(analysis: Analysis, depth: int | None = DEFAULT_DEPTH, direction: str = "TB") -> str:
    """A Graphviz digraph: a node per item coloured by kind, shapes on the edges where they
    change, a cluster per block call or repeat above the depth."""
    pic = picture(analysis, depth)
    pad = "    "
    sinks = _sinks(pic)

    def node_line(item: Item, depth: int) -> list[str]:
        label = _dot_text("\n".join(label_lines(item, sinks, pic.layout)))
        fill, stroke = colours(item.kind)
        shape = ', shape="oval"' if item.kind == "input" else ""
        return [f'{pad * (depth + 1)}"n{item.index}" [label={label}{shape}, '
                f'fillcolor="{fill}", color="{stroke}"];']

    def open_group(group: tuple[str, ...], n: int, depth: int) -> list[str]:
        title = _dot_text(f"{path_str(group)}: {pic.groups[group]}")
        return [f'{pad * (depth + 1)}subgraph "cluster_{n}" {{',
                f'{pad * (depth + 2)}graph [label={title}, style="dashed"];']

    def close_group(depth: int) -> list[str]:
        return [f"{pad * (depth + 1)}}}"]

    comment = "".join(c if c.isprintable() else " " for c in pic.source)
    lines = [f"// {comment}: generated by cnncalc",
             f"digraph {_dot_text(pic.name)} {{",
             f'{pad}graph [rankdir="{direction}", fontname="Helvetica"];',
             f'{pad}node [shape="box", style="rounded,filled", fontname="Helvetica"];',
             f'{pad}edge [fontname="Helvetica", fontsize="10"];']
    lines += _nested(pic, node_line, open_group, close_group)
    for e in pic.edges:
        label = _edge_label(pic, e.source)
        attrs = "" if label is None else f" [label={_dot_text(label)}]"
        lines.append(f'{pad}"n{e.source}" -> "n{e.target}"{attrs};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def mermaid_view(analysis: Analysis, v: View) -> str:
    """`export`'s mermaid format (render/registry.py)."""
    return mermaid(analysis, v.depth or DEFAULT_DEPTH, _direction(v))


def dot_view(analysis: Analysis, v: View) -> str:
    """`export`'s dot format (render/registry.py)."""
    return dot(analysis, v.depth or DEFAULT_DEPTH, _direction(v))

