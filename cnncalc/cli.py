"""The command line: a thin layer over `cnncalc.analyze` and the renderers.

Exit codes: 0 fine (warnings allowed), 1 the architecture has errors or failed expectations
(or warnings with --strict), 2 the input could not be read or parsed, the command line is
wrong, or the output could not be written, 3 a bug in cnncalc (an unexpected exception;
--traceback shows it).
"""

# No `from __future__ import annotations` here: typer reads every command's signature on each
# run, and annotations made at import cost less than strings evaluated then (a fifth of
# `cnncalc --help`, profiled).
import contextlib
import errno
import gc
import io
import os
import re
import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import typer
from typer.core import TyperArgument, TyperGroup

from . import __version__
from .format import DTYPES
from .limits import DEFAULT_MAX_LAYERS, MAX_INT
from .render import registry
from .render.console import COLORS, use_color, width, writable

if TYPE_CHECKING:
    from .source import Source

EXIT_BUG = 3


class Group(TyperGroup):
    """The command group; its commands' help names each argument as a person reads it
    (`FILE`, `[OP]`, `PATH...`), without typer's decoration (`{FILE}`, `FILE:TEXT`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        for command in self.commands.values():
            for param in command.params:
                if type(param) is TyperArgument:
                    param.__class__ = Argument
        result: list[str] = super().parse_args(ctx, args)
        return result


class Argument(TyperArgument):
    """What the usage line and the help list show: the metavar, plain (click's public
    `make_metavar`, whose signature differs between typer releases: hence *args)."""

    def make_metavar(self, *args: Any, **kwargs: Any) -> str:
        name = self.metavar or (self.name or "").upper()
        name = name if self.nargs == 1 or name.endswith("...") else name + "..."
        return name if self.required else f"[{name}]"


app = typer.Typer(
    cls=Group,
    name="cnncalc", add_completion=True, no_args_is_help=True, rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Exact CNN shapes, parameters and MACs from a YAML description, as PyTorch builds "
         "them.",
    epilog="Example: cnncalc show architectures/alexnet.yaml  (docs: docs/format.md)",
)


def _choices(name: str, names: Iterable[str]) -> Any:
    """An Enum of `names` for a choice option: typer lists them in --help, completes them, and
    refuses any other value (exit 2). The names come from the registries, never typed twice."""
    return Enum(name, [(n, n) for n in names], type=str)


if TYPE_CHECKING:  # made at run time from the registries: to mypy, any value
    Format: TypeAlias = Any
    DiffFormat: TypeAlias = Any
    CheckFormat: TypeAlias = Any
    ExportFormat: TypeAlias = Any
    Layout: TypeAlias = Any
    Share: TypeAlias = Any
    Color: TypeAlias = Any
    DType: TypeAlias = Any
    Count: TypeAlias = Any
    Optimizer: TypeAlias = Any
else:
    Format = _choices("Format", registry.SHOW)
    DiffFormat = _choices("DiffFormat", registry.DIFF)
    CheckFormat = _choices("CheckFormat", (*registry.CHECK, "auto"))
    ExportFormat = _choices("ExportFormat", registry.EXPORT)
    Layout = _choices("Layout", registry.LAYOUTS)
    Share = _choices("Share", registry.SHARES)
    Color = _choices("Color", COLORS)
    DType = _choices("DType", DTYPES)  # the format's own (format.py costs nothing to import)
    # the passes' names (analysis.COUNTS, passes/memory.OPTIMIZER_STATE), written here because
    # importing those modules costs a third of `cnncalc --help`; tests/test_cli_choices.py
    # checks they agree
    Count = _choices("Count", ("torchvision", "all"))
    Optimizer = _choices("Optimizer", ("sgd", "momentum", "adam"))


ColorOption = Annotated[Color, typer.Option(
    "--color", help="colour: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it), "
                    "always or never")]


SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="NAME=VALUE",
    help="set a file parameter (the file's `params:`), e.g. --set width=0.5; repeatable")]


def parse_sets(texts: list[str] | None) -> dict[str, Any] | None:
    """`--set name=value ...` -> {name: value}, each value read as a YAML scalar."""
    if not texts:
        return None
    from .declare import parse_set
    from .render.safe import clean

    sets: dict[str, Any] = {}
    for text in texts:
        try:
            name, value = parse_set(text)
        except ValueError as exc:
            raise typer.BadParameter(clean(str(exc)), param_hint="--set") from None
        if name in sets:
            raise typer.BadParameter(f"{clean(name)} is set twice", param_hint="--set")
        sets[name] = value
    return sets


def parse_columns(text: str) -> tuple[str, ...]:
    from .render.safe import clean

    COLUMNS = registry.COLUMNS
    names = tuple(c.strip() for c in text.split(",") if c.strip())
    unknown = [clean(c) for c in names if c not in COLUMNS]
    if unknown or not names:
        raise typer.BadParameter(f"unknown column {', '.join(unknown) or '(none)'}; choose "
                                 f"from {', '.join(COLUMNS)}")
    twice = sorted({c for c in names if names.count(c) > 1}, key=names.index)
    if twice:
        raise typer.BadParameter(f"column {', '.join(twice)} given more than once")
    return names


_SIZE = re.compile(r"[0-9]+\Z")  # ASCII digits only: isdigit() also takes '²'


def _quoted(text: str) -> str:
    """A command-line value in a message: escaped, and cut when long."""
    from .render.safe import clean

    return f"'{clean(text)}'" if len(text) <= 40 else (
        f"'{clean(text[:30])}...' ({len(text):,} characters)")


def _count(text: str | int) -> int:
    """A count from the command line: a whole number from 1 to 2^63 - 1 (PyTorch's sizes are
    int64), shown in --help as N; a bad one is named, cut when long (click's own message would
    repeat all of a 5,000-digit value)."""
    if isinstance(text, int):  # the default
        return text
    if len(text) > 40 or not _SIZE.match(text) or not 1 <= int(text) <= MAX_INT:
        raise typer.BadParameter(f"{_quoted(text)} is not a whole number from 1 to 2^63 - 1")
    return int(text)


def parse_shape(text: str, layout: str = "chw") -> tuple[int, ...]:
    """`3x224x224` (or `224x224x3` with layout hwc) -> (3, 224, 224)."""

    parts = re.split(r"[x,×* ]+", text.strip().lower())
    if not 1 <= len(parts) <= 4 or not all(_SIZE.match(p) for p in parts):
        raise typer.BadParameter(f"{_quoted(text)} is not a shape; write e.g. 3x224x224 "
                                 "(channels first, no batch)")
    # int() refuses over 4,300 digits, and no size has more than 19
    if any(len(p.lstrip("0")) > 19 or int(p) > MAX_INT for p in parts):
        raise typer.BadParameter(f"{_quoted(text)} is not a shape: a size is larger than "
                                 "PyTorch's sizes allow (2^63 - 1)")
    dims = tuple(int(p) for p in parts)
    if min(dims) < 1:
        raise typer.BadParameter(f"{_quoted(text)} is not a shape: every size must be at "
                                 "least 1")
    if layout == "hwc" and len(dims) > 1:
        dims = dims[-1:] + dims[:-1]
    return dims


def parse_axes(text: str) -> list[str]:
    """`hw` or `h,w` -> ["h", "w"]: spatial axis letters, each once."""
    letters = [c for c in text.lower() if c not in ", "]
    if not letters or any(c not in "dhwl" for c in letters):
        raise typer.BadParameter(f"{_quoted(text)} names no axes; write letters among d, h, w "
                                 "(or l for a 1-D input), e.g. --axes h")
    if len(set(letters)) != len(letters):
        raise typer.BadParameter(f"{_quoted(text)} names an axis twice")
    return letters


def _write(chunks: Iterable[str] | str, color: bool = False, guarded: bool = True) -> None:
    """Write a long output as it is made, in pieces of about 64 KiB: never whole in memory (10^5
    layers of JSON), and few system calls even to an unbuffered stdout (PYTHONUNBUFFERED).

    Every piece passes `guard()`, whole lines at a time: whatever a renderer let through, no
    control character (but cnncalc's own colours) and no workflow command reaches the reader.
    JSON is written `guarded=False`: it is safe by construction (json.dumps escapes every
    control and non-ASCII character, render/json.py writes `##[` as `##\\u005b`, and every
    line starts with indentation or a bracket), and guarding 40 MB of it (10^5 layers) would
    cost a fifth of the run. A reader that went away (`| head`) ends the command quietly,
    exit status 0."""
    from .render.safe import guard

    def ready(text: str) -> str:
        return guard(text, color) if guarded else text

    if isinstance(chunks, str):
        chunks = (chunks,)
    piece: list[str] = []
    size = 0
    try:
        for chunk in chunks:
            piece.append(chunk)
            size += len(chunk)
            if size >= 65536:
                text = "".join(piece)
                cut = text.rfind("\n") + 1  # a line is guarded whole: `::` starts one
                if cut:
                    sys.stdout.write(ready(text[:cut]))
                    piece, size = [text[cut:]], len(text) - cut
        sys.stdout.write(ready("".join(piece)))
    except BrokenPipeError:
        _reader_gone()
        raise typer.Exit(0) from None


def _path(file: str) -> str:
    """`file` itself when it exists, else the zoo's file of that name (`resnet50`), else
    `file` (to be reported missing): a path always wins over a zoo name."""
    if file == "-" or os.path.lexists(file):
        return file
    from . import zoo

    found = zoo.find(file)
    return str(found) if found else file


def _reader_gone() -> None:
    """stdout's reader closed the pipe: what it read is what it wanted. Later writes and the
    flush at exit go nowhere."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())


def _say(message: str) -> None:
    """A message for standard error: one line per line of `message`, guarded like the output
    (file names and layer paths in it come from the user)."""
    from .render.safe import guard

    sys.stderr.write(guard(message) + "\n")


def _read(file: str, max_bytes: int | None = None) -> "Path | Source":
    """A path or a zoo name, or `-` for standard input (at most `max_bytes` + 1 bytes read,
    decoded like a file; input that is too large or not UTF-8 text is reported here, exit
    status 2)."""
    from .analysis import decode
    from .diagnostics import FatalError
    from .limits import DEFAULT_MAX_BYTES

    if file == "-":
        limit = max_bytes or DEFAULT_MAX_BYTES
        try:
            return decode("<stdin>", sys.stdin.buffer.read(limit + 1), limit)
        except FatalError as exc:
            from .render import text

            _say(text.diagnostic(exc.diagnostic, None))
            raise typer.Exit(2) from None
    return Path(_path(file))


def _amount(text: str | None) -> int | None:
    from .check import parse_amount

    if text is None:
        return None
    if len(text) > 40:  # an amount is a few digits and a unit
        raise typer.BadParameter(f"{_quoted(text)} is not an amount; write e.g. 30M, 5G, "
                                 "2GiB or 200")
    try:
        amount = parse_amount(text)
    except ValueError as exc:
        from .render.safe import clean

        raise typer.BadParameter(clean(str(exc))) from None
    except OverflowError:  # float('1e400') is inf
        amount = MAX_INT + 1
    if amount > MAX_INT:
        raise typer.BadParameter(f"{_quoted(text)} is more than 2^63 - 1")
    return amount


def _max_bytes(text: str | None) -> int:
    """`--max-bytes` (an amount: 64MiB, 100k), the default when not given."""
    from .limits import DEFAULT_MAX_BYTES

    if text is None:
        return DEFAULT_MAX_BYTES
    limit = _amount(text)
    if limit is None or limit < 1:
        raise typer.BadParameter(f"'{text}' is not a size a file can have; give 1 or more",
                                 param_hint="--max-bytes")
    return limit


_MAX_BYTES_HELP = ("refuse input files larger than this, e.g. 64MiB (default: 16MiB; an "
                   "architecture is kilobytes)")


@app.command()
def show(
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="architecture YAML file, or - for stdin")],
    input: Annotated[str | None, typer.Option(
        "--input", "-i", metavar="SHAPE", help="override the input shape, e.g. 3x512x512")
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="output format")] = Format.table,
    layout: Annotated[Layout, typer.Option(
        help="shape display: chw (PyTorch) or hwc (CS231n's 55x55x96)")] = Layout.chw,
    depth: Annotated[int | None, typer.Option(
        metavar="N", parser=_count,
        help="collapse blocks and repeats below this many path levels")
    ] = None,
    columns: Annotated[str, typer.Option(
        metavar="NAME,...",
        help="table columns, comma-separated: output, params, macs, memory, values (memory "
             "in elements, as the CS231n notes count it), rf (receptive field)")
    ] = "output,params,macs,memory",
    share: Annotated[Share | None, typer.Option(
        help="add a bar of each row's share of params, macs or memory")] = None,
    batch: Annotated[int | None, typer.Option(
        metavar="N", parser=_count,
        help="batch size for MACs and memory (default: the file's, else 1)")
    ] = None,
    dtype: Annotated[DType | None, typer.Option(
        help="element type for memory (default: the file's, else float32)")] = None,
    count: Annotated[Count, typer.Option(
        help="MAC convention: torchvision (conv + linear multiplies) or all (also bias, "
             "norms, activations, pooling, merges)")] = Count.torchvision,
    optimizer: Annotated[Optimizer, typer.Option(
        help="optimizer state in the training-memory estimate")] = Optimizer.adam,
    strict: Annotated[bool, typer.Option(help="treat warnings as errors (exit 1)")] = False,
    max_layers: Annotated[int, typer.Option(
        metavar="N", parser=_count,
        help="refuse networks that expand past this many layers")
    ] = DEFAULT_MAX_LAYERS,
    max_bytes: Annotated[str | None, typer.Option(metavar="SIZE", help=_MAX_BYTES_HELP)] = None,
    notes: Annotated[bool, typer.Option(
        "--notes", help="every note on its own line (by default a note that several layers "
                        "share is one line, naming them)")] = False,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
) -> None:
    """Show every layer's output shape, parameters, MACs and memory, the totals and problems.

    Example: cnncalc show architectures/alexnet.yaml --layout hwc --columns output,params,rf
    """
    from .analysis import analyze

    shape = parse_shape(input, layout.value) if input is not None else None
    shown = parse_columns(columns)
    limit = _max_bytes(max_bytes)
    source = _read(file, limit)
    analysis = analyze(source, shape, batch=batch, dtype=dtype.value if dtype else None,
                       count=count.value, optimizer=optimizer.value, max_layers=max_layers,
                       max_bytes=limit, params=parse_sets(set_))
    renderer = registry.SHOW[format.value]
    painted = format is Format.table and use_color(color.value)
    view = registry.View(layout=layout.value, depth=depth, color=painted, width=width(),
                         columns=shown, share=share.value if share else None, notes=notes)
    _write(renderer(analysis, view), painted, guarded=renderer.guarded)
    raise typer.Exit(analysis.exit_code(strict))


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH...",
        help="files, directories (their *.yaml / *.yml) and globs; - for stdin")],
    strict: Annotated[bool, typer.Option(help="treat warnings as errors")] = False,
    format: Annotated[CheckFormat, typer.Option(
        "--format", "-f", help="text, json, github (workflow commands for pull requests), or "
        "auto (github inside GitHub Actions, text elsewhere)")
    ] = CheckFormat.text,
    max_params: Annotated[str | None, typer.Option(
        metavar="N", help="fail above this many parameters, e.g. 30M")] = None,
    max_macs: Annotated[str | None, typer.Option(
        metavar="N", help="fail above this many MACs, e.g. 5G")] = None,
    max_memory: Annotated[str | None, typer.Option(
        metavar="SIZE", help="fail above this peak inference memory, e.g. 2GiB")] = None,
    min_rf: Annotated[int | None, typer.Option(
        metavar="N", parser=_count,
        help="fail when the last spatial layer's receptive field is smaller")] = None,
    notes: Annotated[bool, typer.Option(help="list notes too (always counted)")] = False,
    answers: Annotated[bool | None, typer.Option(
        help="list every expectation, right ones too (default: when checking one file)")
    ] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="list only the files that fail, and the summary")] = False,
    max_layers: Annotated[int, typer.Option(
        metavar="N", parser=_count,
        help="refuse networks that expand past this many layers")
    ] = DEFAULT_MAX_LAYERS,
    max_bytes: Annotated[str | None, typer.Option(metavar="SIZE", help=_MAX_BYTES_HELP)] = None,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
) -> None:
    """Check architecture files: errors, `expect:` answers, budgets. For CI and homework.

    Each file's result is printed as soon as it is checked. YAML files that are not cnncalc
    files (no line starts with input:, layers:, blocks: or cnncalc:) are skipped with a note.

    Example: cnncalc check architectures/ --max-params 30M --format github
    """
    from .check import Budgets, check_file, collect
    from .render.check import Report

    budgets = Budgets(_amount(max_params), _amount(max_macs), _amount(max_memory), min_rf)
    sets = parse_sets(set_)
    limit = _max_bytes(max_bytes)
    chosen = format.value
    if format is CheckFormat.auto:  # the runner sets GITHUB_ACTIONS=true in every step
        chosen = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    collected = collect([_path(p) for p in paths])
    painted = chosen == "text" and use_color(color.value)
    report = Report(chosen, strict, quiet=quiet, notes=notes, color=painted,
                    answers=answers if answers is not None else len(collected.files) == 1)
    # text is guarded like every human-readable output; the github format's lines are
    # workflow commands on purpose (each field escaped as the runner expects), JSON is safe
    # by construction
    guarded = chosen == "text"
    for path, why in collected.missing:
        line, to_stdout = report.missing(path, why)
        if to_stdout:
            _write(line, guarded=guarded)
        else:
            _say(line.rstrip("\n"))
    _write(report.head(), guarded=guarded)
    for found in collected.files:
        result = check_file(found, budgets, stdin=sys.stdin.buffer if found.path == "-" else None,
                            max_layers=max_layers, max_bytes=limit, params=sets)
        # each file's part as soon as it is done (a CI log shows progress), and nothing of
        # the file kept after it: memory stays flat over any number of files
        _write(report.file(result), painted, guarded=guarded)
        sys.stdout.flush()
        del result
        # the collector runs rarely (`run`): free this file's reference cycles now, so memory
        # stays flat. Only objects made since the last file are young: this stays linear.
        gc.collect(0)
    _write(report.tail(), guarded=guarded)
    raise typer.Exit(report.exit_code if collected.files or collected.missing else 2)


