"""The public Python API in one place (docs/api.md): `cnncalc/__init__.py` exports these names
and imports this module on first use, so that `cnncalc --help` loads none of the analysis.

The command line is a skin over the same functions: `show -f FORMAT` writes what
`report(analysis, FORMAT)` returns.
"""

from __future__ import annotations

from collections.abc import Callable

from .analysis import COUNTS, Analysis, LayerResult, Totals, analyze, analyze_text
from .diagnostics import Diagnostic, Severity
from .format import DTYPES
from .ops import Arg, Counts, Ctx, OpError, OpSpec, Window, lookup
from .ops import register as register_op
from .ops import unregister as unregister_op
from .ops.base import Bool, Choice, Float, Int, Ints
from .passes.receptive import Field
from .source import Source, Span


def _table(a: Analysis) -> str:
    from .render import table

    return table.render(a)


def _json(a: Analysis) -> str:
    from .render import json

    return json.render(a)


def _csv(a: Analysis) -> str:
    from .render import tabular

    return tabular.render_csv(a)


def _markdown(a: Analysis) -> str:
    from .render import tabular

    return tabular.render_markdown(a)


# `show`'s output formats by name, each with its defaults (no colour, no width limit)
RENDERERS: dict[str, Callable[[Analysis], str]] = {
    "table": _table, "json": _json, "csv": _csv, "markdown": _markdown,
}


def report(analysis: Analysis, format: str = "table") -> str:
    """`analysis` as `cnncalc show -f FORMAT` writes it (RENDERERS names the formats)."""
    try:
        renderer = RENDERERS[format]
    except KeyError:
        raise ValueError(f"format must be one of {', '.join(RENDERERS)}, got {format!r}"
                         ) from None
    return renderer(analysis)


def op(name: str) -> OpSpec:
    """The op `name` (or an alias) as the registry holds it; KeyError when there is none."""
    found = lookup(name)
    if found is None:
        raise KeyError(name)
    return found[0]


__all__ = [
    "COUNTS", "DTYPES", "RENDERERS", "Analysis", "Arg", "Bool", "Choice", "Counts", "Ctx",
    "Diagnostic", "Field", "Float", "Int", "Ints", "LayerResult", "OpError", "OpSpec",
    "Severity", "Source", "Span", "Totals", "Window", "analyze", "analyze_text", "op",
    "register_op", "report", "unregister_op",
]
