"""The commands that read no architecture: `schema` (the format's JSON Schema), `ops` (the op
registry) and `zoo` (the networks that ship with cnncalc)."""

from __future__ import annotations

from .. import zoo as shipped
from ..diagnostics import did_you_mean
from ..ops import lookup, names
from ..render import ops as ops_render
from ..render import zoo as listing
from ..render.safe import clean
from ..schema import render as render_schema
from .common import say, write


def schema() -> int:
    write(render_schema())
    return 0


def ops(*, name: str | None) -> int:
    if name is not None and lookup(name) is None:
        hint = did_you_mean(name, names())
        say(f"cnncalc: unknown op '{clean(name)}'" + (f"; {hint}" if hint else ""))
        return 2
    write(ops_render.render(name))
    return 0


def zoo() -> int:
    write(listing.render(shipped.entries()))
    return 0
