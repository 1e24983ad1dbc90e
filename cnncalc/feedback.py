"""What `check` shows under a wrong answer: the arithmetic of the quantity asked, with the
numbers put in, summed over the copies and parts the answer covers
(`params: 2 × ((3·3·64)·64 + 64) = 73,856`), and the mistake it equals when a rule knows it
(mistakes.py). `--verbose` shows every figure of each layer instead (explain.py).
"""

from __future__ import annotations

from math import prod

from .analysis import Analysis
from .explain import Explanation, explain
from .format import DTYPES
from .frozen import frozen
from .mistakes import find
from .passes.expectations import Verdict

# the lines of a layer's explanation that are about each figure
ABOUT = {
    "shape": ("shape:", "output ", "warning:", "note:"),
    "output": ("shape:", "output ", "warning:", "note:"),
    "params": ("params:", "weights:", "buffers:"), "trainable_params": ("params:",),
    "buffers": ("buffers:", "params:"), "macs": ("MACs:",), "memory": ("memory:",),
    "values": ("memory:",), "rf": ("receptive field:",), "rf_stride": ("receptive field:",),
    "rf_start": ("receptive field:",),
}
SUMMED = {"params": "params", "trainable_params": "params", "macs": "MACs",
          "memory": "memory", "values": "memory"}


@frozen
class Feedback:
    """What `check` says about a wrong answer: the arithmetic, and the mistake it equals."""

    arithmetic: tuple[str, ...]  # the formula lines, numbers put in
    rule: str | None = None  # the mistake rule it equals (mistakes.RULES' names), if any
    mistake: str | None = None  # that mistake in words: "the count without the biases ..."

    @property
    def lines(self) -> tuple[str, ...]:
        """The lines `check` writes under the answer."""
        return self.arithmetic + ((f"that is {self.mistake}",) if self.mistake else ())


def lines(a: Analysis, v: Verdict, verbose: bool = False) -> tuple[str, ...]:
    """The feedback under the wrong answer `v`, as `check` writes it."""
    return of(a, v, verbose).lines


def of(a: Analysis, v: Verdict, verbose: bool = False) -> Feedback:
    """The feedback on the wrong answer `v`: its arithmetic (every figure of its layers with
    `verbose`), and the mistake rule it equals."""
    out: list[str] = []
    explained = explain(a, [v.path]) if v.path != "network" else []
    if verbose:
        for e in explained:
            out += [(f"{e.layer.path}: " if len(explained) > 1 else "") + line
                    for line in e.lines]
    elif len(explained) == 1:
        out += [line for line in explained[0].lines if line.startswith(ABOUT.get(v.key, ()))]
    elif v.path == "network":
        out += _network(a, v)
    elif v.key in SUMMED:
        out += _summed(a, explained, v)
    elif explained:  # a shape or field of a block: the layer that makes its output
        last = next((e for e in explained if e.layer.path == _output_path(a, v)), explained[-1])
        out += [f"{last.layer.path}: {line}" for line in last.lines
                if line.startswith(ABOUT.get(v.key, ()))]
    found = find(a, v)
    return Feedback(tuple(out), *found) if found else Feedback(tuple(out))


def _network(a: Analysis, v: Verdict) -> list[str]:
    """A whole-network figure: the depth in words, or a sum by kind of layer
    (`params: 2,469,696 conv + 58,631,144 linear = 61,100,840`), when the layers sum to it
    (the network's memory also holds its input)."""
    if v.key == "layers":
        return [f"layers: {v.computed:,} conv and linear layers on the longest path from the "
                "input to the output (the depth a paper quotes)"]
    if v.key not in SUMMED:
        return []
    from .subtotals import by_op  # only a wrong network figure needs the sums

    itemsize = DTYPES[a.dtype]
    figure = {"params": lambda r: r.params, "macs": lambda r: r.macs,
              "memory": lambda r: r.memory, "values": lambda r: r.memory // itemsize}.get(v.key)
    if figure is None:
        return []
    parts = [(r.op, figure(r)) for r in by_op(a).rows if figure(r)]
    if v.key in ("memory", "values") and a.input is not None:  # the input is held too
        values = prod(a.input) * a.batch
        parts.insert(0, ("input", values * itemsize if v.key == "memory" else values))
    # one part is the answer again; parts that do not sum to it would not explain it
    if len(parts) < 2 or sum(value for _, value in parts) != v.computed:
        return []
    return [f"{v.key}: {' + '.join(f'{value:,} {op}' for op, value in parts)} = "
            f"{v.computed:,}"]


def _output_path(a: Analysis, v: Verdict) -> str:
    graph = a.graph
    return graph.nodes[v.node].name if graph is not None else ""


def _summed(a: Analysis, explained: list[Explanation], v: Verdict) -> list[str]:
    """`params: 2 × ((3·3·64)·64 + 64) + (1·1·64)·256 = 90,112`: each layer's formula (its
    numbers when it has none), alike ones counted once with their number of copies."""
    label = SUMMED[v.key]
    terms: dict[str, int] = {}
    copies: dict[str, list[str]] = {}  # a repeat's copies (`b2[0]`), each one's terms in order
    for e in explained:
        value = _figure(e, v.key)
        if v.key == "values":
            value //= DTYPES[a.dtype]
        if not value:
            continue
        formula = next((line[len(label) + 2:].rpartition(" = ")[0] for line in e.lines
                        if line.startswith(label + ": ") and " = " in line), "")
        # a parameter count has its formula; MACs and memory are summed by their numbers
        term = formula if v.key in ("params", "trainable_params") and formula else f"{value:,}"
        terms[term] = terms.get(term, 0) + 1
        rest = e.layer.path[len(v.path):]
        copy = v.path + rest[:rest.index("]") + 1] if rest.startswith("[") else ""
        copies.setdefault(copy, []).append(term)
    if not terms:
        return []
    each = list(copies.values())
    if len(each) > 1 and "" not in copies and all(c == each[0] for c in each):
        # copies alike: one copy's sum, times the copies (`2 × (a + b + c)`)
        one = " + ".join(each[0])
        one = f"({one})" if any(c in one for c in "+·") else one
        return [f"{v.key}: {len(each)} × {one} = {v.computed:,}"]
    parts = [term if n == 1 else f"{n} × ({term})" if any(c in term for c in "+·")
             else f"{n} × {term}" for term, n in terms.items()]
    return [f"{v.key}: {' + '.join(parts)} = {v.computed:,}"]


def _figure(e: Explanation, key: str) -> int:
    layer = e.layer
    return {"params": layer.params, "trainable_params": layer.trainable_params,
            "macs": layer.macs, "memory": layer.activation_bytes,
            "values": layer.activation_bytes}.get(key, 0)
