"""Where text output meets a terminal or a log: colour, width and encoding.

- Colour: `--color auto|always|never`; auto follows NO_COLOR, then FORCE_COLOR, then whether
  the stream is a terminal (and not TERM=dumb). `paint()` wraps an already cleaned field in an
  SGR sequence; with colour off it returns the text unchanged, so plain output is the same
  bytes whether or not a renderer asks for colour.
- Width: COLUMNS when set, else the terminal's width, else none (a pipe or a file: lines are
  never wrapped or shortened there). The same in colour and plain.
- Encoding: every character cnncalc writes itself has an ASCII stand-in (`─` -> `-`, `→` ->
  `->`), used when the output's encoding cannot write it (cp1252, ascii, LC_ALL=C); anything
  else that cannot be written is escaped (`\\xe9`), an undecodable file-name byte included.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from typing import IO, Any

# what cnncalc itself writes beyond ASCII, and what stands in for it where it cannot be written
STAND_INS = {
    "─": "-", "—": "-", "–": "-", "−": "-", "·": "*", "×": "x", "→": "->", "←": "<-",
    "✓": "ok", "✗": "x", "…": "...", "Δ": "d", "█": "#", "▏": "|", "▎": "|", "▍": "|",
    "▌": "|", "▋": "|", "▊": "|", "▉": "|", "≤": "<=", "≥": ">=", "²": "^2", "±": "+/-",
}
ERRORS = "cnncalc"


def _stand_in(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for char in exc.object[exc.start:exc.end]:
        code = ord(char)
        if char in STAND_INS:
            out.append(STAND_INS[char])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that was not UTF-8
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                       else f"\\U{code:08x}")
    return "".join(out), exc.end


codecs.register_error(ERRORS, _stand_in)


def writable(stream: IO[str] | None) -> None:
    """Let `stream` write any text: what its encoding cannot hold gets a stand-in."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        # a stream that is not a text wrapper over bytes keeps its own rules
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors=ERRORS)


COLORS = ("auto", "always", "never")  # --color


def use_color(choice: str = "auto", stream: Any = None) -> bool:
    """Whether to colour `stream` (default stdout) for `--color choice`."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream or sys.stdout, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def width(stream: Any = None) -> int | None:
    """The columns to fit: COLUMNS when set, else the terminal's; None for a pipe or a file."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isascii() and columns.isdigit() and 0 < int(columns) < 100_000:
        return int(columns)
    try:
        fileno = (stream or sys.stdout).fileno()
        return os.get_terminal_size(fileno).columns if os.isatty(fileno) else None
    except (OSError, ValueError, AttributeError):
        return None


# SGR codes by role: severities, diff marks, table header and collapsed rows
STYLES = {"error": "1;31", "warning": "1;33", "note": "1;36", "added": "32", "removed": "31",
          "changed": "33", "header": "1", "dim": "2", "ok": "1;32", "failed": "1;31"}


def paint(text: str, role: str, color: bool) -> str:
    """`text` in the colour of `role` when `color`; `text` itself otherwise."""
    if not color or not text:
        return text
    return f"\x1b[{STYLES[role]}m{text}\x1b[0m"


def reader_gone() -> None:
    """stdout's reader closed the pipe: what it read is what it wanted. Later writes and the
    flush at exit go nowhere."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