@app.command()
def explain(
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="architecture YAML file, or - for stdin")],
    layers: Annotated[list[str] | None, typer.Argument(
        metavar="LAYER...",
        help="layer paths (or a block/repeat prefix such as res3[0]); default: all")] = None,
    input: Annotated[str | None, typer.Option(
        "--input", "-i", metavar="SHAPE", help="override the input shape, e.g. 3x227x227")
    ] = None,
    layout: Annotated[Layout, typer.Option(help="how --input is written")] = Layout.chw,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
) -> None:
    """Show each layer's arithmetic with the numbers put in: sizes, params, MACs, bytes, RF.

    Example: cnncalc explain architectures/alexnet_cs231n.yaml conv1 pool1
    """
    from .analysis import analyze
    from .explain import explain as run_explain
    from .explain import select
    from .render.explain import render

    shape = parse_shape(input, layout.value) if input is not None else None
    analysis = analyze(_read(file), shape, params=parse_sets(set_))
    wanted = layers or []
    unknown = [w for w in wanted if not select(analysis, [w])]
    if unknown and analysis.graph is not None:
        from .diagnostics import did_you_mean
        from .render.safe import clean

        paths = [layer.path for layer in analysis.layers]
        for w in unknown:
            hint = did_you_mean(w, paths)
            _say(f"cnncalc: no layer '{clean(w)}' in {clean(file)}"
                 + (f"; {clean(hint)}" if hint else ""))
        raise typer.Exit(2)
    painted = use_color(color.value)
    _print_problems(analysis, painted)
    _write(render(run_explain(analysis, wanted)), painted)
    raise typer.Exit(analysis.exit_code())


