"""Property-based tests (hypothesis).

Random valid networks — chains of ops, `blocks:` with parameters called by position and by
keyword, `repeat:` with `first:`, `when:`, `from:`, `defaults:`, skip connections and
`add`/`mul`/`concat` merges — are written as YAML text, so the loader and the expansion run
too. For each one: no errors, the output shape the generator predicts from PyTorch's formulas,
per-layer figures that sum to the totals, JSON that round-trips and agrees with the Analysis,
the same result every time, MACs and activations that scale with `--batch`, and (with torch)
an exported PyTorch model that builds what cnncalc reports.

Random single-op configurations, valid or not, are built in torch here — independently of
cnncalc's own torch rules, with torch's own defaults for every argument the YAML leaves out —
and run on zeros: cnncalc must report the same output shape, parameters, buffers and MACs, and
must refuse exactly the configurations torch refuses.

Every test is derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import json
import math
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc import cli
from cnncalc.analysis import Analysis, analyze
from cnncalc.diagnostics import Severity
from cnncalc.export import class_name, export, module_names
from cnncalc.ops import lookup
from cnncalc.ops.base import REQUIRED
from cnncalc.render import json as json_render
from cnncalc.render import table
from cnncalc.source import Source

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="torch agreement needs torch (CI has it)")

# Examples per run, quoted by the docs. Each test's share is in the budgets below.
NETWORK_EXAMPLES = 500
SINGLE_OP_EXAMPLES = 2800

NETWORK_BUDGET = {
    "clean": 150, "json": 70, "deterministic": 50, "batch": 80, "cli": 50, "export": 100,
}
SINGLE_OP_BUDGET = {
    "conv": 350, "conv_transpose": 200, "maxpool": 200, "avgpool": 200, "adaptive": 120,
    "norm": 250, "activation": 180, "misc": 100, "upsample": 150, "pad": 80,
    "channel_shuffle": 50, "merge": 120, "reshape": 200, "linear_last": 100,
    "layer_scale": 120, "stochastic_depth": 60, "matmul": 120, "split": 200,
}

Shape = tuple[int, ...]
DTYPE_SIZES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int8": 1}
# what a generated network may report: sizes that don't divide, unaligned merges, and a
# random input that looks written in another order ([5, 5, 4] as H×W×C, [7, 7] as an image)
ALLOWED_CODES = {"W101", "N101", "N102", "N103", "W130", "W131"}
# ops whose output shares the input's memory (docs/format.md, JSON `activation_bytes`)
VIEW_OPS = {"flatten", "identity", "dropout"}
TORCH_BATCH = 2  # batch norm without running statistics needs more than one value per channel


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread() -> Iterator[None]:
    """Ops this small run faster on one thread, and far faster on a busy machine."""
    if not HAS_TORCH:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def budget(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


def test_budgets_add_up() -> None:
    assert sum(NETWORK_BUDGET.values()) == NETWORK_EXAMPLES
    assert sum(SINGLE_OP_BUDGET.values()) == SINGLE_OP_EXAMPLES


# ================================================================ YAML text

def yv(value: Any) -> str:
    """A value in YAML flow style (`$(...)` quoted: a comma inside would end the value)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yv(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yv(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and value.startswith("$("):
        return f'"{value}"'
    return str(value)


@st.composite
def call_text(draw: st.DrawFn, name: str, args: dict[str, Any],
              order: Sequence[str] = (), defaults: dict[str, Any] | None = None) -> str | None:
    """An op or block call's value in one of the four forms (None: the bare name). Positional
    forms fill gaps with `defaults` (the documented ones), so wrong defaults show up."""
    forms = ["keyword"] if args else ["bare", "keyword"]
    if args and set(args) <= set(order):
        last = max(order.index(k) for k in args)
        gaps_known = all(k in args or k in (defaults or {}) for k in order[:last + 1])
        if gaps_known:
            forms.append("positional")
            if last == 0 and not isinstance(args[order[0]], (list, tuple)):
                forms.append("scalar")
    form = draw(st.sampled_from(forms))
    if form == "bare":
        return None
    if form == "keyword":
        return yv(args)
    if form == "scalar":
        return yv(args[order[0]])
    last = max(order.index(k) for k in args)
    return yv([args[k] if k in args else (defaults or {})[k] for k in order[:last + 1]])


def registry_order(op: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Positional order and documented defaults of an op or alias."""
    found = lookup(op)
    assert found is not None, op
    spec = found[0]
    return (tuple(a.name for a in spec.args),
            {a.name: a.default for a in spec.args if a.default is not REQUIRED})


def entry(name: str, value: str | None, meta: dict[str, Any]) -> str:
    """One item of a `layers:` list."""
    if not meta:
        return f"- {name}" if value is None else f"- {name}: {value}"
    parts = [f"{k}: {yv(v)}" for k, v in meta.items() if k == "id"]
    parts.append(f"{name}: {'{}' if value is None else value}")
    parts += [f"{k}: {yv(v)}" for k, v in meta.items() if k != "id"]
    return "- {" + ", ".join(parts) + "}"


# ================================================================ PyTorch's size formulas
# The generator predicts every shape with these, written from PyTorch's documentation and aten
# (pooling_output_shape_pad_lr); the single-op tests check them against torch itself.

def axes(value: Any, rank: int) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * rank


def window_out(size: int, k: int, s: int, p: int, d: int = 1, ceil: bool = False) -> int:
    span = d * (k - 1) + 1
    out = (size + 2 * p - span + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= size + p:  # the last window may not start in the padding
        out -= 1
    return out


def conv_shape(x: Shape, a: dict[str, Any]) -> Shape | None:
    rank, cout, groups = len(x) - 1, a["out_channels"], a.get("groups", 1)
    if rank < 1 or x[0] % groups or cout % groups:
        return None
    k, s = axes(a["kernel_size"], rank), axes(a.get("stride", 1), rank)
    d, padding = axes(a.get("dilation", 1), rank), a.get("padding", 0)
    if padding == "same":
        return (cout, *x[1:]) if set(s) == {1} else None
    p = axes(0 if padding == "valid" else padding, rank)
    out = tuple(window_out(*v) for v in zip(x[1:], k, s, p, d))
    return (cout, *out) if min(out) >= 1 else None


def transpose_shape(x: Shape, a: dict[str, Any]) -> Shape | None:
    rank, cout, groups = len(x) - 1, a["out_channels"], a.get("groups", 1)
    if rank < 1 or x[0] % groups or cout % groups:
        return None
    k, s = axes(a["kernel_size"], rank), axes(a.get("stride", 1), rank)
    p, op = axes(a.get("padding", 0), rank), axes(a.get("output_padding", 0), rank)
    d = axes(a.get("dilation", 1), rank)
    if any(o >= max(ss, dd) for o, ss, dd in zip(op, s, d)):
        return None
    out = tuple((n - 1) * ss - 2 * pp + dd * (kk - 1) + o + 1
                for n, kk, ss, pp, o, dd in zip(x[1:], k, s, p, op, d))
    return (cout, *out) if min(out) >= 1 else None


def pool_shape(x: Shape, a: dict[str, Any]) -> Shape | None:
    rank = len(x) - 1
    k = axes(a["kernel_size"], rank)
    stride = a.get("stride")
    s = k if stride is None else axes(stride, rank)
    p, d = axes(a.get("padding", 0), rank), axes(a.get("dilation", 1), rank)
    if rank < 1 or any(pp > kk // 2 for pp, kk in zip(p, k)):
        return None
    out = tuple(window_out(*v, a.get("ceil_mode", False)) for v in zip(x[1:], k, s, p, d))
    return (x[0], *out) if min(out) >= 1 else None


def adaptive_shape(x: Shape, a: dict[str, Any]) -> Shape | None:
    # a null entry keeps that axis
    size = axes(a["output_size"], len(x) - 1)
    return (x[0], *(n if m is None else m for n, m in zip(x[1:], size)))


def avgpool_shape(x: Shape, a: dict[str, Any]) -> Shape | None:
    # aten's avg_pool3d also wants the unpadded input at least as large as the kernel
    k = axes(a["kernel_size"], len(x) - 1)
    if len(x) == 4 and any(n < kk for n, kk in zip(x[1:], k)):
        return None
    return pool_shape(x, a)


def same(x: Shape, a: dict[str, Any]) -> Shape | None:
    return x


def broadcast(shapes: Sequence[Shape]) -> Shape | None:
    if len({len(s) for s in shapes}) != 1:
        return None
    out = []
    for dims in zip(*shapes):
        sizes = set(dims) - {1}
        if len(sizes) > 1:
            return None
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def concat_shape(shapes: Sequence[Shape], dim: int = 0, crop: bool = False) -> Shape | None:
    rank = len(shapes[0])
    if len({len(s) for s in shapes}) != 1 or not -rank <= dim < rank:
        return None
    dim %= rank
    out = []
    for i in range(rank):
        sizes = [s[i] for s in shapes]
        if i == dim:
            out.append(sum(sizes))
        elif crop and i > 0:
            out.append(min(sizes))
        elif len(set(sizes)) > 1:
            return None
        else:
            out.append(sizes[0])
    return tuple(out)


# ================================================================ random networks

BLOCKS = """\
blocks:
  cbr:
    params: [out, k=3, s=1, p=1, act=true]
    layers:
      - conv: {out_channels: $out, kernel_size: $k, stride: $s, padding: $p}
      - bn
      - {relu: {}, when: $act}
  res:
    params: [out, s=1]
    layers:
      - cbr: [$out, 3, $s, 1]
      - {id: main, cbr: {out: $out, act: false}}
      - {id: short, from: in, conv: [$out, 1, $s], when: "$(s != 1 or in_c != out)"}
      - add: [main, short]
      - relu
  se:
    params: [r=2]
    layers:
      - gap
      - conv: ["$(max(1, in_c // r))", 1]
      - relu
      - conv: ["$(in_c)", 1]
      - {id: gate, sigmoid: {}}
      - mul: [in, gate]
  mix:
    params: [a, b=4, pool=true]
    layers:
      - {id: p1, conv: [$a, 1]}
      - {id: p2, from: in, conv: {out_channels: $b, kernel_size: 3, padding: 1}}
      - {id: p3, from: in, maxpool: {kernel_size: 3, stride: 1, padding: 1}, when: $pool}
      - concat: [p1, p2, p3]
  stage:
    params: [out, n, s=2]
    layers:
      - {res: $out, repeat: $n, first: {s: $s}}
  body:
    params: [out, k=3]
    layers:
      - {id: h, conv: {out_channels: $out, kernel_size: $k, padding: "$(k // 2)"}}
"""

# shape-keeping layers for the random part of `body` (after its first conv)
BODY_LAYERS = ["bn", "relu", "gelu", "dropout: 0.1", "identity", "layernorm",
               "maxpool: {kernel_size: 3, stride: 1, padding: 1}", "{silu: {inplace: true}}",
               "avgpool: [1, 1]", "{prelu: channels}", "lrn: 2"]


def _strided(x: Shape, s: int) -> tuple[int, ...]:
    return tuple((n - 1) // s + 1 for n in x[1:])


# block name -> (params in order, defaults, shape rule)
BLOCK_SPECS: dict[str, tuple[tuple[str, ...], dict[str, Any],
                             Callable[[Shape, dict[str, Any]], Shape | None]]] = {
    "cbr": (("out", "k", "s", "p", "act"), {"k": 3, "s": 1, "p": 1, "act": True},
            lambda x, a: conv_shape(x, {"out_channels": a["out"], "kernel_size": a.get("k", 3),
                                        "stride": a.get("s", 1), "padding": a.get("p", 1)})),
    "res": (("out", "s"), {"s": 1}, lambda x, a: (a["out"], *_strided(x, a.get("s", 1)))),
    "se": (("r",), {"r": 2}, same),
    "mix": (("a", "b", "pool"), {"b": 4, "pool": True},
            lambda x, a: (a["a"] + a.get("b", 4) + x[0], *x[1:])),
    "stage": (("out", "n", "s"), {"s": 2}, lambda x, a: (a["out"], *_strided(x, a.get("s", 2)))),
    "body": (("out", "k"), {"k": 3}, lambda x, a: (a["out"], *x[1:])),
}


@dataclass
class Op:
    """A layer to emit: its name as written, its arguments and its shape rule."""

    name: str
    args: dict[str, Any]
    shape: Callable[[Shape, dict[str, Any]], Shape | None]
    first: dict[str, Any] | None = None  # an override for copy [0] of a repeat
    repeatable: bool = True
    block: bool = False


@dataclass(frozen=True)
class Network:
    text: str
    input: Shape
    output: Shape


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


class NetGen:
    """Draws a network layer by layer, tracking the shape of every output it can refer to."""

    def __init__(self, draw: st.DrawFn, x: Shape) -> None:
        self.draw, self.input, self.shape = draw, x, x
        self.ids: dict[str, Shape] = {}
        self.lines: list[str] = []

    # ---------------------------------------------------------------- ops
    def small(self, x: Shape) -> bool:
        """Whether growing the spatial size is still cheap."""
        return max(x[1:]) <= (16 if len(x) < 4 else 6)

    def spatial_op(self, x: Shape) -> Op:
        d, rank, c = self.draw, len(x) - 1, x[0]
        kinds = ["conv"] * 5 + ["maxpool", "avgpool", "adaptive", "gap", "norm", "norm",
                                "act", "act", "act", "dropout", "identity", "shuffle",
                                "block", "block", "block", "block"]
        if self.small(x):
            kinds += ["transpose", "upsample", "pad"]
        if math.prod(x) <= 4096:
            kinds.append("flatten")
        kind = d(st.sampled_from(kinds))
        if kind == "conv":
            cout = d(_ints(1, 16))
            a: dict[str, Any] = {"out_channels": cout, "kernel_size": d(_ints(1, 5))}
            if d(st.booleans()):
                a["kernel_size"] = [d(_ints(1, 5)) for _ in range(rank)]
            if d(st.booleans()):
                a["stride"] = d(_ints(1, 3))
            a["padding"] = d(st.sampled_from([0, 1, 2, "valid", "same"]))
            if a["padding"] == "same" and a.get("stride", 1) != 1:
                a["padding"] = 1
            if d(_ints(0, 3)) == 0:
                a["dilation"] = d(_ints(1, 2))
            groups = d(st.sampled_from(_divisors(math.gcd(c, cout))))
            if groups > 1:
                a["groups"] = groups
            if d(_ints(0, 3)) == 0:
                a["bias"] = d(st.booleans())
            if d(_ints(0, 5)) == 0:
                a["padding_mode"] = "replicate"
            if conv_shape(x, a) is None:
                a.update(kernel_size=1, padding=0, dilation=1)
            return Op(d(st.sampled_from(["conv", "conv", f"conv{rank}d"])), a, conv_shape,
                      first={"stride": 2} if a.get("padding") != "same" else None)
        if kind == "transpose":
            cout = d(_ints(1, 16))
            s = d(_ints(1, 2))
            a = {"out_channels": cout, "kernel_size": d(_ints(1, 4)), "stride": s,
                 "padding": d(_ints(0, 1)), "output_padding": d(_ints(0, s - 1))}
            if transpose_shape(x, a) is None:
                a["padding"] = 0
            return Op("conv_transpose", a, transpose_shape, repeatable=False)
        if kind in ("maxpool", "avgpool"):
            k = d(_ints(1, 4))
            a = {"kernel_size": k}
            if d(st.booleans()):
                a["stride"] = d(st.sampled_from([None, 1, 2, 3]))
            if d(st.booleans()):
                a["padding"] = d(_ints(0, k // 2))
            if kind == "maxpool" and d(_ints(0, 3)) == 0:
                a["dilation"] = 2
            if d(_ints(0, 2)) == 0:
                a["ceil_mode"] = True
            if kind == "avgpool" and d(_ints(0, 3)) == 0:
                a["count_include_pad"] = False
            rule = pool_shape if kind == "maxpool" else avgpool_shape
            if rule(x, a) is None:
                a = {"kernel_size": 1}
            return Op(kind, a, rule)
        if kind == "adaptive":
            size = [d(st.one_of(st.none(), _ints(1, 6))) if rank > 1 else d(_ints(1, 6))
                    for _ in range(rank)]
            value: Any = size if d(st.booleans()) or None in size else size[0]
            op = d(st.sampled_from(["adaptive_avgpool", "adaptive_maxpool"]))
            return Op(op, {"output_size": value}, adaptive_shape, repeatable=False)
        if kind == "gap":
            return Op(d(st.sampled_from(["gap", "global_avgpool"])), {},
                      lambda x, a: (x[0], *(1 for _ in x[1:])), repeatable=False)
        if kind == "norm":
            choice = d(_ints(0, 3))
            if choice == 0:
                return Op(d(st.sampled_from(["bn", "batchnorm", f"batchnorm{rank}d"])), {}, same)
            if choice == 1:
                n_groups = d(st.sampled_from(_divisors(c)))
                if c // n_groups * math.prod(x[1:]) > 1:
                    # one value per group: torch refuses that at batch 1 (the export test's)
                    return Op("groupnorm", {"num_groups": n_groups}, same)
                return Op("bn", {}, same)
            if choice == 2:
                return Op("layernorm", {}, same)
            return Op("lrn", {"size": d(_ints(1, 5))}, same)
        if kind == "act":
            return self.activation(x)
        if kind == "dropout":
            return Op(d(st.sampled_from(["dropout", f"dropout{rank}d"])),
                      {"p": d(st.sampled_from([0.0, 0.1, 0.5]))} if d(st.booleans()) else {},
                      same)
        if kind == "identity":
            return Op("identity", {}, same)
        if kind == "shuffle":
            return Op("channel_shuffle", {"groups": d(st.sampled_from(_divisors(c)))}, same)
        if kind == "upsample":
            if d(st.booleans()):
                a = {"scale_factor": d(st.sampled_from([2, 2.0, 1.5]))}
            else:
                a = {"size": d(_ints(1, 12))}
            if d(st.booleans()):
                a["mode"] = {1: "linear", 2: "bilinear", 3: "trilinear"}[rank]
                if d(st.booleans()):
                    a["align_corners"] = d(st.booleans())

            def upsample(x: Shape, a: dict[str, Any]) -> Shape:
                if "size" in a:
                    return (x[0], *axes(a["size"], len(x) - 1))
                return (x[0], *(math.floor(n * a["scale_factor"]) for n in x[1:]))

            return Op("upsample", a, upsample, repeatable=False)
        if kind == "pad":
            amounts = [d(_ints(-1, 2)) for _ in range(2 * rank)]
            # PyTorch's order: last axis first, (before, after) per axis
            out = tuple(n + amounts[2 * (rank - 1 - i)] + amounts[2 * (rank - 1 - i) + 1]
                        for i, n in enumerate(x[1:]))
            if min(out) < 1:
                amounts = [1] * (2 * rank)
            value = amounts[0] if len(set(amounts)) == 1 and d(st.booleans()) else amounts

            def pad(x: Shape, a: dict[str, Any]) -> Shape:
                p = a["padding"]
                r = len(x) - 1
                p = [p] * 2 * r if isinstance(p, int) else p
                return (x[0], *(n + p[2 * (r - 1 - i)] + p[2 * (r - 1 - i) + 1]
                                for i, n in enumerate(x[1:])))

            return Op(d(st.sampled_from(["pad", "zero_pad"])), {"padding": value}, pad,
                      repeatable=False)
        if kind == "flatten":
            return Op("flatten", {}, lambda x, a: (math.prod(x),), repeatable=False)
        return self.block_call(x)

    def activation(self, x: Shape) -> Op:
        d = self.draw
        name = d(st.sampled_from(["relu", "relu", "relu6", "leaky_relu", "gelu", "silu",
                                  "sigmoid", "tanh", "hardswish", "prelu", "softmax", "elu",
                                  "mish", "hardtanh", "softplus", "log_softmax", "selu"]))
        a: dict[str, Any] = {}
        if name in ("relu", "relu6", "silu", "hardswish", "elu", "selu") and d(st.booleans()):
            a["inplace"] = d(st.booleans())
        if name == "prelu" and d(st.booleans()):
            a["num_parameters"] = d(st.sampled_from([1, "channels", x[0]]))
        if name in ("softmax", "log_softmax") and d(st.booleans()):
            a["dim"] = d(_ints(-len(x), len(x) - 1))
        if name == "gelu" and d(st.booleans()):
            a["approximate"] = d(st.sampled_from(["none", "tanh"]))
        if name == "leaky_relu" and d(st.booleans()):
            a["negative_slope"] = 0.2
        return Op(name, a, same)

    def flat_op(self, x: Shape) -> Op:
        d = self.draw
        kind = d(st.sampled_from(["linear", "linear", "linear", "act", "dropout", "bn",
                                  "layernorm", "identity"]))
        if kind == "linear":
            a: dict[str, Any] = {"out_features": d(_ints(1, 32))}
            if d(_ints(0, 3)) == 0:
                a["bias"] = d(st.booleans())
            return Op(d(st.sampled_from(["linear", "fc", "dense"])), a,
                      lambda x, a: (a["out_features"],))
        if kind == "act":
            return self.activation(x)
        if kind == "dropout":
            return Op("dropout", {"p": 0.25} if d(st.booleans()) else {}, same)
        if kind == "bn":
            return Op(d(st.sampled_from(["bn", "batchnorm1d"])), {}, same)
        return Op(kind, {}, same)

    def block_call(self, x: Shape) -> Op:
        d, c = self.draw, x[0]
        name = d(st.sampled_from(sorted(BLOCK_SPECS)))
        out = d(_ints(1, 16))
        if name == "cbr":
            a: dict[str, Any] = {"out": out}
            if d(st.booleans()):
                a.update(k=d(st.sampled_from([1, 3])), s=d(_ints(1, 2)), p=d(_ints(0, 1)))
            if d(st.booleans()):
                a["act"] = d(st.booleans())
            if BLOCK_SPECS["cbr"][2](x, a) is None:
                a.update(k=1, p=0)
            first: dict[str, Any] | None = {"s": 2}
        elif name == "res":
            a = {"out": out, "s": d(_ints(1, 2))} if d(st.booleans()) else {"out": out}
            first = {"s": 2}
        elif name == "se":
            a = {"r": d(st.sampled_from([1, 2, 4]))} if d(st.booleans()) else {}
            first = None
        elif name == "mix":
            a = {"a": d(_ints(1, 8))}
            if d(st.booleans()):
                a["b"] = d(_ints(1, 8))
            if d(st.booleans()):
                a["pool"] = d(st.booleans())
            if c + a["a"] + a.get("b", 4) > 48:
                return Op("se", {}, same, block=True)
            first = None
        elif name == "stage":
            a = {"out": out, "n": d(_ints(1, 3))}
            if d(st.booleans()):
                a["s"] = d(_ints(1, 2))
            first = None
        else:
            a = {"out": out, "k": d(st.sampled_from([1, 3, 5]))} if d(st.booleans()) \
                else {"out": out}
            first = {"k": 1}
        spec = BLOCK_SPECS[name]
        if name == "mix":  # channels grow with every copy
            return Op(name, a, spec[2], repeatable=False, block=True)
        return Op(name, a, spec[2], first=first, block=True)

    # ---------------------------------------------------------------- emitting
    def new_id(self) -> str:
        return f"t{len(self.lines)}"

    def step(self) -> None:
        d = self.draw
        if self.ids and d(_ints(0, 6)) == 0:
            self.merge()
            return
        meta: dict[str, Any] = {}
        x = self.shape
        if d(_ints(0, 7)) == 0:
            source = d(st.sampled_from(["input", *sorted(self.ids)]))
            meta["from"] = source
            x = self.input if source == "input" else self.ids[source]
        op = self.spatial_op(x) if len(x) > 1 else self.flat_op(x)
        out = op.shape(x, op.args)
        assert out is not None, (op, x)
        if op.repeatable and d(_ints(0, 4)) == 0:
            n = d(_ints(2, 3))
            first = op.first if op.first and d(st.booleans()) else None
            y = op.shape(x, {**op.args, **(first or {})})
            for _ in range(n - 1):
                y = op.shape(y, op.args) if y is not None else None
            if y is not None:
                meta["repeat"] = n
                if first:
                    meta["first"] = first
                out = y
        if d(_ints(0, 10)) == 0:
            meta["when"] = d(st.booleans())
            if not meta["when"]:
                out = x
        elif d(_ints(0, 6)) == 0:
            meta["expect"] = list(out) if d(st.booleans()) else {"shape": list(out)}
        if d(_ints(0, 2)) == 0:
            meta = {"id": self.new_id(), **meta}
            self.ids[meta["id"]] = out
        if op.block:
            order, defaults, _ = BLOCK_SPECS[op.name]
        else:
            order, defaults = registry_order(op.name)
        value = d(call_text(op.name, op.args, order, defaults))
        self.lines.append(entry(op.name, value, meta))
        self.shape = out

    def merge(self) -> None:
        d, x = self.draw, self.shape
        pool = {"input": self.input, **self.ids}
        kind = d(st.sampled_from(["add", "add", "mul", "concat", "concat"]))
        if kind == "add":
            cands = [n for n, s in pool.items() if s == x]
        elif kind == "mul":
            cands = [n for n, s in pool.items() if broadcast([x, s]) is not None]
        else:
            cands = [n for n, s in pool.items() if len(s) == len(x) and s[0] + x[0] <= 48]
        if not cands:
            self.step_op_only()
            return
        names = ["prev", *d(st.lists(st.sampled_from(sorted(cands)), min_size=1, max_size=2))]
        names = d(st.permutations(names))
        shapes = [x if n == "prev" else pool[n] for n in names]
        meta: dict[str, Any] = {}
        if kind != "concat":
            out = broadcast(shapes)
            value = yv(names)
        else:
            crop = len(x) > 1 and (len({s[1:] for s in shapes}) > 1 or d(_ints(0, 3)) == 0)
            dim = d(st.sampled_from([0, -len(x)]))
            args: dict[str, Any] = {"inputs": names}
            if dim or d(st.booleans()):
                args["dim"] = dim
            if crop:
                args["crop"] = "center"
            out = concat_shape(shapes, dim, crop)
            value = yv(names) if list(args) == ["inputs"] and d(st.booleans()) else yv(args)
        if out is None or out[0] > 64:  # gates that broadcast with prev, not each other
            self.step_op_only()
            return
        if d(_ints(0, 10)) == 0:
            meta["when"] = False
            out = shapes[0]
        if d(st.booleans()):
            meta = {"id": self.new_id(), **meta}
            self.ids[meta["id"]] = out
        self.lines.append(entry(kind, value, meta))
        self.shape = out

    def step_op_only(self) -> None:
        """A plain layer where a merge found nothing to merge with."""
        op = self.spatial_op(self.shape) if len(self.shape) > 1 else self.flat_op(self.shape)
        out = op.shape(self.shape, op.args)
        assert out is not None
        order, defaults = (BLOCK_SPECS[op.name][:2] if op.block else registry_order(op.name))
        self.lines.append(entry(op.name, self.draw(call_text(op.name, op.args, order,
                                                             defaults)), {}))
        self.shape = out

    def head(self) -> None:
        d = self.draw
        if len(self.shape) > 1:
            if math.prod(self.shape) > 4096 or d(st.booleans()):
                self.lines.append(d(st.sampled_from(["- gap", "- adaptive_avgpool: 1",
                                                     "- {adaptive_maxpool: {output_size: 1}}"])))
                self.shape = (self.shape[0], *(1 for _ in self.shape[1:]))
            self.lines.append("- flatten")
            self.shape = (math.prod(self.shape),)
        n = d(_ints(1, 20))
        self.lines.append(f"- linear: {n}")
        self.shape = (n,)


AXIS_KEYS = {1: "cl", 2: "chw", 3: "cdhw"}
SPATIAL_RANGE = {1: (4, 64), 2: (4, 32), 3: (2, 10)}


@st.composite
def networks(draw: st.DrawFn) -> Network:
    rank = draw(st.sampled_from([1, 2, 2, 2, 3]))
    x = (draw(_ints(1, 16)), *(draw(_ints(*SPATIAL_RANGE[rank])) for _ in range(rank)))
    gen = NetGen(draw, x)
    for _ in range(draw(_ints(1, 10))):
        gen.step()
    if draw(_ints(0, 2)) == 0:
        gen.head()
    header = ["cnncalc: 1"] if draw(st.booleans()) else []
    header.append("name: random")
    if draw(st.booleans()):
        header.append(f"input: {yv(list(x))}")
    else:
        header.append("input: {" + ", ".join(f"{k}: {n}" for k, n in
                                              zip(AXIS_KEYS[rank], x)) + "}")
    if draw(_ints(0, 3)) == 0:
        header.append(f"batch: {draw(_ints(1, 8))}")
    if draw(_ints(0, 3)) == 0:
        header.append(f"dtype: {draw(st.sampled_from(sorted(DTYPE_SIZES)))}")
    defaults = draw(st.sampled_from(["", "conv: {bias: false}", "relu: {inplace: true}",
                                     "bn: {momentum: null}", "conv2d: {padding_mode: replicate}"]))
    if defaults:
        header.append(f"defaults:\n  {defaults}")
    body = draw(st.lists(st.sampled_from(BODY_LAYERS), max_size=3))
    blocks = BLOCKS + "".join(f"      - {layer}\n" for layer in body)
    if body and draw(st.booleans()):
        blocks += "      - add: [h, prev]\n"
    footer = f"expect: {{output: {yv(list(gen.shape))}}}\n" if draw(st.booleans()) else ""
    text = ("\n".join(header) + "\n" + blocks + "layers:\n"
            + "".join(f"  {line}\n" for line in gen.lines) + footer)
    return Network(text, x, gen.shape)


def analyse(text: str, **options: Any) -> Analysis:
    return analyze(Source("random.yaml", text), **options)


def assert_clean(a: Analysis, net: Network) -> None:
    codes = [d.code for d in a.diagnostics]
    assert set(codes) <= ALLOWED_CODES, (codes, [d.message for d in a.diagnostics], net.text)
    assert a.exit_code() == 0
    assert a.input == net.input
    assert a.output_shape == net.output, net.text


def assert_sums(a: Analysis) -> None:
    """Per-layer figures add up to the totals, and the memory totals follow their definitions."""
    assert a.graph is not None and a.input is not None
    t, layers = a.totals, a.layers
    itemsize = DTYPE_SIZES[a.dtype]
    assert sum(x.params for x in layers) == t.params
    assert sum(x.trainable_params for x in layers) == t.trainable_params == t.params
    assert sum(x.buffers for x in layers) == t.buffers
    assert sum(x.macs for x in layers) == t.macs
    assert t.flops == 2 * t.macs
    input_bytes = math.prod(a.input) * a.batch * itemsize
    assert input_bytes + sum(x.activation_bytes for x in layers) == t.activation_bytes
    for layer, node in zip(layers, a.graph.nodes[1:]):
        assert layer.output_shape is not None
        assert layer.macs % a.batch == 0
        full = math.prod(layer.output_shape) * a.batch * itemsize
        shares = node.op in VIEW_OPS or node.args.get("inplace") is True
        assert layer.activation_bytes == (0 if shares else full), layer.path
    # BatchNorm's num_batches_tracked is an 8-byte integer whatever the dtype
    counters = sum(1 for n in a.graph.nodes if n.op == "bn" and n.args["track_running_stats"])
    assert t.param_bytes == t.params * itemsize
    assert t.buffer_bytes == (t.buffers - counters) * itemsize + 8 * counters
    assert t.peak_bytes == t.param_bytes + t.buffer_bytes + t.peak_activation_bytes
    biggest = max([input_bytes, *(x.activation_bytes for x in layers)])
    assert biggest <= t.peak_activation_bytes <= t.activation_bytes
    assert t.peak_at in {"input", *(x.path for x in layers)}
    state = {"sgd": 0, "momentum": 1, "adam": 2}[a.optimizer]
    assert t.training_bytes == t.param_bytes * (2 + state) + t.buffer_bytes + t.activation_bytes
    paths = [x.path for x in layers]
    assert len(set(paths)) == len(paths)


@given(networks())
@budget(NETWORK_BUDGET["clean"])
def test_random_network_is_clean_and_its_layers_sum_to_the_totals(net: Network) -> None:
    a = analyse(net.text)
    assert_clean(a, net)
    assert_sums(a)
    # `--count all` only adds operations, layer by layer, and its layers sum to its total too
    every = analyse(net.text, count="all", optimizer="sgd")
    assert_sums(every)
    assert every.totals.macs == sum(x.macs for x in every.layers) >= a.totals.macs
    assert all(e.macs >= x.macs for e, x in zip(every.layers, a.layers))


def _numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    assert len(set(keys)) == len(keys), f"a key written twice: {keys}"
    return dict(pairs)


def _not_json(constant: str) -> Any:
    raise AssertionError(f"{constant} is not JSON (RFC 8259 has no NaN or Infinity)")


@given(networks())
@budget(NETWORK_BUDGET["json"])
def test_json_round_trips_and_agrees_with_the_analysis(net: Network) -> None:
    a = analyse(net.text)
    text = json_render.render(a)
    # strictly: json.loads keeps the last of two equal keys and reads NaN, so a writer that
    # wrote a key twice or a non-finite number would pass `doc == document(a)` unseen
    doc = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_not_json)
    assert doc == json_render.document(a)
    assert all(isinstance(n, int) for n in _numbers(doc)), "sizes and counts are exact integers"
    assert doc["input"] == list(net.input) and doc["output_shape"] == list(net.output)
    assert (doc["batch"], doc["dtype"]) == (a.batch, a.dtype)
    assert len(doc["layers"]) == len(a.layers)
    for row, layer in zip(doc["layers"], a.layers):
        assert row["path"] == layer.path and row["op"] == layer.op
        assert row["inputs"] == list(layer.inputs)
        assert row["output_shape"] == list(layer.output_shape or ())
        assert (row["params"], row["trainable_params"], row["buffers"], row["macs"],
                row["flops"], row["activation_bytes"], row["line"]) == (
            layer.params, layer.trainable_params, layer.buffers, layer.macs, 2 * layer.macs,
            layer.activation_bytes, layer.line)
        rf = layer.receptive_field
        assert row["receptive_field"] == (None if rf is None else {
            "size": list(rf.size), "stride": list(rf.stride), "start": list(rf.start)})
    totals = doc["totals"]
    for key in ("params", "trainable_params", "buffers", "macs", "flops", "activation_bytes"):
        assert totals[key] == getattr(a.totals, key)
        if key != "activation_bytes":
            assert totals[key] == sum(row[key] for row in doc["layers"])
    for key in ("param_bytes", "buffer_bytes", "peak_activation_bytes", "peak_bytes",
                "peak_at", "training_bytes"):
        assert totals[key] == getattr(a.totals, key)
    assert [(d["code"], d["line"], d["column"]) for d in doc["diagnostics"]] == [
        (d.code, d.span.line if d.span else None, d.span.col if d.span else None)
        for d in a.diagnostics]


@given(networks())
@budget(NETWORK_BUDGET["deterministic"])
def test_analysis_is_deterministic(net: Network) -> None:
    first, second = analyse(net.text), analyse(net.text)
    assert json_render.render(first) == json_render.render(second)
    assert table.render(first, depth=2) == table.render(second, depth=2)
    # the file's own input given again as an override changes nothing
    assert json_render.render(analyse(net.text, input=net.input)) == json_render.render(first)


@given(networks(), st.integers(2, 64))
@budget(NETWORK_BUDGET["batch"])
def test_batch_scales_macs_and_activations(net: Network, n: int) -> None:
    one, many = analyse(net.text, batch=1), analyse(net.text, batch=n)
    assert (one.batch, many.batch) == (1, n)
    assert len(one.layers) == len(many.layers)
    for x, y in zip(one.layers, many.layers):
        assert (y.path, y.output_shape, y.params, y.buffers) == (
            x.path, x.output_shape, x.params, x.buffers)
        assert y.macs == n * x.macs
        assert y.activation_bytes == n * x.activation_bytes
    t1, tn = one.totals, many.totals
    assert tn.macs == n * t1.macs and tn.flops == n * t1.flops
    assert (tn.params, tn.buffers, tn.param_bytes, tn.buffer_bytes) == (
        t1.params, t1.buffers, t1.param_bytes, t1.buffer_bytes)
    assert tn.activation_bytes == n * t1.activation_bytes
    assert tn.peak_activation_bytes == n * t1.peak_activation_bytes
    assert tn.peak_at == t1.peak_at
    assert [d.message for d in many.diagnostics] == [d.message for d in one.diagnostics]


@given(networks(), st.integers(1, 16))
@budget(NETWORK_BUDGET["cli"])
def test_cli_show_json_with_batch_is_the_api_result(net: Network, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.yaml"
        path.write_text(net.text, encoding="utf-8")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli.main(["show", str(path), "--format", "json", "--batch", str(n)])
        expected = analyze(path, batch=n)
    assert code == 0, out.getvalue()
    doc = json.loads(out.getvalue())
    assert doc == json_render.document(expected)
    assert doc["batch"] == n
    assert doc["totals"]["macs"] == n * analyse(net.text, batch=1).totals.macs


@needs_torch
@given(networks())
@budget(NETWORK_BUDGET["export"])
def test_exported_random_network_builds_what_cnncalc_reports(net: Network) -> None:
    import torch
    from reference_models import leaf_trace

    a = analyse(net.text, batch=1)
    assert_clean(a, net)
    assert a.graph is not None
    namespace: dict[str, Any] = {"__name__": "exported"}
    exec(compile(export(a, "pytorch"), "<export>", "exec"), namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's performance hints (even 'same' kernels)
        model = namespace[class_name(a.name)]().eval()
        with torch.no_grad():
            out = model(torch.zeros(1, *net.input))
        records = leaf_trace(model, net.input)
    assert tuple(out.shape[1:]) == net.output
    assert sum(p.numel() for p in model.parameters()) == a.totals.params
    assert sum(b.numel() for b in model.buffers()) == a.totals.buffers
    names = module_names(a)
    ours = [(names[node.index], layer.output_shape, layer.params, layer.buffers, layer.macs)
            for layer, node in zip(a.layers, a.graph.nodes[1:]) if layer.params or layer.buffers]
    theirs = [(r["name"], r["out"], r["params"], r["buffers"], r["macs"])
              for r in records if r["params"] or r["buffers"]]
    assert ours == theirs, net.text


# ================================================================ single ops against torch

TORCH_REFUSALS = (RuntimeError, ValueError, TypeError, AssertionError, IndexError)
# errors that mean "this configuration cannot be built", not "this YAML is malformed"
BUILD_ERRORS = ("E108", "E2")


@dataclass
class OpCase:
    """A one-op network as YAML, and the same op built in torch (independently of cnncalc)."""

    text: str
    build: Callable[[], Any]  # the torch module (or None for a functional op); may raise
    inputs: tuple[Shape, ...]
    forward: Callable[[Any, list[Any]], Any] | None = None  # default: module(inputs[0])
    macs: Callable[[Any, Any, Any], int] = field(default=lambda m, x, out: 0)

    def __repr__(self) -> str:
        return f"OpCase(\n{self.text})"


def one_op(x: Shape, layer: str, before: Sequence[str] = ()) -> str:
    return f"input: {yv(list(x))}\nlayers:\n" + "".join(
        f"  {line}\n" for line in [*before, layer])


def torch_result(case: OpCase) -> tuple[Shape, int, int, int, int] | None:
    """(output shape, params, trainable params, buffers, MACs) as torch builds and runs the op
    on zeros, or None when torch refuses (raises, or produces an empty tensor)."""
    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = case.build()
            if module is not None:
                module.eval()
            xs = [torch.zeros(TORCH_BATCH, *s) for s in case.inputs]
            with torch.no_grad():
                out = case.forward(module, xs) if case.forward else module(xs[0])
    except TORCH_REFUSALS:
        return None
    if out.numel() == 0:
        return None  # cnncalc requires positive sizes (E202)
    parameters = list(module.parameters()) if module is not None else []
    buffers = list(module.buffers()) if module is not None else []
    return (tuple(out.shape[1:]), sum(p.numel() for p in parameters),
            sum(p.numel() for p in parameters if p.requires_grad),
            sum(b.numel() for b in buffers), case.macs(module, xs[0][0], out[0]))


def assert_agrees_with_torch(case: OpCase) -> None:
    # at torch's batch: a normalisation over one value per batch element is refused (E211) at
    # batch 1, as torch refuses it; MACs are per batch, torch's counted for one element
    a = analyse(case.text, batch=TORCH_BATCH)
    errors = [d for d in a.diagnostics if d.severity is Severity.ERROR]
    assert all(d.code.startswith(BUILD_ERRORS) for d in errors), (
        "the generated YAML is malformed", [(d.code, d.message) for d in errors], case.text)
    theirs = torch_result(case)
    if theirs is None:
        assert errors, f"PyTorch refuses this but cnncalc accepts it:\n{case.text}"
        return
    assert not errors, ("PyTorch builds this but cnncalc refuses it",
                        [(d.code, d.message) for d in errors], case.text)
    layer = a.layers[-1]
    ours = (layer.output_shape, layer.params, layer.trainable_params, layer.buffers,
            layer.macs // TORCH_BATCH)
    assert ours == theirs, case.text


@functools.cache
def per_axis(rank: int, lo: int, hi: int) -> st.SearchStrategy[Any]:
    """One value for every axis, or one per axis, now and then one too many. (Torch reads a
    one-item list as one value for every axis where cnncalc wants one per axis: not drawn.)"""
    ints = st.integers(lo, hi)
    forms = [ints, st.lists(ints, min_size=rank, max_size=rank),
             st.lists(ints, min_size=rank + 1, max_size=rank + 1)]
    return st.sampled_from([0] * 6 + [1] * 5 + [2]).flatmap(lambda i: forms[i])


SIZES = {0: 16, 1: 20, 2: 10, 3: 6}


@functools.cache
def sizes(rank: int) -> st.SearchStrategy[int]:
    """Spatial sizes, tiny ones often: the edges (padding against size) are there."""
    return st.one_of(st.integers(1, 3), st.integers(1, SIZES[rank]))


@st.composite
def inputs(draw: st.DrawFn, ranks: tuple[int, ...] = (1, 2, 3)) -> Shape:
    rank = draw(st.sampled_from(ranks))
    return (draw(st.integers(1, 8)), *(draw(sizes(rank)) for _ in range(rank)))


def tuples(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def kwargs(args: dict[str, Any]) -> dict[str, Any]:
    return {k: tuples(v) for k, v in args.items()}


@st.composite
def optional(draw: st.DrawFn, **strategies: st.SearchStrategy[Any]) -> dict[str, Any]:
    """Each optional argument present or left to the defaults (cnncalc's and torch's)."""
    return {k: draw(s) for k, s in strategies.items() if draw(st.booleans())}


def groups(cin: int, cout: int) -> st.SearchStrategy[int]:
    """Mostly a common divisor of the channels, sometimes one that does not divide."""
    return st.sampled_from((*_divisors(math.gcd(cin, cout)) * 3, 2, 3, cin, cout))


def conv_weight_macs(module: Any, x: Any, out: Any) -> int:
    # per output value, the weight of one output channel: (Cin/groups) x kernel
    return int(out.numel() * module.weight[0].numel())


def transpose_weight_macs(module: Any, x: Any, out: Any) -> int:
    # per input value, one input channel's weight: (Cout/groups) x kernel
    return int(x.numel() * module.weight[0].numel())


def _nn() -> Any:
    from torch import nn

    return nn


@st.composite
def conv_cases(draw: st.DrawFn) -> OpCase:
    x = draw(inputs())
    rank = len(x) - 1
    cout = draw(_ints(1, 8))
    args = {"out_channels": cout, "kernel_size": draw(per_axis(rank, 1, 5))}
    args |= draw(optional(
        stride=per_axis(rank, 1, 3),
        padding=st.one_of(per_axis(rank, 0, 3), st.sampled_from(["same", "valid"])),
        dilation=per_axis(rank, 1, 3),
        groups=groups(x[0], cout),
        bias=st.booleans(),
        padding_mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"])))
    padding = args.get("padding")
    if args.get("padding_mode", "zeros") != "zeros" and isinstance(padding, list) and len(
            padding) != rank:
        # these modes pad with F.pad first, which reads extra values as padding for the
        # channels (and a zero there passes): cnncalc's one value per axis is drawn instead
        args["padding"] = padding[0]
    op = draw(st.sampled_from(["conv", f"conv{rank}d"]))
    order, defaults = registry_order(op)
    text = one_op(x, entry(op, draw(call_text(op, args, order, defaults)), {}))
    return OpCase(text, lambda: getattr(_nn(), f"Conv{rank}d")(x[0], **kwargs(args)), (x,),
                  macs=conv_weight_macs)


@st.composite
def conv_transpose_cases(draw: st.DrawFn) -> OpCase:
    x = draw(inputs())
    rank = len(x) - 1
    cout = draw(_ints(1, 8))
    args = {"out_channels": cout, "kernel_size": draw(per_axis(rank, 1, 5))}
    args |= draw(optional(
        stride=per_axis(rank, 1, 3), padding=per_axis(rank, 0, 3),
        output_padding=per_axis(rank, 0, 2),
        groups=groups(x[0], cout),
        bias=st.booleans(), dilation=per_axis(rank, 1, 3)))
    op = draw(st.sampled_from(["conv_transpose", f"conv_transpose{rank}d"]))
    order, defaults = registry_order(op)
    text = one_op(x, entry(op, draw(call_text(op, args, order, defaults)), {}))
    return OpCase(text, lambda: getattr(_nn(), f"ConvTranspose{rank}d")(x[0], **kwargs(args)),
                  (x,), macs=transpose_weight_macs)


@st.composite
def pool_cases(draw: st.DrawFn, kind: str) -> OpCase:
    x = draw(inputs())
    rank = len(x) - 1
    args = {"kernel_size": draw(per_axis(rank, 1, 5))}
    extra: dict[str, st.SearchStrategy[Any]] = {
        "stride": st.one_of(st.none(), per_axis(rank, 1, 4)),
        "padding": per_axis(rank, 0, 3), "ceil_mode": st.booleans()}
    if kind == "max":
        extra["dilation"] = per_axis(rank, 1, 3)
    else:
        extra |= {"count_include_pad": st.booleans(),
                  "divisor_override": st.one_of(st.none(), _ints(1, 5))}
    args |= draw(optional(**extra))
    op = draw(st.sampled_from([f"{kind}pool", f"{kind}pool{rank}d", f"{kind}_pool"]))
    order, defaults = registry_order(op)
    text = one_op(x, entry(op, draw(call_text(op, args, order, defaults)), {}))
    # torch's own default for divisor_override is None; AvgPool1d has no such argument
    torch_args = {k: v for k, v in kwargs(args).items()
                  if not (k == "divisor_override" and v is None)}
    cls = f"{kind.capitalize()}Pool{rank}d"
    return OpCase(text, lambda: getattr(_nn(), cls)(**torch_args), (x,))


@st.composite
def adaptive_cases(draw: st.DrawFn) -> OpCase:
    x = draw(inputs())
    rank = len(x) - 1
    if draw(_ints(0, 4)) == 0:
        op = draw(st.sampled_from(["gap", "global_avgpool"]))
        return OpCase(one_op(x, f"- {op}"),
                      lambda: getattr(_nn(), f"AdaptiveAvgPool{rank}d")(1), (x,))
    kind = draw(st.sampled_from(["Avg", "Max"]))
    length = draw(st.sampled_from([rank] * 8 + [rank + 1]))
    items = st.one_of(_ints(1, 12), st.none()) if draw(st.booleans()) else _ints(1, 12)
    size: Any = draw(st.one_of(_ints(1, 12), st.lists(items, min_size=length,
                                                        max_size=length)))
    name = f"adaptive_{kind.lower()}pool"
    op = draw(st.sampled_from([name, f"{name}{rank}d"]))
    text = one_op(x, entry(op, yv({"output_size": size}), {}))
    return OpCase(text, lambda: getattr(_nn(), f"Adaptive{kind}Pool{rank}d")(tuples(size)),
                  (x,))


def _channel_layernorm(module: Any, xs: list[Any]) -> Any:
    # LayerNorm over the channels at every position: channels last, then back
    return module(xs[0].movedim(1, -1)).movedim(-1, 1)


@st.composite
def norm_cases(draw: st.DrawFn) -> OpCase:
    x = draw(inputs((0, 1, 2, 3)))
    rank = len(x) - 1
    kind = draw(st.sampled_from(["bn", "groupnorm", "layernorm", "lrn"]))
    floats = st.sampled_from([1e-5, 1e-3, 0.1])
    forward = None
    if kind == "bn":
        args = draw(optional(eps=floats, momentum=st.sampled_from([None, 0.1, 0.01, 1.0]),
                             affine=st.booleans(), track_running_stats=st.booleans()))
        op = draw(st.sampled_from(["bn", "batchnorm", "batchnorm1d", "batchnorm2d",
                                   "batchnorm3d"]))
        n = int(op[-2]) if op[-1] == "d" else max(rank, 1)

        def build() -> Any:
            return getattr(_nn(), f"BatchNorm{n}d")(x[0], **args)
    elif kind == "groupnorm":
        args = {"num_groups": draw(_ints(1, 8))} | draw(optional(eps=floats,
                                                                 affine=st.booleans()))
        op = "groupnorm"

        def build() -> Any:
            return _nn().GroupNorm(args["num_groups"], x[0],
                                   **{k: v for k, v in args.items() if k != "num_groups"})
    elif kind == "layernorm":
        args = draw(optional(eps=floats, elementwise_affine=st.booleans(), bias=st.booleans()))
        op = "layernorm"
        if draw(st.booleans()):
            n = draw(_ints(1, len(x)))
            shape = list(x[len(x) - n:])
            if draw(_ints(0, 4)) == 0:
                shape[draw(_ints(0, n - 1))] += 1
            args["normalized_shape"] = shape[0] if n == 1 and draw(st.booleans()) else shape
            normalized: Any = tuples(shape)
        else:
            normalized = x[0]
            forward = _channel_layernorm if rank else None
        rest = {k: v for k, v in args.items() if k != "normalized_shape"}

        def build() -> Any:
            return _nn().LayerNorm(normalized, **rest)
    else:
        args = {"size": draw(_ints(1, 6))} | draw(optional(
            alpha=st.sampled_from([1e-4, 0.5]), beta=st.sampled_from([0.75, 1.0]),
            k=st.sampled_from([1.0, 2.0])))
        op = draw(st.sampled_from(["lrn", "local_response_norm"]))

        def build() -> Any:
            return _nn().LocalResponseNorm(**args)
    order, defaults = registry_order(op)
    text = one_op(x, entry(op, draw(call_text(op, args, order, defaults)), {}))
    return OpCase(text, build, (x,), forward=forward)


# name -> (torch class, argument strategies)
ACTIVATIONS: dict[str, tuple[str, dict[str, st.SearchStrategy[Any]]]] = {
    "relu": ("ReLU", {"inplace": st.booleans()}),
    "relu6": ("ReLU6", {"inplace": st.booleans()}),
    "leaky_relu": ("LeakyReLU", {"negative_slope": st.sampled_from([0.01, 0.2, -1.0]),
                                 "inplace": st.booleans()}),
    "elu": ("ELU", {"alpha": st.sampled_from([1.0, 0.5, -1.0]), "inplace": st.booleans()}),
    "selu": ("SELU", {"inplace": st.booleans()}),
    "celu": ("CELU", {"alpha": st.sampled_from([1.0, 2.0, 0.0]), "inplace": st.booleans()}),
    "gelu": ("GELU", {"approximate": st.sampled_from(["none", "tanh"])}),
    "silu": ("SiLU", {"inplace": st.booleans()}),
    "mish": ("Mish", {"inplace": st.booleans()}),
    "sigmoid": ("Sigmoid", {}),
    "tanh": ("Tanh", {}),
    "hardswish": ("Hardswish", {"inplace": st.booleans()}),
    "hardsigmoid": ("Hardsigmoid", {"inplace": st.booleans()}),
    "hardtanh": ("Hardtanh", {"min_val": st.sampled_from([-1.0, 0.0, 1.0]),
                              "max_val": st.sampled_from([1.0, 0.0, 6.0]),
                              "inplace": st.booleans()}),
    "softplus": ("Softplus", {"beta": st.sampled_from([1.0, 2.0]),
                              "threshold": st.sampled_from([20.0, 5.0])}),
}


@st.composite
def activation_cases(draw: st.DrawFn) -> OpCase:
    x = draw(inputs((0, 1, 2, 3)))
    op = draw(st.sampled_from([*ACTIVATIONS, "prelu", "softmax", "log_softmax"]))
    if op == "prelu":
        args = draw(optional(num_parameters=st.sampled_from([1, "channels", x[0], x[0] + 1]),
                             init=st.sampled_from([0.25, 0.1])))
        count = args.get("num_parameters", 1)
        init = {k: v for k, v in args.items() if k == "init"}

        def build() -> Any:  # `channels` means the input's channel count
            return _nn().PReLU(x[0] if count == "channels" else count, **init)
    elif op in ("softmax", "log_softmax"):
        args = draw(optional(dim=_ints(-len(x), len(x))))
        dim = args.get("dim", 0)
        cls = "Softmax" if op == "softmax" else "LogSoftmax"

        def build() -> Any:  # dim counts over the batch-less shape
            return getattr(_nn(), cls)(dim=dim + 1 if dim >= 0 else dim)
    else:
        cls, strategies = ACTIVATIONS[op]
        args = draw(optional(**strategies))

        def build() -> Any:
            return getattr(_nn(), cls)(**args)
    order, defaults = registry_order(op)
    return OpCase(one_op(x, entry(op, draw(call_text(op, args, order, defaults)), {})),
                  build, (x,))


@st.composite
def misc_cases(draw: st.DrawFn) -> OpCase:
    kind = draw(st.sampled_from(["dropout", "flatten", "identity", "linear"]))
    if kind == "linear":
        x = draw(inputs((0,)))
        args = {"out_features": draw(_ints(1, 16))} | draw(optional(bias=st.booleans()))
        op = draw(st.sampled_from(["linear", "fc", "dense"]))
        order, defaults = registry_order(op)
        return OpCase(one_op(x, entry(op, draw(call_text(op, args, order, defaults)), {})),
                      lambda: _nn().Linear(x[0], **args), (x,),
                      macs=lambda m, x, out: int(m.weight.numel()))
    x = draw(inputs((0, 1, 2, 3)))
    if kind == "dropout":
        rank = len(x) - 1
        args = draw(optional(p=st.sampled_from([0.0, 0.5, 1.0]), inplace=st.booleans()))
        # the numbered aliases only on their own rank: torch reinterprets other ranks
        op = draw(st.sampled_from(["dropout", f"dropout{rank}d"] if rank else ["dropout"]))
        cls = "Dropout" if op == "dropout" else f"Dropout{rank}d"
        order, defaults = registry_order(op)
        return OpCase(one_op(x, entry(op, draw(call_text(op, args, order, defaults)), {})),
                      lambda: getattr(_nn(), cls)(**args), (x,))
    cls = "Flatten" if kind == "flatten" else "Identity"
    return OpCase(one_op(x, f"- {kind}"), lambda: getattr(_nn(), cls)(), (x,))


UPSAMPLE_MODES = ["nearest", "nearest-exact", "area", "linear", "bilinear", "bicubic",
                  "trilinear"]


@st.composite
def upsample_cases(draw: st.DrawFn) -> OpCase:
    x = draw(inputs())
    rank = len(x) - 1
    scales = st.sampled_from([0.3, 0.5, 1.0, 1.5, 1.7, 2.0, 2.5, 3.0])
    length = st.sampled_from([rank] * 8 + [rank + 1])
    size = st.one_of(_ints(1, 12), length.flatmap(
        lambda n: st.lists(_ints(1, 12), min_size=n, max_size=n)))
    scale = st.one_of(scales, length.flatmap(
        lambda n: st.lists(scales, min_size=n, max_size=n)))
    which = draw(st.sampled_from(["size", "scale_factor", "size", "scale_factor", "both",
                                  "neither"]))
    args: dict[str, Any] = {}
    if which in ("size", "both"):
        args["size"] = draw(size)
    if which in ("scale_factor", "both"):
        args["scale_factor"] = draw(scale)
    args |= draw(optional(mode=st.sampled_from(UPSAMPLE_MODES),
                          align_corners=st.sampled_from([None, True, False])))
    order, defaults = registry_order("upsample")
    text = one_op(x, entry("upsample", draw(call_text("upsample", args, order, defaults)), {}))
    return OpCase(text, lambda: _nn().Upsample(**kwargs(args)), (x,))


@st.composite
def pad_cases(draw: st.DrawFn) -> OpCase:
    x = draw(inputs())
    rank = len(x) - 1
    # one int, or two per axis; torch reads other lengths as padding other dims
    padding: Any = draw(st.one_of(_ints(-3, 3), st.lists(_ints(-3, 3), min_size=2 * rank,
                                                         max_size=2 * rank)))
    op = draw(st.sampled_from(["pad", "zero_pad"]))
    layer = entry(op, yv({"padding": padding}) if isinstance(padding, list) or draw(
        st.booleans()) else yv(padding), {})
    return OpCase(one_op(x, layer), lambda: getattr(_nn(), f"ZeroPad{rank}d")(tuples(padding)),
                  (x,))


@st.composite
def channel_shuffle_cases(draw: st.DrawFn) -> OpCase:
    x = draw(inputs((0, 1, 2, 3)))
    groups = draw(_ints(1, 8))
    text = one_op(x, entry("channel_shuffle", draw(st.sampled_from(
        [str(groups), yv([groups]), yv({"groups": groups})])), {}))
    return OpCase(text, lambda: _nn().ChannelShuffle(groups), (x,))


def _center_crop(t: Any, dims: Sequence[int], sizes: Sequence[int]) -> Any:
    for dim, n in zip(dims, sizes):
        t = t.narrow(dim, (t.shape[dim] - n) // 2, n)
    return t


@st.composite
def merge_cases(draw: st.DrawFn) -> OpCase:
    """Two or three inputs of chosen shapes (a 1x1 conv sets the channels, adaptive pooling
    the size), then one merge; torch merges zero tensors of the same shapes."""
    rank = draw(st.sampled_from([1, 2, 3]))
    x = (2, *(4 for _ in range(rank)))
    dims = [draw(st.sampled_from([1, 2, 3])) for _ in range(rank + 1)]
    shapes = []
    for _ in range(draw(_ints(2, 3))):
        # mostly the shared size, sometimes 1 (broadcasts) or another size (mismatch)
        shapes.append(tuple(draw(st.sampled_from([n, n, n, 1, n + 1])) for n in dims))
    before = []
    for i, s in enumerate(shapes):
        before += [f"- {{id: c{i}, from: input, conv: [{s[0]}, 1]}}",
                   f"- {{id: s{i}, adaptive_avgpool: {{output_size: {yv(list(s[1:]))}}}}}"]
    names = [f"s{i}" for i in range(len(shapes))]
    op = draw(st.sampled_from(["add", "mul", "concat", "cat"]))
    forward: Callable[[Any, list[Any]], Any]
    if op in ("add", "mul"):
        layer = entry(op, yv(names), {})

        def forward(m: Any, xs: list[Any]) -> Any:
            out = xs[0]
            for t in xs[1:]:
                out = out + t if op == "add" else out * t
            return out
    else:
        dim = draw(_ints(-(rank + 1), rank + 1))
        crop = draw(st.booleans())
        args: dict[str, Any] = {"inputs": names}
        if dim or draw(st.booleans()):
            args["dim"] = dim
        if crop:
            args["crop"] = "center"
        layer = entry(op, yv(args) if len(args) > 1 or draw(st.booleans()) else yv(names), {})
        tdim = dim + 1 if dim >= 0 else dim  # dim counts over the batch-less shape

        def forward(m: Any, xs: list[Any]) -> Any:
            import torch

            if crop:  # every spatial dim but the concatenated one, to the smallest, centred
                axis = tdim % (rank + 2)
                spatial = [i for i in range(2, rank + 2) if i != axis]
                target = [min(t.shape[i] for t in xs) for i in spatial]
                xs = [_center_crop(t, spatial, target) for t in xs]
            return torch.cat(xs, dim=tdim)
    return OpCase(one_op(x, layer, before), lambda: None, tuple(shapes), forward=forward)


def _batch_dims(dims: Sequence[int], n: int) -> tuple[int, ...]:
    """Batch-less dims of an n-dim shape as torch's dims of the batched tensor (the batch is
    dim 0). A negative dim past the batch-less ones would name the batch in torch: out of
    range over the batch-less shape, as cnncalc counts."""
    if any(d < -n for d in dims):
        raise IndexError("a negative dim reaches the batch")
    return tuple(d + 1 if d >= 0 else d for d in dims)


def _factorisation(draw: st.DrawFn, n: int) -> list[int]:
    """Sizes whose product is n, in a random order (split off divisors one at a time)."""
    sizes = []
    while n > 1 and len(sizes) < 3:
        d = draw(st.sampled_from(_divisors(n)))
        sizes.append(d)
        n //= d
    return [*sizes, n] if n > 1 or not sizes else sizes


@st.composite
def reshape_cases(draw: st.DrawFn) -> OpCase:
    """The reshaping ops, PyTorch's tensor methods on a batched tensor: valid sizes and dims
    mostly, now and then a wrong count, a second -1, a dim out of range or repeated."""
    x = draw(inputs((0, 1, 2, 3)))
    n = len(x)
    kind = draw(st.sampled_from(["reshape", "view", "permute", "transpose", "flatten",
                                 "unflatten", "squeeze", "unsqueeze"]))
    dim = _ints(-n - 1, n)  # one out of range on each side
    forward: Callable[[Any, list[Any]], Any]
    if kind in ("reshape", "view"):
        sizes = _factorisation(draw, math.prod(x))
        if draw(st.booleans()):
            sizes[draw(_ints(0, len(sizes) - 1))] = -1
        if draw(st.integers(0, 9)) == 0:
            sizes.append(draw(st.sampled_from([-1, 2, 3])))  # a second -1, or a wrong count
        layer = entry(kind, yv({"shape": sizes}), {})

        def forward(m: Any, xs: list[Any]) -> Any:
            return xs[0].reshape(xs[0].shape[0], *sizes)
    elif kind == "permute":
        dims = draw(st.permutations(range(n)))
        dims = [d - n if draw(st.booleans()) else d for d in dims]
        if draw(st.integers(0, 9)) == 0:
            dims = [*dims[:-1], dims[0]] if n > 1 else [*dims, 0]  # repeated, or one too many
        layer = entry(kind, yv({"dims": dims}), {})

        def forward(m: Any, xs: list[Any]) -> Any:
            return xs[0].permute(0, *_batch_dims(dims, n))
    elif kind == "transpose":
        a, b = draw(dim), draw(dim)
        layer = entry(kind, draw(st.sampled_from([yv([a, b]), yv({"dim0": a, "dim1": b})])), {})

        def forward(m: Any, xs: list[Any]) -> Any:
            return xs[0].transpose(*_batch_dims([a, b], n))
    elif kind == "flatten":
        args = draw(optional(start_dim=dim, end_dim=dim))
        order, defaults = registry_order(kind)
        layer = entry(kind, draw(call_text(kind, args, order, defaults)), {})
        start, end = args.get("start_dim", 0), args.get("end_dim", -1)

        def forward(m: Any, xs: list[Any]) -> Any:
            return xs[0].flatten(*_batch_dims([start, end], n))
    elif kind == "unflatten":
        d = draw(dim)
        size = x[d] if -n <= d < n else 6
        sizes = _factorisation(draw, size)
        if draw(st.booleans()):
            sizes[draw(_ints(0, len(sizes) - 1))] = -1
        if draw(st.integers(0, 9)) == 0:
            sizes.append(draw(st.sampled_from([-1, 2])))
        layer = entry(kind, yv({"dim": d, "sizes": sizes}), {})

        def forward(m: Any, xs: list[Any]) -> Any:
            return xs[0].unflatten(_batch_dims([d], n)[0], sizes)
    elif kind == "squeeze":
        # ones to squeeze; a shape of ones only would leave the batch alone (cnncalc refuses)
        x = tuple(draw(st.sampled_from([1, 1, m])) for m in x)
        if all(m == 1 for m in x):
            x = (*x[:-1], 2)
        squeeze: Any = draw(st.one_of(st.none(), dim, st.lists(_ints(-n, n - 1), min_size=1,
                                                                 max_size=n, unique=True)))
        if isinstance(squeeze, list) and len({d % n for d in squeeze}) < len(squeeze):
            squeeze = squeeze[:1]  # -1 and n-1 together: torch's message differs, not its verdict
        layer = entry(kind, None if squeeze is None else yv({"dim": squeeze}), {})

        def forward(m: Any, xs: list[Any]) -> Any:
            if squeeze is None:
                return xs[0].squeeze(tuple(range(1, n + 1)))  # keep the batch dim
            return xs[0].squeeze(_batch_dims(squeeze if isinstance(squeeze, list) else
                                             [squeeze], n))
    else:
        d = draw(_ints(-n - 2, n + 1))
        layer = entry(kind, yv(d), {})

        def forward(m: Any, xs: list[Any]) -> Any:
            # over the batch-less output shape, one dim longer than the input's
            return xs[0].unsqueeze(_batch_dims([d], n + 1)[0])
    return OpCase(one_op(x, layer), lambda: None, (x,), forward=forward)


@st.composite
def linear_last_cases(draw: st.DrawFn) -> OpCase:
    """nn.Linear over the last dim of inputs of any rank, in_features given (right or wrong)
    or left out."""
    x = draw(inputs((0, 1, 2)))
    out_features = draw(_ints(1, 9))
    args: dict[str, Any] = {"out_features": out_features} | draw(optional(bias=st.booleans()))
    if draw(st.integers(0, 4)):
        args["in_features"] = x[-1] if draw(st.integers(0, 5)) else x[-1] + 1
    text = one_op(x, entry("linear", yv(args), {}))
    return OpCase(text, lambda: _nn().Linear(args.get("in_features", x[-1]), out_features,
                                             bias=args.get("bias", True)), (x,),
                  macs=lambda m, x, out: int(out.numel() * m.weight.shape[1]))


class _LayerScale:
    """ConvNeXt's layer scale as torchvision writes it inline: a parameter of ones times init,
    multiplied into each sample (so it may neither reach the batch dim nor grow the sample)."""

    def __new__(cls, shape: Sequence[int], init: float, trainable: bool) -> Any:
        import torch

        class LayerScale(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.gamma = torch.nn.Parameter(torch.ones(tuple(shape)) * init)

            def forward(self, x: Any) -> Any:
                if self.gamma.dim() > x.dim() - 1:
                    raise RuntimeError("the scale reaches the batch dim")
                out = x * self.gamma
                if out.shape != x.shape:
                    raise RuntimeError("the scale grows the sample")
                return out

        return LayerScale().requires_grad_(trainable)


@st.composite
def layer_scale_cases(draw: st.DrawFn) -> OpCase:
    """layer_scale with its default [C, 1, ..., 1] or a given shape (sizes of the input, 1, or
    one that does not broadcast), now and then frozen with `trainable: false`."""
    x = draw(inputs((0, 1, 2, 3)))
    args = draw(optional(init=st.sampled_from([1e-6, 0.1, 1.0])))
    shape = [x[0], *(1 for _ in x[1:])]
    if draw(st.booleans()):
        n = draw(_ints(1, len(x) + 1))
        padded = (1, *x)[-n:] if n <= len(x) else (2, *x)
        shape = [draw(st.sampled_from([m, m, 1, m + 1])) for m in padded]
        args["shape"] = shape
    trainable = draw(st.integers(0, 3)) > 0
    meta = {} if trainable else {"trainable": False}
    layer = entry("layer_scale", yv(args) if args or meta else None, meta)
    return OpCase(one_op(x, layer),
                  lambda: _LayerScale(shape, args.get("init", 1e-6), trainable), (x,),
                  macs=lambda m, x, out: 0)


def _stochastic_depth(p: float, mode: str) -> Any:
    """torchvision.ops.StochasticDepth as it is at inference: the checks its constructor makes
    (torchvision/ops/stochastic_depth.py) around the identity. torchvision itself is never
    imported: the one installed beside the CPU torch (for the YOLO oracle's version check)
    cannot load its compiled ops."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ["batch", "row"]:
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    return _nn().Identity()


@st.composite
def stochastic_depth_cases(draw: st.DrawFn) -> OpCase:
    x = draw(inputs((0, 1, 2, 3)))
    p = draw(st.sampled_from([0.0, 0.1, 0.5, 1.0, 1.5]))
    mode = draw(st.sampled_from(["row", "row", "batch"]))
    op = draw(st.sampled_from(["stochastic_depth", "drop_path"]))
    value = yv([p, mode]) if mode != "row" or draw(st.booleans()) else yv(p)
    return OpCase(one_op(x, entry(op, value, {})), lambda: _stochastic_depth(p, mode), (x,))


@st.composite
def matmul_cases(draw: st.DrawFn) -> OpCase:
    """Two inputs of chosen shapes, rank 2 to 4 (a 1x1 conv sets the first dim, adaptive
    pooling the rest), multiplied: inner dims mostly equal, leading dims equal or 1."""
    rank = draw(st.sampled_from([1, 2, 3]))  # spatial rank: matrices of rank + 1 dims
    m, k, n = draw(_ints(1, 4)), draw(_ints(1, 4)), draw(_ints(1, 4))
    lead = [draw(_ints(1, 3)) for _ in range(rank - 1)]
    a = [*(draw(st.sampled_from([d, d, 1])) for d in lead), m, k]
    b = [*(draw(st.sampled_from([d, d, 1, d + 1])) for d in lead), draw(
        st.sampled_from([k, k, k, k + 1])), n]
    before = []
    for i, s in enumerate((a, b)):
        before += [f"- {{id: c{i}, from: input, conv: [{s[0]}, 1]}}",
                   f"- {{id: s{i}, adaptive_avgpool: {{output_size: {yv(s[1:])}}}}}"]
    layer = entry("matmul", yv(["s0", "s1"]), {})
    return OpCase(one_op((2, *(4 for _ in range(rank))), layer, before), lambda: None,
                  (tuple(a), tuple(b)),
                  forward=lambda m, xs: __import__("torch").matmul(xs[0], xs[1]))


def _all_ops(case: OpCase) -> int:
    """The last layer's MACs under `--count all`, per batch element."""
    return analyse(case.text, batch=TORCH_BATCH, count="all").layers[-1].macs // TORCH_BATCH


@needs_torch
@given(layer_scale_cases())
@budget(SINGLE_OP_BUDGET["layer_scale"])
def test_layer_scale_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)
    layer = analyse(case.text).layers[-1]
    if layer.output_shape is not None:  # one multiply per element under `--count all`
        assert _all_ops(case) == math.prod(layer.output_shape)


@needs_torch
@given(stochastic_depth_cases())
@budget(SINGLE_OP_BUDGET["stochastic_depth"])
def test_stochastic_depth_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(matmul_cases())
@budget(SINGLE_OP_BUDGET["matmul"])
def test_matmul_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)
    layer = analyse(case.text).layers[-1]
    if layer.output_shape is not None:  # m·k·n per product under `--count all`
        a = case.inputs[0]
        assert _all_ops(case) == math.prod(layer.output_shape) * a[-1]


@st.composite
def split_cases(draw: st.DrawFn) -> tuple[str, Shape, Callable[[Any], Any]]:
    """chunk and split of any dim, by sizes that divide, that leave a remainder, larger than
    the dim, or (split) sections that do or do not add up: (YAML, input, torch's split)."""
    x = draw(inputs((0, 1, 2, 3)))
    n = len(x)
    dim = draw(st.one_of(_ints(-n, n - 1), _ints(-n - 1, n)))
    length = x[dim] if -n <= dim < n else 5
    given_dim = {} if dim == 0 and draw(st.booleans()) else {"dim": dim}
    if draw(st.booleans()):
        chunks = draw(_ints(1, length + 2))
        text = entry("chunk", yv({"chunks": chunks} | given_dim) if given_dim or draw(
            st.booleans()) else yv(chunks), {})

        def split(t: Any) -> Any:
            return t.chunk(chunks, _batch_dims([dim], n)[0])
    else:
        sections: Any = draw(_ints(1, length + 1))
        if draw(st.booleans()):
            sections = [draw(_ints(1, 4)) for _ in range(draw(_ints(1, 4)))]
            if draw(st.integers(0, 3)):  # mostly sections that add up
                sections[-1] = max(1, length - sum(sections[:-1]))
        text = entry("split", yv({"split_size_or_sections": sections} | given_dim), {})

        def split(t: Any) -> Any:
            return t.split(sections, _batch_dims([dim], n)[0])
    return one_op(x, text), x, split


@needs_torch
@given(split_cases())
@budget(SINGLE_OP_BUDGET["split"])
def test_split_ops_agree_with_torch(case: tuple[str, Shape, Callable[[Any], Any]]) -> None:
    """Every output's shape, as torch's tuple; what torch refuses cnncalc refuses; views:
    no parameters, MACs or memory."""
    import torch

    text, x, split = case
    a = analyse(text, batch=TORCH_BATCH)
    errors = [d.code for d in a.diagnostics if d.severity is Severity.ERROR]
    try:
        pieces = split(torch.zeros(TORCH_BATCH, *x))
    except TORCH_REFUSALS:
        assert errors, f"PyTorch refuses this but cnncalc accepts it:\n{text}"
        return
    assert not errors, (errors, text)
    layer = a.layers[-1]
    assert layer.output_shapes == tuple(tuple(p.shape[1:]) for p in pieces), text
    assert layer.output_shape == tuple(pieces[0].shape[1:])
    assert (layer.params, layer.macs, layer.activation_bytes) == (0, 0, 0)


@needs_torch
@given(reshape_cases())
@budget(SINGLE_OP_BUDGET["reshape"])
def test_reshaping_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(linear_last_cases())
@budget(SINGLE_OP_BUDGET["linear_last"])
def test_linear_over_the_last_dim_agrees_with_torch(case: OpCase) -> None:
    a = analyse(case.text)
    if "in_features" not in case.text and len(case.inputs[0]) > 1:
        # torch would apply it to the last dim; cnncalc wants that said, to catch a
        # forgotten flatten (v1's error)
        assert [d.code for d in a.diagnostics] == ["E205"]
        return
    assert_agrees_with_torch(case)


@needs_torch
@given(conv_cases())
@budget(SINGLE_OP_BUDGET["conv"])
def test_conv_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(conv_transpose_cases())
@budget(SINGLE_OP_BUDGET["conv_transpose"])
def test_conv_transpose_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(pool_cases("max"))
@budget(SINGLE_OP_BUDGET["maxpool"])
def test_maxpool_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(pool_cases("avg"))
@budget(SINGLE_OP_BUDGET["avgpool"])
def test_avgpool_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(adaptive_cases())
@budget(SINGLE_OP_BUDGET["adaptive"])
def test_adaptive_pooling_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(norm_cases())
@budget(SINGLE_OP_BUDGET["norm"])
def test_normalisation_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(activation_cases())
@budget(SINGLE_OP_BUDGET["activation"])
def test_activations_agree_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(misc_cases())
@budget(SINGLE_OP_BUDGET["misc"])
def test_dropout_flatten_identity_linear_agree_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(upsample_cases())
@budget(SINGLE_OP_BUDGET["upsample"])
def test_upsample_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(pad_cases())
@budget(SINGLE_OP_BUDGET["pad"])
def test_pad_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(channel_shuffle_cases())
@budget(SINGLE_OP_BUDGET["channel_shuffle"])
def test_channel_shuffle_agrees_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


@needs_torch
@given(merge_cases())
@budget(SINGLE_OP_BUDGET["merge"])
def test_merges_agree_with_torch(case: OpCase) -> None:
    assert_agrees_with_torch(case)


# ================================================================ regressions
# Disagreements with torch these tests found, fixed in cnncalc: (input, layer, the error cnncalc
# reports or None, the same layer in torch).

REGRESSIONS = [
    # nn.BatchNorm1d takes (N, C) as well as (N, C, L)
    ([5], "batchnorm1d", None, "nn.BatchNorm1d(5)"),
    ([5], "batchnorm2d", "E201", "nn.BatchNorm2d(5)"),
    # nn.AvgPool1d has no divisor_override
    ([2, 5], "avgpool: {kernel_size: 2, divisor_override: 2}", "E209",
     "nn.AvgPool1d(2, divisor_override=2)"),
    ([2, 5, 5], "avgpool: {kernel_size: 2, divisor_override: 2}", None,
     "nn.AvgPool2d(2, divisor_override=2)"),
    # aten's avg_pool3d wants each input size at least the kernel, padding aside
    ([1, 2, 2, 5], "avgpool: {kernel_size: 3, stride: 1, padding: 1}", "E209",
     "nn.AvgPool3d(3, stride=1, padding=1)"),
    ([1, 2, 5], "avgpool: {kernel_size: 3, stride: 1, padding: 1}", None,
     "nn.AvgPool2d(3, stride=1, padding=1)"),
    ([1, 1, 1, 1], "maxpool: {kernel_size: 2, ceil_mode: true}", None,
     "nn.MaxPool3d(2, ceil_mode=True)"),
    # adaptive_avg_pool1d takes integers only
    ([2, 5], "adaptive_avgpool: {output_size: [null]}", "E209", "nn.AdaptiveAvgPool1d((None,))"),
    ([2, 5, 5], "adaptive_maxpool: {output_size: [null, 2]}", None,
     "nn.AdaptiveMaxPool2d((None, 2))"),
    # CELU divides by alpha
    ([2, 5], "celu: {alpha: 0}", "E108", "nn.CELU(alpha=0.0)"),
    # align_corners only with the interpolating modes
    ([2, 5], "upsample: {scale_factor: 2, align_corners: false}", "E108",
     "nn.Upsample(scale_factor=2, align_corners=False)"),
    ([2, 5], "upsample: {scale_factor: 2, mode: linear, align_corners: true}", None,
     "nn.Upsample(scale_factor=2, mode='linear', align_corners=True)"),
    # F.pad: reflection pads less than the input size, circular padding wraps around once
    ([2, 5], "conv: {out_channels: 1, kernel_size: 1, padding: 5, padding_mode: reflect}",
     "E209", "nn.Conv1d(2, 1, 1, padding=5, padding_mode='reflect')"),
    ([2, 5], "conv: {out_channels: 1, kernel_size: 1, padding: 4, padding_mode: reflect}", None,
     "nn.Conv1d(2, 1, 1, padding=4, padding_mode='reflect')"),
    ([2, 5], "conv: {out_channels: 1, kernel_size: 1, padding: 6, padding_mode: circular}",
     "E209", "nn.Conv1d(2, 1, 1, padding=6, padding_mode='circular')"),
    ([2, 5], "conv: {out_channels: 1, kernel_size: 1, padding: 5, padding_mode: circular}",
     None, "nn.Conv1d(2, 1, 1, padding=5, padding_mode='circular')"),
    ([2, 3], "conv: {out_channels: 1, kernel_size: 5, dilation: 2, padding: same, "
     "padding_mode: circular}", "E209",
     "nn.Conv1d(2, 1, 5, dilation=2, padding='same', padding_mode='circular')"),
    # aten's constant_pad_nd crops before it pads
    ([1, 1], "pad: {padding: [2, -2]}", "E209", "nn.ZeroPad1d((2, -2))"),
    ([1, 2], "pad: {padding: [3, -2]}", None, "nn.ZeroPad1d((3, -2))"),
]


@pytest.mark.parametrize(("shape", "layer", "code", "torch_code"), REGRESSIONS,
                         ids=[f"{r[1]}@{r[0]}" for r in REGRESSIONS])
def test_regression(shape: list[int], layer: str, code: str | None, torch_code: str) -> None:
    a = analyse(one_op(tuple(shape), f"- {layer}"))
    assert [d.code for d in a.diagnostics if d.severity is Severity.ERROR] == (
        [code] if code else [])
    if HAS_TORCH:
        case = OpCase(one_op(tuple(shape), f"- {layer}"),
                      lambda: eval(torch_code, {"nn": _nn()}), (tuple(shape),),
                      macs=conv_weight_macs if "Conv" in torch_code else OpCase.macs)
        assert_agrees_with_torch(case)


def test_prelu_with_one_parameter_exports() -> None:
    """The export wrote `nn.PReLU(OMIT)` for PReLU's default single parameter."""
    a = analyse(one_op((3, 4, 4), "- prelu"))
    code = export(a, "pytorch")
    assert "nn.PReLU()" in code and "OMIT" not in code
    if HAS_TORCH:
        namespace: dict[str, Any] = {"__name__": "exported"}
        exec(compile(code, "<export>", "exec"), namespace)
        assert sum(p.numel() for p in namespace[class_name(a.name)]().parameters()) == 1
