"""`cnncalc export`: the network as a PyTorch module, or drawn (Mermaid, Graphviz dot)."""

from __future__ import annotations

from pathlib import Path

from ..analysis import analyze
from ..diagnostics import Severity
from ..export import ExportError
from ..render import registry, text
from ..render.safe import clean
from .common import parse_scale, parse_sets, parse_shape, read, say, write


def run(*, file: str, to: str, input: str | None, output: str | None,
        set_: list[str] | None, scale: str | None) -> int:
    shape = parse_shape(input) if input is not None else None
    analysis = analyze(read(file), shape, params=parse_sets(set_),
                       scale=parse_scale(scale))
    problems = [d for d in analysis.diagnostics if d.fatal]
    if problems:
        say(text.diagnostics(problems, analysis.source))
        return 2
    try:
        code = "".join(registry.EXPORT[to](analysis, registry.View()))
    except ExportError as exc:
        errors = [d for d in analysis.diagnostics if d.severity is not Severity.NOTE]
        if errors:
            say(text.diagnostics(errors, analysis.source))
        say(f"cnncalc: {clean(str(exc))}")
        return 1
    if output is None:
        write(code)
    else:
        try:
            Path(output).write_text(code, encoding="utf-8")
        except OSError as exc:
            say(f"cnncalc: cannot write {clean(output)}: {exc.strerror}")
            return 2
    return analysis.exit_code()
