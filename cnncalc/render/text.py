"""Diagnostics as compilers print them: `file:line:col: severity[CODE]: message`, the source
line with a caret under the value, and the hint."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..source import Source


def location(d: Diagnostic, fallback: str) -> str:
    if d.span is None:
        return fallback
    return f"{d.span.file}:{d.span.line}:{d.span.col}"


def diagnostic(d: Diagnostic, source: Source | None) -> str:
    where = location(d, source.name if source else "cnncalc")
    layer = f" (in {d.path})" if d.path else ""
    lines = [f"{where}: {d.severity.value}[{d.code}]: {d.message}{layer}"]
    if d.severity is Severity.NOTE:  # nothing to fix: one line is enough
        return lines[0]
    if d.span is not None and source is not None and source.text:
        excerpt = source.excerpt(d.span)
        if excerpt:
            lines.append(excerpt)
    if d.hint:
        lines.append(f"  = hint: {d.hint}")
    return "\n".join(lines)


def diagnostics(items: Iterable[Diagnostic], source: Source | None) -> str:
    """Multi-line entries are separated by a blank line; runs of one-line notes stay together."""
    blocks = [diagnostic(d, source) for d in items]
    out = blocks[0] if blocks else ""
    for before, block in itertools.pairwise(blocks):
        out += ("\n\n" if "\n" in before or "\n" in block else "\n") + block
    return out


def summary(items: Iterable[Diagnostic]) -> str:
    """"2 errors, 1 warning, 3 notes" (empty when there is nothing)."""
    items = list(items)
    parts = []
    for severity in Severity:
        n = sum(1 for d in items if d.severity == severity)
        if n:
            parts.append(f"{n} {severity.value}{'s' if n != 1 else ''}")
    return ", ".join(parts)