def _print_problems(analysis: object, color: bool = False) -> None:
    """Errors and warnings first (they explain missing numbers); notes appear per layer."""
    from .analysis import Analysis
    from .diagnostics import Severity
    from .render import text

    assert isinstance(analysis, Analysis)
    problems = [d for d in analysis.diagnostics if d.severity is not Severity.NOTE
                and d.code not in ("W101",)]
    if problems:
        _write(text.diagnostics(problems, analysis.source, color=color, width=width())
               + "\n\n", color)


@app.command()
def calc(
    op: Annotated[str, typer.Argument(
        metavar="OP", help="an op name, as in the format (conv, maxpool, ...)")],
    args: Annotated[list[str] | None, typer.Argument(
        metavar="NAME=VALUE...",
        help="arguments as NAME=VALUE, e.g. out_channels=10 kernel_size=5 padding=2")] = None,
    input: Annotated[str, typer.Option(
        "--input", "-i", metavar="SHAPE", help="input shape, e.g. 3x32x32")] = "3x32x32",
    layout: Annotated[Layout, typer.Option(help="how --input is written (hwc: 32x32x3)")
                      ] = Layout.chw,
    color: ColorOption = Color.auto,
) -> None:
    """One layer, no file: its output size, parameters, MACs and memory, explained.

    Example: cnncalc calc conv out_channels=10 kernel_size=5 padding=2 --input 3x32x32
    """
    from .analysis import analyze_tree
    from .diagnostics import FatalError
    from .explain import explain as run_explain
    from .loader import load
    from .mapping import plain, tree
    from .render.explain import render
    from .source import Source

    shape = parse_shape(input, layout.value)
    # The one-layer network is built as a mapping, each value read as YAML on its own: no
    # name or value can add a key, a layer or a line (`relu "inplace=false}⏎  - conv: ..."`).
    # `layers` comes first so that the layer is on line 3 of the listing diagnostics quote.
    arguments = {}
    for arg in args or []:
        name, eq, value = arg.partition("=")
        if not eq or not name.strip():
            raise typer.BadParameter(f"{_quoted(arg)} is not NAME=VALUE (e.g. kernel_size=3)")
        try:
            node, _ = load(Source("<calc>", value.strip() or "null"))
            arguments[name.strip()] = plain(node)
        except FatalError as exc:
            raise typer.BadParameter(f"{_quoted(arg)}: the value is not YAML "
                                     f"({exc.diagnostic.message})") from None
        except ValueError as exc:
            raise typer.BadParameter(f"{_quoted(arg)}: {exc}") from None
    layer = {op: arguments} if arguments else op
    root, listing, problems = tree({"layers": [layer], "input": list(shape)}, "<calc>")
    analysis = analyze_tree(root, problems, listing)
    painted = use_color(color.value)
    _print_problems(analysis, painted)
    if analysis.graph is not None:
        _write(render(run_explain(analysis)), painted)
    raise typer.Exit(analysis.exit_code())


