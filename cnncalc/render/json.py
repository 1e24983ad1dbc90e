"""`--format json`: the keys of the format spec, stable; sizes are exact integers."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..analysis import Analysis
from ..diagnostics import Diagnostic

MAC_CONVENTION = "torchvision: multiplies of conv and linear layers; FLOPs = 2 x MACs"


def diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {
        "severity": d.severity.value, "code": d.code, "message": d.message,
        "file": d.span.file if d.span else None,
        "line": d.span.line if d.span else None,
        "column": d.span.col if d.span else None,
        "path": d.path, "hint": d.hint,
    }


def document(a: Analysis) -> dict[str, Any]:
    t = a.totals
    return {
        "cnncalc": __version__,
        "name": a.name,
        "file": a.source.name,
        "input": list(a.input) if a.input else None,
        "output_shape": list(a.output_shape) if a.output_shape else None,
        "batch": a.batch,
        "dtype": a.dtype,
        "mac_convention": MAC_CONVENTION,
        "layers": [
            {"path": layer.path, "op": layer.op, "inputs": list(layer.inputs),
             "output_shape": list(layer.output_shape) if layer.output_shape else None,
             "params": layer.params, "trainable_params": layer.trainable_params,
             "buffers": layer.buffers, "macs": layer.macs, "line": layer.line}
            for layer in a.layers
        ],
        "totals": {"params": t.params, "trainable_params": t.trainable_params,
                   "buffers": t.buffers, "macs": t.macs, "flops": t.flops,
                   "param_bytes": t.param_bytes},
        "diagnostics": [diagnostic(d) for d in a.diagnostics],
    }


def render(a: Analysis) -> str:
    return json.dumps(document(a), indent=2) + "\n"
