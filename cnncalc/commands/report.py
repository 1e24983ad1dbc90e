"""`cnncalc report`: one self-contained HTML page of a network (render/html.py)."""

from __future__ import annotations

from ..analysis import analyze
from ..render import registry
from .common import deliver, parse_scale, parse_sets, parse_shape, read


def run(*, file: str, output: str | None, input: str | None, set_: list[str] | None,
        scale: str | None, depth: int | None, layout: str | None) -> int:
    shape = parse_shape(input) if input is not None else None
    # --input and the page's shapes as --layout says, else as the file writes shapes
    analysis = analyze(read(file), shape, params=parse_sets(set_), layout=layout,
                       scale=parse_scale(scale), input_layout=layout)
    page = "".join(registry.REPORT(analysis, registry.View(depth=depth)))
    return deliver(page, output) or analysis.exit_code()
