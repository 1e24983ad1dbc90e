"""What an answer sheet may write under `expect:`: every figure as cnncalc prints it.

A count is an integer (`34944`), with its thousands grouped as cnncalc prints them
(`"34,944"`) or as Python writes them (`34_944`), or rounded with a unit (`61.1M`, `1.2G`,
`34.9K`): a rounded figure is right when the computed one rounds to it at the precision it
states (`61.1M` is 61,050,000 to 61,150,000; `61M` is 60,500,000 to 61,500,000). Memory is
bytes, written the same ways or with a byte unit as cnncalc prints them (`1.1 MiB`, `590 KB`,
`1,161,600 B`). A shape is a list (`[96, 55, 55]`) or as cnncalc prints it (`96x55x55`), in
the file's layout. Receptive-field figures are one number for every axis or one per axis.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .frozen import frozen
from .graph import Shape, format_shape, from_layout

# the figures a layer's `expect:` and the network's may check
SHAPES = ("shape", "output")
COUNTS = ("params", "trainable_params", "buffers", "macs", "values", "layers", "rf",
          "rf_stride", "rf_start")
BYTES = ("memory",)
HINT = "write it as cnncalc prints it: 96x55x55, 34944, \"34,944\", \"61.1M\", \"1.1 MiB\""
MAX_TEXT = 40  # a figure is a few digits, separators and a unit: longer text is not one

_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:_[0-9]{3})+|[0-9]+")
_ROUNDED = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([KMGTP])", re.IGNORECASE)
_SIZE = re.compile(r"([0-9][0-9,_]*(?:\.[0-9]+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)",
                   re.IGNORECASE)
_SI = {"k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12, "p": 10**15}
_BYTE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
               "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


@frozen
class Rounded:
    """A figure written rounded (`61.1M`): right when the computed one is within half a unit of
    its last digit."""

    text: str  # as written
    value: Decimal  # what it stands for, in units of one
    tolerance: Decimal  # half a unit of its last digit

    def matches(self, computed: int) -> bool:
        return abs(Decimal(computed) - self.value) <= self.tolerance

    def __str__(self) -> str:
        return self.text


class FigureError(ValueError):
    """A value under `expect:` that is not a figure; the message says what is."""


def read(key: str, value: Any, layout: str) -> Any:
    """The expected figure for `key` from what the file wrote: a shape (channels first), an
    int, a per-axis text (`7x11`) or a Rounded. Raises FigureError."""
    if key in SHAPES:
        return _shape(value, layout)
    if isinstance(value, bool):
        raise FigureError(f"expected {key} is a number, got {value}")
    if isinstance(value, int):
        return value
    if key.startswith("rf") and isinstance(value, list) and value and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        return per_axis(tuple(value))
    if not isinstance(value, str):
        raise FigureError(f"expected {key} must be an integer such as 34944 or \"34,944\"")
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise FigureError(f"expected {key} is longer than a figure ({len(text)} characters)")
    if _GROUPED.fullmatch(text):
        return int(text.replace(",", "").replace("_", ""))
    if key in BYTES:
        sized = _SIZE.fullmatch(text)
        if sized:
            return _rounded(text, sized.group(1), _BYTE_UNITS[sized.group(2).lower()])
        raise FigureError(f"expected {key} '{text}' is not an amount of memory; write bytes "
                          "(1161600, \"1,161,600\") or as cnncalc prints it (\"1.1 MiB\")")
    rounded = _ROUNDED.fullmatch(text)
    if rounded and key not in ("layers",) and not key.startswith("rf"):
        return _rounded(text, rounded.group(1), _SI[rounded.group(2).lower()])
    raise FigureError(f"expected {key} '{text}' is not a count; write 34944, \"34,944\", "
                      "34_944 or a rounded count such as \"61.1M\"")


def _rounded(text: str, number: str, unit: int) -> Any:
    number = number.replace(",", "").replace("_", "")
    if "." not in number and unit == 1:
        return int(number)
    digits = len(number.partition(".")[2])
    return Rounded(text, Decimal(number) * unit,
                   Decimal(unit) / (Decimal(10) ** digits) / 2)


def _shape(value: Any, layout: str) -> Shape:
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        parts = re.split(r"\s*[x×,]\s*|\s+", value.strip().lower())
        if all(p.isdigit() for p in parts):
            value = [int(p) for p in parts]
    if isinstance(value, list) and value and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        return from_layout(tuple(value), layout)
    raise FigureError("an expected shape is a list of sizes such as [64, 56, 56], or as "
                      "cnncalc prints it: 64x56x56")


def per_axis(values: tuple[int, ...]) -> int | str:
    """One figure for every axis when they agree (11), else one per axis (`7x11`)."""
    return values[0] if len(set(values)) == 1 else "x".join(map(str, values))


def right(expected: Any, computed: Any) -> bool:
    if isinstance(expected, Rounded):
        return isinstance(computed, int) and expected.matches(computed)
    return bool(expected == computed)


def show(value: Any, layout: str = "chw") -> str:
    """A figure as cnncalc prints it: a shape in `layout`'s order, a count with commas."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):  # `outputs`
        return "[" + ", ".join(format_shape(v, layout) for v in value) + "]"
    if isinstance(value, tuple):
        return format_shape(value, layout)
    return f"{value:,}" if isinstance(value, int) else str(value)
