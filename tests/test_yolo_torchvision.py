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


# --------------------------------------------------------------------------- mistakes

HEAD = "nc: 5\nbackbone:\n"
CLASSIFY = "head:\n  - [-1, 1, Classify, [nc]]\n"
SPLIT = "  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, 2, True]]\n"


@pytest.mark.parametrize(("rows", "said"), [
    ("  - [-1, 1, TorchVision, [512, vit_b_16]]\n" + CLASSIFY,
     ("E407", "3:5", "row 0 TorchVision: cnncalc does not read torchvision's 'vit_b_16': it "
      f"reads {', '.join(MODELS)}", "docs/yolo.md lists the models and their status")),
    ("  - [-1, 1, TorchVision, [512, resnet81]]\n" + CLASSIFY,
     ("E405", "3:5", "row 0 TorchVision: cnncalc does not read torchvision's 'resnet81': it "
      f"reads {', '.join(MODELS)}", "did you mean 'resnet18'?")),
    ("  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, 10]]\n" + CLASSIFY,
     ("E405", "3:5", "row 0 TorchVision: truncate 10 leaves none of resnet18's 10 children",
      "truncate at most 9")),
    ("  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, -1]]\n" + CLASSIFY,
     ("E405", "3:5", "row 0 TorchVision: truncate is how many children to leave out at the "
      "end: 0 or more, got -1", None)),
    # ResNet's forward flattens before fc: the unwrapped children skip it
    ("  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, 0]]\n" + CLASSIFY,
     ("E405", "3:5", "row 0 TorchVision: its children skip the flatten that resnet18's "
      "forward runs after child 8, so child 9 fails in PyTorch", "truncate at least 1")),
    ("  - [-1, 2, TorchVision, [512, resnet18]]\n" + CLASSIFY,
     ("E403", "3:5", "row 0 TorchVision: 2 copies of resnet18 in sequence: the second would "
      "read the first's output where its first conv takes 3 channels",
      "write 1 as the row's repeats")),
    ("  - [-1, 1, TorchVision, [512, resnet18, 7]]\n" + CLASSIFY,
     ("E405", "3:5", "row 0 TorchVision: weights must be a weights name (DEFAULT, "
      "IMAGENET1K_V1) or None, got 7", None)),
    # the declared c2 is what parse_model gives the next row
    ("  - [-1, 1, TorchVision, [256, resnet18]]\n" + CLASSIFY,
     ("E402", "5:5", "row 1 Classify: Ultralytics builds it for 256 input channels "
      "(parse_model's count for row 0), but row 0 gives [512, 20, 20]: the model cannot run",
      "write 512 as row 0's c2 (its first argument)")),
    ("GREY  - [-1, 1, TorchVision, [512, resnet18]]\n" + CLASSIFY,
     ("E402", "4:5", "row 0 TorchVision: torchvision's resnet18 takes 3 input channels (RGB), "
      "but the input gives [1, 640, 640]: the model cannot run",
      "give it an RGB input: `channels: 3`, or a row of 3 channels")),
    (SPLIT + "  - [-1, 1, Conv, [64, 3, 2]]\n" + CLASSIFY,
     ("E402", "4:5", "row 1 Conv: reads row 0 TorchVision, whose split=True makes it return a "
      "list (its input, then each child's output), not a tensor",
      "pick one item with an Index row: [0, 1, Index, [c2, i]]")),
    ("  - [-1, 1, Conv, [64, 3, 2]]\n  - [-1, 1, Index, [64, 1]]\n" + CLASSIFY,
     ("E402", "4:5", "row 1 Index: picks one item of a TorchVision row's list (split=True), "
      "but reads row 0 Conv, which gives one tensor", "read a TorchVision row whose split is "
      "True")),
    (SPLIT + "  - [0, 1, Index, [64, 12]]\n" + CLASSIFY,
     ("E405", "4:5", "row 1 Index: index 12 is past row 0's list of 9 (its input, then its 8 "
      "children's outputs)", "pick 0 to 8")),
    (SPLIT + "  - [0, 1, Index, [128, 6]]\n  - [0, 1, Index, [256, 7]]\n"
     "  - [0, 1, Index, [256, 8]]\nhead:\n  - [[1, 2, 3], 1, Detect, [nc]]\n",
     ("E402", "8:5", "row 4 Detect: Ultralytics builds it for 256 input channels "
      "(parse_model's count for row 3), but row 3 gives [512, 20, 20]: the model cannot run",
      "write 512 as row 3's c2 (its first argument)")),
])
def test_a_mistake_is_said_at_its_row(tmp_path: Path, rows: str, said: tuple[str, ...]) -> None:
    path = tmp_path / "mistake.yaml"
    # GREY: a grey-scale classifier (`channels: 1`)
    top = HEAD.replace("backbone:", "channels: 1\nbackbone:") if rows.startswith("GREY") else HEAD
    path.write_text(top + rows.removeprefix("GREY"), encoding="utf-8")
    errors = [(d.code, f"{d.span.line}:{d.span.col}" if d.span else "", d.message, d.hint)
              for d in analyze(path).diagnostics if d.severity.value == "error"]
    assert errors == [said]
