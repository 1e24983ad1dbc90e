"""`cnncalc explain` (each layer's arithmetic, from a file) and `cnncalc calc` (one layer, no
file)."""

from __future__ import annotations

import typer

from ..analysis import analyze, analyze_tree
from ..diagnostics import FatalError, did_you_mean
from ..explain import explain as run_explain
from ..explain import select
from ..loader import load
from ..mapping import plain, tree
from ..render.console import use_color
from ..render.explain import render
from ..render.safe import clean
from ..source import Source
from .common import parse_scale, parse_sets, parse_shape, print_problems, read, say, write
from .options import quoted


def run(*, file: str, layers: list[str] | None, input: str | None, layout: str,
        color: str, set_: list[str] | None, scale: str | None) -> int:
    shape = parse_shape(input, layout) if input is not None else None
    analysis = analyze(read(file), shape, params=parse_sets(set_),
                       scale=parse_scale(scale))
    wanted = layers or []
    unknown = [w for w in wanted if not select(analysis, [w])]
    if unknown and analysis.graph is not None:
        paths = [layer.path for layer in analysis.layers]
        for w in unknown:
            hint = did_you_mean(w, paths)
            say(f"cnncalc: no layer '{clean(w)}' in {clean(file)}"
                + (f"; {clean(hint)}" if hint else ""))
        return 2
    painted = use_color(color)
    print_problems(analysis, painted)
    write(render(run_explain(analysis, wanted)), painted)
    return analysis.exit_code()


def calc(*, op: str, args: list[str] | None, input: str, layout: str, color: str) -> int:
    shape = parse_shape(input, layout)
    # The one-layer network is built as a mapping, each value read as YAML on its own: no
    # name or value can add a key, a layer or a line (`relu "inplace=false}⏎  - conv: ..."`).
    # `layers` comes first so that the layer is on line 3 of the listing diagnostics quote.
    arguments = {}
    for arg in args or []:
        name, eq, value = arg.partition("=")
        if not eq or not name.strip():
            raise typer.BadParameter(f"{quoted(arg)} is not NAME=VALUE (e.g. kernel_size=3)")
        try:
            node, _ = load(Source("<calc>", value.strip() or "null"))
            arguments[name.strip()] = plain(node)
        except FatalError as exc:
            raise typer.BadParameter(f"{quoted(arg)}: the value is not YAML "
                                     f"({exc.diagnostic.message})") from None
        except ValueError as exc:
            raise typer.BadParameter(f"{quoted(arg)}: {exc}") from None
    layer = {op: arguments} if arguments else op
    root, listing, problems = tree({"layers": [layer], "input": list(shape)}, "<calc>")
    analysis = analyze_tree(root, problems, listing)
    painted = use_color(color)
    print_problems(analysis, painted)
    if analysis.graph is not None:
        write(render(run_explain(analysis)), painted)
    return analysis.exit_code()
