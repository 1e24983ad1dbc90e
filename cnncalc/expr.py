"""`$(expr)`: a small integer language parsed with `ast` and evaluated over a whitelist.

Never `eval`: only literals, the names given, arithmetic, comparisons, boolean logic,
conditional expressions and calls of min/max are accepted, and sizes are bounded before they
are computed so `9 ** 9 ** 9` is refused instead of hanging the process.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
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
}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
}
_SYMBOL = {ast.Div: "/", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
           ast.LShift: "<<", ast.RShift: ">>"}
_FUNCTIONS = {"min": min, "max": max}
_LANGUAGE = ("an expression is numbers and names with + - * // % **, comparisons, and/or/not, "
             "`a if cond else b`, min(...), max(...) and parentheses")


def evaluate(text: str, names: Mapping[str, Any]) -> Any:
    """Evaluate `text` with `names` in scope; raise ExprError for anything outside the language."""
    try:
        tree = _parse(text.strip())
    except SyntaxError as exc:
        raise ExprError(f"cannot parse `{text}`: {exc.msg}", _LANGUAGE) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExprError(f"cannot parse `{text}`") from None
    try:
        return _Evaluator(names).visit(tree.body)
    except RecursionError:
        raise ExprError("the expression is nested too deeply") from None
    except (OverflowError, ValueError):  # a huge int meeting a float, int(inf), int(nan)
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
        raise ExprError("the result is too large (or not a number)")
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise ExprError(f"the result has more than {MAX_BITS} bits",
                        "sizes this large cannot describe a network")
    return value


class _Evaluator:
    def __init__(self, names: Mapping[str, Any]) -> None:
        self.names = names

    def visit(self, node: ast.expr) -> Any:
        method: Callable[[Any], Any] | None = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise ExprError(f"`{ast.unparse(node)}` is not allowed in an expression",
                            "use integers, block parameters, in_c/in_h/in_w, + - * // % **, "
                            "comparisons, and/or/not, min() and max()")
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
            hint = "use // for integer division" if symbol == "/" else None
            raise ExprError(f"operator {symbol} is not allowed", hint)
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow):
            if isinstance(right, (int, float)) and right < 0:
                raise ExprError("negative exponents are not allowed")
            if abs(left) > 1 and right * max(int(abs(left)), 2).bit_length() > MAX_BITS:
                raise ExprError(f"{ast.unparse(node)} is too large to compute",
                                "sizes this large cannot describe a network")
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and right == 0:
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
        if name not in _FUNCTIONS or node.keywords or not node.args:
            raise ExprError(f"`{ast.unparse(node.func)}(...)` is not allowed",
                            "only min(...) and max(...) can be called")
        return _FUNCTIONS[name](self.visit(arg) for arg in node.args)
