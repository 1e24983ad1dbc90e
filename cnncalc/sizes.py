"""Which input sizes fit: every window divides exactly and every merge aligns (the U-Net question).

`fitting_sizes(source, lo, hi)` tries each spatial size n in [lo, hi] — square by default (every
spatial axis n, channels and any other axis as in the file) — and sorts each into:

- EXACT: nothing goes wrong and every `(W − F + 2P)/S + 1` is whole;
- ROUNDED: it builds and every input row is read, but some division rounds, over padding only
  (N101: ResNet's 224 input) or up by ceil_mode (N102). A CLI may show it as "fits with padding";
- NO: an error (a merge that does not match, E204; a size that reaches zero, E202; ...) or a
  warning (W101: input rows never read, U-Net's 573).

What is not a matter of size does not count: `expect:` figures (not checked for another input
than the file's own, N104) and budgets (E3xx), and receptive-field alignment notes (N103), which
are about the paths, not the division.

Speed: the file is parsed once; each size is expanded again (`$(in_h)` expressions may depend on
it) and checked by the same functions `analyze` uses for these diagnostics — expansion (shapes,
merges, expressions) and the fractions pass — skipping counts, memory, receptive fields and
expectations: about half the time of a full `analyze` (unet.yaml, 49 layers: ~2 ms a size, all
of 32..1024 in ~2 s; ResNet-152, 515 layers: ~16-30 ms a size). `classify(analysis)` judges one
full analysis the same way; the tests check that both agree.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from enum import Enum
from typing import Any

from .analysis import (
    Analysis,
    in_row_terms,
    library_notes_dropped,
    library_problems_at_rows,
    read_and_load,
    row_shapes,
)
from .diagnostics import Diagnostic, Severity
from .expand import expand
from .format import SPATIAL_AXES
from .frozen import frozen
from .graph import Graph, Shape
from .limits import DEFAULT_MAX_LAYERS
from .passes import Memo, fractions
from .source import Source

ROUNDING = frozenset({"N101", "N102"})  # the division rounds, but every input row is read


class Fit(str, Enum):
    EXACT = "exact"  # builds, and every division is whole
    ROUNDED = "rounded"  # builds, every input is read, some division rounds (N101/N102 only)
    NO = "no"  # an error or a warning (W101: input rows never read)


@frozen
class SizeCheck:
    """The verdict for one input size."""

    size: int
    input: Shape  # the whole input shape tried, channels first
    fit: Fit
    # the first problem in network order: what stops the fit (NO), or the first rounding note
    # (ROUNDED); None when EXACT
    problem: Diagnostic | None = None
    problems: int = 0  # how many diagnostics decided the verdict (errors and warnings for NO)


@frozen
class SizesResult:
    """Everything `cnncalc sizes` reports: each input size tried and its verdict."""

    name: str
    source: Source
    base: Shape | None  # the input the sizes were put into (the file's, unless given)
    axes: tuple[str, ...]  # the spatial axes set to each size: ("H", "W")
    lo: int
    hi: int
    checks: tuple[SizeCheck, ...] = ()  # one per size from lo to hi
    # a YOLO config's imgsz step (docs/yolo.md "sizes"): only multiples of it fit; 0 otherwise
    grid: int = 0
    # the sizes `explain` asked about outside lo..hi, each checked as those inside are (for
    # a YOLO config, with the multiples of the grid around each: the nearest that may fit)
    asked: tuple[SizeCheck, ...] = ()
    # why nothing was checked: the file cannot be read or parsed, or has no usable input
    diagnostics: tuple[Diagnostic, ...] = ()
    seconds: float = field(default=0.0, compare=False)

    @property
    def exact(self) -> tuple[int, ...]:
        """The sizes where every layer divides exactly and every merge aligns."""
        return self._sizes(Fit.EXACT)

    @property
    def rounded(self) -> tuple[int, ...]:
        """The sizes that fail only by notes: nothing lost (N101) or ceil_mode (N102)."""
        return self._sizes(Fit.ROUNDED)

    @property
    def failing(self) -> tuple[int, ...]:
        return self._sizes(Fit.NO)

    def _sizes(self, fit: Fit) -> tuple[int, ...]:
        return tuple(c.size for c in self.checks if c.fit is fit)

    def check(self, size: int) -> SizeCheck:
        """The verdict for `size`; KeyError when it was not tried."""
        if self.checks and self.lo <= size <= self.hi:
            return self.checks[size - self.lo]
        for check in self.asked:
            if check.size == size:
                return check
        raise KeyError(size)

    def nearest(self, size: int, fit: Fit = Fit.EXACT) -> tuple[int | None, int | None]:
        """The closest sizes with verdict `fit` below and above `size` (itself excluded), of
        those checked: the range's and the ones asked about outside it."""
        found = sorted({*self._sizes(fit), *(c.size for c in self.asked if c.fit is fit)})
        below = [n for n in found if n < size]
        above = [n for n in found if n > size]
        return (below[-1] if below else None, above[0] if above else None)


