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
# the zoo file of each model whose file is not named after it, and the file parameters
# (--set) that make it that model: EfficientNet's file is the family's, B0 by default
ZOO_FILE: dict[str, tuple[str, dict[str, float]]] = {
    "efficientnet_b0": ("efficientnet", {}),
    "efficientnet_b1": ("efficientnet", {"depth": 1.1, "res": 240}),
    "efficientnet_b2": ("efficientnet", {"width": 1.1, "depth": 1.2, "res": 260, "dropout": 0.3}),
    "efficientnet_b3": ("efficientnet", {"width": 1.2, "depth": 1.4, "res": 300, "dropout": 0.3}),
}
# items of each model's split list (its input, then each child's output) at strides 8, 16
# and 32, and their channels: the layers a detector's neck reads (three increasing strides
# where the list has no such three; the last is the output truncate 2 leaves)
PICKS = {
    "resnet18": [(6, 128), (7, 256), (8, 512)], "resnet34": [(6, 128), (7, 256), (8, 512)],
    "resnet50": [(6, 512), (7, 1024), (8, 2048)], "resnet101": [(6, 512), (7, 1024), (8, 2048)],
    "resnet152": [(6, 512), (7, 1024), (8, 2048)],
    "mobilenet_v2": [(7, 32), (14, 96), (18, 320)],
    "efficientnet_b0": [(4, 40), (6, 112), (9, 1280)],
    "convnext_tiny": [(4, 192), (6, 384), (8, 768)],
    "efficientnet_b1": [(4, 40), (6, 112), (9, 1280)],
    "efficientnet_b2": [(4, 48), (6, 120), (9, 1408)],
    "efficientnet_b3": [(4, 48), (6, 136), (9, 1536)],
    # the max pools (AlexNet's strides are about 8, 16 and 32: its pools do not pad)
    "alexnet": [(3, 64), (6, 192), (13, 256)],
    "vgg11": [(11, 256), (16, 512), (21, 512)], "vgg16": [(17, 256), (24, 512), (31, 512)],
    "vgg16_bn": [(24, 256), (34, 512), (44, 512)], "vgg19": [(19, 256), (28, 512), (37, 512)],
    "densenet121": [(7, 512), (9, 1024), (11, 1024)],  # denseblock2, 3 and 4
    "shufflenet_v2_x1_0": [(5, 116), (6, 232), (7, 464)],  # stage2, 3 and 4
    # SqueezeNet's deepest stride is 16 (three pools): the last Fire before each of the second
    # and third pools, and what truncate 2 leaves (1.0: its third pool; 1.1: fire8)
    "squeezenet1_0": [(6, 256), (11, 512), (12, 512)],
    "squeezenet1_1": [(5, 128), (8, 256), (12, 512)],
    # RegNet's stages are one child (trunk_output): only the input, the stem (stride 2) and
    # the trunk (stride 32) are items
    "regnet_x_400mf": [(0, 3), (3, 32), (4, 400)],
}


def _errors(analysis: Analysis) -> list[str]:
    return [f"{d.code} {d.message}" for d in analysis.diagnostics if d.severity.value == "error"]


def test_every_model_has_its_picks() -> None:
    assert sorted(PICKS) == sorted(MODELS)


@pytest.mark.parametrize("model", MODELS)
def test_the_whole_model_is_the_zoo_network(tmp_path: Path, model: str) -> None:
    """unwrap=False runs torchvision's whole model, its forward's own steps (the flatten
    before the classifier) included: the zoo's file of that network, to the unit."""
    name, params = ZOO_FILE.get(model, (model, {}))
    found = zoo.find(name)
    assert found is not None
    theirs = analyze(found, params=params)
    assert theirs.input is not None
    size = ", ".join(map(str, theirs.input))  # the zoo file's input (EfficientNet's res)
    path = tmp_path / "whole.yaml"
    path.write_text(f"input: [{size}]\nbackbone:\n  - [-1, 1, TorchVision, [1000, {model}, "
                    "DEFAULT, False]]\nhead:\n  - [-1, 1, nn.Identity, []]\n", encoding="utf-8")
    mine = analyze(path)
    assert _errors(mine) == [] and _errors(theirs) == []
    assert (mine.totals.params, mine.totals.buffers, mine.totals.macs, mine.output_shape) == \
        (theirs.totals.params, theirs.totals.buffers, theirs.totals.macs, theirs.output_shape)


needs_oracle = pytest.mark.skipif(oracle.missing() is not None, reason=oracle.missing() or "")


@needs_oracle
@pytest.mark.parametrize("model", MODELS)
def test_one_entry_per_child(model: str) -> None:
    """Each model lists one entry per child of Ultralytics' unwrapped model (its forward's own
    steps aside), so a truncate cuts where PyTorch's does: two children written as one entry
    would pass the builds below, which truncate only 2."""
    from ultralytics.nn.modules.block import TorchVision

    with oracle._torchvision():
        children = len(TorchVision(model, truncate=0).m)
    entries = u.torchvision_models()[model]
    assert children == sum(1 for e in entries
                           if not (isinstance(e, dict) and e.get("forward_only")))


@needs_oracle
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("variant", ["whole", "truncated", "split"])
def test_each_model_matches_ultralytics(tmp_path: Path, model: str, variant: str) -> None:
    """The whole model at 640 (unwrap False), a classifier on its children less the last two
    (truncate 2, as yolo11-cls-resnet18.yaml: for most models the pooling and the
    classifier), and a detector reading three of its split list's items through Index rows."""
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


@pytest.mark.parametrize(("model", "size"), [("resnet18", 640), ("densenet121", 16)])
def test_what_is_said_inside_a_models_blocks_is_said_at_the_row(
        tmp_path: Path, model: str, size: int) -> None:
    """The tv_ blocks are package data (torchvision_models.yaml), a file the config's author
    does not have: a problem inside one is said at the TorchVision row with the data's line in
    the message, and the notes about torchvision's own convs (ResNet's stride-2 3x3 convs at
    640: "only padding is left unread") are left out, as the block library's are. Both were
    located in cnncalc/readers/torchvision_models.yaml. At 16x16 DenseNet-121's third
    transition pools a 1x1 map to nothing (E202 in tv_transition)."""
    path = tmp_path / "tv.yaml"
    path.write_text(f"nc: 3\ninput: [3, {size}, {size}]\nbackbone:\n"
                    f"  - [-1, 1, TorchVision, [{PICKS[model][-1][1]}, {model}, DEFAULT, True, 2]]"
                    "\nhead:\n"
                    "  - [-1, 1, Classify, [nc]]\n", encoding="utf-8")
    analysis = analyze(path)
    assert analysis.diagnostics
    assert all(d.span is not None and (d.span.file, d.span.line) == (str(path), 4)
               for d in analysis.diagnostics)
    errors = [d for d in analysis.diagnostics if d.severity.value == "error"]
    if model == "densenet121":
        (error,) = errors
        assert error.code == "E202" and error.path == "l0_9.avgpool1"
        assert error.message.endswith("(cnncalc's block library, torchvision_models.yaml:"
                                      f"{_line_of('tv_transition') + 5})")
    else:
        assert errors == []


def _line_of(text: str) -> int:
    """The line of torchvision_models.yaml where `text` first starts a line's content."""
    lines = (Path(u.__file__).parent / u.TORCHVISION).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith(text))