@app.command()
def diff(
    a: Annotated[str, typer.Argument(metavar="BEFORE", help="the architecture before")],
    b: Annotated[str, typer.Argument(metavar="AFTER", help="the architecture after")],
    format: Annotated[DiffFormat, typer.Option("--format", "-f")] = DiffFormat.text,
    all_layers: Annotated[bool, typer.Option(
        "--all", help="list unchanged layers too")] = False,
    input: Annotated[str | None, typer.Option(
        "--input", "-i", metavar="SHAPE", help="analyze both at this input shape")] = None,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
) -> None:
    """Per-layer and total differences in shape, params, MACs and memory, for code review.

    Example: cnncalc diff architectures/resnet18.yaml architectures/resnet34.yaml
    """
    from . import diff as differ
    from .analysis import analyze
    from .render import text

    if a == b == "-":  # standard input can be read once
        raise typer.BadParameter("only one of the two architectures can come from standard "
                                 "input (-)")
    shape = parse_shape(input) if input is not None else None
    sets = parse_sets(set_)
    sides = [analyze(_read(path), shape, params=sets) for path in (a, b)]
    unreadable = [(d, side.source) for side in sides for d in side.diagnostics if d.fatal]
    if unreadable:
        for d, source in unreadable:
            _say(text.diagnostic(d, source))
        raise typer.Exit(2)
    renderer = registry.DIFF[format.value]
    painted = format is DiffFormat.text and use_color(color.value)
    view = registry.View(color=painted, all_layers=all_layers)
    _write(renderer(differ.diff(*sides), view), painted, guarded=renderer.guarded)
    raise typer.Exit(max(side.exit_code() for side in sides))


