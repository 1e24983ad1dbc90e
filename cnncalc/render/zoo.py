"""The `cnncalc zoo` listing: a row of totals per model, what it mirrors below it (the entries
are cnncalc/zoo.py's, computed)."""

from __future__ import annotations

import textwrap

from ..graph import Shape, format_shape
from ..zoo import Entry
from .columns import Column, Grid

COLUMNS = (Column("Model"), Column("Input"), Column("Params", right=True),
           Column("MACs", right=True), Column("Output"))


def _shape(shape: Shape | None) -> str:
    return format_shape(shape) if shape else "?"


def render(listed: list[Entry]) -> str:
    rows = [(e.name, _shape(e.input), f"{e.params:,}", f"{e.macs:,}", _shape(e.output))
            for e in listed]
    grid = Grid(COLUMNS, rows, gap="  ")
    out = [grid.head()]
    for entry, row in zip(listed, rows):
        out.append(grid.line(row))
        out += textwrap.wrap(entry.mirrors, 80, initial_indent="    ",
                             subsequent_indent="    ")
    hint = "A name stands for its file in every command: cnncalc show resnet50"
    return "\n".join([*out, "", f"{len(listed)} models. {hint}", ""])
