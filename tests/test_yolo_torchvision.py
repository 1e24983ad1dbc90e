"""TorchVision rows (`[-1, 1, TorchVision, [c2, model, weights, unwrap, truncate, split]]`):
every torchvision model the reader knows (cnncalc/readers/torchvision_models.yaml), whole,
truncated and split into an Index-read backbone, against Ultralytics building the same rows
(tests/yolo_oracle.py answers torchvision's get_model with tests/reference_models.py), and,
whole, against the zoo's file of the same network; then the mistakes a user makes with them,
said at the row."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_yolo_parity as parity
import yolo_oracle as oracle

from cnncalc import zoo
from cnncalc.analysis import Analysis, analyze
from cnncalc.readers import ultralytics as u

MODELS = list(u.torchvision_models())
# the zoo file of each model (EfficientNet's file is the family's, at B0 by default)
ZOO_FILE = {"efficientnet_b0": "efficientnet"}
# items of each model's split list (its input, then each child's output) at strides 8, 16
# and 32, and their channels: the layers a detector's neck reads
PICKS = {
    "resnet18": [(6, 128), (7, 256), (8, 512)], "resnet34": [(6, 128), (7, 256), (8, 512)],
    "resnet50": [(6, 512), (7, 1024), (8, 2048)], "resnet101": [(6, 512), (7, 1024), (8, 2048)],
    "resnet152": [(6, 512), (7, 1024), (8, 2048)],
    "mobilenet_v2": [(7, 32), (14, 96), (18, 320)],
    "efficientnet_b0": [(4, 40), (6, 112), (9, 1280)],
    "convnext_tiny": [(4, 192), (6, 384), (8, 768)],
}


def _errors(analysis: Analysis) -> list[str]:
    return [f"{d.code} {d.message}" for d in analysis.diagnostics if d.severity.value == "error"]


def test_every_model_has_its_picks() -> None:
    assert sorted(PICKS) == sorted(MODELS)


@pytest.mark.parametrize("model", MODELS)
def test_the_whole_model_is_the_zoo_network(tmp_path: Path, model: str) -> None:
    """unwrap=False runs torchvision's whole model, its forward's own steps (the flatten
    before the classifier) included: the zoo's file of that network, to the unit."""
    path = tmp_path / "whole.yaml"
    path.write_text(f"input: [3, 224, 224]\nbackbone:\n  - [-1, 1, TorchVision, [1000, {model}, "
                    "DEFAULT, False]]\nhead:\n  - [-1, 1, nn.Identity, []]\n", encoding="utf-8")
    mine = analyze(path)
    found = zoo.find(ZOO_FILE.get(model, model))
    assert found is not None
    theirs = analyze(found)
    assert _errors(mine) == [] and _errors(theirs) == []
    assert (mine.totals.params, mine.totals.buffers, mine.totals.macs, mine.output_shape) == \
        (theirs.totals.params, theirs.totals.buffers, theirs.totals.macs, theirs.output_shape)


needs_oracle = pytest.mark.skipif(oracle.missing() is not None, reason=oracle.missing() or "")


@needs_oracle
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("variant", ["whole", "truncated", "split"])
def test_each_model_matches_ultralytics(tmp_path: Path, model: str, variant: str) -> None:
    """The whole model at 640 (unwrap False), a classifier on its children less the pooling
    and classifier (truncate 2, as yolo11-cls-resnet18.yaml), and a detector reading three of
    its split list's items through Index rows."""
    last = PICKS[model][-1][1]
    if variant == "whole":
        rows = f"  - [-1, 1, TorchVision, [1000, {model}, DEFAULT, False]]\nhead:\n" \
               "  - [-1, 1, nn.Identity, []]\n"
    elif variant == "truncated":
        rows = f"  - [-1, 1, TorchVision, [{last}, {model}, DEFAULT, True, 2]]\nhead:\n" \
               "  - [-1, 1, Classify, [nc]]\n"
    else:
        picks = "".join(f"  - [0, 1, Index, [{c}, {i}]]\n" for i, c in PICKS[model])
        rows = f"  - [-1, 1, TorchVision, [{last}, {model}, DEFAULT, True, 2, True]]\n" \
               f"{picks}head:\n  - [[1, 2, 3], 1, Detect, [nc]]\n"
    path = tmp_path / f"{model}_{variant}.yaml"
    path.write_text(f"nc: 5\nbackbone:\n{rows}", encoding="utf-8")
    parity.test_totals_and_rows_match_ultralytics(str(path), "")
