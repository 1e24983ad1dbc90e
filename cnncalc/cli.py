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
from typing import Annotated

import typer

from . import __version__
from .coercion import QuickGroup
from .limits import DEFAULT_MAX_LAYERS

EXIT_BUG = 3

app = typer.Typer(
    cls=QuickGroup,  # typer's group, without pydantic on every run (see coercion.py)
    name="cnncalc", add_completion=True, no_args_is_help=True, rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Exact CNN shapes, parameters and MACs from a YAML description, as PyTorch builds "
         "them.",
    epilog="Example: cnncalc show architectures/alexnet.yaml  (docs: docs/format.md)",
)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Layout(str, Enum):
    chw = "chw"
    hwc = "hwc"


class Count(str, Enum):
    torchvision = "torchvision"
    all = "all"


class Optimizer(str, Enum):
    sgd = "sgd"
    momentum = "momentum"
    adam = "adam"


class Share(str, Enum):
    params = "params"
    macs = "macs"
    memory = "memory"


class DType(str, Enum):
    float32 = "float32"
    float16 = "float16"
    bfloat16 = "bfloat16"
    float64 = "float64"
    int8 = "int8"


def parse_columns(text: str) -> tuple[str, ...]:
    from .render.table import COLUMNS

    names = tuple(c.strip() for c in text.split(",") if c.strip())
    unknown = [c for c in names if c not in COLUMNS]
    if unknown or not names:
        raise typer.BadParameter(f"unknown column {', '.join(unknown) or '(none)'}; choose "
                                 f"from {', '.join(COLUMNS)}")
    return names


def parse_shape(text: str, layout: str = "chw") -> tuple[int, ...]:
    """`3x224x224` (or `224x224x3` with layout hwc) -> (3, 224, 224)."""
    parts = re.split(r"[x,×* ]+", text.strip().lower())
    if not 1 <= len(parts) <= 4 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise typer.BadParameter(f"'{text}' is not a shape; write e.g. 3x224x224 "
                                 "(channels first, no batch)")
    dims = tuple(int(p) for p in parts)
    if layout == "hwc" and len(dims) > 1:
        dims = dims[-1:] + dims[:-1]
    return dims


def _color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _width() -> int | None:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns if _color(sys.stdout) else None
    except (OSError, ValueError):
        return None


def _write(chunks: Iterable[str]) -> None:
    """Write a long output as it is made, in pieces of about 64 KiB: never whole in memory (10^5
    layers of JSON), and few system calls even to an unbuffered stdout (PYTHONUNBUFFERED)."""
    piece: list[str] = []
    size = 0
    for chunk in chunks:
        piece.append(chunk)
        size += len(chunk)
        if size >= 65536:
            sys.stdout.write("".join(piece))
            piece, size = [], 0
    sys.stdout.write("".join(piece))


def _path(file: str) -> str:
    """`file` itself when it exists, else the zoo's file of that name (`resnet50`), else
    `file` (to be reported missing): a path always wins over a zoo name."""
    if file == "-" or os.path.lexists(file):
        return file
    from . import zoo

    found = zoo.find(file)
    return str(found) if found else file


def _read(file: str) -> object:
    """A path or a zoo name, or `-` for standard input (read as bytes, decoded like a file;
    input that is not UTF-8 text is reported here, exit status 2)."""
    from .analysis import decode
    from .diagnostics import FatalError

    if file == "-":
        try:
            return decode("<stdin>", sys.stdin.buffer.read())
        except FatalError as exc:
            from .render import text

            typer.echo(text.diagnostic(exc.diagnostic, None), err=True)
            raise typer.Exit(2) from None
    return Path(_path(file))


