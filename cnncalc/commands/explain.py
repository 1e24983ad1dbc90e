"""`cnncalc explain` (each layer's arithmetic, from a file) and `cnncalc calc` (one layer, no
file)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import typer

from ..analysis import Analysis, analyze, analyze_tree
from ..diagnostics import Diagnostic, FatalError, Severity, did_you_mean
from ..explain import explain as run_explain
from ..explain import select
from ..loader import load
from ..mapping import plain, tree
from ..ops import lookup
from ..render import text
from ..render.console import use_color, width
from ..render.explain import render
from ..render.safe import clean
from ..source import Source
from .common import parse_scale, parse_sets, parse_shape, print_problems, read, say, write
from .options import quoted


def run(*, file: str, layers: list[str] | None, input: str | None, layout: str | None,
        color: str, set_: list[str] | None, scale: str | None) -> int:
    shape = parse_shape(input) if input is not None else None
    analysis = analyze(read(file), shape, params=parse_sets(set_), layout=layout,
                       scale=parse_scale(scale), input_layout=layout)
    wanted = [name for w in layers or [] for name in _row_layers(analysis, w)]
    unknown = [w for w in wanted if not select(analysis, [w])]
    if unknown and analysis.graph is not None:
        paths = [layer.path for layer in analysis.layers]
        rows = [int(found.group(1)) for layer in analysis.layers
                if (found := re.fullmatch(r"l(\d+)", layer.parts[0]))]
        for w in unknown:
            hint = did_you_mean(w, paths)
            if hint is None and rows and re.fullmatch(r"(?:row\s*|l)?\d+", w.strip(), re.I):
                hint = f"its rows are 0 to {max(rows)} (layers l0 to l{max(rows)})"
            say(f"cnncalc: no layer '{clean(w)}' in {clean(file)}"
                + (f"; {clean(hint)}" if hint else ""))
        return 2
    painted = use_color(color)
    print_problems(analysis, painted)
    write(render(run_explain(analysis, wanted)), painted)
    return analysis.exit_code()


def _row_layers(analysis: Analysis, wanted: str) -> list[str]:
    """A YOLO config's row asked for by its number (`22`, `row22`, as its comments number it)
    is its layers: `l22`, and a head's `l22_box0`, ...; anything else as written."""
    found = re.fullmatch(r"(?:row\s*)?(\d{1,9})", wanted.strip(), re.IGNORECASE)
    if found is None or select(analysis, [wanted]):
        return [wanted]
    row = f"l{int(found.group(1))}"  # the reader's id of row N
    parts = sorted({layer.parts[0] for layer in analysis.layers
                    if layer.parts[0] == row or layer.parts[0].startswith(row + "_")})
    return parts or [wanted]


def calc(*, op: str, args: list[str] | None, input: str, layout: str | None,
         color: str) -> int:
    shape = parse_shape(input, layout or "chw")
    layers = [layer.value() for layer in _layers([op, *(args or [])])]
    # The network is built as a mapping, each value read as YAML on its own: no name or value
    # can add a key, a layer or a line (`relu "inplace=false}⏎  - conv: ..."`). Its input is
    # given as an override too: a problem with it is one with --input, not with the listing.
    root, listing, problems = tree({"layers": layers, "input": list(shape)}, "<calc>")
    analysis = analyze_tree(root, problems, listing, shape, layout=layout)
    painted = use_color(color)
    shown = [_as_arguments(d, listing) for d in analysis.diagnostics
             if d.severity is not Severity.NOTE]
    if shown:
        write(text.diagnostics(shown, Source("calc", ""), color=painted, width=width())
              + "\n\n", painted)
    if analysis.graph is not None:
        write(render(run_explain(analysis), lines=False), painted)
    return analysis.exit_code()


class _Layer:
    """One layer of a `calc` command line: its op, positional values and NAME=VALUE ones."""

    def __init__(self, op: str) -> None:
        self.op = op
        self.positional: list[Any] = []
        self.named: dict[str, Any] = {}

    def value(self) -> Any:
        """The layer as the format writes it: positional values by the op's argument order."""
        if not self.positional and not self.named:
            return self.op
        if not self.named:
            # one value that is a list (`maxpool 3x2`) is the first argument, not the list of
            # positional ones the format reads `maxpool: [3, 2]` as (kernel 3, stride 2)
            one = len(self.positional) == 1 and not isinstance(self.positional[0], list)
            return {self.op: self.positional[0] if one else self.positional}
        found = lookup(self.op)
        if found is not None and self.positional:
            spec = found[0]  # both: the positional ones by name
            names = [a.name for a in spec.args]
            if len(self.positional) > len(names):
                raise typer.BadParameter(f"{quoted(self.op)} takes at most {len(names)} "
                                         "values")
            for name, value in zip(names, self.positional):
                if name in self.named:
                    raise typer.BadParameter(f"{name} is given twice, by position and as "
                                             f"{name}=...")
                self.named[name] = value
        elif self.positional:
            return {self.op: [*self.positional, self.named]}  # unknown op: reported as such
        return {self.op: self.named}


