"""The test oracle for Ultralytics configs: the installed `ultralytics` package (AGPL-3.0)
builds a config at a scale, and this module reports what it built, row by row.

Test-only: cnncalc never imports it, and the repository holds no Ultralytics code or config
(the configs are read from the installed package). `.ci/run` installs the oracle into its
torch venv (`pip install --no-deps ultralytics==8.4.190 ...`, see there); tests that
use it skip with a reason when it is absent.

The facts, for an input of 3x640x640 (of the channels the model is built for: a classifier
reads its `channels:`) at batch 1, in eval mode (what the reference
tests/data/yolo_reference.json records, with its source in tests/data/README.md):

- `shapes`: the batch-less shape of every tensor a row outputs, in order, leaving out the
  training-branch dicts (Detect's eval output `(y, preds)` gives `[y]`; Segment's
  `((y, proto), preds)` gives `[y, proto]`; CBLinear's tuple gives each piece).
- `params`: sum of `p.numel()`; `trainable_params`: those with `requires_grad` (the DFL
  conv's weights are frozen); `buffers`: sum of `b.numel()` (BatchNorm's running stats and
  its int64 `num_batches_tracked`).
- `macs`: the multiplies of the conv and linear modules a forward pass calls, counted at
  each call: `nn.Conv{1,2,3}d` `out.numel() * (in_channels / groups) * prod(kernel)`,
  `nn.ConvTranspose{1,2,3}d` by its input, `in.numel() * (out_channels / groups) *
  prod(kernel)`, `nn.Linear` `out.numel() * in_features`. Matmuls in attention, BN,
  activations and pooling are not counted (cnncalc's `torchvision` convention).
- `matmul_macs`: the multiplies of the matrix products a forward pass runs as functions
  (attention's `q @ k`, `v @ attn`): `out.numel() * a.shape[-1]` per product.
- `norm_elements`: the elements BatchNorm modules read, counted at each call.
- `args`: the constructor arguments parse_model passed (from its verbose row log),
  `repeats` the row's n after the depth gain.

Ultralytics prints GFLOPs = 2 * ops / 1e9 where ops is what ultralytics-thop counts: the conv
and linear multiplies above (the same rule, transposed convolutions by their input too), the
matmul multiplies, 4 per element an affine BatchNorm reads, and the few other modules it
prices (adaptive average pooling in Classify; nearest upsampling, max pooling, activations and
softmax as a function cost 0). So for the detection configs `gflops == 2 * (macs +
matmul_macs + 4 * norm_elements) / 1e9`, which tests/test_yolo_oracle.py checks against
Ultralytics' own `get_flops` (`gflops`, 0.0 without ultralytics-thop).

A `TorchVision` row makes Ultralytics call `torchvision.models.get_model(name, weights=...)`.
torchvision's compiled ops do not load beside this torch, so while the oracle builds, a
stand-in `torchvision` module answers with the plain-torch mirrors of torchvision's models in
tests/reference_models.py (children in torchvision's order, checked against its numbers by
tests/test_parity.py), without weights: they change no count (`_torchvision`).

The forward pass that measures runs on the meta device (`_to_meta`): shapes without values,
so every config at every scale fits in CI; `build(..., forward="cpu")` runs the real one, and
tests/test_yolo_oracle.py checks the two agree.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = "8.4.190"  # the version the reader's rules were checked against


def missing() -> str | None:
    """Why the oracle cannot run here (None when it can): tests skip with this reason."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return "torch is not installed (the Ultralytics oracle needs it)"
    try:
        import ultralytics
    except ImportError as exc:
        return f"the Ultralytics oracle is not installed ({exc}); .ci/run installs it"
    if ultralytics.__version__ != VERSION:
        return f"ultralytics {ultralytics.__version__} is installed; the oracle is {VERSION}"
    return None


def models_dir() -> Path:
    import ultralytics

    return Path(ultralytics.__file__).parent / "cfg" / "models"


def shipped() -> list[Path]:
    """Every model config the installed package ships, in a stable order."""
    return sorted(models_dir().rglob("*.yaml"))


def config(name: str) -> Path:
    """The shipped config named `name` (`yolov8.yaml`), or the config file at the path `name`
    (one of our own, architectures/yolo/)."""
    if Path(name).is_file():
        return Path(name)
    (found,) = [p for p in shipped() if p.name == name]
    return found


@dataclass(frozen=True)
class RowFacts:
    i: int
    module: str  # the class name (`Conv`, `Upsample`)
    source: int | list[int]  # `from` as written
    repeats: int
    args: list[Any]
    shapes: list[list[int]]
    params: int
    trainable_params: int
    buffers: int
    macs: int
    matmul_macs: int
    norm_elements: int


