"""One sanitiser for every human-readable output: text that came from a user's file, a file
name or the command line never reaches a terminal or a CI log with a character that the
terminal or the log would act on.

A YAML escape puts any character into a name or a key ("\\e", "\\n", "\\u2028"): printed raw,
ESC sequences rewrite the terminal's title or clear it, and a line break starts a new line
that a CI runner may read as a command (`::error ...`). Every one-line field a renderer prints
goes through `clean()`, which writes such characters as visible escapes instead.
"""

from __future__ import annotations

import re

# C0 controls (newline and tab included: a one-line field must stay one line), DEL, C1
# controls, the Unicode line and paragraph separators, and the bidirectional overrides and
# isolates (they reorder what a reader sees, "Trojan Source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """`text` for a one-line field: every control or invisible-formatting character escaped."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text
