"""cnncalc: exact CNN shapes, parameters and costs from YAML, as PyTorch builds them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .analysis import Analysis, LayerResult, Totals, analyze, analyze_text

__all__ = ["Analysis", "LayerResult", "Totals", "__version__", "analyze", "analyze_text"]


def __getattr__(name: str) -> Any:
    """The API on first use: `cnncalc --help` need not import the analysis (PEP 562)."""
    if name in __all__:
        from . import analysis

        return getattr(analysis, name)
    raise AttributeError(f"module 'cnncalc' has no attribute {name!r}")
