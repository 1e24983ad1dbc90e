"""Rewrite tests/data/torchvision.json from torchvision itself (see tests/data/README.md).

    pip install torch torchvision && python tests/data/regen_torchvision.py

Builds each model with weights=None, counts parameters and buffers from the modules and
multiplies of conv and linear layers (no bias) over one forward pass of a zero 3x224x224 batch of
one, with the same counter as the parity tests (tests/reference_models.py `leaf_trace`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import torchvision

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/, for reference_models

from reference_models import leaf_trace  # noqa: E402

NAMES = ["alexnet", "vgg11", "vgg16", "vgg16_bn", "vgg19", "googlenet", "resnet18", "resnet34",
         "resnet50", "resnet101", "resnet152", "mobilenet_v2", "squeezenet1_0", "squeezenet1_1",
         "densenet121"]
SHAPE = (3, 224, 224)
# googlenet's auxiliary heads run only in training; torchvision's published figure leaves them out
OPTIONS: dict[str, dict[str, Any]] = {"googlenet": {"aux_logits": False, "init_weights": False}}


def count(name: str) -> dict[str, Any]:
    model = getattr(torchvision.models, name)(weights=None, **OPTIONS.get(name, {}))
    # the model's own output: squeezenet flattens after its last leaf
    outputs: list[list[int]] = []
    model.register_forward_hook(lambda _m, _a, out: outputs.append(list(out.shape[1:])))
    trace = leaf_trace(model, SHAPE)
    return {"input": list(SHAPE), "params": sum(p.numel() for p in model.parameters()),
            "buffers": sum(b.numel() for b in model.buffers()),
            "macs": sum(record["macs"] for record in trace), "output": outputs[0]}


def main() -> None:
    about = (f"torchvision {torchvision.__version__.split('+')[0]} models built with "
             "weights=None (googlenet: aux_logits=False), batch 1, 3x224x224 input. params and "
             "buffers counted from the modules; macs = multiplies of conv and linear layers "
             "only, no bias (torchvision's published GFLOPS figure is this count / 1e9, rounded "
             "to 3 decimals). Source and how to regenerate: tests/data/README.md.")
    rows = [f"  {json.dumps(name)}: {json.dumps(count(name))}" for name in NAMES]
    text = "{\n" + f' "_about": {json.dumps(about)},\n "models": {{\n' + ",\n".join(rows)
    (HERE / "torchvision.json").write_text(text + "\n }\n}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
