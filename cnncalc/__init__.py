"""cnncalc: exact CNN shapes, parameters and costs from YAML, as PyTorch builds them."""

from __future__ import annotations

__version__ = "0.1.0"

from .analysis import Analysis, LayerResult, Totals, analyze

__all__ = ["Analysis", "LayerResult", "Totals", "__version__", "analyze"]
