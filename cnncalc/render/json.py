"""`--format json`: the keys of the format spec, stable; sizes are exact integers."""

from __future__ import annotations

import json
import re
from typing import Any

from .. import __version__
from ..analysis import COUNTS, Analysis
from ..diagnostics import Diagnostic
from ..passes.receptive import Field


def diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {
        "severity": d.severity.value, "code": d.code, "message": d.message,
        "file": d.span.file if d.span else None,
        "line": d.span.line if d.span else None,
        "column": d.span.col if d.span else None,
        "path": d.path, "hint": d.hint,
    }


def field(f: Field | None) -> dict[str, list[int]] | None:
    if f is None:
        return None
    return {"size": list(f.size), "stride": list(f.stride), "start": list(f.start)}


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
        "count": a.count,
        "count_convention": COUNTS[a.count] + "; FLOPs = 2 x MACs",
        "optimizer": a.optimizer,
        "layers": [
            {"path": layer.path, "op": layer.op, "inputs": list(layer.inputs),
             "output_shape": list(layer.output_shape) if layer.output_shape else None,
             "params": layer.params, "trainable_params": layer.trainable_params,
             "buffers": layer.buffers, "macs": layer.macs, "flops": 2 * layer.macs,
             "activation_bytes": layer.activation_bytes,
             "receptive_field": field(layer.receptive_field), "line": layer.line}
            for layer in a.layers
        ],
        "totals": {"params": t.params, "trainable_params": t.trainable_params,
                   "buffers": t.buffers, "macs": t.macs, "flops": t.flops,
                   "param_bytes": t.param_bytes, "buffer_bytes": t.buffer_bytes,
                   "activation_bytes": t.activation_bytes,
                   "peak_activation_bytes": t.peak_activation_bytes,
                   "peak_bytes": t.peak_bytes, "peak_at": t.peak_at,
                   "training_bytes": t.training_bytes},
        "diagnostics": [diagnostic(d) for d in a.diagnostics],
    }


_NUMBERS = re.compile(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]")


def render(a: Analysis) -> str:
    text = json.dumps(document(a), indent=2)
    # shapes and fields on one line: [64, 112, 112], as people write them
    return _NUMBERS.sub(lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(","))
                        + "]", text) + "\n"
