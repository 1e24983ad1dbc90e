"""Option values converted without pydantic, so a command line costs what its work costs.

Typer 0.2x converts every option value (defaults included) through a pydantic TypeAdapter,
built on first use. Importing pydantic and building the adapters for one `cnncalc show` took
about as long as importing typer, yaml and rich together (profiled: `python -X importtime`,
cProfile of `cli.main`). cnncalc's options are text, whole numbers, choices, flags and lists of
them; `QuickGroup` gives each such option a converter that handles the plainly valid values the
way the adapter would and hands anything else (a bad value, an unusual type) to typer's own
conversion, so every result and every error message is typer's. tests/test_coercion.py checks
the two agree. Typer versions without per-parameter conversion are left alone.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, get_args, get_origin

from typer.core import TyperGroup

_DIGITS = re.compile(r"[0-9]{1,18}\Z")  # what int() and pydantic read alike, without surprises
_NO = object()  # "not a plainly valid value": typer decides


class QuickConversion:
    """A stand-in for typer's RuntimeParam: `coerce(value, param, ctx)` as typer calls it."""

    def __init__(self, annotation: Any, minimum: Any, maximum: Any) -> None:
        self.many = get_origin(annotation) is list
        self.item = get_args(annotation)[0] if self.many else annotation
        self.minimum, self.maximum = minimum, maximum

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:  # typer's own rule for an option not given
            return () if param.multiple or param.nargs == -1 else None
        if self.many:
            items = ([self.one(v, ctx) for v in value] if isinstance(value, (list, tuple))
                     else [_NO])
            if _NO not in items:
                return items
        else:
            result = self.one(value, ctx)
            if result is not _NO:
                return result
        param._runtime_param = None  # typer's conversion, built now, says what is wrong
        return param.get_runtime_param().coerce(value, param=param, ctx=ctx)

    def one(self, value: Any, ctx: Any) -> Any:
        kind = self.item
        if kind is str:
            return value if type(value) is str else _NO
        if kind is bool:
            return value if isinstance(value, bool) else _NO
        if kind is int:
            if type(value) is str and _DIGITS.match(value):
                value = int(value)
            if type(value) is not int:
                return _NO
            if (self.minimum is not None and value < self.minimum) or (
                    self.maximum is not None and value > self.maximum):
                return _NO
            return value
        if isinstance(value, kind):  # an Enum member (the default)
            return value
        if type(value) is str and getattr(ctx, "token_normalize_func", None) is None:
            return kind._value2member_map_.get(value, _NO)
        return _NO


def _quick(annotation: Any, info: Any) -> QuickConversion | None:
    """A converter for the option types cnncalc uses, or None to keep typer's."""
    many = get_origin(annotation) is list
    item = get_args(annotation)[0] if many else annotation
    plain = item in (str, int, bool) or (
        isinstance(item, type) and issubclass(item, Enum)
        and all(type(m.value) is str for m in item) and info.case_sensitive)
    if not plain or info.parser is not None or getattr(info, "click_type", None) is not None:
        return None
    if getattr(info, "clamp", False) or (
            item is not int and (info.min is not None or info.max is not None)):
        return None
    return QuickConversion(annotation, info.min, info.max)


class QuickGroup(TyperGroup):
    """typer's command group, with quick conversion on its own and every command's options
    (installed when arguments are parsed: typer adds its completion options after __init__,
    click the help options on first use)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        for command in [self, *self.commands.values()]:
            for param in command.get_params(ctx):
                descriptor = getattr(param, "type_descriptor", None)
                if descriptor is None or getattr(param, "_runtime_param", _NO) is not None:
                    continue  # a typer without per-parameter conversion, or already set
                if descriptor.file_annotation is None:
                    quick = _quick(descriptor.annotation, descriptor.parameter_info)
                    param._runtime_param = quick  # type: ignore[attr-defined]
        result: list[str] = super().parse_args(ctx, args)
        return result
