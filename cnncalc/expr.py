"""`$(expr)`: a small number language parsed with `ast` and evaluated over a whitelist.

Never `eval`: only literals, the names given, arithmetic, comparisons, boolean logic,
conditional expressions and calls of a few functions (min, max, int, round, floor, ceil, abs,
make_divisible, size) are accepted, and sizes are bounded before they are computed so
`9 ** 9 ** 9` is refused instead of hanging the process. Numbers are Python's: integers, and
floats that are IEEE doubles, so every result equals Python's for the same expression (format
1.1: `/` is true division; a float never reaches an integer argument, which refuses it).
"""

from __future__ import annotations

import ast
import functools
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

MAX_BITS = 256  # far beyond any tensor size; keeps every operation cheap


class ExprError(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
    ast.Div: operator.truediv,
}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
}
_SYMBOL = {ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
           ast.LShift: "<<", ast.RShift: ">>"}


def make_divisible(v: float, divisor: float, min_value: float | None = None) -> int:
    """torchvision's `_make_divisible` (torchvision/models/_utils.py), statement for
    statement: `v` rounded to the nearest multiple of `divisor` (halves up), at least
    `min_value` (default `divisor`), and never more than 10% below `v`."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v  # type: ignore[return-value]  # an int for int arguments, as in torchvision


def _one(name: str, function: Callable[[Any], Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        if len(args) != 1:
            raise ExprError(f"{name}() takes one argument, got {len(args)}",
                            f"e.g. {name}(in_c / 4)")
        return function(_number(name, args[0]))
    return call


def _number(name: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExprError(f"{name}() takes a number, got {value!r}"[:80])
    return value


def _make_divisible(*args: Any) -> Any:
    if not 2 <= len(args) <= 3:
        raise ExprError(f"make_divisible() takes 2 or 3 arguments (v, divisor, min_value), got "
                        f"{len(args)}", "e.g. make_divisible(in_c * 0.75, 8)")
    v, divisor, *rest = (_number("make_divisible", a) for a in args)
    if divisor <= 0:
        raise ExprError(f"make_divisible(): the divisor must be positive, got {divisor}")
    return make_divisible(v, divisor, rest[0] if rest else None)


def _round(*args: Any) -> Any:
    if len(args) != 1:
        raise ExprError(f"round() takes one argument, got {len(args)}",
                        "round(x) rounds to an integer, halves to even as Python does")
    return round(_number("round", args[0]))


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": lambda *a: min(a), "max": lambda *a: max(a),
    "int": _one("int", int), "round": _round, "floor": _one("floor", math.floor),
    "ceil": _one("ceil", math.ceil), "abs": _one("abs", abs),
    "make_divisible": _make_divisible,
}
FUNCTION_NAMES = (*_FUNCTIONS, "size")
_LANGUAGE = ("an expression is numbers and names with + - * / // % **, comparisons, "
             "and/or/not, `a if cond else b`, the functions " + ", ".join(FUNCTION_NAMES)
             + " and parentheses")
# `size(in, 0)`: `in` is a Python keyword, read as this name inside size(...)
_SIZE_IN = re.compile(r"\bsize\(\s*in\s*(?=[,)])")
IN_REF = "__in__"

SizeOf = Callable[[str, int], int]  # size(x, d): the ref's text and the dim -> the size


def evaluate(text: str, names: Mapping[str, Any], size: SizeOf | None = None) -> Any:
    """Evaluate `text` with `names` in scope; raise ExprError for anything outside the language.
    `size` answers `size(x, d)` (None where no layer is in scope)."""
    text = text.strip()
    if "size" in text:
        text = _SIZE_IN.sub(f"size({IN_REF}", text)
    try:
        tree = _parse(text)
    except SyntaxError as exc:
        raise ExprError(f"cannot parse `{text}`: {exc.msg}", _LANGUAGE) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExprError(f"cannot parse `{text}`") from None
    try:
        return _Evaluator(names, size).visit(tree.body)
    except RecursionError:
        raise ExprError("the expression is nested too deeply") from None
    except (OverflowError, ValueError, ZeroDivisionError, TypeError):
        # a huge int meeting a float, int(inf), int(nan), a float too small to divide by
        raise ExprError("the result is too large (or not a number)",
                        "sizes this large cannot describe a network") from None


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> ast.Expression:
    """Parsed once per text: a block's expressions are evaluated at every call (the tree is
    only read)."""
    return ast.parse(text, mode="eval")


def _check_size(value: Any) -> Any:
    if isinstance(value, complex):
        raise ExprError("the result is not a real number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ExprError(f"the result is {value}, not a finite number",
                        "sizes this large cannot describe a network")
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise ExprError(f"the result has more than {MAX_BITS} bits",
                        "sizes this large cannot describe a network")
    return value


class _Evaluator:
    def __init__(self, names: Mapping[str, Any], size: SizeOf | None) -> None:
        self.names, self.size = names, size

    def visit(self, node: ast.expr) -> Any:
        method: Callable[[Any], Any] | None = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise ExprError(f"`{ast.unparse(node)}` is not allowed in an expression",
                            _LANGUAGE)
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, (bool, int, float)):
            return _check_size(node.value)
        raise ExprError(f"{node.value!r} is not a number")

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in ("true", "false", "True", "False"):
            return node.id in ("true", "True")
        if node.id not in self.names:
            from .diagnostics import did_you_mean

            known = ", ".join(sorted(self.names)) or "none"
            raise ExprError(f"unknown name '{node.id}' (known: {known})",
                            did_you_mean(node.id, self.names))
        value = self.names[node.id]
        if isinstance(value, (list, tuple, dict, str)) or value is None:
            raise ExprError(f"'{node.id}' is {repr(value)[:40]}, not a number")
        return _check_size(value)  # a parameter's default may be any number the file wrote

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        op = _BINARY.get(type(node.op))
        if op is None:
            symbol = _SYMBOL.get(type(node.op), type(node.op).__name__)
            raise ExprError(f"operator {symbol} is not allowed", _LANGUAGE)
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow):
            if isinstance(right, (int, float)) and right < 0:
                raise ExprError("negative exponents are not allowed")
            if abs(left) > 1 and right * max(int(abs(left)), 2).bit_length() > MAX_BITS:
                raise ExprError(f"{ast.unparse(node)} is too large to compute",
                                "sizes this large cannot describe a network")
        if isinstance(node.op, (ast.FloorDiv, ast.Mod, ast.Div)) and right == 0:
            raise ExprError(f"division by zero in `{ast.unparse(node)}`")
        return _check_size(op(left, right))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        value = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        if isinstance(node.op, ast.USub):
            return -value
        if isinstance(node.op, ast.UAdd):
            return +value
        raise ExprError("operator ~ is not allowed")

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        value: Any = None
        for operand in node.values:
            value = self.visit(operand)
            if bool(value) != is_and:
                return value
        return value

    def visit_Compare(self, node: ast.Compare) -> Any:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            check = _COMPARE.get(type(op))
            if check is None:
                raise ExprError(f"comparison {type(op).__name__} is not allowed")
            right = self.visit(comparator)
            if not check(left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_Call(self, node: ast.Call) -> Any:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name == "size" and not node.keywords:
            return self._size(node)
        if name not in _FUNCTIONS or node.keywords or not node.args:
            known = ", ".join(f"{f}()" for f in FUNCTION_NAMES)
            raise ExprError(f"`{ast.unparse(node.func)}(...)` is not allowed",
                            f"the functions are {known}, called with plain arguments")
        return _check_size(_FUNCTIONS[name](*[self.visit(arg) for arg in node.args]))

    def _size(self, node: ast.Call) -> int:
        """size(x, d): x is an id (`y`, `y[1]`), `in`, `input`, or a parameter holding one."""
        if len(node.args) != 2:
            raise ExprError(f"size() takes 2 arguments (a layer and a dim), got "
                            f"{len(node.args)}", "e.g. size(low, 1): the height of `low`")
        target = node.args[0]
        ref: str | None = None
        if isinstance(target, ast.Name):
            value = self.names.get(target.id, target.id)
            ref = "in" if target.id == IN_REF else value if isinstance(value, str) else None
            if ref is None:
                raise ExprError(f"size(): '{target.id}' is {repr(value)[:40]}, not a layer",
                                "name a layer by its id, or in / input")
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            ref = ast.unparse(target)  # `y[1]`: a result of a layer with several
        if ref is None:
            raise ExprError(f"size(): `{ast.unparse(target)}` does not name a layer",
                            "name a layer by its id, or in / input")
        dim = self.visit(node.args[1])
        if isinstance(dim, bool) or not isinstance(dim, int):
            raise ExprError(f"size(): the dim must be an integer, got {dim!r}"[:80])
        if self.size is None:
            raise ExprError("size() needs a layer in scope, and there is none here",
                            "use size(x, d) in layers, `let:` and `expect:`")
        return self.size(ref, dim)