@app.command()
def sizes(
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="architecture YAML file, or - for stdin")],
    min: Annotated[int, typer.Option(
        "--min", metavar="N", parser=_count, help="smallest input size to try")] = 32,
    max: Annotated[int, typer.Option(
        "--max", metavar="N", parser=_count, help="largest input size to try")] = 1024,
    axes: Annotated[str | None, typer.Option(
        metavar="AXES",
        help="which spatial axes take the size, e.g. h or w (default: all, a square input)")
    ] = None,
    why: Annotated[list[int] | None, typer.Option(
        "--why", metavar="N", parser=_count,
        help="explain why this size does or doesn't fit (repeatable)")
    ] = None,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
) -> None:
    """Input sizes for which every layer divides exactly and every merge aligns.

    Example: cnncalc sizes architectures/unet.yaml --min 500 --max 700 --why 573
    """
    from .render import sizes as sizes_render
    from .render import text
    from .render.safe import clean
    from .sizes import fitting_sizes

    if min > max or max - min > 100_000:
        raise typer.BadParameter("give --min <= --max, at most 100,000 sizes apart")
    swept = parse_axes(axes) if axes is not None else None
    source = _read(file)
    try:
        result = fitting_sizes(source, min, max, axes=swept, params=parse_sets(set_))
    except ValueError as exc:
        raise typer.BadParameter(clean(str(exc))) from None
    painted, columns = use_color(color.value), width()
    if result.diagnostics:
        _write(text.diagnostics(result.diagnostics, result.source, color=painted,
                                width=columns) + "\n", painted)
        raise typer.Exit(2 if any(d.fatal for d in result.diagnostics) else 1)
    answers = [(n, result.check(n), result.nearest(n)) if min <= n <= max
               else (n, None, (None, None)) for n in why or []]
    _write(sizes_render.render(result, min, max, answers, color=painted, width=columns),
           painted)
    raise typer.Exit(0 if result.exact else 1)