@app.command()
def show(
    file: Annotated[str, typer.Argument(help="architecture YAML file, or - for stdin")],
    input: Annotated[str | None, typer.Option(
        "--input", "-i", help="override the input shape, e.g. 3x512x512")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="output format")] = Format.table,
    layout: Annotated[Layout, typer.Option(
        help="shape display: chw (PyTorch) or hwc (CS231n's 55x55x96)")] = Layout.chw,
    depth: Annotated[int | None, typer.Option(
        min=1, help="collapse blocks and repeats below this many path levels")] = None,
    columns: Annotated[str, typer.Option(
        help="table columns, comma-separated: output, params, macs, memory, values (memory "
             "in elements, as the CS231n notes count it), rf (receptive field)")
    ] = "output,params,macs,memory",
    share: Annotated[Share | None, typer.Option(
        help="add a bar of each row's share of params, macs or memory")] = None,
    batch: Annotated[int | None, typer.Option(
        min=1, help="batch size for MACs and memory (default: the file's, else 1)")] = None,
    dtype: Annotated[DType | None, typer.Option(
        help="element type for memory (default: the file's, else float32)")] = None,
    count: Annotated[Count, typer.Option(
        help="MAC convention: torchvision (conv + linear multiplies) or all (also bias, "
             "norms, activations, pooling, merges)")] = Count.torchvision,
    optimizer: Annotated[Optimizer, typer.Option(
        help="optimizer state in the training-memory estimate")] = Optimizer.adam,
    strict: Annotated[bool, typer.Option(help="treat warnings as errors (exit 1)")] = False,
    max_layers: Annotated[int, typer.Option(
        min=1, help="refuse networks that expand past this many layers")] = DEFAULT_MAX_LAYERS,
) -> None:
    """Show every layer's output shape, parameters, MACs and memory, the totals and problems.

    Example: cnncalc show architectures/alexnet.yaml --layout hwc --columns output,params,rf
    """
    from .analysis import analyze

    shape = parse_shape(input, layout.value) if input else None
    shown = parse_columns(columns)
    source = _read(file)
    analysis = analyze(source, shape, batch=batch,  # type: ignore[arg-type]
                       dtype=dtype.value if dtype else None, count=count.value,
                       optimizer=optimizer.value, max_layers=max_layers)
    if format is Format.json:
        from .render import json

        _write(json.chunks(analysis))
    elif format is Format.csv:
        from .render import tabular

        sys.stdout.write(tabular.render_csv(analysis))
    elif format is Format.markdown:
        from .render import tabular

        sys.stdout.write(tabular.render_markdown(analysis, layout=layout.value, depth=depth,
                                                 columns=shown))
    else:
        from .render import table

        sys.stdout.write(table.render(analysis, layout=layout.value, depth=depth,
                                      color=_color(sys.stdout), width=_width(), columns=shown,
                                      share=share.value if share else None))
    raise typer.Exit(analysis.exit_code(strict))


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def _amount(text: str | None) -> int | None:
    from .check import parse_amount

    if text is None:
        return None
    try:
        return parse_amount(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(
        help="files, directories (their *.yaml / *.yml) and globs; - for stdin")],
    strict: Annotated[bool, typer.Option(help="treat warnings as errors")] = False,
    format: Annotated[CheckFormat, typer.Option(
        "--format", "-f", help="text, json, or github (workflow commands for pull requests)")
    ] = CheckFormat.text,
    max_params: Annotated[str | None, typer.Option(
        help="fail above this many parameters, e.g. 30M")] = None,
    max_macs: Annotated[str | None, typer.Option(help="fail above this many MACs, e.g. 5G")
                        ] = None,
    max_memory: Annotated[str | None, typer.Option(
        help="fail above this peak inference memory, e.g. 2GiB")] = None,
    min_rf: Annotated[int | None, typer.Option(
        min=1, help="fail when the last spatial layer's receptive field is smaller")] = None,
    notes: Annotated[bool, typer.Option(help="list notes too (always counted)")] = False,
    answers: Annotated[bool | None, typer.Option(
        help="list every expectation, right ones too (default: when checking one file)")
    ] = None,
) -> None:
    """Check architecture files: errors, `expect:` answers, budgets. For CI and homework.

    Example: cnncalc check architectures/ --max-params 30M --format github
    """
    from .check import Budgets, check_file, collect
    from .render import check as report

    budgets = Budgets(_amount(max_params), _amount(max_macs), _amount(max_memory), min_rf)
    files, missing = collect([_path(p) for p in paths])
    for path in missing:
        typer.echo(f"cnncalc: {path}: no such file or directory (or no *.yaml in it)", err=True)
    results = []
    for path in files:
        results.append(check_file(path, budgets, _read(path) if path == "-" else None))
        # with the collector off (`run`), a file's reference cycles would stay until exit: free
        # them now. Only objects made since the last file are young, so this stays linear.
        gc.collect(0)
    if format is CheckFormat.json:
        out = report.render_json(results, strict, len(missing))
    elif format is CheckFormat.github:
        out = report.render_github(results, strict, len(missing), notes)
    else:
        out = report.render_text(results, strict, len(missing), notes, answers)
    sys.stdout.write(out)
    codes = [r.exit_code(strict) for r in results] + [2] * len(missing)
    raise typer.Exit(max(codes, default=2))