@dataclass(frozen=True)
class ModelFacts:
    name: str
    scale: str
    task: str
    params: int
    trainable_params: int
    buffers: int
    macs: int
    matmul_macs: int
    norm_elements: int
    output: list[int]  # the eval forward's first result, batch-less
    rows: list[RowFacts]
    # Ultralytics' own get_flops at 640 when asked for (build's `flops`) and ultralytics-thop
    # is installed; else 0.0
    gflops: float


@contextlib.contextmanager
def _row_log() -> Iterator[list[str]]:
    """parse_model's verbose row lines, captured (it logs them only when verbose)."""
    from ultralytics.nn import tasks
    from ultralytics.utils import LOGGER

    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    original = tasks.parse_model
    handler, level, handlers = Keep(), LOGGER.level, LOGGER.handlers[:]

    def verbose(d: dict[str, Any], ch: int, verbose: bool = True) -> Any:
        return original(d, ch, verbose=True)

    tasks.parse_model = verbose
    LOGGER.handlers = [handler]
    LOGGER.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        tasks.parse_model = original
        LOGGER.handlers = handlers
        LOGGER.setLevel(level)


def _args(line: str, type_name: str) -> list[Any]:
    """The args column of a parse_model row line (Python literals, as it prints them)."""
    text = line[line.index(type_name) + len(type_name):].strip()
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return [text]
    return list(value)


def _model_class(task: str) -> Any:
    from ultralytics.nn import tasks

    return {"detect": tasks.DetectionModel, "segment": tasks.SegmentationModel,
            "pose": tasks.PoseModel, "obb": tasks.OBBModel,
            "classify": tasks.ClassificationModel}[task]


def _tensors(value: Any) -> Iterator[Any]:
    import torch

    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensors(item)


@functools.lru_cache(maxsize=8)
def build(name: str, scale: str = "", nc: int | None = None, imgsz: int = 640,
          forward: str = "meta", flops: bool = False) -> ModelFacts:
    """Build the config `name` (see `config`) at `scale` ("" keeps what the file and its name
    say) and measure it at 3 x imgsz x imgsz, with a forward pass on the device `forward`
    ("meta": shapes only, see `_to_meta`; "cpu": the real computation). `flops` also asks
    Ultralytics' own get_flops (a profiled forward of a copy: as long as building)."""
    import torch
    from ultralytics.nn.tasks import guess_model_task, yaml_model_load
    from ultralytics.utils.torch_utils import get_flops

    d = yaml_model_load(config(name))
    if scale:
        d["scale"] = scale
    task = guess_model_task(d) or "detect"  # what YOLO() assumes for a head it cannot tell
    torch.manual_seed(0)
    with _row_log() as lines, _torchvision():
        model = _model_class(task)(d, ch=3, nc=nc, verbose=False)
    model.eval()
    # before the hooks below: get_flops profiles a deep copy, which would carry them
    gflops = get_flops(model, imgsz) if flops else 0.0
    rows: list[dict[str, Any]] = []
    counted: dict[int, list[int]] = {}  # id(leaf module) -> [macs, norm elements], all calls

    def count(module: Any, inputs: tuple[Any, ...], output: Any) -> None:
        done = counted.setdefault(id(module), [0, 0])
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            done[1] += inputs[0].numel()
            return
        kernel = math.prod(getattr(module, "kernel_size", (1,)))
        if isinstance(module, torch.nn.Linear):
            done[0] += output.numel() * module.in_features
        elif isinstance(module, torch.nn.modules.conv._ConvTransposeNd):
            done[0] += inputs[0].numel() * (module.out_channels // module.groups) * kernel
        else:
            done[0] += output.numel() * (module.in_channels // module.groups) * kernel

    kinds = (torch.nn.modules.conv._ConvNd, torch.nn.Linear, torch.nn.modules.batchnorm._BatchNorm)
    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, kinds)]
    shapes: dict[int, list[list[int]]] = {}

    def keep(row: Any) -> Any:
        def hook(module: Any, inputs: Any, output: Any) -> None:
            shapes[row.i] = [list(t.shape[1:]) for t in _tensors(output)]
        return hook

    hooks += [row.register_forward_hook(keep(row)) for row in model.model]
    products: dict[int, int] = {}  # row -> matmul multiplies
    running: list[int] = []

    def enter(row: Any) -> Any:
        def hook(module: Any, inputs: Any) -> None:
            running[:] = [row.i]
        return hook

    hooks += [row.register_forward_pre_hook(enter(row)) for row in model.model]

    class Products(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, func: Any, types: Any, args: Any = (),
                               kwargs: Any = None) -> Any:
            out = func(*args, **(kwargs or {}))
            if func in _products() and running:
                products[running[0]] = (products.get(running[0], 0)
                                        + out.numel() * args[0].shape[-1])
            return out

    if forward == "meta":
        _to_meta(model)
    with torch.no_grad(), Products():
        # the channels the model was built for (a classifier reads its `channels:`)
        channels = model.yaml.get("channels", 3)
        result = model(torch.zeros(1, channels, imgsz, imgsz, device=forward))
    for hook in hooks:
        hook.remove()
    row_lines = {int(line[:3]): line for line in lines[1:] if line[:3].strip().isdigit()}
    for row in model.model:
        macs = [counted.get(id(m), [0, 0]) for m in row.modules()]
        rows.append(dict(
            i=row.i, module=row.type.rsplit(".", 1)[-1], source=row.f,
            repeats=_repeats(row_lines[row.i], row.f),
            args=_args(row_lines[row.i], row.type),
            shapes=shapes.get(row.i, []),
            params=sum(p.numel() for p in row.parameters()),
            trainable_params=sum(p.numel() for p in row.parameters() if p.requires_grad),
            buffers=sum(b.numel() for b in row.buffers()),
            macs=sum(m[0] for m in macs), matmul_macs=products.get(row.i, 0),
            norm_elements=sum(m[1] for m in macs)))
    first = next(_tensors(result))
    return ModelFacts(
        name=name, scale=d.get("scale") or "", task=task,
        params=sum(p.numel() for p in model.parameters()),
        trainable_params=sum(p.numel() for p in model.parameters() if p.requires_grad),
        buffers=sum(b.numel() for b in model.buffers()),
        macs=sum(r["macs"] for r in rows),
        matmul_macs=sum(r["matmul_macs"] for r in rows),
        norm_elements=sum(r["norm_elements"] for r in rows),
        output=list(first.shape[1:]),
        rows=[RowFacts(**r) for r in rows],
        gflops=gflops)


