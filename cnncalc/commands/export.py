"""`cnncalc export`: the network as a PyTorch module, or drawn (Mermaid, Graphviz dot)."""

from __future__ import annotations

from ..analysis import analyze
from ..diagnostics import Severity
from ..export import ExportError
from ..render import registry, text
from ..render.safe import clean
from .common import deliver, parse_scale, parse_sets, parse_shape, read, say


def run(*, file: str, to: str, input: str | None, output: str | None,
        set_: list[str] | None, scale: str | None, depth: int | None = None,
        direction: str | None = None, layout: str | None = None) -> int:
    shape = parse_shape(input) if input is not None else None
    # --input and the diagrams' shapes as --layout says, else as the file writes shapes
    analysis = analyze(read(file), shape, params=parse_sets(set_), layout=layout,
                       scale=parse_scale(scale), input_layout=layout)
    problems = [d for d in analysis.diagnostics if d.fatal]
    if problems:
        say(text.diagnostics(problems, analysis.source))
        return 2
    try:
        code = "".join(registry.EXPORT[to](
            analysis, registry.View(depth=depth, direction=direction)))
    except ExportError as exc:
        errors = [d for d in analysis.diagnostics if d.severity is not Severity.NOTE]
        if exc.diagnostic is not None:  # a diagram too large: said as the file's diagnostics
            errors.append(exc.diagnostic)
        if errors:
            say(text.diagnostics(errors, analysis.source))
        if exc.diagnostic is None:
            say(f"cnncalc: {clean(str(exc))}")
        return 1
    return deliver(code, output) or analysis.exit_code()
