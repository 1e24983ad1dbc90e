"""The command line: a thin layer over `cnncalc.analyze` and the renderers.

Exit codes: 0 fine (warnings allowed), 1 the architecture has errors or failed expectations
(or warnings with --strict), 2 the input could not be read or parsed, or the command line is
wrong, 3 a bug in cnncalc (an unexpected exception; --traceback shows it).
"""

from __future__ import annotations

import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .expand import DEFAULT_MAX_LAYERS

EXIT_BUG = 3

app = typer.Typer(
    name="cnncalc", add_completion=False, no_args_is_help=True, rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Exact CNN shapes, parameters and MACs from a YAML description, as PyTorch builds "
         "them.",
)


class Format(str, Enum):
    table = "table"
    json = "json"


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


def _read(file: str) -> object:
    """A path, or `-` for standard input (read as bytes, decoded like a file)."""
    from .analysis import decode

    if file == "-":
        return decode("<stdin>", sys.stdin.buffer.read())
    return Path(file)


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
    """Show every layer's output shape, parameters and MACs, the totals and any problems."""
    from .analysis import analyze
    from .diagnostics import FatalError

    shape = parse_shape(input, layout.value) if input else None
    shown = parse_columns(columns)
    try:
        source = _read(file)
    except FatalError as exc:
        from .render import text

        typer.echo(text.diagnostic(exc.diagnostic, None), err=True)
        raise typer.Exit(2) from None
    analysis = analyze(source, shape, batch=batch,  # type: ignore[arg-type]
                       dtype=dtype.value if dtype else None, count=count.value,
                       optimizer=optimizer.value, max_layers=max_layers)
    if format is Format.json:
        from .render import json

        sys.stdout.write(json.render(analysis))
    else:
        from .render import table

        sys.stdout.write(table.render(analysis, layout=layout.value, depth=depth,
                                      color=_color(sys.stdout), width=_width(), columns=shown,
                                      share=share.value if share else None))
    raise typer.Exit(analysis.exit_code(strict))


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
    try:
        app(args=args, prog_name="cnncalc", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        sys.stderr.write("cnncalc: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: no traceback for users
        if "--traceback" in args:
            raise
        inputs = [a for a in args if not a.startswith("-")]
        sys.stderr.write(
            f"cnncalc: internal error: {type(exc).__name__}: {exc}\n"
            f"This is a bug in cnncalc {__version__} (input: {' '.join(inputs) or '-'}).\n"
            "Please report it with the input file; run with --traceback for details.\n")
        return EXIT_BUG
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
