"""Diagnostics as compilers print them: `file:line:col: severity[CODE]: message`, the source
line with a caret under the value, and the hint.

Every text a diagnostic carries (file name, message, layer path, hint, the quoted line) came
from, or quotes, the user's input: each is written through `clean()` here, the one place
diagnostics become text, so no renderer has to remember it.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..source import Source
from .console import paint
from .safe import clean


def location(d: Diagnostic, fallback: str) -> str:
    if d.span is None:
        return clean(fallback)
    return clean(f"{d.span.file}:{d.span.line}:{d.span.col}")


def wrap(line: str, width: int | None, indent: str = "    ") -> list[str]:
    """`line` cut at spaces to `width` columns, continued under `indent`; a word (a number, a
    path) is never split, and a line that fits, or no width, leaves it whole."""
    if width is None or len(line) <= width:
        return [line]
    return textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False, drop_whitespace=True) or [line]


def diagnostic(d: Diagnostic, source: Source | None, *, color: bool = False,
               width: int | None = None) -> str:
    where = location(d, source.name if source else "cnncalc")
    layer = f" (in {clean(d.path)})" if d.path else ""
    label = f"{d.severity.value}[{d.code}]"
    head = wrap(f"{where}: {label}: {clean(d.message)}{layer}", width)
    if color:  # the label is one word: it sits whole on one of the wrapped lines
        for i, line in enumerate(head):
            if f"{label}:" in line:
                head[i] = line.replace(label, paint(label, d.severity.value, color), 1)
                break
    if d.severity is Severity.NOTE:  # nothing to fix: one line is enough
        return "\n".join(head)
    lines = head
    if d.span is not None and source is not None and source.text:
        excerpt = source.excerpt(d.span)
        if excerpt:
            lines.append(excerpt)
    if d.hint:
        lines += wrap(f"  = hint: {clean(d.hint)}", width, "          ")
    return "\n".join(lines)


def diagnostics(items: Iterable[Diagnostic], source: Source | None, *, color: bool = False,
                width: int | None = None) -> str:
    """Multi-line entries are separated by a blank line; runs of one-line notes stay together."""
    blocks = [diagnostic(d, source, color=color, width=width) for d in items]
    out = blocks[:1]
    for before, block in itertools.pairwise(blocks):  # joined once: 10^4 problems stay linear
        out += ("\n\n" if "\n" in before or "\n" in block else "\n", block)
    return "".join(out)


def summary(items: Iterable[Diagnostic]) -> str:
    """"2 errors, 1 warning, 3 notes" (empty when there is nothing)."""
    items = list(items)
    parts = []
    for severity in Severity:
        n = sum(1 for d in items if d.severity == severity)
        if n:
            parts.append(f"{n} {severity.value}{'s' if n != 1 else ''}")
    return ", ".join(parts)


# notes that many layers of one network repeat (every stride-2 stage of a ResNet): what they
# conclude, after the layer's own arithmetic, and how a group of them reads
_CONCLUSION = {"N101": re.compile(r", floored to \d+: (.*)$"),
               "N102": re.compile(r", (rounded up) to \d+ by ceil_mode$")}
_GROUPED = {"N101": "{n} layers floor a fractional size where {what}",
            "N102": "{n} layers round a fractional size up (ceil_mode)"}
SHOWN = 3  # layer paths named in a group's line


def grouped(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """`items` with each set of notes that say the same thing of several layers made one note,
    in the place of the first: "8 layers floor a fractional size where only padding is left
    unread: stem.conv1, layer2[0].cbr1.conv1, … (8 in all)". Everything else is kept as is."""
    items = list(items)
    groups: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in items:
        pattern = _CONCLUSION.get(d.code)
        match = pattern.search(d.message) if pattern and d.path else None
        if match:
            groups.setdefault((d.code, match.group(1)), []).append(d)
    if all(len(g) < 2 for g in groups.values()):
        return items
    first = {id(g[0]): (key, g) for key, g in groups.items() if len(g) >= 2}
    merged = {id(d) for g in groups.values() if len(g) >= 2 for d in g}
    out = []
    for d in items:
        if id(d) in first:
            (code, what), members = first[id(d)]
            names = ", ".join(m.path or "" for m in members[:SHOWN])
            more = f", … ({len(members)} in all; --notes lists each)" if len(members) > SHOWN \
                else ""
            message = _GROUPED[code].format(n=len(members), what=what) + f": {names}{more}"
            out.append(Diagnostic(code, message, d.span))
        elif id(d) not in merged:
            out.append(d)
    return out
