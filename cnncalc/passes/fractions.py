"""Fractional output sizes: `(W − F + 2P)/S + 1` that is not whole, explained per axis.

PyTorch floors (or, with ceil_mode, rounds up and trims); the user is told when real input
rows are never read (a warning, with what would fit) and when only padding goes unread (a note).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from fractions import Fraction
from typing import Any

from ..diagnostics import Diagnostic
from ..graph import Node, Shape
from ..ops import REGISTRY, Ctx, OpError, Window
from ..ops.base import axis_name

_UNIT = {"H": "row", "W": "column", "D": "slice", "L": "position"}


def formula(w: Window) -> str:
    """`(7 − 3 + 2·0)/3 + 1`, CS231n's notation (asymmetric padding written as a sum)."""
    kernel = str(w.span) if w.dilation == 1 else f"{w.span}"
    pad = (f"2·{w.pad_left}" if w.pad_left == w.pad_right
           else f"{w.pad_left} + {w.pad_right}")
    return f"({w.size} − {kernel} + {pad})/{w.stride} + 1"


def exact(w: Window) -> Fraction:
    return Fraction(w.numerator, w.stride) + 1


def decimal(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def check(node: Node, ctx: Ctx | None, out: Shape | None) -> Iterator[Diagnostic]:
    """W101 / N101 / N102 for each axis of a sliding-window op whose windows don't fit."""
    return report(node, unfit(node, ctx, out))


def unfit(node: Node, ctx: Ctx | None, out: Shape | None) -> dict[Window, list[str]]:
    """The windows whose output size is fractional, each with the axes it is on (a rule: see
    passes.Memo)."""
    spec = REGISTRY[node.op]
    if spec.windows is None or ctx is None or out is None:
        return {}
    try:
        windows = spec.windows(ctx)
    except OpError:  # already reported by the shape pass
        return {}
    rank = len(windows)
    axes: dict[Window, list[str]] = {}  # identical axes (the usual square case) share a message
    for i, w in enumerate(windows):
        if w.numerator >= 0 and w.numerator % w.stride:
            axes.setdefault(w, []).append(axis_name(rank, i))
    return axes


def report(node: Node, axes: dict[Window, list[str]]) -> Iterator[Diagnostic]:
    """The diagnostics of `unfit` windows, at `node`."""
    for w, names in axes.items():
        yield _explain(w, " and ".join(names), node, node.args)


def _explain(w: Window, axis: str, node: Node, ctx_args: dict[str, Any]) -> Diagnostic:
    value = exact(w)
    head = f"output {axis}: {formula(w)} = {decimal(value)} (exactly {value})"
    floor = w.numerator // w.stride + 1
    if w.ceil and w.out > floor:
        return Diagnostic("N102", f"{head}, rounded up to {w.out} by ceil_mode", node.span,
                          "the last window reaches past the input; PyTorch keeps it", node.name)
    rest = w.numerator % w.stride
    lost = rest - w.pad_right  # unread trailing positions that are real input
    if lost <= 0:
        return Diagnostic("N101", f"{head}, floored to {floor}: only padding is left unread",
                          node.span, None, node.name)
    if w.span < w.stride and lost <= w.stride - w.span:
        # a window smaller than its stride skips positions everywhere by design (ResNet's 1x1
        # stride-2 shortcut); the tail gap is no wider than the gaps between windows
        return Diagnostic("N101", f"{head}, floored to {floor}: the window ({w.span}) is "
                          f"smaller than the stride, so every gap of {w.stride - w.span} is "
                          "skipped, the last one included", node.span, None, node.name)
    units = [_UNIT.get(a, "position") + ("s" if lost > 1 else "") for a in axis.split(" and ")]
    count = f"{lost} " if lost > 1 else ""
    verb = "are" if lost > 1 or len(units) > 1 else "is"
    what = f"the last {count}input {' and '.join(units)} {verb}"
    return Diagnostic("W101", f"{head}, floored to {floor}: {what} never read (of {w.size})",
                      node.span, _suggest(w, rest, ctx_args), node.name)


def _suggest(w: Window, rest: int, args: dict[str, Any]) -> str:
    """What would fit exactly: the nearest padding, stride or input size, or ceil_mode. Solved
    arithmetically: a stride can be as large as the input (10^12), so no loop runs over it."""
    fits = []
    pooling = "ceil_mode" in args
    if isinstance(args.get("padding"), (int, tuple)) and w.pad_left == w.pad_right:
        p = _fitting_padding(w)
        # pooling refuses padding over half the kernel
        if p is not None and not (pooling and p > w.kernel // 2):
            fits.append(f"padding={p}")
    # a stride wider than the window would skip rows of its own
    s = _nearest_stride(w.numerator, w.stride, max(w.span, w.stride))
    if s is not None:
        fits.append(f"stride={s}")
    below, above = w.size - rest, w.size + w.stride - rest
    sizes = [str(n) for n in (below, above) if n >= w.span - w.pad_left - w.pad_right and n > 0]
    if sizes:
        fits.append(f"input size {' or '.join(sizes)}")
    if pooling and replace(w, ceil=True).out > w.out:
        fits.append("ceil_mode=true (a last, partial window)")
    return "fits exactly with " + ", or ".join(fits) if fits else "change padding or stride"


def _fitting_padding(w: Window) -> int | None:
    """The smallest padding p > pad_left (at most one stride more) that makes the padded
    length a multiple of the stride: 2·(p − pad_left) ≡ −numerator (mod stride)."""
    s, r = w.stride, -w.numerator % w.stride
    if s % 2:  # 2 is invertible modulo an odd stride
        d = r * pow(2, -1, s) % s or s
    elif r % 2:  # an even stride and an odd remainder: padding adds two at a time
        return None
    else:
        d = r // 2 % (s // 2) or s // 2
    return w.pad_left + d


_SEARCH = 4096  # strides tried on each side of the given one, beyond the exhaustive range


def _nearest_stride(n: int, stride: int, most: int) -> int | None:
    """The divisor of n in 1..most, other than `stride`, nearest to it (the larger on a tie).
    Exhaustive for the sizes of real layers; for huge ones the candidates are the strides near
    the given one, the small divisors and their cofactors (a bounded search)."""
    candidates: Iterable[int]
    if most <= 2 * _SEARCH:
        candidates = range(1, most + 1)
    else:
        near = range(max(1, stride - _SEARCH), min(most, stride + _SEARCH) + 1)
        small = [d for d in range(1, _SEARCH + 1) if n % d == 0]
        candidates = [*near, *small, *[n // d for d in small]]
    fits = [s for s in candidates if s != stride and 1 <= s <= most and n % s == 0]
    return min(fits, key=lambda s: (abs(s - stride), -s)) if fits else None
