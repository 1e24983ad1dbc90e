"""`cnncalc ops`: the op registry as users read it — names, aliases, arguments, defaults."""

from __future__ import annotations

from typing import Any

from ..ops import SPECS, OpSpec
from ..ops.base import REQUIRED


def _default(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def signature(spec: OpSpec) -> str:
    """`conv(out_channels, kernel_size, stride=1, ...)` in positional order."""
    args = [a.name if a.default is REQUIRED else f"{a.name}={_default(a.default)}"
            for a in spec.args]
    return f"{spec.name}({', '.join(args)})"


def render(name: str | None = None) -> str:
    specs = [s for s in SPECS if not s.internal]
    if name is not None:
        specs = [s for s in specs if name in (s.name, *s.aliases)]
    lines = []
    for spec in specs:
        aliases = f"  (also: {', '.join(spec.aliases)})" if spec.aliases else ""
        lines.append(f"{signature(spec)}{aliases}")
        lines.append(f"    {spec.summary}")
        if name is not None:
            for arg in spec.args:
                doc = f" — {arg.doc}" if arg.doc else ""
                required = "required" if arg.required else f"default {_default(arg.default)}"
                lines.append(f"    {arg.name}: {arg.type.label}, {required}{doc}")
    return "\n".join(lines) + "\n"
