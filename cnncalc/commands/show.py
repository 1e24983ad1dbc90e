"""`cnncalc show`: one architecture's table (or JSON, CSV, markdown), its totals and problems."""

from __future__ import annotations

import typer

from ..analysis import Analysis, analyze
from ..diagnostics import Severity
from ..render import registry
from ..render.console import use_color, width
from .common import max_bytes as read_max_bytes
from .common import (
    parse_columns,
    parse_scale,
    parse_sets,
    parse_shape,
    print_problems,
    read,
    write,
)


def run(*, file: str, input: str | None, format: str, layout: str | None, depth: int | None,
        columns: str, share: str | None, group_by: str | None, batch: int | None,
        dtype: str | None, count: str, optimizer: str, strict: bool, max_layers: int,
        max_bytes: str | None, notes: bool, color: str, set_: list[str] | None,
        scale: str | None) -> int:
    shape = parse_shape(input) if input is not None else None
    shown = parse_columns(columns)
    limit = read_max_bytes(max_bytes)
    source = read(file, limit)
    analysis = analyze(source, shape, batch=batch, dtype=dtype, count=count,
                       optimizer=optimizer, max_layers=max_layers, max_bytes=limit,
                       params=parse_sets(set_), layout=layout, scale=parse_scale(scale),
                       input_layout=layout)  # --input as --layout says, else as the file
    if group_by is not None:
        return _grouped(analysis, format, strict)
    renderer = registry.SHOW[format]
    painted = format == "table" and use_color(color)
    view = registry.View(layout=analysis.layout, depth=depth, color=painted, width=width(),
                         columns=shown, share=share, notes=notes)
    write(renderer(analysis, view), painted, guarded=renderer.guarded)
    return analysis.exit_code(strict)


def _grouped(analysis: Analysis, format: str, strict: bool) -> int:
    """`--group-by op`: the sums by op and the depth, then the problems (as the table)."""
    from ..render import groups, table
    from ..subtotals import by_op

    if format not in ("table", "json"):
        raise typer.BadParameter(f"--group-by writes a table or json, not {format}",
                                 param_hint="--format")
    if analysis.graph is None:  # nothing to sum: the problems say why
        print_problems(analysis)
        return analysis.exit_code(strict)
    sums = by_op(analysis)
    if format == "json":
        write(groups.data(sums))
    else:
        write(groups.text(analysis.name, sums, table.totals(analysis)))
        if any(d.severity is not Severity.NOTE for d in analysis.diagnostics):
            write("\n")  # a blank line between the totals and the problems
        print_problems(analysis)
    return analysis.exit_code(strict)
