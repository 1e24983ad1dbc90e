"""What an op is: its argument schema and its rules (shape, parameters, MACs, windows, torch).

Passes never branch on op names; everything op-specific is a field of its OpSpec.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any

from ..format import SPATIAL_AXES
from ..frozen import frozen
from ..graph import Shape
from ..limits import MAX_INT


class OpError(Exception):
    """A user mistake found while applying an op's rule; becomes a Diagnostic at `arg`'s span."""

    def __init__(self, code: str, message: str, arg: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.arg, self.hint = code, message, arg, hint


class ArgError(Exception):
    """A value of the wrong type or out of range; the caller knows which argument it was."""

    def __init__(self, message: str, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


# ---------------------------------------------------------------- argument types

QUOTE_CHARS = 32  # of a value quoted in a message: enough to recognise it, not a whole file


def quote(text: str) -> str:
    """`'text'` for a message: its first QUOTE_CHARS characters, control characters escaped
    (a scalar can be a whole file's text: a file that is not YAML, or what a link pointed to)."""
    from ..render.safe import clean

    if len(text) > QUOTE_CHARS:
        return f"'{clean(text[:QUOTE_CHARS])}…' ({len(text):,} characters)"
    return f"'{clean(text)}'"


def describe_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, int):
        return short_int(value)
    return str(value)


TOO_LARGE_HINT = "sizes and counts are int64 in PyTorch: at most 9,223,372,036,854,775,807"


def short_int(value: int) -> str:
    """An integer for a message: a huge one by its length (Python refuses to print one of
    over 4,300 digits, and nobody reads one of 400)."""
    if abs(value) < 10**30:
        return str(value)
    # the loader and expressions keep integers far below the 4,300 digits str() takes
    return f"{'-' if value < 0 else ''}a {len(str(abs(value)))}-digit number"


def _yaml11_hint(value: object) -> str | None:
    if isinstance(value, str) and value.lower() in {"yes", "no", "on", "off", "y", "n"}:
        return "cnncalc reads YAML 1.2: write true or false"
    return None


@frozen
class ArgType:
    """Base of argument types: `check` returns the normalised value or raises ArgError."""

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    @property
    def label(self) -> str:
        raise NotImplementedError