@app.command()
def explain(
    file: Annotated[str, typer.Argument(help="architecture YAML file, or - for stdin")],
    layers: Annotated[list[str] | None, typer.Argument(
        help="layer paths (or a block/repeat prefix such as res3[0]); default: all")] = None,
    input: Annotated[str | None, typer.Option(
        "--input", "-i", help="override the input shape, e.g. 3x227x227")] = None,
    layout: Annotated[Layout, typer.Option(help="how --input is written")] = Layout.chw,
) -> None:
    """Show each layer's arithmetic with the numbers put in: sizes, params, MACs, bytes, RF.

    Example: cnncalc explain architectures/alexnet_cs231n.yaml conv1 pool1
    """
    from .analysis import analyze
    from .explain import explain as run_explain
    from .explain import render, select

    shape = parse_shape(input, layout.value) if input else None
    analysis = analyze(_read(file), shape)  # type: ignore[arg-type]
    wanted = layers or []
    unknown = [w for w in wanted if not select(analysis, [w])]
    if unknown and analysis.graph is not None:
        from .diagnostics import did_you_mean

        paths = [layer.path for layer in analysis.layers]
        for w in unknown:
            hint = did_you_mean(w, paths)
            typer.echo(f"cnncalc: no layer '{w}' in {file}" + (f"; {hint}" if hint else ""),
                       err=True)
        raise typer.Exit(2)
    _print_problems(analysis)
    sys.stdout.write(render(run_explain(analysis, wanted)))
    raise typer.Exit(analysis.exit_code())


def _print_problems(analysis: object) -> None:
    """Errors and warnings first (they explain missing numbers); notes appear per layer."""
    from .analysis import Analysis
    from .diagnostics import Severity
    from .render import text

    assert isinstance(analysis, Analysis)
    problems = [d for d in analysis.diagnostics if d.severity is not Severity.NOTE
                and d.code not in ("W101",)]
    if problems:
        sys.stdout.write(text.diagnostics(problems, analysis.source) + "\n\n")


@app.command()
def calc(
    op: Annotated[str, typer.Argument(help="an op name, as in the format (conv, maxpool, ...)")],
    args: Annotated[list[str] | None, typer.Argument(
        help="arguments as NAME=VALUE, e.g. out_channels=10 kernel_size=5 padding=2")] = None,
    input: Annotated[str, typer.Option("--input", "-i", help="input shape, e.g. 3x32x32")
                     ] = "3x32x32",
    layout: Annotated[Layout, typer.Option(help="how --input is written (hwc: 32x32x3)")
                      ] = Layout.chw,
) -> None:
    """One layer, no file: its output size, parameters, MACs and memory, explained.

    Example: cnncalc calc conv out_channels=10 kernel_size=5 padding=2 --input 3x32x32
    """
    from .analysis import analyze_source
    from .explain import explain as run_explain
    from .explain import render
    from .source import Source

    shape = parse_shape(input, layout.value)
    pairs = []
    for arg in args or []:
        name, eq, value = arg.partition("=")
        if not eq or not name.strip():
            raise typer.BadParameter(f"'{arg}' is not NAME=VALUE (e.g. kernel_size=3)")
        pairs.append(f"{name.strip()}: {value.strip() or 'null'}")
    layer = f"{op}: {{{', '.join(pairs)}}}" if pairs else op
    text = f"input: {list(shape)}\nlayers:\n  - {layer}\n"
    analysis = analyze_source(Source("<calc>", text))
    _print_problems(analysis)
    if analysis.graph is not None:
        sys.stdout.write(render(run_explain(analysis)))
    raise typer.Exit(analysis.exit_code())


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="the architecture before")],
    b: Annotated[str, typer.Argument(help="the architecture after")],
    format: Annotated[DiffFormat, typer.Option("--format", "-f")] = DiffFormat.text,
    all_layers: Annotated[bool, typer.Option(
        "--all", help="list unchanged layers too")] = False,
    input: Annotated[str | None, typer.Option(
        "--input", "-i", help="analyze both at this input shape")] = None,
) -> None:
    """Per-layer and total differences in shape, params, MACs and memory, for code review.

    Example: cnncalc diff architectures/resnet18.yaml architectures/resnet34.yaml
    """
    from . import diff as differ
    from .analysis import analyze
    from .render import text

    shape = parse_shape(input) if input else None
    sides = [analyze(_read(path), shape) for path in (a, b)]  # type: ignore[arg-type]
    unreadable = [(d, side.source) for side in sides for d in side.diagnostics if d.fatal]
    if unreadable:
        for d, source in unreadable:
            typer.echo(text.diagnostic(d, source), err=True)
        raise typer.Exit(2)
    result = differ.diff(*sides)
    render = {DiffFormat.text: differ.render_text, DiffFormat.json: differ.render_json,
              DiffFormat.csv: differ.render_csv, DiffFormat.markdown: differ.render_markdown}
    sys.stdout.write(render[format](result, all_layers))
    raise typer.Exit(max(side.exit_code() for side in sides))