@app.command()
def export(
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="architecture YAML file, or - for stdin")],
    to: Annotated[ExportFormat, typer.Option(
        "--to", "-t", help="pytorch (an nn.Module file), mermaid (renders on GitHub) or dot")
    ] = ExportFormat.pytorch,
    input: Annotated[str | None, typer.Option(
        "--input", "-i", metavar="SHAPE", help="override the input shape, e.g. 3x512x512")
    ] = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", help="write to this file instead of standard output")
    ] = None,
    set_: SetOption = None,
) -> None:
    """Write the network as a PyTorch module, or draw it (Mermaid, Graphviz dot).

    Example: cnncalc export architectures/resnet18.yaml --to pytorch -o resnet18.py
    """
    from .analysis import analyze
    from .diagnostics import Severity
    from .export import ExportError
    from .export import export as run_export
    from .render import text
    from .render.safe import clean

    shape = parse_shape(input) if input is not None else None
    analysis = analyze(_read(file), shape, params=parse_sets(set_))
    problems = [d for d in analysis.diagnostics if d.fatal]
    if problems:
        _say(text.diagnostics(problems, analysis.source))
        raise typer.Exit(2)
    try:
        code = run_export(analysis, to.value)
    except ExportError as exc:
        errors = [d for d in analysis.diagnostics if d.severity is not Severity.NOTE]
        if errors:
            _say(text.diagnostics(errors, analysis.source))
        _say(f"cnncalc: {clean(str(exc))}")
        raise typer.Exit(1) from None
    if output is None:
        _write(code)
    else:
        try:
            Path(output).write_text(code, encoding="utf-8")
        except OSError as exc:
            _say(f"cnncalc: cannot write {clean(output)}: {exc.strerror}")
            raise typer.Exit(2) from None
    raise typer.Exit(analysis.exit_code())


