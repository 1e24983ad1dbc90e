"""What the commands share once they run: reading the values typer leaves as text (shapes,
axes, columns, amounts), reading the input (a path, a zoo name or standard input), and
writing: the output in guarded pieces, messages to standard error.

Imported only when a command runs (cnncalc/commands/__init__.py), never by `cnncalc --help`;
what a command needs beyond this is imported by its own module.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer

from ..analysis import Analysis, decode
from ..diagnostics import FatalError, Severity
from ..limits import DEFAULT_MAX_BYTES, MAX_INT
from ..render import registry, text
from ..render.console import reader_gone, width
from ..render.safe import clean, guard
from ..source import Source
from .options import SIZE, quoted


def parse_columns(value: str) -> tuple[str, ...]:
    """`output,params,rf` -> the table's columns, each known and named once."""
    columns = registry.COLUMNS
    names = tuple(c.strip() for c in value.split(",") if c.strip())
    unknown = [clean(c) for c in names if c not in columns]
    if unknown or not names:
        raise typer.BadParameter(f"unknown column {', '.join(unknown) or '(none)'}; choose "
                                 f"from {', '.join(columns)}")
    twice = sorted({c for c in names if names.count(c) > 1}, key=names.index)
    if twice:
        raise typer.BadParameter(f"column {', '.join(twice)} given more than once")
    return names


def parse_shape(value: str, layout: str = "chw") -> tuple[int, ...]:
    """`3x224x224` (or `224x224x3` with layout hwc) -> (3, 224, 224)."""
    parts = re.split(r"[x,×* ]+", value.strip().lower())
    if not 1 <= len(parts) <= 4 or not all(SIZE.match(p) for p in parts):
        raise typer.BadParameter(f"{quoted(value)} is not a shape; write e.g. 3x224x224 "
                                 "(channels first, no batch)")
    # int() refuses over 4,300 digits, and no size has more than 19
    if any(len(p.lstrip("0")) > 19 or int(p) > MAX_INT for p in parts):
        raise typer.BadParameter(f"{quoted(value)} is not a shape: a size is larger than "
                                 "PyTorch's sizes allow (2^63 - 1)")
    dims = tuple(int(p) for p in parts)
    if min(dims) < 1:
        raise typer.BadParameter(f"{quoted(value)} is not a shape: every size must be at "
                                 "least 1")
    if layout == "hwc" and len(dims) > 1:
        dims = dims[-1:] + dims[:-1]
    return dims


def parse_axes(value: str) -> list[str]:
    """`hw` or `h,w` -> ["h", "w"]: spatial axis letters, each once."""
    letters = [c for c in value.lower() if c not in ", "]
    if not letters or any(c not in "dhwl" for c in letters):
        raise typer.BadParameter(f"{quoted(value)} names no axes; write letters among d, h, w "
                                 "(or l for a 1-D input), e.g. --axes h")
    if len(set(letters)) != len(letters):
        raise typer.BadParameter(f"{quoted(value)} names an axis twice")
    return letters


def amount(value: str | None) -> int | None:
    """`30M`, `5G`, `2GiB` or `200` -> an integer (check.parse_amount), at most 2^63 - 1."""
    from ..check import parse_amount  # only `check` and --max-bytes read amounts

    if value is None:
        return None
    if len(value) > 40:  # an amount is a few digits and a unit
        raise typer.BadParameter(f"{quoted(value)} is not an amount; write e.g. 30M, 5G, "
                                 "2GiB or 200")
    try:
        result = parse_amount(value)
    except ValueError as exc:
        raise typer.BadParameter(clean(str(exc))) from None
    except OverflowError:  # float('1e400') is inf
        result = MAX_INT + 1
    if result > MAX_INT:
        raise typer.BadParameter(f"{quoted(value)} is more than 2^63 - 1")
    return result


def max_bytes(value: str | None) -> int:
    """`--max-bytes` (an amount: 64MiB, 100k), the default when not given."""
    if value is None:
        return DEFAULT_MAX_BYTES
    limit = amount(value)
    if limit is None or limit < 1:
        raise typer.BadParameter(f"'{value}' is not a size a file can have; give 1 or more",
                                 param_hint="--max-bytes")
    return limit


