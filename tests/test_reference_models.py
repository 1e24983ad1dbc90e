"""The plain-torch reference models reproduce torchvision's (and the classics') published counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

torch = pytest.importorskip("torch", reason="the reference models need PyTorch")

from conftest import torchvision_1_1, torchvision_totals  # noqa: E402
from reference_models import MODELS, leaf_trace, traced_modules  # noqa: E402

# Models torchvision does not ship: params as their sources give them (the LeNet-5 variant,
# PyTorch's MNIST example, CS231n's AlexNet, the U-Net paper), MACs derived by hand
# (conv: Hout·Wout·Cout·Cin·k², ConvTranspose: Hin·Win·Cin·Cout·k², linear: in·out).
CLASSICS: dict[str, dict[str, Any]] = {
    "lenet5": {
        "input": [1, 32, 32],
        "params": 61_706,
        "buffers": 0,
        "macs": 28 * 28 * 6 * 25 + 10 * 10 * 16 * 6 * 25 + 400 * 120 + 120 * 84 + 84 * 10,
        "output": [10],
    },
    "mnist_net": {
        "input": [1, 28, 28],
        "params": 1_199_882,
        "buffers": 0,
        "macs": 26 * 26 * 32 * 9 + 24 * 24 * 64 * 32 * 9 + 9216 * 128 + 128 * 10,
        "output": [10],
    },
    "alexnet_cs231n": {
        "input": [3, 227, 227],
        "params": 62_378_344,
        "buffers": 0,
        "macs": 1_135_256_096,  # conv 1,076,634,144 + fc 58,621,952
        "output": [1000],
    },
    "unet": {
        "input": [1, 572, 572],
        "params": 31_030_658,
        "buffers": 0,
        "macs": 150_428_424_448,
        "output": [2, 388, 388],
    },
}


# EfficientNet-B0 is not among the measured reference totals (tests/data/README.md): its
# figures are the ones torchvision publishes with its weights (EfficientNet_B0_Weights meta:
# num_params 5,288,548 and _ops 0.386 GFLOPS, which are GMACs rounded to 3 decimals); it
# publishes no buffer count.
PUBLISHED: dict[str, dict[str, Any]] = {
    "efficientnet_b0": {"input": [3, 224, 224], "params": 5_288_548, "macs": 0.386,
                        "output": [1000]},
}


def expectations() -> dict[str, dict[str, Any]]:
    return {**torchvision_totals(), **torchvision_1_1(), **CLASSICS, **PUBLISHED}


@dataclass
class Run:
    name: str
    model: Any
    trace: list[dict[str, Any]]
    output: tuple[int, ...]


@pytest.fixture(scope="module", params=sorted(MODELS))
def run(request: pytest.FixtureRequest) -> Run:
    """Build the model once per module and trace one forward pass, capturing its output shape."""
    ctor, shape = MODELS[request.param]
    model = ctor()
    captured: list[tuple[int, ...]] = []
    handle = model.register_forward_hook(lambda _m, _a, out: captured.append(tuple(out.shape[1:])))
    try:
        trace = leaf_trace(model, shape)
    finally:
        handle.remove()
    return Run(request.param, model, trace, captured[0])


@pytest.fixture
def expected(run: Run) -> dict[str, Any]:
    return expectations()[run.name]


def test_every_model_has_expectations() -> None:
    assert set(MODELS) == set(expectations())


def test_input_shape(run: Run, expected: dict[str, Any]) -> None:
    assert list(MODELS[run.name][1]) == expected["input"]


def test_params(run: Run, expected: dict[str, Any]) -> None:
    assert sum(p.numel() for p in run.model.parameters()) == expected["params"]


def test_buffers(run: Run, expected: dict[str, Any]) -> None:
    if "buffers" not in expected:
        pytest.skip(f"no published buffer count for {run.name}")
    assert sum(b.numel() for b in run.model.buffers()) == expected["buffers"]


def test_macs(run: Run, expected: dict[str, Any]) -> None:
    macs = sum(record["macs"] for record in run.trace)
    if isinstance(expected["macs"], int):
        assert macs == expected["macs"]
    else:  # a published GMAC figure ("GFLOPS"), rounded to 3 decimals
        assert round(macs / 1e9, 3) == expected["macs"]


def test_output_shape(run: Run, expected: dict[str, Any]) -> None:
    assert list(run.output) == expected["output"]


def test_trace_covers_every_leaf_once_per_instance(run: Run) -> None:
    """Every traced module that holds tensors runs, the records name traced modules only, and
    their params/buffers add up to the model totals. A module without tensors may stay idle:
    torchvision registers some it calls only on some paths (EfficientNet's StochasticDepth
    outside residual blocks)."""
    leaves = {n: m for m, n in traced_modules(run.model).items()}
    first = {r["name"]: r for r in reversed(run.trace)}
    assert set(first) <= set(leaves)
    holding = {n for n, m in leaves.items() if any(True for _ in m.parameters(recurse=False))
               or any(True for _ in m.buffers(recurse=False))}
    assert holding <= set(first)
    assert sum(r["params"] for r in first.values()) == sum(
        p.numel() for p in run.model.parameters()
    )
    assert sum(r["buffers"] for r in first.values()) == sum(b.numel() for b in run.model.buffers())
    assert all(r["cls"] == type(leaves[r["name"]]).__name__ for r in run.trace)


@pytest.mark.parametrize(
    ("module", "shape", "out", "macs"),
    [
        (lambda: torch.nn.Conv1d(4, 8, 3, groups=4), (4, 10), (8, 8), 8 * 8 * 1 * 3),
        (lambda: torch.nn.Conv2d(16, 32, 3, padding=1), (16, 8, 8), (32, 8, 8), 294_912),
        (
            lambda: torch.nn.ConvTranspose2d(4, 6, 3, stride=2, groups=2),
            (4, 5, 5),
            (6, 11, 11),
            4 * 5 * 5 * 3 * 9,  # input elements × Cout/groups × k²
        ),
        (lambda: torch.nn.Linear(8, 3), (5, 8), (5, 3), 5 * 8 * 3),
        (lambda: torch.nn.BatchNorm2d(3), (3, 4, 4), (3, 4, 4), 0),
    ],
    ids=["conv1d-grouped", "conv2d", "convtranspose2d-grouped", "linear-3d", "batchnorm"],
)
def test_leaf_trace_single_module(module: Any, shape: tuple[int, ...], out: Any, macs: int) -> None:
    layer = module()
    (record,) = leaf_trace(layer, shape)
    assert record["name"] == ""
    assert record["out"] == out
    assert record["macs"] == macs
    assert record["params"] == sum(p.numel() for p in layer.parameters())
    assert record["buffers"] == sum(b.numel() for b in layer.buffers())
    assert layer.training  # leaf_trace restores the training flag