@app.command()
def schema() -> None:
    """Print a JSON Schema (draft 2020-12) of the format, generated from the op registry.

    Example: cnncalc schema > cnncalc-v1.schema.json
    """
    from .schema import render

    _write(render())


@app.command()
def ops(
    name: Annotated[str | None, typer.Argument(
        metavar="OP", help="one op (or alias) to describe in full")] = None,
) -> None:
    """List the ops: positional argument order, defaults and aliases."""
    from .diagnostics import did_you_mean
    from .ops import lookup, names
    from .render import ops as ops_render

    if name is not None and lookup(name) is None:
        from .render.safe import clean

        hint = did_you_mean(name, names())
        _say(f"cnncalc: unknown op '{clean(name)}'" + (f"; {hint}" if hint else ""))
        raise typer.Exit(2)
    _write(ops_render.render(name))


@app.command()
def zoo() -> None:
    """List the networks that ship with cnncalc, their totals and what each mirrors.

    A name stands for its file in every command: cnncalc show resnet50
    """
    from . import zoo as shipped
    from .render import zoo as listing

    _write(listing.render(shipped.entries()))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cnncalc {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="print the version")] = False,
    traceback: Annotated[bool, typer.Option(
        "--traceback", help="when cnncalc fails with a bug (exit 3), show the Python "
                            "traceback (also taken after the command)")] = False,
) -> None:
    """Exact CNN shapes, parameters and MACs from a YAML description, as PyTorch builds them."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; an unexpected exception is reported as a bug (exit 3)."""
    args = sys.argv[1:] if argv is None else list(argv)
    # --traceback is an option of cnncalc itself, and is taken wherever it is written (before
    # a `--`): the internal-error message only says "run with --traceback"
    options = args[:args.index("--")] if "--" in args else args
    if "--traceback" in options[1:]:
        args.remove("--traceback")
        args.insert(0, "--traceback")
    # started with a standard stream closed (`<&-`, `2>&-`): Python leaves it None
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - nowhere to report: discard
    if sys.stdin is None:
        sys.stdin = io.TextIOWrapper(io.BytesIO())  # `-` reads nothing: an empty file
    if sys.stdout is None:
        return _cannot_write("standard output is closed")
    # any output encoding (cp1252 for a Windows redirect, ascii, LC_ALL=C): what it cannot
    # write gets a stand-in (render/console.py), on both streams
    writable(sys.stdout)
    writable(sys.stderr)
    try:
        app(args=args, prog_name="cnncalc", standalone_mode=True)
    except SystemExit as exc:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # click's answer to a closed pipe
            _reader_gone()
            return 0
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        sys.stderr.write("cnncalc: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.errno not in _WRITE_ERRORS:
            return _bug(exc, args)
        return _cannot_write(exc.strerror)
    except Exception as exc:  # the last line of defence: no traceback for users
        return _bug(exc, args)
    return 0


# what writing the output can fail with (every input file is read with its own diagnostics)
_WRITE_ERRORS = {getattr(errno, name) for name in ("ENOSPC", "EIO", "EBADF", "EFBIG", "EDQUOT")
                 if hasattr(errno, name)}


def _cannot_write(reason: str | None) -> int:
    sys.stderr.write(f"cnncalc: cannot write the output: {reason}\n")
    return 2


def _bug(exc: Exception, args: list[str]) -> int:
    from .render.safe import clean

    if "--traceback" in args:
        raise exc
    inputs = [clean(a) for a in args if a == "-" or not a.startswith("-")]
    sys.stderr.write(
        f"cnncalc: internal error: {type(exc).__name__}: {clean(str(exc)[:500])}\n"
        f"This is a bug in cnncalc {__version__} (input: {' '.join(inputs) or '-'}).\n"
        "Please report it with the input file; run it again with --traceback for details.\n")
    return EXIT_BUG


def run() -> None:
    """Console-script entry point."""
    # The cyclic collector, at its default threshold, would rescan the growing graph again and
    # again (a third of the time at 10^4 layers). Switched off, though, the few cycles cnncalc
    # makes are never freed, and a command that analyses many times (`sizes` over 1,000 sizes
    # of a 40k-layer file) grows without bound. So, as mypy does: move what the imports made
    # out of the collector's sight (`freeze`), and collect rarely (a young generation of 200k
    # objects): memory stays bounded and the collector costs a few percent.
    gc.freeze()
    gc.set_threshold(200_000, 30, 30)
    code = main()
    # Nor is there anything to tear down: freeing the objects of a large analysis one by one
    # at exit cost about 4% of a 10^4-layer run. Flush what is buffered, then leave at once.
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`): what it read is what it wanted
        pass
    except OSError as exc:  # a full disk: the output is incomplete
        code = _cannot_write(exc.strerror)
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)
