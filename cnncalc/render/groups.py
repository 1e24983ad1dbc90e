"""`cnncalc show --group-by op`: the per-op subtotals (cnncalc/subtotals.py) as a table, or
JSON."""

from __future__ import annotations

from ..subtotals import Subtotals
from . import json as json_render
from .columns import Column, Grid
from .safe import clean
from .units import size

COLUMNS = (Column("Op"), Column("Layers", True), Column("Params", True), Column("%", True),
           Column("MACs", True), Column("%", True), Column("Memory", True), Column("%", True))


def percent(share: float) -> str:
    """A share as a whole percentage; never 0% or 100% for a part that is neither."""
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{100 * share:.0f}%"


def text(name: str, s: Subtotals, totals: str) -> str:
    """The table, then `totals` (render/table.totals: the layer count and the depth first)."""
    rows = [[clean(r.op), f"{r.layers:,}", f"{r.params:,}", percent(r.params_share),
             f"{r.macs:,}", percent(r.macs_share), size(r.memory), percent(r.memory_share)]
            for r in s.rows]
    grid = Grid(COLUMNS, rows, gap="  ", indent=" ")
    lines = [clean(name), "", grid.head(), " " + "─" * grid.span(),
             *(grid.line(row) for row in rows), "", totals]
    return "\n".join(lines) + "\n"


def data(s: Subtotals) -> str:
    return json_render.dumps({
        "ops": [{"op": r.op, "layers": r.layers, "params": r.params, "macs": r.macs,
                 "memory_bytes": r.memory, "params_share": r.params_share,
                 "macs_share": r.macs_share, "memory_share": r.memory_share} for r in s.rows],
        "layers": s.layers, "depth": s.depth}) + "\n"
