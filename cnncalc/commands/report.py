"""`cnncalc report`: one self-contained HTML page of a network (render/html.py)."""

from __future__ import annotations

from pathlib import Path

from ..analysis import analyze
from ..render import registry
from ..render.safe import clean
from .common import parse_sets, parse_shape, read, say, write


def run(*, file: str, output: str | None, input: str | None, set_: list[str] | None,
        depth: int | None) -> int:
    shape = parse_shape(input) if input is not None else None
    analysis = analyze(read(file), shape, params=parse_sets(set_))
    page = "".join(registry.REPORT(analysis, registry.View(depth=depth)))
    if output is None:
        write(page)
    else:
        try:
            Path(output).write_text(page, encoding="utf-8")
        except OSError as exc:
            say(f"cnncalc: cannot write {clean(output)}: {exc.strerror}")
            return 2
    return analysis.exit_code()
