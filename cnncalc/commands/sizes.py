"""`cnncalc sizes`: the input sizes for which every layer divides exactly."""

from __future__ import annotations

import typer

from ..render import sizes as sizes_render
from ..render import text
from ..render.console import use_color, width
from ..render.safe import clean
from ..sizes import fitting_sizes
from .common import parse_axes, parse_scale, parse_sets, read, write


def run(*, file: str, min: int, max: int, axes: str | None, why: list[int] | None,
        color: str, set_: list[str] | None, scale: str | None) -> int:
    if min > max or max - min > 100_000:
        raise typer.BadParameter("give --min <= --max, at most 100,000 sizes apart")
    outside = {n for n in why or [] if not min <= n <= max}
    if max - min + len(outside) > 100_000:  # each is built, as the range's sizes are
        raise typer.BadParameter("at most 100,000 sizes in all: the range's and --why's "
                                 "outside it", param_hint="--why")
    swept = parse_axes(axes) if axes is not None else None
    source = read(file)
    try:
        result = fitting_sizes(source, min, max, axes=swept, params=parse_sets(set_),
                               scale=parse_scale(scale), explain=why or ())
    except ValueError as exc:
        raise typer.BadParameter(clean(str(exc))) from None
    painted, columns = use_color(color), width()
    if result.diagnostics:
        write(text.diagnostics(result.diagnostics, result.source, color=painted,
                               width=columns) + "\n", painted)
        return 2 if any(d.fatal for d in result.diagnostics) else 1
    answers = [(n, result.check(n), result.nearest(n)) for n in why or []]
    write(sizes_render.render(result, min, max, answers, color=painted, width=columns),
          painted)
    return 0 if result.exact else 1
