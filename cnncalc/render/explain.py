"""`cnncalc explain`'s output (and `calc`'s): each layer's head, then its arithmetic, as
cnncalc/explain.py worked it out."""

from __future__ import annotations

from ..explain import Explanation
from .safe import clean


def render(explanations: list[Explanation], lines: bool = True) -> str:
    """Each layer's head and lines; names, and the messages quoted from diagnostics, come from
    the file: each line is cleaned. `lines`: name the file's line of each layer (`calc` has
    no file)."""
    blocks = []
    for e in explanations:
        # another file's line (a block library's) is named with its file
        where = ("" if not lines else f", {e.file}:{e.layer.line}" if e.file
                 else f", line {e.layer.line}")
        head = clean(f"{e.layer.path} ({e.layer.op}{where})")
        blocks.append("\n".join([head, *(f"  {clean(line)}" for line in e.lines)]))
    return "\n\n".join(blocks) + "\n"
