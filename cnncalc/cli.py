"""The command line: each command's options, declared for typer, and the process around them
(standard streams, exit codes, bugs). What a command does is in cnncalc/commands/, one module
each, loaded only when it runs; the options several commands share are declared once, in
commands/options.py.

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
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup

from . import __version__
from .commands import run as run_command
from .commands.options import (
    CheckFormat,
    Color,
    ColorOption,
    Count,
    DiffFormat,
    Direction,
    DType,
    ExportFormat,
    FileArgument,
    Format,
    GroupBy,
    InputOption,
    LayoutOption,
    MaxBytesOption,
    MaxLayersOption,
    Optimizer,
    ScaleOption,
    ScalesOption,
    SetOption,
    Share,
    parse_count,
)
from .limits import DEFAULT_MAX_LAYERS
from .render.console import reader_gone, writable

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


@app.command()
def show(
    file: FileArgument,
    input: InputOption = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="output format")] = Format.table,
    layout: LayoutOption = None,
    depth: Annotated[int | None, typer.Option(
        metavar="N", parser=parse_count,
        help="collapse blocks and repeats below this many path levels")
    ] = None,
    columns: Annotated[str, typer.Option(
        metavar="NAME,...",
        help="table columns, comma-separated: output, params, macs, memory, values (memory "
             "in elements, as the CS231n notes count it), rf (receptive field)")
    ] = "output,params,macs,memory",
    share: Annotated[Share | None, typer.Option(
        help="add a bar of each row's share of params, macs or memory")] = None,
    group_by: Annotated[GroupBy | None, typer.Option(
        "--group-by", help="instead of the layers, their sums by op (conv, linear, ...) with "
                           "each one's share, and the depth (table or json)")] = None,
    batch: Annotated[int | None, typer.Option(
        metavar="N", parser=parse_count,
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
    max_layers: MaxLayersOption = DEFAULT_MAX_LAYERS,
    max_bytes: MaxBytesOption = None,
    notes: Annotated[bool, typer.Option(
        "--notes", help="every note on its own line (by default a note that several layers "
                        "share is one line, naming them)")] = False,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
    scale: ScaleOption = None,
) -> None:
    """Show every layer's output shape, parameters, MACs and memory, the totals and problems.

    Example: cnncalc show architectures/alexnet.yaml --layout hwc --columns output,params,rf
    """
    run_command("show", locals())


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
        metavar="N", help="fail above this many parameters, e.g. 30M; by YOLO scale: "
        "n=3.5M,s=12M")] = None,
    max_macs: Annotated[str | None, typer.Option(
        metavar="N", help="fail above this many MACs, e.g. 5G (or n=9G,s=30G)")] = None,
    max_memory: Annotated[str | None, typer.Option(
        metavar="SIZE", help="fail above this peak inference memory, e.g. 2GiB (or by "
        "scale)")] = None,
    min_rf: Annotated[int | None, typer.Option(
        metavar="N", parser=parse_count,
        help="fail when the last spatial layer's receptive field is smaller")] = None,
    notes: Annotated[bool, typer.Option(help="list notes too (always counted)")] = False,
    layout: LayoutOption = None,
    answers: Annotated[bool | None, typer.Option(
        help="list every expectation, right ones too (default: when checking one file)")
    ] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="list only the files that fail, and the summary")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="under a wrong answer, every figure of its layers (MACs, "
                                "memory, receptive field), not only the one asked")] = False,
    max_layers: MaxLayersOption = DEFAULT_MAX_LAYERS,
    max_bytes: MaxBytesOption = None,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
    report_dir: Annotated[str | None, typer.Option(
        "--report", metavar="DIR",
        help="also write an HTML report per file, and index.html, into DIR (CI artefacts)")
    ] = None,
    scale: Annotated[str | None, typer.Option(
        "--scale", metavar="SCALE",
        help="a YOLO config's scale (default: the one its file name names, else its first); "
             "several, n,s; or all: each config at every scale it offers")] = None,
) -> None:
    """Check architecture files: errors, `expect:` answers, budgets. For CI and homework.

    Each file's result is printed as soon as it is checked. YAML files that are not cnncalc
    files (no line starts with input:, layers:, blocks: or cnncalc:) are skipped with a note.

    Example: cnncalc check architectures/ --max-params 30M --format github

    Example: cnncalc check yolo/ --scale all --max-params n=3.5M,s=12M,30M
    """
    run_command("check", locals())


@app.command()
def explain(
    file: FileArgument,
    layers: Annotated[list[str] | None, typer.Argument(
        metavar="LAYER...",
        help="layer paths (or a block/repeat prefix such as res3[0]); default: all")] = None,
    input: Annotated[str | None, typer.Option(
        "--input", "-i", metavar="SHAPE", help="override the input shape, e.g. 3x227x227")
    ] = None,
    layout: LayoutOption = None,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
    scale: ScaleOption = None,
) -> None:
    """Show each layer's arithmetic with the numbers put in: sizes, params, MACs, bytes, RF.

    Example: cnncalc explain architectures/alexnet_cs231n.yaml conv1 pool1
    """
    run_command("explain", locals())


@app.command()
def calc(
    op: Annotated[str, typer.Argument(
        metavar="OP", help="an op name, as in the format (conv, maxpool, ...), or a whole "
                           "layer in quotes (\"conv 96 11 4\")")],
    args: Annotated[list[str] | None, typer.Argument(
        metavar="NAME=VALUE...",
        help="arguments as NAME=VALUE (kernel_size=3x5) or by position as in the format "
             "(conv 10 5); another op name, or a quoted layer, chains a layer after it")
    ] = None,
    input: Annotated[str, typer.Option(
        "--input", "-i", metavar="SHAPE", help="input shape, e.g. 3x32x32")] = "3x32x32",
    layout: LayoutOption = None,
    color: ColorOption = Color.auto,
) -> None:
    """One layer, or a few in a chain, no file: output sizes, parameters, MACs and memory,
    explained.

    Example: cnncalc calc conv out_channels=10 kernel_size=5 padding=2 --input 3x32x32

    Example: cnncalc calc "conv 96 11 4" "maxpool 3 2" --input 3x227x227
    """
    run_command("calc", locals())


@app.command()
def diff(
    a: Annotated[str, typer.Argument(metavar="BEFORE", help="the architecture before")],
    b: Annotated[str, typer.Argument(metavar="AFTER", help="the architecture after")],
    format: Annotated[DiffFormat, typer.Option("--format", "-f")] = DiffFormat.text,
    all_layers: Annotated[bool, typer.Option(
        "--all", help="list unchanged layers too")] = False,
    input: Annotated[str | None, typer.Option(
        "--input", "-i", metavar="SHAPE", help="analyze both at this input shape")] = None,
    layout: LayoutOption = None,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
    scale: ScalesOption = None,
) -> None:
    """Per-layer and total differences in shape, params, MACs and memory, for code review.

    Example: cnncalc diff architectures/resnet18.yaml architectures/resnet34.yaml
    """
    run_command("diff", locals())


@app.command()
def sizes(
    file: FileArgument,
    min: Annotated[int, typer.Option(
        "--min", metavar="N", parser=parse_count, help="smallest input size to try")] = 32,
    max: Annotated[int, typer.Option(
        "--max", metavar="N", parser=parse_count, help="largest input size to try")] = 1024,
    axes: Annotated[str | None, typer.Option(
        metavar="AXES",
        help="which spatial axes take the size, e.g. h or w (default: all, a square input)")
    ] = None,
    why: Annotated[list[int] | None, typer.Option(
        "--why", metavar="N", parser=parse_count,
        help="explain why this size does or doesn't fit (repeatable)")
    ] = None,
    color: ColorOption = Color.auto,
    set_: SetOption = None,
    scale: ScaleOption = None,
) -> None:
    """Input sizes for which every layer divides exactly and every merge aligns.

    Example: cnncalc sizes architectures/unet.yaml --min 500 --max 700 --why 573
    """
    run_command("sizes", locals())


@app.command()
def export(
    file: FileArgument,
    to: Annotated[ExportFormat, typer.Option(
        "--to", "-t", help="pytorch (an nn.Module file), mermaid (renders on GitHub), dot or "
        "svg (the volume diagram)")
    ] = ExportFormat.pytorch,
    input: InputOption = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", help="write to this file instead of standard output")
    ] = None,
    set_: SetOption = None,
    depth: Annotated[int | None, typer.Option(
        metavar="N", parser=parse_count,
        help="diagrams: blocks and repeats below N path levels as one node (default 2; "
             "a large N draws every layer)")
    ] = None,
    direction: Annotated[Direction | None, typer.Option(
        help="diagrams: top to bottom (TB) or left to right (LR); default TB for mermaid and "
             "dot, LR for svg")] = None,
    scale: ScaleOption = None,
    layout: LayoutOption = None,
) -> None:
    """Write the network as a PyTorch module, or draw it (Mermaid, Graphviz dot).

    Example: cnncalc export architectures/resnet18.yaml --to pytorch -o resnet18.py
    """
    run_command("export", locals())


@app.command()
def report(
    file: FileArgument,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", help="write to this file instead of standard output")
    ] = None,
    input: InputOption = None,
    set_: SetOption = None,
    scale: ScaleOption = None,
    depth: Annotated[int | None, typer.Option(
        metavar="N", parser=parse_count,
        help="the diagram: blocks and repeats below N path levels as one box (default 2)")
    ] = None,
    layout: LayoutOption = None,
) -> None:
    """Write one self-contained HTML page: the volume diagram, the layer table, the totals,
    the problems with their source lines and the file itself.

    Example: cnncalc report architectures/resnet50.yaml -o resnet50.html
    """
    run_command("report", locals())


@app.command()
def convert(
    file: FileArgument,
    scale: ScaleOption = None,
    set_: SetOption = None,
    input: InputOption = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", help="write to this file instead of standard output")
    ] = None,
) -> None:
    """Write an Ultralytics YOLO config as a native cnncalc file at one scale: its blocks,
    one layer per row, the same numbers.

    The file's input is 3x640x640 (the config's `channels:` first), or --input.

    Example: cnncalc convert architectures/yolo/tinydet.yaml --scale s -o tinydet-s.yaml
    """
    run_command("convert", locals())


@app.command()
def schema() -> None:
    """Print a JSON Schema (draft 2020-12) of the format, generated from the op registry.

    Example: cnncalc schema > cnncalc-v1.schema.json
    """
    run_command("schema", locals())


@app.command()
def ops(
    name: Annotated[str | None, typer.Argument(
        metavar="OP", help="one op (or alias) to describe in full")] = None,
) -> None:
    """List the ops: positional argument order, defaults and aliases."""
    run_command("ops", locals())


@app.command()
def zoo() -> None:
    """List the networks that ship with cnncalc, their totals and what each mirrors.

    A name stands for its file in every command: cnncalc show resnet50
    """
    run_command("zoo", locals())


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
            reader_gone()
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
    from .render.safe import clean  # compiles its patterns on import: only a bug pays for it

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
