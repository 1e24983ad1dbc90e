"""cnncalc: exact CNN shapes, parameters and costs from YAML, as PyTorch builds them.

The Python API (docs/api.md) is defined in cnncalc.api and loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import (
        COUNTS,
        DTYPES,
        RENDERERS,
        Analysis,
        Arg,
        Bool,
        Choice,
        Counts,
        Ctx,
        Diagnostic,
        Field,
        Float,
        Int,
        Ints,
        LayerResult,
        OpError,
        OpSpec,
        Severity,
        Source,
        Span,
        Totals,
        Window,
        analyze,
        analyze_text,
        op,
        register_op,
        report,
        unregister_op,
    )

__all__ = [
    "COUNTS", "DTYPES", "RENDERERS", "Analysis", "Arg", "Bool", "Choice", "Counts", "Ctx",
    "Diagnostic", "Field", "Float", "Int", "Ints", "LayerResult", "OpError", "OpSpec",
    "Severity", "Source", "Span", "Totals", "Window", "__version__", "analyze", "analyze_text",
    "op", "register_op", "report", "unregister_op",
]
_API = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    """The API on first use: `cnncalc --help` need not import the analysis (PEP 562)."""
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'cnncalc' has no attribute {name!r}")