@app.command()
def sizes(
    file: Annotated[str, typer.Argument(help="architecture YAML file, or - for stdin")],
    min: Annotated[int, typer.Option("--min", min=1, help="smallest input size to try")] = 32,
    max: Annotated[int, typer.Option("--max", min=1, help="largest input size to try")] = 1024,
    axes: Annotated[str | None, typer.Option(
        help="which spatial axes take the size, e.g. h or w (default: all, a square input)")
    ] = None,
    why: Annotated[list[int] | None, typer.Option(
        "--why", help="explain why this size does or doesn't fit (repeatable)")] = None,
) -> None:
    """Input sizes for which every layer divides exactly and every merge aligns.

    Example: cnncalc sizes architectures/unet.yaml --min 500 --max 700 --why 573
    """
    from .render import text
    from .sizes import Fit, fitting_sizes, render_ranges

    if min > max or max - min > 100_000:
        raise typer.BadParameter("give --min <= --max, at most 100,000 sizes apart")
    source = _read(file)
    try:
        result = fitting_sizes(source, min, max,  # type: ignore[arg-type]
                               axes=list(axes) if axes else None)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    if result.diagnostics:
        sys.stdout.write(text.diagnostics(result.diagnostics, result.source) + "\n")
        raise typer.Exit(2 if any(d.fatal for d in result.diagnostics) else 1)
    over = "x".join(result.axes)
    lines = [f"{result.name}: input sizes {min}..{max} ({over}) where every layer divides "
             "exactly:", f"  {render_ranges(result.exact)}"]
    if result.rounded:
        lines += ["fit apart from unread padding or ceil_mode rounding (notes only):",
                  f"  {render_ranges(result.rounded)}"]
    for n in why or []:
        if not min <= n <= max:
            lines.append(f"{n}: outside --min/--max")
            continue
        check = result.check(n)
        if check.fit is Fit.EXACT:
            lines.append(f"{n} fits exactly.")
        else:
            below, above = result.nearest(n)
            near = " or ".join(str(x) for x in (below, above) if x is not None) or "none"
            lines.append(f"{n} does not fit (nearest that do: {near}):")
            if check.problem is not None:
                lines.append(text.diagnostic(check.problem, result.source))
    sys.stdout.write("\n".join(lines) + "\n")
    raise typer.Exit(0 if result.exact else 1)


class ExportFormat(str, Enum):
    pytorch = "pytorch"
    mermaid = "mermaid"
    dot = "dot"


