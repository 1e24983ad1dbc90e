"""The command line's vocabulary, declared once for every command that takes it: the choice
types (made from the registries, never typed twice), the value parsers typer calls while it
reads the command line, and the options and arguments several commands share, as Annotated
aliases (`file: FileArgument`, `color: ColorOption = Color.auto`).

This module is imported with the CLI (`cnncalc --help` reads every command's signature): it
imports nothing but typer and cnncalc's cheapest modules.
"""

# No `from __future__ import annotations`: typer reads the aliases' metadata at run time.
import re
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import typer

from ..format import DTYPES
from ..limits import MAX_INT
from ..render import registry
from ..render.console import COLORS


def _choices(name: str, names: Any) -> Any:
    """An Enum of `names` for a choice option: typer lists them in --help, completes them, and
    refuses any other value (exit 2). The names come from the registries, never typed twice."""
    return Enum(name, [(n, n) for n in names], type=str)


if TYPE_CHECKING:  # made at run time from the registries: to mypy, any value
    Format: TypeAlias = Any
    DiffFormat: TypeAlias = Any
    CheckFormat: TypeAlias = Any
    ExportFormat: TypeAlias = Any
    Layout: TypeAlias = Any
    GroupBy: TypeAlias = Any
    Direction: TypeAlias = Any
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
    GroupBy = _choices("GroupBy", registry.GROUPS)
    Direction = _choices("Direction", registry.DIRECTIONS)
    Share = _choices("Share", registry.SHARES)
    Color = _choices("Color", COLORS)
    DType = _choices("DType", DTYPES)  # the format's own (format.py costs nothing to import)
    # the passes' names (analysis.COUNTS, passes/memory.OPTIMIZER_STATE), written here because
    # importing those modules costs a third of `cnncalc --help`; tests/test_cli_choices.py
    # checks they agree
    Count = _choices("Count", ("torchvision", "all"))
    Optimizer = _choices("Optimizer", ("sgd", "momentum", "adam"))


SIZE = re.compile(r"[0-9]+\Z")  # ASCII digits only: isdigit() also takes '²'


def quoted(text: str) -> str:
    """A command-line value in a message: escaped, and cut when long."""
    # render.safe compiles its patterns on import: only a refused value pays for it here
    from ..render.safe import clean

    return f"'{clean(text)}'" if len(text) <= 40 else (
        f"'{clean(text[:30])}...' ({len(text):,} characters)")


def parse_count(text: str | int) -> int:
    """A count from the command line: a whole number from 1 to 2^63 - 1 (PyTorch's sizes are
    int64), shown in --help as N; a bad one is named, cut when long (click's own message would
    repeat all of a 5,000-digit value)."""
    if isinstance(text, int):  # the default
        return text
    if len(text) > 40 or not SIZE.match(text) or not 1 <= int(text) <= MAX_INT:
        raise typer.BadParameter(f"{quoted(text)} is not a whole number from 1 to 2^63 - 1")
    return int(text)


# ---------------------------------------------------------------- shared by several commands

FileArgument = Annotated[str, typer.Argument(
    metavar="FILE", help="architecture YAML file, or - for stdin")]

InputOption = Annotated[str | None, typer.Option(
    "--input", "-i", metavar="SHAPE", help="override the input shape, e.g. 3x512x512")]

LayoutOption = Annotated[Layout | None, typer.Option(
    help="how shapes are written, read and printed: chw (PyTorch's 96x55x55) or hwc (course "
         "notes' 55x55x96); default: the file's `layout:`, else chw")]

ColorOption = Annotated[Color, typer.Option(
    "--color", help="colour: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it), "
                    "always or never")]

MaxLayersOption = Annotated[int, typer.Option(
    metavar="N", parser=parse_count, help="refuse networks that expand past this many layers")]

MaxBytesOption = Annotated[str | None, typer.Option(
    metavar="SIZE", help="refuse input files larger than this, e.g. 64MiB (default: 16MiB; an "
                         "architecture is kilobytes)")]

SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="NAME=VALUE",
    help="set a file parameter (the file's `params:`), e.g. --set width=0.5; repeatable")]

# diff's: once for both files, twice for BEFORE's and AFTER's (two scales of one config)
ScalesOption = Annotated[list[str] | None, typer.Option(
    "--scale", metavar="SCALE",
    help="an Ultralytics YOLO config's scale, e.g. n, for both files; give it twice for "
         "BEFORE's and AFTER's (diff yolov8.yaml yolov8.yaml --scale n --scale s)")]

ScaleOption = Annotated[str | None, typer.Option(
    "--scale", metavar="SCALE",
    help="an Ultralytics YOLO config's scale, e.g. n (default: the one its file name names, "
         "else its first); --set nc=N sets its class count")]
