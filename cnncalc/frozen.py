"""`@frozen`: the dataclass decorator of cnncalc's IR and results.

The classes are immutable by contract: mypy (strict, in CI) treats them as frozen dataclasses
and rejects any assignment to a field. At run time they are plain slotted dataclasses with a
field hash, because a frozen dataclass sets each field through `object.__setattr__`: building
a `Span` took 1.6 µs that way against 0.35 µs, and a 10,000-layer file builds about 10^5 such
values (docs/performance.md). Code that needs to set a derived field in `__post_init__` still
uses `object.__setattr__`, as it would for a frozen dataclass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, overload

T = TypeVar("T")

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: object) -> Callable[[T], T]:
        return lambda decorator: decorator


@overload
def frozen(cls: type[T], /) -> type[T]: ...
@overload
def frozen(*, slots: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True)
def frozen(cls: type[T] | None = None, /, *,
           slots: bool = True) -> type[T] | Callable[[type[T]], type[T]]:
    """Declare an immutable dataclass (slotted unless it needs a `__dict__`)."""
    def wrap(cls: type[T]) -> type[T]:
        return dataclass(slots=slots, unsafe_hash=True)(cls)
    return wrap if cls is None else wrap(cls)