@contextlib.contextmanager
def _torchvision() -> Iterator[None]:
    """A stand-in `torchvision` for Ultralytics' TorchVision module while a model is built:
    `models.get_model(name, weights)` gives tests/reference_models.py's model of that name
    (the weights are not loaded: any name or None, as torchvision's enums take them)."""
    import sys
    import types

    from reference_models import MODELS

    def get_model(name: str, weights: Any = None) -> Any:
        if weights is not None and not isinstance(weights, str):
            raise TypeError(f"weights must be a name or None, got {weights!r}")
        return MODELS[name][0]()

    stand_in = types.ModuleType("torchvision")
    stand_in.models = types.SimpleNamespace(get_model=get_model)  # type: ignore[attr-defined]
    before = sys.modules.get("torchvision")
    sys.modules["torchvision"] = stand_in
    try:
        yield
    finally:
        if before is None:
            del sys.modules["torchvision"]
        else:
            sys.modules["torchvision"] = before


def _to_meta(model: Any) -> None:
    """Move the built model's parameters and buffers to the meta device, where a forward pass
    computes every shape (and so every count above) without computing any value: the large
    scales' forward at 640 took minutes on 2 cores, the meta one about a second. The head keeps
    its strides on the CPU, as numbers: its anchors are filled with them (`new_full`, which
    reads the value). Ultralytics builds, initialises and measures its strides on the CPU
    first; only the measured forward runs on meta, and test_yolo_oracle.py checks that it
    gives the real forward's facts."""
    head = model.model[-1]
    stride = getattr(head, "stride", None)
    model.to("meta")
    if stride is not None:
        head.stride = stride


def _repeats(line: str, source: int | list[int]) -> int:
    """The n column of a row line: after `{i:>3}{f!s:>20}`."""
    start = 3 + max(20, len(str(source)))
    return int(line[start:start + 3])


def _products() -> tuple[Any, ...]:
    import torch

    return (torch.matmul, torch.Tensor.matmul, torch.Tensor.__matmul__, torch.bmm,
            torch.Tensor.bmm)


@dataclass(frozen=True)
class ParsedRow:
    i: int
    source: int | list[int]
    repeats: int
    module: str
    args: list[Any]


def parse(name: str, scale: str = "", nc: int | None = None) -> list[ParsedRow]:
    """parse_model's rows for the shipped config `name` at `scale` (no forward pass): what
    each constructor received. Cheap next to build()."""
    import torch
    from ultralytics.nn import tasks

    d = tasks.yaml_model_load(config(name))
    if scale:
        d["scale"] = scale
    if nc:
        d["nc"] = nc
    # on the meta device: the modules are made without memory or weight initialisation,
    # several times faster, and their arguments are all this needs
    with _row_log() as lines, torch.device("meta"), _torchvision():
        model, _ = tasks.parse_model(d, ch=3)
    by_index = {int(line[:3]): line for line in lines[1:] if line[:3].strip().isdigit()}
    return [ParsedRow(row.i, row.f, _repeats(by_index[row.i], row.f),
                      row.type.rsplit(".", 1)[-1], _args(by_index[row.i], row.type))
            for row in model]


def scales(name: str) -> list[str]:
    """The scales a shipped config offers ([""] when it has none)."""
    from ultralytics.nn import tasks

    return list(tasks.yaml_model_load(config(name)).get("scales") or {""}) or [""]
