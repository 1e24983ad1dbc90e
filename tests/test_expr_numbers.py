"""Format 1.1's numbers: `/`, int/round/floor/ceil/abs and make_divisible agree with Python
(and make_divisible with torchvision's own code) for random inputs; bounds hold."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cnncalc.expr import ExprError, evaluate


def torchvision_make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """torchvision/models/_utils.py `_make_divisible`, copied verbatim (the reference)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    # Make sure that round down does not go down by more than 10%.
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


PYTHON = {"int": int, "round": round, "floor": math.floor, "ceil": math.ceil, "abs": abs,
          "min": min, "max": max, "make_divisible": torchvision_make_divisible}

numbers = st.one_of(st.integers(-10**6, 10**6),
                    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
halves = st.integers(-10**6, 10**6).map(lambda n: n + 0.5)


def python(text: str, names: dict[str, Any]) -> Any:
    return eval(text, {"__builtins__": {}}, {**PYTHON, **names})


@settings(max_examples=300, deadline=None)
@given(a=numbers, b=numbers.filter(lambda x: abs(x) >= 1e-6))  # no overflow to inf
@example(a=7, b=2)
@example(a=1, b=3)
@example(a=0.1, b=0.3)
def test_true_division_is_pythons(a: float, b: float) -> None:
    names = {"a": a, "b": b}
    for text in ("a / b", "a / b * b", "(a + 1) / b - a // b", "a / b / 3"):
        assert evaluate(text, names) == python(text, names), text


@settings(max_examples=300, deadline=None)
@given(x=st.one_of(numbers, halves))
@example(x=2.5)
@example(x=-2.5)
@example(x=0.5)
@example(x=3.5)
def test_rounding_functions_are_pythons(x: float) -> None:
    names = {"x": x}
    for text in ("round(x)", "int(x)", "floor(x)", "ceil(x)", "abs(x)", "round(x / 2)",
                 "int(x * 0.75)", "ceil(x / 8) * 8"):
        got = evaluate(text, names)
        want = python(text, names)
        assert got == want and type(got) is type(want), (text, got, want)


def test_round_is_half_to_even() -> None:
    assert [evaluate(f"round({v})", {}) for v in (0.5, 1.5, 2.5, 3.5, -2.5)] == [0, 2, 2, 4, -2]


@settings(max_examples=500, deadline=None)
@given(v=st.one_of(st.integers(0, 10**7), st.floats(0, 1e7, allow_nan=False)),
       divisor=st.integers(1, 256), min_value=st.none() | st.integers(0, 512))
@example(v=32 * 0.75, divisor=8, min_value=None)
@example(v=1280 * 1.4, divisor=8, min_value=None)
@example(v=3.0, divisor=8, min_value=None)
def test_make_divisible_is_torchvisions(v: float, divisor: int, min_value: int | None) -> None:
    names = {"v": v, "d": divisor, "m": min_value}
    text = "make_divisible(v, d)" if min_value is None else "make_divisible(v, d, m)"
    got = evaluate(text, {k: x for k, x in names.items() if x is not None})
    want = torchvision_make_divisible(v, divisor, min_value)
    assert got == want and type(got) is type(want)


def test_mobilenet_v2_widths() -> None:
    """torchvision's mobilenet_v2(width_mult=w): _make_divisible(c * w, 8) for its channels."""
    for w in (0.5, 0.75, 1.0, 1.4):
        for c in (16, 24, 32, 64, 96, 160, 320, 1280):
            assert evaluate("make_divisible(c * w, 8)", {"c": c, "w": w}) == \
                torchvision_make_divisible(c * w, 8)


@pytest.mark.parametrize("text, message", [
    ("make_divisible(1e300, 8)", "bits"),  # huge, but computed at once and refused
    ("make_divisible(1e100, 7)", "bits"),
    ("2 / 1e-308", "not a finite number"),
    ("1e308 * 10", "not a finite number"),
    ("round(1e300)", "bits"),
    ("int(1e200) + 1", "bits"),
    ("make_divisible(5, 0)", "divisor must be positive"),
    ("make_divisible(5)", "2 or 3 arguments"),
    ("round(2.5, 1)", "one argument"),
    ("floor(x)", "not a number"),
    ("floor(true)", "takes a number"),
    ("1 / 0", "division by zero"),
    ("1.0 / 0.0", "division by zero"),
    ("size(x, 0)", "needs a layer in scope"),
    ("size(1, 0)", "does not name a layer"),
])
def test_refused(text: str, message: str) -> None:
    with pytest.raises(ExprError) as raised:
        evaluate(text, {"x": "text"} if "floor" in text else {})
    assert message in raised.value.message


def test_size_resolves_through_the_callback() -> None:
    seen = []

    def size(ref: str, dim: int) -> int:
        seen.append((ref, dim))
        return 7

    assert evaluate("size(in, 1) + size(input, -1) + size(y[1], 0) + size(p, 2)",
                    {"p": "low"}, size) == 28
    assert seen == [("in", 1), ("input", -1), ("y[1]", 0), ("low", 2)]