@app.command()
def export(
    file: Annotated[str, typer.Argument(help="architecture YAML file, or - for stdin")],
    to: Annotated[ExportFormat, typer.Option(
        "--to", "-t", help="pytorch (an nn.Module file), mermaid (renders on GitHub) or dot")
    ] = ExportFormat.pytorch,
    input: Annotated[str | None, typer.Option(
        "--input", "-i", help="override the input shape, e.g. 3x512x512")] = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="write to this file instead of standard output")] = None,
) -> None:
    """Write the network as a PyTorch module, or draw it (Mermaid, Graphviz dot).

    Example: cnncalc export architectures/resnet18.yaml --to pytorch -o resnet18.py
    """
    from .analysis import analyze
    from .diagnostics import Severity
    from .export import ExportError
    from .export import export as run_export
    from .render import text

    shape = parse_shape(input) if input else None
    analysis = analyze(_read(file), shape)  # type: ignore[arg-type]
    problems = [d for d in analysis.diagnostics if d.fatal]
    if problems:
        typer.echo(text.diagnostics(problems, analysis.source), err=True)
        raise typer.Exit(2)
    try:
        code = run_export(analysis, to.value)
    except ExportError as exc:
        errors = [d for d in analysis.diagnostics if d.severity is not Severity.NOTE]
        if errors:
            typer.echo(text.diagnostics(errors, analysis.source), err=True)
        typer.echo(f"cnncalc: {exc}", err=True)
        raise typer.Exit(1) from None
    if output is None:
        sys.stdout.write(code)
    else:
        try:
            Path(output).write_text(code, encoding="utf-8")
        except OSError as exc:
            typer.echo(f"cnncalc: cannot write {output}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
    raise typer.Exit(analysis.exit_code())


@app.command()
def schema() -> None:
    """Print a JSON Schema (draft 2020-12) of the format, generated from the op registry.

    Example: cnncalc schema > cnncalc-v1.schema.json
    """
    from .schema import render

    sys.stdout.write(render())


@app.command()
def ops(
    name: Annotated[str | None, typer.Argument(
        help="one op (or alias) to describe in full")] = None,
) -> None:
    """List the ops: positional argument order, defaults and aliases."""
    from .diagnostics import did_you_mean
    from .ops import lookup, names
    from .render import ops as ops_render

    if name is not None and lookup(name) is None:
        hint = did_you_mean(name, names())
        typer.echo(f"cnncalc: unknown op '{name}'" + (f"; {hint}" if hint else ""), err=True)
        raise typer.Exit(2)
    sys.stdout.write(ops_render.render(name))


@app.command()
def zoo() -> None:
    """List the networks that ship with cnncalc, their totals and what each mirrors.

    A name stands for its file in every command: cnncalc show resnet50
    """
    from . import zoo as shipped
    from .render import zoo as listing

    sys.stdout.write(listing.render(shipped.entries()))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cnncalc {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="print the version")] = False,
    traceback: Annotated[bool, typer.Option(
        "--traceback", help="on an internal error, show the Python traceback")] = False,
) -> None:
    """Exact CNN shapes, parameters and MACs from a YAML description, as PyTorch builds them."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; an unexpected exception is reported as a bug (exit 3)."""
    args = sys.argv[1:] if argv is None else argv
    # started with a standard stream closed (`<&-`, `2>&-`): Python leaves it None
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - nowhere to report: discard
    if sys.stdin is None:
        sys.stdin = io.TextIOWrapper(io.BytesIO())  # `-` reads nothing: an empty file
    if sys.stdout is None:
        return _cannot_write("standard output is closed")
    try:
        app(args=args, prog_name="cnncalc", standalone_mode=True)
    except SystemExit as exc:
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
    if "--traceback" in args:
        raise exc
    inputs = [a for a in args if a == "-" or not a.startswith("-")]
    sys.stderr.write(
        f"cnncalc: internal error: {type(exc).__name__}: {exc}\n"
        f"This is a bug in cnncalc {__version__} (input: {' '.join(inputs) or '-'}).\n"
        "Please report it with the input file; run with --traceback for details.\n")
    return EXIT_BUG


def run() -> None:
    """Console-script entry point."""
    # A short-lived process: the cyclic collector would only rescan the growing graph, again and
    # again (a third of the time at 10^4 layers); cnncalc makes few reference cycles.
    gc.disable()
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
