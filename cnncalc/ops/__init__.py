"""The op registry: one OpSpec per op, looked up by name or alias. Passes read it; they never
branch on op names. A program adds an op of its own with register() (docs/api.md)."""

from __future__ import annotations

import re

from .activation import ACTIVATIONS
from .base import Arg, Counts, Ctx, OpError, OpSpec, Window
from .conv import CONV, CONV_TRANSPOSE
from .merge import ADD, CONCAT, INPUT, MATMUL, MUL
from .misc import CHANNEL_SHUFFLE, DROPOUT, IDENTITY, LINEAR, PAD, UPSAMPLE
from .norm import BATCHNORM, GROUPNORM, LAYERNORM, LRN
from .pool import ADAPTIVE_AVGPOOL, ADAPTIVE_MAXPOOL, AVGPOOL, GLOBAL_AVGPOOL, MAXPOOL
from .reshape import FLATTEN, RESHAPING
from .scale import SCALES
from .split import GETITEM, SPLITS

# changed in place by register(): the schema and `cnncalc ops` read it at each call
SPECS: list[OpSpec] = [
    CONV, CONV_TRANSPOSE,
    MAXPOOL, AVGPOOL, ADAPTIVE_AVGPOOL, ADAPTIVE_MAXPOOL, GLOBAL_AVGPOOL,
    BATCHNORM, GROUPNORM, LAYERNORM, LRN,
    *ACTIVATIONS,
    DROPOUT, FLATTEN, LINEAR, UPSAMPLE, IDENTITY, PAD, CHANNEL_SHUFFLE,
    *RESHAPING, *SCALES, *SPLITS,
    ADD, MUL, CONCAT, MATMUL,
    INPUT, GETITEM,
]

REGISTRY: dict[str, OpSpec] = {spec.name: spec for spec in SPECS}

# name or alias -> (canonical spec, spatial rank the alias demands)
_LOOKUP: dict[str, tuple[OpSpec, int | None]] = {
    name: (spec, rank)
    for spec in SPECS if not spec.internal
    for name, rank in [(spec.name, None), *spec.aliases.items()]
}


def lookup(name: str) -> tuple[OpSpec, int | None] | None:
    """The spec and demanded rank for an op name or alias usable in files."""
    return _LOOKUP.get(name)


def names() -> list[str]:
    """Every name usable in files (ops and aliases), for did-you-mean hints."""
    return list(_LOOKUP)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def register(spec: OpSpec) -> OpSpec:
    """Make `spec` usable in files under its name and aliases, as the built-in ops are: every
    pass, output and the JSON schema read it from here. Raises ValueError for a name that is
    taken (by an op, an alias, or a layer's own keys and references: `id`, `from`, `prev`...)
    or is not an identifier."""
    from ..format import META, REFS

    for name in (spec.name, *spec.aliases):
        if not _NAME.match(name):
            raise ValueError(f"op name {name!r} is not an identifier")
        if name in _LOOKUP or name in REGISTRY or name in META or name in REFS:
            raise ValueError(f"op name {name!r} is taken")
    if spec.internal:
        raise ValueError("an internal op cannot be used in files: register it without internal")
    SPECS.append(spec)
    REGISTRY[spec.name] = spec
    _LOOKUP.update({name: (spec, rank)
                    for name, rank in [(spec.name, None), *spec.aliases.items()]})
    return spec


def unregister(name: str) -> None:
    """Remove the op `name` that register() added (with its aliases). Built-in ops stay:
    zoo files and the documentation rely on them."""
    spec = REGISTRY.get(name)
    if spec is None or any(spec is builtin for builtin in _BUILTIN):
        raise ValueError(f"{name!r} is not an op registered with register()")
    SPECS.remove(spec)
    del REGISTRY[name]
    for alias in (name, *spec.aliases):
        del _LOOKUP[alias]


_BUILTIN = tuple(SPECS)


__all__ = ["REGISTRY", "SPECS", "Arg", "Counts", "Ctx", "OpError", "OpSpec", "Window", "lookup",
           "names", "register", "unregister"]