def fitting_sizes(source: Source | str | os.PathLike[str], lo: int, hi: int, *,
                  axes: Sequence[str] | None = None, base: Shape | None = None,
                  max_layers: int = DEFAULT_MAX_LAYERS,
                  progress: Callable[[int], None] | None = None,
                  params: Mapping[str, Any] | None = None,
                  scale: str | None = None, explain: Iterable[int] = ()) -> SizesResult:
    """Try every size from `lo` to `hi` (inclusive) on `axes` of the input.

    `source`: a Source, or a path. `axes`: spatial axis names ("h", "w"; "d" in 3-D, "l" in 1-D;
    any case), all of them by default (square, cubic). `base`: the input shape the other axes
    and the channels come from, the file's by default (`base=(3, 100, 224)`, `axes=["h"]` tries
    every height at width 224). `progress` is called with each size before it is tried.

    A YOLO config (read by readers/ultralytics.py) fits only at multiples of its grid (the
    imgsz step Ultralytics rounds to: its largest stride, 32 at least): a size off the grid
    is NO with W420 without being built, unless it is in `explain`, which builds it so that
    the verdict gives the row that breaks (`sizes --why 1080`) where it does not build. A
    size in `explain` outside `lo`..`hi` is checked as well (`SizesResult.asked`).

    Raises ValueError for arguments that make no sense (lo < 1, lo > hi, an unknown axis, a flat
    input). A file that cannot be read, parsed or given an input comes back with nothing
    checked and its `diagnostics`; every other problem is a verdict of the sizes.
    """
    if lo < 1 or hi < lo:
        raise ValueError(f"the size range must satisfy 1 <= lo <= hi, got {lo}..{hi}")
    start = time.perf_counter()
    loaded = read_and_load(source, scale=scale, params=params)
    found = None  # a YOLO config's grid (readers.ultralytics.Grid)
    if loaded.reader:  # a YOLO config: it took --set (nc) itself
        params = None
    stem, src, root = loaded.stem, loaded.source, loaded.root
    if root is None:
        return SizesResult(stem, src, base, (), lo, hi, diagnostics=loaded.diagnostics)
    name = stem
    if base is None:
        own = expand(root, stem, None, max_layers, params, loaded.origin)
        if own.graph is None or not own.shapes or own.shapes[0] is None:
            errors = tuple(d for d in [*loaded.diagnostics, *own.diagnostics]
                           if d.severity is Severity.ERROR)
            return SizesResult(stem, src, None, (), lo, hi, diagnostics=errors)
        base, name = own.shapes[0], own.graph.name
        if loaded.config is not None and len(base) == 3:
            from .readers import ultralytics as u

            found = u.grid(loaded.config, row_shapes(own.graph, own.shapes), base[1])
    swept = _axes(base, axes)
    names = SPATIAL_AXES[len(base) - 1]
    wanted = set(explain)

    def off_grid(n: int) -> Diagnostic:
        from .readers import ultralytics as u

        assert found is not None and loaded.config is not None
        return u.off_grid(loaded.config, found, n)

    def judge(n: int) -> SizeCheck:
        shape = tuple(n if i - 1 in swept else d for i, d in enumerate(base))
        if found is not None and n % found.step and n not in wanted:
            # off the grid: whether it builds or not, Ultralytics would not use it as given
            return SizeCheck(n, shape, Fit.NO, off_grid(n), 1)
        nonlocal name
        expansion = expand(root, stem, shape, max_layers, params, loaded.origin)
        diagnostics = [*loaded.diagnostics, *expansion.diagnostics]
        graph = expansion.graph
        if graph is not None:
            name = graph.name
            rules = Memo(graph.nodes, expansion.shapes)
            for node, unfit in zip(graph.nodes, rules.each(fractions.unfit)):
                diagnostics.extend(fractions.report(node, unfit))
        if loaded.reader:  # a YOLO config: not its block library's notes (analysis.py)
            diagnostics = library_problems_at_rows(loaded.config,
                                                   library_notes_dropped(diagnostics))
        if loaded.config is not None and graph is not None:
            # in the config's terms (rows and their shapes), as `show` and `check` say them
            diagnostics = in_row_terms(loaded.config, graph, expansion.shapes, diagnostics)
        check = _judge(n, shape, diagnostics, graph)
        if found is not None and check.fit is not Fit.NO and n % found.step:
            # it builds, but Ultralytics would round this imgsz up before using it
            check = SizeCheck(n, shape, Fit.NO, off_grid(n), 1)
        return check

    checks = []
    for n in range(lo, hi + 1):
        if progress is not None:
            progress(n)
        checks.append(judge(n))
    # a size asked about outside the range is built too: `--why 1080` answers whatever the
    # range (the nearest that fit are still the range's)
    outside = {n for n in wanted if not lo <= n <= hi}
    if found is not None:  # and the multiples of the grid around each, its nearest candidates
        outside |= {m for n in set(outside) for m in (n // found.step * found.step,
                                                      -(-n // found.step) * found.step)
                    if m >= 1 and not lo <= m <= hi}
    asked = tuple(judge(n) for n in sorted(outside))
    return SizesResult(name, src, base, tuple(names[i] for i in swept), lo, hi, tuple(checks),
                       seconds=time.perf_counter() - start, grid=found.step if found else 0,
                       asked=asked)


def classify(analysis: Analysis, size: int = 0) -> SizeCheck:
    """Judge one full analysis as `fitting_sizes` judges each size (`size` is only recorded)."""
    return _judge(size, analysis.input or (), list(analysis.diagnostics), analysis.graph)


def _axes(base: Shape, axes: Sequence[str] | None) -> tuple[int, ...]:
    """The indices (among the spatial axes) of the axes to sweep."""
    names = SPATIAL_AXES.get(len(base) - 1)
    if names is None:
        raise ValueError(f"the input {list(base)} has no spatial axes to size")
    if any(d < 1 for d in base):
        raise ValueError(f"the input {list(base)} has a size below 1")
    if axes is None:
        return tuple(range(len(names)))
    if not axes:
        raise ValueError("name at least one axis to size")
    found = []
    for axis in axes:
        if axis.upper() not in names:
            raise ValueError(f"the input {list(base)} has no axis '{axis}'; its spatial axes "
                             f"are {', '.join(a.lower() for a in names)}")
        found.append(names.index(axis.upper()))
    return tuple(sorted(set(found)))


def _judge(size: int, shape: Shape, diagnostics: list[Diagnostic],
           graph: Graph | None) -> SizeCheck:
    blocking, rounding = [], []
    for d in diagnostics:
        if d.code.startswith("E3"):  # expectations and budgets: the file's own size
            continue
        if d.severity is not Severity.NOTE:
            blocking.append(d)
        elif d.code in ROUNDING:
            rounding.append(d)
    if not blocking and not rounding:
        return SizeCheck(size, shape, Fit.EXACT)
    rank = _ranker(graph)
    if blocking:
        unique = set(blocking)
        return SizeCheck(size, shape, Fit.NO, min(blocking, key=rank), len(unique))
    return SizeCheck(size, shape, Fit.ROUNDED, min(rounding, key=rank), len(set(rounding)))


def _ranker(graph: Graph | None) -> Callable[[Diagnostic], float]:
    """Network order: a diagnostic of a layer ranks by the layer's node index. One of a layer
    that was never built (a bad argument) ranks just after the last built layer sharing the
    longest part of its path; one of no layer (the file's own errors) first of all."""
    nodes = graph.nodes if graph is not None else ()
    index = {node.name: node.index for node in nodes}

    def rank(d: Diagnostic) -> float:
        if d.path is None:
            return -1.0
        if d.path in index:
            return float(index[d.path])
        parts = _split(d.path)
        best, where = 0, 0.0
        for node in nodes:
            common = 0
            for x, y in zip(parts, node.path):
                if x != y:
                    break
                common += 1
            if common and common >= best:
                best, where = common, node.index + 0.5
        return where

    return rank


def _split(path: str) -> tuple[str, ...]:
    """"res3[0].conv2" -> ("res3", "[0]", "conv2"), the inverse of graph.path_str."""
    parts: list[str] = []
    for piece in path.split("."):
        head, _, rest = piece.partition("[")
        if head:
            parts.append(head)
        if rest:
            parts.extend("[" + p for p in rest.split("[") if p)
    return tuple(parts)


# ---------------------------------------------------------------- runs of sizes


def progressions(sizes: Iterable[int]) -> list[tuple[int, int, int]]:
    """Sorted sizes as maximal arithmetic runs `(first, last, step)`, greedily from the
    smallest; a lone size is `(n, n, 0)`. A run of two ending where a longer run starts gives
    its second size to that run: 2, 4, 5, 6, 7 -> (2, 2, 0), (4, 7, 1)."""
    values = sorted(set(sizes))
    runs: list[tuple[int, int, int]] = []
    run: list[int] = []
    for n in values:
        if len(run) < 2 or n - run[-1] == run[1] - run[0]:
            run.append(n)
            continue
        if len(run) == 2:
            runs.append((run[0], run[0], 0))
            run = [run[1], n]
        else:
            runs.append((run[0], run[-1], run[1] - run[0]))
            run = [n]
    if len(run) == 2:
        runs += [(run[0], run[0], 0), (run[1], run[1], 0)]
    elif run:
        runs.append((run[0], run[-1], run[1] - run[0] if len(run) > 1 else 0))
    return runs
