"""`cnncalc show`: one architecture's table (or JSON, CSV, markdown), its totals and problems."""

from __future__ import annotations

from ..analysis import analyze
from ..render import registry
from ..render.console import use_color, width
from .common import max_bytes as read_max_bytes
from .common import parse_columns, parse_scale, parse_sets, parse_shape, read, write


def run(*, file: str, input: str | None, format: str, layout: str, depth: int | None,
        columns: str, share: str | None, batch: int | None, dtype: str | None, count: str,
        optimizer: str, strict: bool, max_layers: int, max_bytes: str | None, notes: bool,
        color: str, set_: list[str] | None, scale: str | None) -> int:
    shape = parse_shape(input, layout) if input is not None else None
    shown = parse_columns(columns)
    limit = read_max_bytes(max_bytes)
    source = read(file, limit)
    analysis = analyze(source, shape, batch=batch, dtype=dtype, count=count,
                       optimizer=optimizer, max_layers=max_layers, max_bytes=limit,
                       params=parse_sets(set_), scale=parse_scale(scale))
    renderer = registry.SHOW[format]
    painted = format == "table" and use_color(color)
    view = registry.View(layout=layout, depth=depth, color=painted, width=width(),
                         columns=shown, share=share, notes=notes)
    write(renderer(analysis, view), painted, guarded=renderer.guarded)
    return analysis.exit_code(strict)
