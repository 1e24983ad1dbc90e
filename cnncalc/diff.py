"""Two analyses side by side, for code review: what each layer and the totals gained or lost.

Layers are matched by path (`res3[0].conv2`): only in A = removed, only in B = added, in both =
changed when any compared field differs (op, output shape, params, trainable params, buffers,
MACs, activation bytes). Inputs and receptive fields are not compared: inserting a layer rewires
the next one and shifts every later receptive field, which would bury the real changes. Rows
follow B's order, each removed layer placed after the layer it followed in A. Matching by path
means a layer renamed, or an auto-named layer renumbered (`conv3` -> `conv4` after inserting a
conv), shows as removed + added.

The result is data; cnncalc/render/diff.py writes it (text, markdown, JSON, CSV).
"""

from __future__ import annotations

from collections import defaultdict
from enum import Enum

from .analysis import Analysis, LayerResult
from .diagnostics import Severity
from .frozen import frozen
from .graph import Shape

# compared per layer: LayerResult attribute -> short name in reports
FIELDS = {
    "op": "op", "output_shape": "shape", "params": "params", "trainable_params": "trainable",
    "buffers": "buffers", "macs": "macs", "activation_bytes": "memory",
}
# the totals compared, in report order: name -> label
TOTALS = {
    "input": "input", "output": "output", "params": "params",
    "trainable_params": "trainable params", "buffers": "buffers", "macs": "MACs",
    "activation_bytes": "activations", "peak_bytes": "peak memory",
}


class Status(str, Enum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    SAME = "same"




@frozen
class LayerDiff:
    """One layer matched (or not) between the two networks."""

    path: str
    status: Status
    a: LayerResult | None  # None when added
    b: LayerResult | None  # None when removed
    fields: tuple[str, ...] = ()  # the FIELDS names that differ (changed layers only)

    @property
    def op(self) -> str:
        return (self.b or self.a).op  # type: ignore[union-attr]

    @property
    def shape_a(self) -> Shape | None:
        return self.a.output_shape if self.a else None

    @property
    def shape_b(self) -> Shape | None:
        return self.b.output_shape if self.b else None

    def value(self, side: str, name: str) -> int:
        """An integer field of side 'a' or 'b'; 0 for the side the layer is missing from."""
        layer = self.a if side == "a" else self.b
        return int(getattr(layer, name)) if layer is not None else 0

    def delta(self, name: str) -> int:
        """B minus A for an integer field (params, trainable_params, buffers, macs,
        activation_bytes); a missing side counts 0."""
        return self.value("b", name) - self.value("a", name)


TotalValue = int | str | Shape | None


@frozen
class TotalDiff:
    """One whole-network figure in both networks."""

    name: str  # a TOTALS key, or batch / dtype / count for the settings
    a: TotalValue
    b: TotalValue

    @property
    def delta(self) -> int | None:
        """B minus A for integer totals; None for shapes and settings."""
        if isinstance(self.a, int) and isinstance(self.b, int):
            return self.b - self.a
        return None

    @property
    def changed(self) -> bool:
        return self.a != self.b


@frozen
class DiffResult:
    """Everything `cnncalc diff` reports."""

    a_name: str
    b_name: str
    a_file: str
    b_file: str
    layers: tuple[LayerDiff, ...]  # every layer of both, unchanged ones included, in order
    totals: tuple[TotalDiff, ...]  # TOTALS, in order
    settings: tuple[TotalDiff, ...]  # batch, dtype, count: MACs and memory depend on them
    a_layers: int = 0
    b_layers: int = 0
    a_errors: int = 0  # error diagnostics: the figures of a side with errors are incomplete
    b_errors: int = 0

    @property
    def changes(self) -> tuple[LayerDiff, ...]:
        return tuple(d for d in self.layers if d.status is not Status.SAME)

    def count(self, status: Status) -> int:
        return sum(1 for d in self.layers if d.status is status)

    def total(self, name: str) -> TotalDiff:
        for t in self.totals:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def identical(self) -> bool:
        """No layer and no total differs (settings aside)."""
        return not self.changes and not any(t.changed for t in self.totals)


def diff(a: Analysis, b: Analysis) -> DiffResult:
    """What changed from analysis `a` to analysis `b`."""
    a_rows = _keyed(a.layers)
    b_rows = _keyed(b.layers)
    a_map, b_map = dict(a_rows), dict(b_rows)
    # removed layers go after the nearest earlier A layer that B keeps (first when none)
    after: dict[tuple[str, int] | None, list[LayerDiff]] = defaultdict(list)
    anchor: tuple[str, int] | None = None
    for key, layer in a_rows:
        if key in b_map:
            anchor = key
        else:
            after[anchor].append(LayerDiff(layer.path, Status.REMOVED, layer, None))
    rows = list(after[None])
    for key, layer in b_rows:
        old = a_map.get(key)
        if old is None:
            rows.append(LayerDiff(layer.path, Status.ADDED, None, layer))
        else:
            fields = tuple(short for name, short in FIELDS.items()
                           if getattr(old, name) != getattr(layer, name))
            rows.append(LayerDiff(layer.path, Status.CHANGED if fields else Status.SAME, old,
                                  layer, fields))
        rows.extend(after.get(key, ()))
    totals = tuple(TotalDiff(name, _total(a, name), _total(b, name)) for name in TOTALS)
    settings = tuple(TotalDiff(name, getattr(a, name), getattr(b, name))
                     for name in ("batch", "dtype", "count"))
    return DiffResult(a.name, b.name, a.source.name, b.source.name, tuple(rows), totals,
                      settings, len(a.layers), len(b.layers),
                      # wrong `expect:` answers change no figure (Analysis.incomplete)
                      a.tally(Severity.ERROR) if a.incomplete else 0,
                      b.tally(Severity.ERROR) if b.incomplete else 0)


def _keyed(layers: tuple[LayerResult, ...]) -> list[tuple[tuple[str, int], LayerResult]]:
    """(path, occurrence) keys: paths are unique in a graph, but a diff must not lose a layer
    if two ever share one."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for layer in layers:
        out.append(((layer.path, seen[layer.path]), layer))
        seen[layer.path] += 1
    return out


def _total(a: Analysis, name: str) -> TotalValue:
    if name == "input":
        return a.input
    if name == "output":
        return a.output_shape
    value: int = getattr(a.totals, name)
    return value
