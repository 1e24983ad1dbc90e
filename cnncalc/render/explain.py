"""`cnncalc explain`'s output (and `calc`'s): each layer's head, then its arithmetic, as
cnncalc/explain.py worked it out."""

from __future__ import annotations

from ..explain import Explanation
from .safe import clean


def render(explanations: list[Explanation]) -> str:
    """Each layer's head and lines; names, and the messages quoted from diagnostics, come from
    the file: each line is cleaned."""
    blocks = []
    for e in explanations:
        head = clean(f"{e.layer.path} ({e.layer.op}, line {e.layer.line})")
        blocks.append("\n".join([head, *(f"  {clean(line)}" for line in e.lines)]))
    return "\n\n".join(blocks) + "\n"
