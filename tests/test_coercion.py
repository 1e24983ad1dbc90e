"""cnncalc.coercion converts option values without pydantic; it must give what typer's own
conversion gives — the same value, or hand over so that typer reports the same error — for
every option of every command."""

from __future__ import annotations

from typing import Any

import pytest
import typer.core
import typer.main

from cnncalc import cli
from cnncalc.coercion import QuickConversion

if not hasattr(typer.core.TyperOption, "get_runtime_param"):  # e.g. the lowest typer allowed
    pytest.skip("this typer converts option values without per-parameter converters: "
                "cnncalc.coercion leaves it alone", allow_module_level=True)

# Values a command line can bring, valid and not, for every kind of option cnncalc has.
SAMPLES: list[Any] = [
    None, "", "0", "1", "7", "-1", "+3", " 5", "5 ", "1_000", "１２", "3.0", "1e3",
    "99999999999999999999", "abc", "table", "json", "hwc", "adam", "float16", "all",
    "TABLE", "true", "false", True, False, 0, 1, 2, -4, 3.5, ["1", "2"], ("a",),
]


def _params() -> list[tuple[str, Any]]:
    group = typer.main.get_command(cli.app)
    ctx = group.make_context("cnncalc", ["ops"], resilient_parsing=True)
    group.parse_args(ctx, ["ops"])  # installs the quick converters
    return [(f"{name}.{param.name}", (param, ctx))
            for name, command in [("cnncalc", group), *group.commands.items()]
            for param in command.get_params(ctx)]


PARAMS = _params()


def _outcome(convert: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        return "ok", convert(value, param=param, ctx=ctx)
    except Exception as exc:  # typer's errors name what is wrong; compare the messages
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize(("name", "param_ctx"), PARAMS, ids=[n for n, _ in PARAMS])
def test_quick_conversion_agrees_with_typer(name: str, param_ctx: tuple[Any, Any]) -> None:
    param, ctx = param_ctx
    quick = param._runtime_param
    if not isinstance(quick, QuickConversion):
        pytest.skip(f"{name} keeps typer's own conversion")
    param._runtime_param = None
    typer_own = param.get_runtime_param()
    try:
        for value in SAMPLES:
            ours = _outcome(quick.coerce, value, param, ctx)
            param._runtime_param = None
            theirs = _outcome(typer_own.coerce, value, param, ctx)
            assert ours == theirs, f"{name} = {value!r}"
    finally:
        param._runtime_param = quick


def test_every_command_option_is_quick() -> None:
    """The point of the module: no option of cnncalc's falls back to pydantic when valid."""
    slow = [name for name, (param, _) in PARAMS
            if getattr(param, "type_descriptor", None) is not None
            and not isinstance(param._runtime_param, QuickConversion)]
    assert slow == []