@frozen
class Int(ArgType):
    """An integer argument, optionally bounded below."""

    min: int | None = None

    def check(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                hint = f"write {int(value)}"
            else:
                hint = None
            raise ArgError(f"expected an integer, got {describe_value(value)}", hint)
        if self.min is not None and value < self.min:
            raise ArgError(f"must be >= {self.min}, got {short_int(value)}")
        if abs(value) > MAX_INT:
            raise ArgError(f"{short_int(value)} is larger than PyTorch's sizes allow (2^63 - 1)",
                           TOO_LARGE_HINT, "E118")
        return value

    @property
    def label(self) -> str:
        return "int" if self.min is None else f"int >= {self.min}"


@frozen
class Float(ArgType):
    """A number argument (an integer is accepted), optionally bounded."""

    min: float | None = None
    max: float | None = None

    def check(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ArgError(f"expected a number, got {describe_value(value)}")
        if isinstance(value, int) and abs(value) > MAX_INT:  # past a float's range, too
            raise ArgError(f"must be a finite number below 2^63, got {describe_value(value)}",
                           code="E118")
        if not math.isfinite(value):
            raise ArgError(f"must be a finite number, got {describe_value(value)}")
        if (self.min is not None and value < self.min) or (
                self.max is not None and value > self.max):
            lo = "" if self.min is None else f"{self.min} <= "
            hi = "" if self.max is None else f" <= {self.max}"
            raise ArgError(f"must satisfy {lo}value{hi}, got {describe_value(value)}")
        return float(value)

    @property
    def label(self) -> str:
        return "number"


@frozen
class Bool(ArgType):
    """A true/false argument (YAML 1.2: only true and false)."""

    def check(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise ArgError(f"expected true or false, got {describe_value(value)}",
                           _yaml11_hint(value))
        return value

    @property
    def label(self) -> str:
        return "bool"


@frozen
class Choice(ArgType):
    """One of a fixed set of names."""

    choices: tuple[str, ...]

    def check(self, value: Any) -> Any:
        if value not in self.choices:
            from ..diagnostics import did_you_mean

            hint = did_you_mean(value, self.choices) if isinstance(value, str) else None
            raise ArgError(f"expected one of {', '.join(self.choices)}; got "
                           f"{describe_value(value)}", hint)
        return value

    @property
    def label(self) -> str:
        return " | ".join(self.choices)


@frozen
class PerAxis(ArgType):
    """One value for every axis, or a list of them (one per axis); the op checks the length."""

    item: ArgType = field(default_factory=lambda: Int(0))
    nullable_items: bool = False  # adaptive pooling: a null entry keeps that axis

    def check(self, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            return self.item.check(value)
        if not value:
            raise ArgError(f"expected {self.label}, got []")
        return tuple(None if (v is None and self.nullable_items) else self.item.check(v)
                     for v in value)

    @property
    def label(self) -> str:
        return f"{self.item.label} or a list of them"


def Ints(min: int = 0, nullable_items: bool = False) -> PerAxis:
    return PerAxis(Int(min), nullable_items)


@frozen
class Either(ArgType):
    """The first of several types that accepts the value (for `padding: same`, `null`)."""

    options: tuple[ArgType, ...]

    def check(self, value: Any) -> Any:
        errors = []
        for option in self.options:
            try:
                return option.check(value)
            except ArgError as exc:
                # without its traceback, which holds this frame and so this list: a cycle
                # only the cyclic collector frees
                errors.append(exc.with_traceback(None))
        # a value of the right type but out of range: say what is wrong with it
        specific = [e for e in errors if not e.message.startswith("expected")]
        if len(specific) == 1:
            raise specific[0]
        hint = next((e.hint for e in errors if e.hint), None)
        raise ArgError(f"expected {self.label}, got {describe_value(value)}", hint)

    @property
    def label(self) -> str:
        return " or ".join(o.label for o in self.options)


@frozen
class Null(ArgType):
    """Only null: one branch of an `Either`."""

    def check(self, value: Any) -> Any:
        if value is not None:
            raise ArgError(f"expected null, got {describe_value(value)}")
        return None

    @property
    def label(self) -> str:
        return "null"


@frozen
class Ids(ArgType):
    """A merge's inputs: a list of at least two layer ids."""

    def check(self, value: Any) -> Any:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ArgError(f"expected a list of ids, got {describe_value(value)}")
        if len(value) < 2 and not any(v.endswith("[*]") for v in value):  # id[*] expands
            raise ArgError("a merge needs at least two inputs", "list two or more ids")
        return tuple(value)

    @property
    def label(self) -> str:
        return "list of ids"


REQUIRED: Any = object()


@frozen
class Arg:
    """One argument of an op: its name, type, default and documentation."""

    name: str
    type: ArgType
    default: Any = REQUIRED
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


# ---------------------------------------------------------------- rule context

@frozen
class Window:
    """One spatial axis of a sliding window: the rule conv and pooling share."""

    size: int  # input length L
    kernel: int
    stride: int
    pad_left: int
    pad_right: int
    dilation: int = 1
    ceil: bool = False

    @property
    def span(self) -> int:  # effective kernel d(k-1)+1
        return self.dilation * (self.kernel - 1) + 1

    @property
    def numerator(self) -> int:  # L + pl + pr - k_eff
        return self.size + self.pad_left + self.pad_right - self.span

    @property
    def out(self) -> int:
        """PyTorch's output length (aten Pool.h `pooling_output_shape_pad_lr` for ceil mode)."""
        # aten's div_rtn rounds toward negative infinity, as Python's // does
        out = (self.numerator + (self.stride - 1 if self.ceil else 0)) // self.stride + 1
        # ceil mode: the last window must start inside the input or the left padding
        if self.ceil and (out - 1) * self.stride >= self.size + self.pad_left:
            out -= 1
        return out


@frozen
class Ctx:
    """What a rule sees: validated arguments and the input shapes of one node."""

    args: dict[str, Any]
    inputs: tuple[Shape, ...]
    rank: int | None = None  # spatial rank demanded by the alias (conv2d -> 2)
    names: tuple[str, ...] = ()  # how the inputs are called in the file, for messages

    @property
    def x(self) -> Shape:
        return self.inputs[0]

    @property
    def channels(self) -> int:
        return self.x[0]

    @property
    def spatial(self) -> Shape:
        return self.x[1:]

    def per_axis(self, name: str) -> tuple[int, ...]:
        """An int-or-list argument expanded to one value per spatial axis of the input."""
        value = self.args[name]
        n = len(self.spatial)
        if not isinstance(value, tuple):
            return (value,) * n
        if len(value) != n:
            raise OpError("E209", f"{name} has {len(value)} values but the input has {n} "
                          f"spatial dimension{'s' if n != 1 else ''}", name,
                          hint=f"give one value, or {n}")
        return value


@frozen
class Counts:
    """What an op's params rule returns: parameters, buffers, and how many buffers are int64."""

    params: int = 0
    buffers: int = 0
    int64_buffers: int = 0  # of `buffers`, those stored as int64 whatever the dtype (counters)


# One spatial axis of a layer's receptive-field step: (dilated kernel extent, stride, left pad).
Step = tuple[int, int, int]


@frozen(slots=False)  # `cached_property` needs a __dict__
class OpSpec:
    """Everything cnncalc knows about one op. Adding an op means adding one of these."""

    name: str
    summary: str
    args: tuple[Arg, ...]
    shape: Callable[[Ctx], Shape]  # the output; of an op with several, the first
    # every output of an op with several (chunk, split); None: one output, `shape`'s
    outputs: Callable[[Ctx], tuple[Shape, ...]] | None = None
    ranks: tuple[int, ...] | None = None  # allowed spatial ranks of the input (0 = flat [F])
    aliases: dict[str, int | None] = field(default_factory=dict)  # alias -> demanded rank
    params: Callable[[Ctx, Shape], Counts] = lambda ctx, out: Counts()
    macs: Callable[[Ctx, Shape], int] = lambda ctx, out: 0  # conv/linear multiplies only
    # further operations `--count all` adds: bias adds, normalisation, activations, pooling
    extra_ops: Callable[[Ctx, Shape], int] = lambda ctx, out: 0
    view: Callable[[Ctx], bool] = lambda ctx: False  # the output shares the input's storage
    # what the output's storage is, for views of permuted tensors (passes/memory.py):
    # "fresh" contiguous (the default), "keep" the input's layout (elementwise ops, views that
    # keep the order), "strided" non-contiguous (permute), "reshape" a view of a contiguous
    # input but a contiguous copy of a non-contiguous one (reshape, flatten)
    layout: Callable[[Ctx], str] = lambda ctx: "fresh"
    # the arithmetic behind the counts, numbers put in: `(11·11·3)·96 + 96 = 34,944` (explain)
    formulas: Callable[[Ctx, Shape], Sequence[str]] = lambda ctx, out: ()
    # receptive-field step per spatial axis; None = not defined (upsampling). Unset: derived
    # from `windows`, or the identity for ops that keep the spatial size. Merges give one step
    # list per input (a centre crop shifts its input's field)
    rf: Callable[[Ctx, Shape], Any] | None = None
    windows: Callable[[Ctx], Sequence[Window]] | None = None
    torch: Callable[[Ctx], tuple[str | None, str]] | None = None  # (module, forward template)
    # normalisation over the batch: how many values each statistic is computed from per batch
    # element, at inference (None: from running statistics, or not over the batch). PyTorch
    # refuses a statistic of one value ("Expected more than 1 value per channel")
    statistics: Callable[[Ctx], int | None] | None = None
    list_arg: str | None = None  # a list value binds to this argument (merges' inputs)
    multi_input: bool = False
    internal: bool = False  # not usable in files (the network input)
    # an op whose rank follows its input and that course notes mean in 2-D (a quiz's "conv on
    # a 7x7 input"): a square [N, N] input to it is probably a bare image size (passes/layout)
    images: bool = False
    # a layer a paper's depth counts ("ResNet-152", "VGG-19"): conv and linear layers
    depth: bool = False
    # how pictures show it (render/diagram.py, svg.py): the kind picks the colour ("conv",
    # "linear", "pool", "norm", "activation", "merge", "shape", "input"; others are drawn
    # plainly), and each key argument (name, label prefix) is written in the node's label
    # when it is set and not its default: conv's ("kernel_size", "k") reads "k3"
    kind: str = "other"
    key_args: tuple[tuple[str, str], ...] = ()

    def arg(self, name: str) -> Arg | None:
        return self.by_name.get(name)

    @functools.cached_property
    def by_name(self) -> dict[str, Arg]:
        """The arguments by name (looked up for every argument of every layer)."""
        return {a.name: a for a in self.args}


def nearest_divisor(n: int, target: int) -> int:
    """The divisor of n closest to target (the smaller on a tie), searched outward from target
    so that a hint costs the same for 3 channels and for 3 billion."""
    for step in range(0, 4096):
        for d in (target - step, target + step):
            if 1 <= d <= n and n % d == 0:
                return d
    return 1


def same_shape(ctx: Ctx) -> Shape:
    return ctx.x


def elementwise(ctx: Ctx, out: Shape) -> int:
    """One operation per output element (activations, normalisation steps, upsampling)."""
    return prod(out)


def inplace(ctx: Ctx) -> bool:
    """PyTorch's `inplace=True` writes into the input: no new storage."""
    return bool(ctx.args.get("inplace", False))


def no_rf(ctx: Ctx, out: Shape) -> None:
    """Resampling ops (transposed conv, upsample): no fixed window maps outputs to inputs."""
    return None


def prod(values: Sequence[int]) -> int:
    return math.prod(values)


def axis_name(rank: int, i: int) -> str:
    return SPATIAL_AXES.get(rank, tuple(str(j) for j in range(rank)))[i]


def _torch_value(value: Any) -> str:
    return repr(tuple(value)) if isinstance(value, (tuple, list)) else repr(value)


class _Omit:
    """A keyword generated code leaves out (PyTorch's default applies)."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()


def torch_module(cls: str, *positional: Any, **keywords: Any) -> str:
    """`nn.Conv2d(3, 64, kernel_size=(7, 7), bias=False)`: keywords equal to OMIT are left
    out; None is written (`momentum=None` is not BatchNorm's default)."""
    parts = [_torch_value(v) for v in positional]
    parts += [f"{k}={_torch_value(v)}" for k, v in keywords.items() if v is not OMIT]
    return f"nn.{cls}({', '.join(parts)})"


def unary(module: str) -> tuple[str | None, str]:
    """A module applied to the single input."""
    return module, "{m}({0})"


def nondefault(value: Any, default: Any) -> Any:
    """The value for generated code, or OMIT (left out) when it equals PyTorch's default."""
    return OMIT if value == default else value


def window_output(ctx: Ctx, windows: Sequence[Window]) -> tuple[int, ...]:
    """The spatial output of a sliding-window op, or E202 naming the axis that vanishes."""
    out = []
    rank = len(windows)
    for i, w in enumerate(windows):
        n = w.out
        if n <= 0:
            pad = f" + {w.pad_left + w.pad_right}" if w.pad_left + w.pad_right else ""
            raise OpError(
                "E202",
                f"the window ({w.span}) is larger than the padded input on axis "
                f"{axis_name(rank, i)} ({w.size}{pad}): output size {n}",
                "kernel_size", hint="use a smaller kernel_size or dilation, more padding, or a "
                "larger input")
        out.append(n)
    return tuple(out)


def spatial_rank(ctx: Ctx, allowed: Sequence[int], what: str) -> int:
    """The input's spatial rank, checked against the op's and the alias's (conv2d -> 2)."""
    rank = len(ctx.x) - 1
    if ctx.rank is not None and rank != ctx.rank:
        raise OpError("E201", f"{what}{ctx.rank}d needs a {ctx.rank + 1}-D input [C, ...], "
                      f"got {rank + 1}-D {list(ctx.x)}",
                      hint=f"use {what}{rank}d or plain {what}" if rank in allowed else None)
    if rank not in allowed:
        if rank == 0:
            raise OpError("E201", f"{what} needs a spatial input [C, ...], got the flat "
                          f"vector {list(ctx.x)}",
                          hint="spatial ops come before flatten/linear; check the input shape")
        raise OpError("E201", f"{what} supports 1-D, 2-D and 3-D inputs, got {list(ctx.x)}")
    return rank
