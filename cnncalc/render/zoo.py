"""The `cnncalc zoo` listing: a row of totals per model, what it mirrors below it."""

from __future__ import annotations

import textwrap

from ..zoo import Entry
from .columns import Column, Grid

COLUMNS = (Column("Model"), Column("Input"), Column("Params", right=True),
           Column("MACs", right=True), Column("Output"))


def render(listed: list[Entry]) -> str:
    rows = [(e.name, e.input, f"{e.params:,}", f"{e.macs:,}", e.output) for e in listed]
    grid = Grid(COLUMNS, rows, gap="  ")
    out = [grid.head()]
    for entry, row in zip(listed, rows):
        out.append(grid.line(row))
        out += textwrap.wrap(entry.mirrors, 80, initial_indent="    ",
                             subsequent_indent="    ")
    hint = "A name stands for its file in every command: cnncalc show resnet50"
    return "\n".join([*out, "", f"{len(listed)} models. {hint}", ""])