def deliver(text: str, output: str | None) -> int:
    """`text` to standard output, or to the file `output` (--output): 0, or 2 when that file
    cannot be written (said on standard error)."""
    if output is None:
        write(text)
        return 0
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        say(f"cnncalc: cannot write {clean(output)}: {exc.strerror}")
        return 2
    return 0


def write(chunks: Iterable[str] | str, color: bool = False, guarded: bool = True) -> None:
    """Write a long output as it is made, in pieces of about 64 KiB: never whole in memory (10^5
    layers of JSON), and few system calls even to an unbuffered stdout (PYTHONUNBUFFERED).

    Every piece passes `guard()`, whole lines at a time: whatever a renderer let through, no
    control character (but cnncalc's own colours) and no workflow command reaches the reader.
    JSON is written `guarded=False`: it is safe by construction (json.dumps escapes every
    control and non-ASCII character, render/json.py writes `##[` as `##\\u005b`, and every
    line starts with indentation or a bracket), and guarding 40 MB of it (10^5 layers) would
    cost a fifth of the run. A reader that went away (`| head`) ends the command quietly,
    exit status 0."""
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
                joined = "".join(piece)
                cut = joined.rfind("\n") + 1  # a line is guarded whole: `::` starts one
                if cut:
                    sys.stdout.write(ready(joined[:cut]))
                    piece, size = [joined[cut:]], len(joined) - cut
        sys.stdout.write(ready("".join(piece)))
    except BrokenPipeError:
        reader_gone()
        raise typer.Exit(0) from None


def say(message: str) -> None:
    """A message for standard error: one line per line of `message`, guarded like the output
    (file names and layer paths in it come from the user)."""
    sys.stderr.write(guard(message) + "\n")


def path(file: str) -> str:
    """`file` itself when it exists, else the zoo's file of that name (`resnet50`), else
    `file` (to be reported missing): a path always wins over a zoo name."""
    if file == "-" or os.path.lexists(file):
        return file
    from .. import zoo  # a file that exists, as most are, needs no zoo

    found = zoo.find(file)
    return str(found) if found else file


def parse_sets(texts: list[str] | None) -> dict[str, Any] | None:
    """`--set name=value ...` -> {name: value}, each value read as a YAML scalar."""
    from ..declare import parse_set  # only a command line with --set reads one

    if not texts:
        return None
    sets: dict[str, Any] = {}
    for given in texts:
        try:
            name, value = parse_set(given)
        except ValueError as exc:
            raise typer.BadParameter(clean(str(exc)), param_hint="--set") from None
        if name in sets:
            raise typer.BadParameter(f"{clean(name)} is set twice", param_hint="--set")
        sets[name] = value
    return sets


SCALE = re.compile(r"[A-Za-z0-9_.-]{1,40}\Z")  # Ultralytics' are letters: n, s, m, l, x


def parse_scale(text: str | None) -> str | None:
    """`--scale`: a YOLO config's scale name (its `scales:` keys), refused when it could not
    be one (control characters, a page of text) before any file is read."""
    if text is None:
        return None
    if not SCALE.match(text):
        raise typer.BadParameter(f"{quoted(text)} is not a scale name; write e.g. n, s, m, l "
                                 "or x", param_hint="--scale")
    return text


def read(file: str, limit: int | None = None) -> Path | Source:
    """A path or a zoo name, or `-` for standard input (at most `limit` + 1 bytes read,
    decoded like a file; input that is too large or not UTF-8 text is reported here, exit
    status 2)."""
    if file == "-":
        limit = limit or DEFAULT_MAX_BYTES
        try:
            return decode("<stdin>", sys.stdin.buffer.read(limit + 1), limit)
        except FatalError as exc:
            say(text.diagnostic(exc.diagnostic, None))
            raise typer.Exit(2) from None
    return Path(path(file))


def print_problems(analysis: Analysis, color: bool = False) -> None:
    """Errors and warnings first (they explain missing numbers); notes appear per layer."""
    problems = [d for d in analysis.diagnostics if d.severity is not Severity.NOTE
                and d.code not in ("W101",)]
    if problems:
        write(text.diagnostics(problems, analysis.source, color=color, width=width())
              + "\n\n", color)
