"""The zoo: exact totals, golden tables and JSON, clean diagnostics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import (
    FAMILIES,
    ZOO,
    family_member,
    torchvision_1_1,
    torchvision_families,
    torchvision_totals,
    zoo_source,
)

from cnncalc.analysis import analyze
from cnncalc.render import json as json_render
from cnncalc.render import table

GOLDEN = Path(__file__).parent / "golden"

# The table (params, buffers): written here, never read back from cnncalc.
TOTALS = {
    "lenet5": (61_706, 0),
    "mnist_net": (1_199_882, 0),
    "alexnet": (61_100_840, 0),
    "alexnet_cs231n": (62_378_344, 0),
    "alexnet_paper": (50_844_008, 0),
    "zfnet": (62_357_608, 0),
    "vgg11": (132_863_336, 0),
    "vgg16": (138_357_544, 0),
    "vgg16_bn": (138_365_992, 8_461),
    "vgg19": (143_667_240, 0),
    "resnet18": (11_689_512, 9_620),
    "resnet34": (21_797_672, 17_060),
    "resnet50": (25_557_032, 53_173),
    "resnet101": (44_549_160, 105_448),
    "resnet152": (60_192_808, 151_579),
    "googlenet": (6_624_904, 14_617),
    "mobilenet_v2": (3_504_872, 34_164),
    "squeezenet1_0": (1_248_424, 0),
    "squeezenet1_1": (1_235_496, 0),
    "densenet121": (7_978_856, 83_769),
    "cs231n_examples": (760, 0),
    "cs231n_quiz": (10, 0),
    "stride_mismatch": (10, 0),
    "unet": (31_030_658, 0),
    "fcn_resnet50": (32_957_013, 54_198),
    "deeplabv3_resnet50": (39_638_869, 56_764),
    "convnext_tiny": (28_589_128, 0),
    "shufflenet_v2_x1_0": (2_278_604, 16_236),
    "regnet_x_400mf": (5_495_976, 37_927),
    "lraspp_mobilenet_v3_large": (3_221_538, 24_703),
    # B0 by default: torchvision publishes the params; the buffers are its mirror's
    # (tests/reference_models.py, which reproduces B1-B3 exactly)
    "efficientnet": (5_288_548, 42_065),
}


def test_every_zoo_file_has_expected_totals() -> None:
    assert sorted(p.stem for p in ZOO) == sorted(TOTALS)


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_totals(path: Path) -> None:
    a = analyze(zoo_source(path))
    assert (a.totals.params, a.totals.buffers) == TOTALS[path.stem]
    assert a.totals.trainable_params == a.totals.params
    assert sum(layer.params for layer in a.layers) == a.totals.params
    assert sum(layer.macs for layer in a.layers) == a.totals.macs


# The warnings a zoo file is meant to raise: (code, layer path) in order; every other file none.
INTENDED_WARNINGS = {
    "stride_mismatch": [("W101", "conv1")],
    # the paper's 224 input taken literally: 54.25 -> 54, then every 3x3/2 pool drops a row
    "alexnet_paper": [("W101", "conv1"), ("W101", "pool1"), ("W101", "pool2"), ("W101", "pool5")],
    # torchvision's SqueezeNets at 224 (the Caffe originals used 227): 109.5 / 111.5
    "squeezenet1_0": [("W101", "conv1")],
    "squeezenet1_1": [("W101", "conv1")],
}


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_no_errors_and_only_the_intended_warning(path: Path) -> None:
    a = analyze(zoo_source(path))
    assert a.exit_code() == 0
    warnings = [(d.code, d.path) for d in a.diagnostics if d.severity.value != "note"]
    assert warnings == INTENDED_WARNINGS.get(path.stem, [])
    assert a.exit_code(strict=True) == (1 if warnings else 0)


PUBLISHED = [
    "alexnet", "vgg11", "vgg16", "vgg16_bn", "vgg19", "resnet18", "resnet34", "resnet50",
    "resnet101", "resnet152", "googlenet", "mobilenet_v2", "squeezenet1_0", "squeezenet1_1",
    "densenet121",
]


def test_every_published_model_is_checked() -> None:
    assert sorted(PUBLISHED) == sorted(torchvision_totals())


@pytest.mark.parametrize("name", PUBLISHED)
def test_matches_published_torchvision_totals(name: str) -> None:
    ref = torchvision_totals()[name]
    a = analyze(zoo_source(next(p for p in ZOO if p.stem == name)))
    assert a.totals.params == ref["params"]
    assert a.totals.buffers == ref["buffers"]
    assert a.totals.macs == ref["macs"]


# the format 1.1 zoo's networks (FCN and DeepLab were already exact in format 1)
PUBLISHED_1_1 = [
    "fcn_resnet50", "deeplabv3_resnet50", "convnext_tiny", "shufflenet_v2_x1_0",
    "regnet_x_400mf", "lraspp_mobilenet_v3_large",
]


@pytest.mark.parametrize("name", PUBLISHED_1_1)
def test_matches_torchvision_1_1_totals(name: str) -> None:
    ref = torchvision_1_1()[name]
    a = analyze(zoo_source(next(p for p in ZOO if p.stem == name)))
    assert list(a.input or ()) == ref["input"]
    assert (a.totals.params, a.totals.buffers, a.totals.macs) == (
        ref["params"], ref["buffers"], ref["macs"])
    assert list(a.output_shape or ()) == ref["output"]


def test_every_1_1_network_in_the_zoo_is_checked() -> None:
    assert {p.stem for p in ZOO} & set(torchvision_1_1()) == set(PUBLISHED_1_1)


def test_every_family_member_is_checked() -> None:
    # EfficientNet-B0 is the default of its file: its totals are TOTALS' and the file's expect:
    assert set(FAMILIES) == {*torchvision_families(), "efficientnet_b0"}


@pytest.mark.parametrize("name", sorted(torchvision_families()))
def test_family_member_matches_torchvision(name: str) -> None:
    ref = torchvision_1_1()[name]
    a = family_member(name)
    assert a.exit_code(strict=True) == 0
    assert list(a.input or ()) == ref["input"]
    assert (a.totals.params, a.totals.buffers, a.totals.macs) == (
        ref["params"], ref["buffers"], ref["macs"])
    assert list(a.output_shape or ()) == ref["output"]


def _golden(path: Path, text: str, regen: bool) -> None:
    if regen:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} missing: run pytest --regen-golden and review it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_golden_table(path: Path, regen: bool) -> None:
    text = table.render(analyze(zoo_source(path)), color=False)
    _golden(GOLDEN / f"{path.stem}.txt", text, regen)


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_golden_json(path: Path, regen: bool) -> None:
    text = json_render.render(analyze(zoo_source(path)))
    _golden(GOLDEN / f"{path.stem}.json", text, regen)
    document = json.loads(text)
    for key in ("name", "input", "batch", "dtype", "layers", "totals", "diagnostics"):
        assert key in document
    for key in ("path", "op", "inputs", "output_shape", "params", "trainable_params", "buffers",
                "macs", "line"):
        assert all(key in layer for layer in document["layers"])
