"""One sanitiser for every human-readable output: text that came from a user's file, a file
name or the command line never reaches a terminal or a CI log with a character that the
terminal or the log would act on.

A YAML escape puts any character into a name or a key ("\\e", "\\n", "\\u2028"): printed raw,
ESC sequences rewrite the terminal's title or clear it, and a line break starts a new line
that a CI runner may read as a command (`::error ...`). Every one-line field a renderer prints
goes through `clean()`, which writes such characters as visible escapes instead.

Two printable sequences are workflow commands to a GitHub Actions runner, which reads every
line a job prints: a line that starts with `::` (`::error file=...::`, `::stop-commands::`)
and, anywhere in a line, the legacy `##[command]`. `clean()` escapes a field's leading `::` as
`\\x3a:` and every `##[` as `##\\x5b`, so a name, a key or a file name can never forge one;
`guard()` applies the same rule to whole lines of text output (a wrapped line may start with
any word). Only `check --format github` writes workflow commands, on purpose: it is the one
output a CI job should give a runner (docs/diagnostics.md, Robustness).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# C0 controls (newline and tab included: a one-line field must stay one line), DEL, C1
# controls, the Unicode line and paragraph separators, the bidirectional overrides and
# isolates (they reorder what a reader sees, "Trojan Source") and the byte-order mark; then
# the two workflow-command openings.
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
_UNSAFE = re.compile(f"[{_CONTROL}]|##\\[|^ *::")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escaped(char: str, named: Mapping[str, str]) -> str:
    """One character as a backslash escape: its name in `named` (`\\n`), else its code
    (`\\x1b`, `\\u202e`), as Python and YAML's double-quoted scalars both read it."""
    name = named.get(char)
    if name:
        return name
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) > 1:  # `##[` or a leading `::`: escape the character that makes it a command
        return found[:-1] + "\\x5b" if found.endswith("[") else found[:-2] + "\\x3a:"
    return escaped(found, _NAMED)


def clean(text: str) -> str:
    """`text` for a one-line field: every control or invisible-formatting character escaped,
    and no workflow command (a leading `::`, a `##[`). One regex search when it is clean."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


# whole lines: newline and tab are layout here; an SGR colour sequence is allowed only where
# the caller wrote it (`colour`), and never one a user could have smuggled in as text
_LINE_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_LEADING = re.compile("^[ \t]*::", re.M)
_LINES = re.compile(f"{_LINE_CONTROL.pattern}|##\\[|{_LEADING.pattern}", re.M)
_SGR = re.compile("\x1b\\[[0-9;]*m")


def _escape_line(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) > 1 and found.endswith("::"):  # leading blanks, then `::`
        return found[:-2] + "\\x3a:"
    return _escape(match)


def guard(text: str, colour: bool = False) -> str:
    """Text output ready to write: what `clean()` would escape in a field, escaped, except
    the line breaks and tabs of the layout (and, with `colour`, cnncalc's own SGR colour
    sequences, which `paint` writes after the fields were cleaned). The last line of defence:
    every field should already be clean, so on real output it finds nothing, quickly."""
    # one character-class search, two substring searches: a third of the time of searching
    # for the three patterns at once
    if not (_LINE_CONTROL.search(text) or "##[" in text
            or ("::" in text and _LEADING.search(text))):
        return text
    if colour:
        parts = _SGR.split(text)
        codes = _SGR.findall(text)
        out = [_LINES.sub(_escape_line, parts[0])]
        for code, part in zip(codes, parts[1:]):
            out += [code, _LINES.sub(_escape_line, part)]
        return "".join(out)
    return _LINES.sub(_escape_line, text)


_FIELDS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
                     "|##\\[|^ *::", re.M)


def all_clean(fields: list[str]) -> bool:
    """Whether `clean()` would leave every one of `fields` as it is: one search over them all
    (a table of 10^5 layer names), not one per field."""
    joined = "\n".join(fields)
    return joined.count("\n") == max(len(fields) - 1, 0) and not _FIELDS.search(joined)
