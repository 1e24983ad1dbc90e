"""Elementwise activations (torch/nn/modules/activation.py): shape-preserving, no parameters
except PReLU. `inplace` is PyTorch's own argument; it changes memory, never shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..graph import Shape
from .base import (
    Arg,
    ArgError,
    ArgType,
    Bool,
    Choice,
    Counts,
    Ctx,
    Float,
    Int,
    OpError,
    OpSpec,
    elementwise,
    inplace,
    nondefault,
    same_shape,
    torch_module,
    unary,
)

_INPLACE = Arg("inplace", Bool(), False, "changes memory, never shapes")


def activation(name: str, torch_cls: str, summary: str, *args: Arg,
               has_inplace: bool = True, shape: Callable[[Ctx], Shape] = same_shape) -> OpSpec:
    """An elementwise op whose arguments pass straight through to the torch module."""
    all_args = (*args, _INPLACE) if has_inplace else args

    def torch(ctx: Ctx) -> tuple[str | None, str]:
        keywords = {a.name: nondefault(ctx.args[a.name], a.default) for a in all_args}
        return unary(torch_module(torch_cls, **keywords))

    return OpSpec(name=name, summary=summary, args=all_args, shape=shape, torch=torch,
                  extra_ops=elementwise, view=inplace, layout=lambda ctx: "keep",
                  kind="activation")


def _softmax(name: str, torch_cls: str) -> OpSpec:
    def shape(ctx: Ctx) -> Shape:
        dim, n = ctx.args["dim"], len(ctx.x)
        if not -n <= dim < n:
            raise OpError("E209", f"dim {dim} is out of range for the input {list(ctx.x)}",
                          "dim", hint=f"use a dim from {-n} to {n - 1} (batch excluded)")
        return ctx.x

    def torch(ctx: Ctx) -> tuple[str | None, str]:
        dim = ctx.args["dim"]
        return unary(torch_module(torch_cls, dim=dim + 1 if dim >= 0 else dim))

    return OpSpec(
        name=name,
        summary=f"{torch_cls} along `dim` of the batch-less shape (default 0, the channels, "
                "as PyTorch's implicit choice)",
        args=(Arg("dim", Int(), 0, "counts over the batch-less shape"),),
        shape=shape, torch=torch, extra_ops=elementwise, kind="activation")


class _PReLUCount(ArgType):
    """PReLU's num_parameters: 1, or the channel count (written as a number or `channels`)."""

    def check(self, value: Any) -> Any:
        if value == "channels":
            return value
        try:
            return Int(1).check(value)
        except ArgError as exc:
            raise ArgError(exc.message + " or 'channels'") from None

    @property
    def label(self) -> str:
        return "int >= 1 or 'channels'"


def _prelu_count(ctx: Ctx) -> int:
    n, c = ctx.args["num_parameters"], ctx.channels
    n = c if n == "channels" else n
    if n not in (1, c):
        raise OpError("E209", f"num_parameters={n} must be 1 or the channel count ({c})",
                      "num_parameters", hint="use 1, or `channels`")
    return int(n)


def _prelu_shape(ctx: Ctx) -> Shape:
    _prelu_count(ctx)
    return ctx.x


PRELU = OpSpec(
    name="prelu",
    summary="PReLU with learned slopes (nn.PReLU): num_parameters is 1 or C (`channels`)",
    args=(Arg("num_parameters", _PReLUCount(), 1), Arg("init", Float(), 0.25)),
    shape=_prelu_shape,
    kind="activation",
    params=lambda ctx, out: Counts(_prelu_count(ctx)),
    extra_ops=elementwise,
    # by keyword: OMIT only leaves out keywords (positionally it would be written out)
    torch=lambda ctx: unary(torch_module(
        "PReLU", num_parameters=nondefault(_prelu_count(ctx), 1),
        init=nondefault(ctx.args["init"], 0.25))),
)

def _hardtanh_shape(ctx: Ctx) -> Shape:
    if ctx.args["max_val"] <= ctx.args["min_val"]:
        raise OpError("E108", f"max_val ({ctx.args['max_val']}) must be greater than min_val "
                      f"({ctx.args['min_val']})", "max_val", hint="PyTorch refuses this too")
    return ctx.x


def _celu_shape(ctx: Ctx) -> Shape:
    if ctx.args["alpha"] == 0:  # CELU divides by alpha
        raise OpError("E108", "alpha must not be 0 (CELU divides by it)", "alpha",
                      hint="PyTorch refuses this too")
    return ctx.x


ACTIVATIONS = (
    activation("relu", "ReLU", "max(0, x)"),
    activation("relu6", "ReLU6", "min(max(0, x), 6)"),
    activation("leaky_relu", "LeakyReLU", "leaky ReLU",
               Arg("negative_slope", Float(), 0.01)),
    PRELU,
    activation("elu", "ELU", "exponential linear unit", Arg("alpha", Float(), 1.0)),
    activation("selu", "SELU", "scaled ELU"),
    activation("celu", "CELU", "continuously differentiable ELU", Arg("alpha", Float(), 1.0),
               shape=_celu_shape),
    activation("gelu", "GELU", "Gaussian error linear unit",
               Arg("approximate", Choice(("none", "tanh")), "none"), has_inplace=False),
    activation("silu", "SiLU", "x * sigmoid(x), a.k.a. swish"),
    activation("mish", "Mish", "x * tanh(softplus(x))"),
    activation("sigmoid", "Sigmoid", "logistic sigmoid", has_inplace=False),
    activation("tanh", "Tanh", "hyperbolic tangent", has_inplace=False),
    activation("hardswish", "Hardswish", "MobileNetV3's hard swish"),
    activation("hardsigmoid", "Hardsigmoid", "piecewise-linear sigmoid"),
    activation("hardtanh", "Hardtanh", "clamp to [min_val, max_val]",
               Arg("min_val", Float(), -1.0), Arg("max_val", Float(), 1.0),
               shape=_hardtanh_shape),
    activation("softplus", "Softplus", "log(1 + exp(beta x)) / beta",
               Arg("beta", Float(), 1.0), Arg("threshold", Float(), 20.0), has_inplace=False),
    _softmax("softmax", "Softmax"),
    _softmax("log_softmax", "LogSoftmax"),
)
