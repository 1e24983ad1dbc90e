"""The op registry: one OpSpec per op, looked up by name or alias. Passes read it; they never
branch on op names."""

from __future__ import annotations

from .activation import ACTIVATIONS
from .base import Arg, Counts, Ctx, OpError, OpSpec, Window
from .conv import CONV, CONV_TRANSPOSE
from .merge import ADD, CONCAT, INPUT, MUL
from .misc import CHANNEL_SHUFFLE, DROPOUT, FLATTEN, IDENTITY, LINEAR, PAD, UPSAMPLE
from .norm import BATCHNORM, GROUPNORM, LAYERNORM, LRN
from .pool import ADAPTIVE_AVGPOOL, ADAPTIVE_MAXPOOL, AVGPOOL, GLOBAL_AVGPOOL, MAXPOOL

SPECS: tuple[OpSpec, ...] = (
    CONV, CONV_TRANSPOSE,
    MAXPOOL, AVGPOOL, ADAPTIVE_AVGPOOL, ADAPTIVE_MAXPOOL, GLOBAL_AVGPOOL,
    BATCHNORM, GROUPNORM, LAYERNORM, LRN,
    *ACTIVATIONS,
    DROPOUT, FLATTEN, LINEAR, UPSAMPLE, IDENTITY, PAD, CHANNEL_SHUFFLE,
    ADD, MUL, CONCAT,
    INPUT,
)

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


__all__ = ["REGISTRY", "SPECS", "Arg", "Counts", "Ctx", "OpError", "OpSpec", "Window", "lookup",
           "names"]
