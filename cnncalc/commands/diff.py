"""`cnncalc diff`: two architectures side by side, per layer and in total."""

from __future__ import annotations

import typer

from .. import diff as differ
from ..analysis import analyze
from ..render import registry, text
from ..render.console import use_color
from .common import parse_scale, parse_sets, parse_shape, read, say, write


def run(*, a: str, b: str, format: str, all_layers: bool, input: str | None,
        layout: str | None, color: str, set_: list[str] | None,
        scale: list[str] | str | None) -> int:
    if a == b == "-":  # standard input can be read once
        raise typer.BadParameter("only one of the two architectures can come from standard "
                                 "input (-)")
    shape = parse_shape(input) if input is not None else None
    sets = parse_sets(set_)
    given = [scale] if isinstance(scale, str) else list(scale or [])
    if len(given) > 2:
        raise typer.BadParameter("give it once (both files) or twice (BEFORE's, then "
                                 "AFTER's)", param_hint="--scale")
    scales = [parse_scale(s) for s in given] or [None]
    before, after = scales[0], scales[-1]
    # --input is read as --layout says, else as the first file writes shapes (the diff is
    # printed that way), for both
    first = analyze(read(a), shape, params=sets, layout=layout, scale=before,
                    input_layout=layout)
    sides = [first, analyze(read(b), shape, params=sets, layout=layout, scale=after,
                            input_layout=layout or first.layout)]
    unreadable = [(d, side.source) for side in sides for d in side.diagnostics if d.fatal]
    if unreadable:
        for d, source in unreadable:
            say(text.diagnostic(d, source))
        return 2
    renderer = registry.DIFF[format]
    painted = format == "text" and use_color(color)
    view = registry.View(layout=layout or sides[0].layout, color=painted,
                         all_layers=all_layers)
    write(renderer(differ.diff(*sides), view), painted, guarded=renderer.guarded)
    return max(side.exit_code() for side in sides)
