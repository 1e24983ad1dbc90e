"""Rewrite tests/data/torchvision.json from torchvision itself (see tests/data/README.md).

    pip install torch torchvision && python tests/data/regen_torchvision.py

Builds each model with weights=None, counts parameters and buffers from the modules and
multiplies of conv and linear layers (no bias; a Linear on a channels-last tensor counts at every
position) over one forward pass of a zero batch of one, with the same counter as the parity
tests (tests/reference_models.py `leaf_trace`). Three groups: `models` (the classic zoo at
3x224x224), `models_1_1` (the networks of the format 1.1 zoo; the segmentation models with
aux_loss=False at 3x520x520, output = model(x)["out"]) and `families` (one builder, several
multipliers).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/, for reference_models

SHAPE = (3, 224, 224)
SEGMENTATION = (3, 520, 520)  # the size torchvision's segmentation weights resize to

NAMES = ["alexnet", "vgg11", "vgg16", "vgg16_bn", "vgg19", "googlenet", "resnet18", "resnet34",
         "resnet50", "resnet101", "resnet152", "mobilenet_v2", "squeezenet1_0", "squeezenet1_1",
         "densenet121"]
# googlenet's auxiliary heads run only in training; torchvision's published figure leaves them out
OPTIONS: dict[str, dict[str, Any]] = {"googlenet": {"aux_logits": False, "init_weights": False}}

# the format 1.1 zoo: builder name -> (input shape, builder arguments besides weights=None)
_SEG = {"aux_loss": False, "weights_backbone": None}
NAMES_1_1: dict[str, tuple[tuple[int, ...], dict[str, Any]]] = {
    "convnext_tiny": (SHAPE, {}),
    "shufflenet_v2_x1_0": (SHAPE, {}),
    "regnet_x_400mf": (SHAPE, {}),
    "fcn_resnet50": (SEGMENTATION, _SEG),
    "deeplabv3_resnet50": (SEGMENTATION, _SEG),
    "lraspp_mobilenet_v3_large": (SEGMENTATION, {"weights_backbone": None}),
}
# family members: key -> (builder, its arguments, input shape: each EfficientNet at the
# resolution torchvision's weights use)
FAMILIES: dict[str, tuple[str, dict[str, Any], tuple[int, ...]]] = {
    **{f"mobilenet_v2(width_mult={w})": ("mobilenet_v2", {"width_mult": w}, SHAPE)
       for w in (0.5, 0.75, 1.4)},
    "efficientnet_b0": ("efficientnet_b0", {}, SHAPE),
    "efficientnet_b1": ("efficientnet_b1", {}, (3, 240, 240)),
    "efficientnet_b2": ("efficientnet_b2", {}, (3, 260, 260)),
    "efficientnet_b3": ("efficientnet_b3", {}, (3, 300, 300)),
}


def count(builder: Any, shape: tuple[int, ...], **options: Any) -> dict[str, Any]:
    from reference_models import leaf_trace

    model = builder(weights=None, **options)
    # the model's own output: squeezenet flattens after its last leaf; a segmentation model
    # returns {"out": tensor}
    outputs: list[list[int]] = []

    def keep(_m: Any, _a: Any, out: Any) -> None:
        outputs.append(list((out["out"] if isinstance(out, dict) else out).shape[1:]))

    model.register_forward_hook(keep)
    trace = leaf_trace(model, shape)
    return {"input": list(shape), "params": sum(p.numel() for p in model.parameters()),
            "buffers": sum(b.numel() for b in model.buffers()),
            "macs": sum(record["macs"] for record in trace), "output": outputs[0]}


def render(sections: list[tuple[str, Any]]) -> str:
    """The file's layout: one line per model, so a review diff shows which model changed."""
    parts = []
    for key, value in sections:
        if isinstance(value, str):
            parts.append(f" {json.dumps(key)}: {json.dumps(value)}")
        else:
            rows = [f"  {json.dumps(name)}: {json.dumps(row)}" for name, row in value.items()]
            parts.append(f" {json.dumps(key)}: {{\n" + ",\n".join(rows) + "\n }")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main() -> None:
    import torchvision
    from torchvision.models import segmentation

    def builder(name: str) -> Any:
        return getattr(torchvision.models, name, None) or getattr(segmentation, name)

    version = torchvision.__version__.split("+")[0]
    about = (f"torchvision {version} models built with "
             "weights=None (googlenet: aux_logits=False), batch 1, 3x224x224 input. params and "
             "buffers counted from the modules; macs = multiplies of conv and linear layers "
             "only, no bias (torchvision's published GFLOPS figure is this count / 1e9, rounded "
             "to 3 decimals). Source and how to regenerate: tests/data/README.md.")
    about_1_1 = (f"torchvision {version}, counted as the models above. 'models_1_1': the networks "
                 "of the format 1.1 zoo; the segmentation models with aux_loss=False, "
                 "weights_backbone=None at 3x520x520, output = model(x)['out'] (the final "
                 "bilinear resize counts 0 MACs). 'families': one builder, several members "
                 "(mobilenet_v2(width_mult=w); efficientnet_b0..b3 at their own resolutions). A "
                 "Linear on a channels-last tensor (ConvNeXt) counts in*out at every position.")
    sections: list[tuple[str, Any]] = [
        ("_about", about),
        ("models", {name: count(builder(name), SHAPE, **OPTIONS.get(name, {}))
                    for name in NAMES}),
        ("_about_1_1", about_1_1),
        ("models_1_1", {name: count(builder(name), shape, **options)
                        for name, (shape, options) in NAMES_1_1.items()}),
        ("families", {key: count(builder(name), shape, **options)
                      for key, (name, options, shape) in FAMILIES.items()}),
    ]
    (HERE / "torchvision.json").write_text(render(sections), encoding="utf-8")


if __name__ == "__main__":
    main()