def _layers(words: list[str]) -> list[_Layer]:
    """`conv 10 5 padding=2 maxpool 2`, or one layer per quoted word (`"conv 96 11 4"
    "maxpool 3 2"`): a word naming an op starts a layer, NAME=VALUE and bare values belong to
    the layer before them."""
    layers: list[_Layer] = []
    for word in words:
        parts = _parts(word)
        several = len(parts) > 1  # a quoted layer: its words are read one by one
        if several and "=" not in parts[0] and lookup(parts[0]) is not None:
            layers.append(_Layer(parts[0]))
            parts = parts[1:]
        elif not layers or (lookup(word.strip()) is not None and "=" not in word):
            layers.append(_Layer(word.strip()))
            continue
        for part in parts if several else [word]:
            name, eq, value = part.partition("=")
            if eq and not name.strip():
                raise typer.BadParameter(f"{quoted(part)} is not NAME=VALUE "
                                         "(e.g. kernel_size=3)")
            if eq:
                if name.strip() in layers[-1].named:  # as a file's duplicate key (E005)
                    raise typer.BadParameter(f"{quoted(name.strip())} is given twice")
                layers[-1].named[name.strip()] = _value(part, value)
            elif _argument(layers[-1].op, part):  # `kernel_size 3`: a name without its value
                raise typer.BadParameter(f"{quoted(part)} needs its value: {part}=VALUE")
            else:
                layers[-1].positional.append(_value(part, part))
    return layers


_NAMED = re.compile(r"\w+\s*=")


def _parts(word: str) -> list[str]:
    """A quoted word's parts: an op and values split at the spaces outside brackets and quotes
    (`reshape [2, -1]` is the op and one value), then each NAME=VALUE kept whole up to the
    next NAME=, as a value may hold spaces (`"kernel_size=3, 5"`, `"kernel_size = 3"`); a
    value by position never follows one by name."""
    parts: list[list[str]] = []
    named: list[bool] = []  # whether each part is NAME=VALUE (or its start, `NAME =`)
    for piece in _split(word):
        if parts and not _NAMED.match(piece) and (named[-1] or piece.startswith("=")):
            parts[-1].append(piece)
            named[-1] = True
        else:
            parts.append([piece])
            named.append(_NAMED.match(piece) is not None)
    return [" ".join(p) for p in parts]


def _split(word: str) -> list[str]:
    """`word` split at the spaces outside brackets and quotes (one pass, whatever the
    nesting)."""
    parts: list[str] = []
    start, depth, quote = None, 0, ""
    for i, ch in enumerate(word):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch.isspace() and depth == 0:
            if start is not None:
                parts.append(word[start:i])
            start = None
            continue
        if start is None:
            start = i
    if start is not None:
        parts.append(word[start:])
    return parts


def _argument(op: str, word: str) -> bool:
    """Whether `word` names an argument of `op`."""
    found = lookup(op)
    return found is not None and found[0].arg(word) is not None


_SIZES = re.compile(r"\s*[0-9]+(?:\s*[x×,]\s*[0-9]+)+\s*")


def _value(arg: str, value: str) -> Any:
    """A value as YAML reads it; `3x5` and `3,5` are the list [3, 5], as shapes are written."""
    if _SIZES.fullmatch(value) and len(value) <= 100:
        return [int(v) for v in re.split(r"\s*[x×,]\s*", value.strip())]
    try:
        node, _ = load(Source("<calc>", value.strip() or "null"))
        return plain(node)
    except FatalError as exc:
        raise typer.BadParameter(f"{quoted(arg)}: the value is not YAML "
                                 f"({exc.diagnostic.message})") from None
    except ValueError as exc:
        raise typer.BadParameter(f"{quoted(arg)}: {exc}") from None


_YAML_HINT = re.compile(r"`(\w+): \{(\w+): ([^}`]*)\}`")
_YAML_ARGUMENT = re.compile(r"\b(give|write) (\w+): ")  # "give in_features: 32"


def _as_arguments(d: Diagnostic, listing: Source) -> Diagnostic:
    """A diagnostic about the listing `calc` built, told in the command line's words: the
    argument it is about (`kernel_size=5`) rather than a line of YAML the user never wrote,
    and hints in NAME=VALUE form."""
    where = ""
    if d.span is not None and d.span.file == listing.name:
        line = listing.text.splitlines()[d.span.line - 1] if listing.text else ""
        key, _, value = line.partition(": ")
        parts = key.split(".")
        if len(parts) >= 3 and parts[0].startswith("layers["):
            argument = f"{parts[2]}={value.strip()}"
            # named once: "not divisible by groups=4" needs no "(groups=4)" after it
            where = f" ({argument})" if value.strip() not in ("{…}", "[…]") \
                and argument not in d.message else ""
    hint = _YAML_HINT.sub(lambda m: f"`{m.group(2)}={m.group(3)}`", d.hint) if d.hint else None
    if hint:
        hint = _YAML_ARGUMENT.sub(r"\1 \2=", hint)
        # E106: too many values; the command line names an argument as NAME=VALUE
        hint = hint.replace("pass arguments by name in a mapping",
                            "name the values: NAME=VALUE")
        hint = re.sub(r"write `- (\w+)`", r"write `\1` without values", hint)
    if d.code == "E205" and hint:  # calc chains layers: say how to add the flatten
        hint = re.sub(r"add flatten before it \(giving ([^)]*)\)",
                      r"add flatten before it (giving \1: `cnncalc calc flatten linear ...`)",
                      hint, count=1)
    return dataclasses.replace(d, message=d.message + where, span=None, hint=hint)
