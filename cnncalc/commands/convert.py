"""`cnncalc convert`: an Ultralytics YOLO config written as a native cnncalc file (format 1.1)
at one scale, which analyses to the same numbers (render/native.py; docs/yolo.md, "convert").

Exit status: 0 written; 1 the config has errors (the row-located diagnostics `show` gives)
or the file is already a native cnncalc file (E410, an error like any other: the file is not
what the command converts); 2 the file cannot be read, or the output cannot be written.
"""

from __future__ import annotations

from ..analysis import analyze, read_and_load
from ..diagnostics import Diagnostic, Severity
from ..loader import YMap, load
from ..render import text
from ..render.native import convert
from ..source import Span
from .common import deliver, parse_scale, parse_sets, parse_shape, read, say

ALREADY_NATIVE = "E410"


def run(*, file: str, output: str | None, set_: list[str] | None, scale: str | None,
        input: str | None = None) -> int:
    params, wanted = parse_sets(set_), parse_scale(scale)
    shape = parse_shape(input) if input is not None else None
    what = read(file)
    loaded = read_and_load(what, params=params, scale=wanted)
    if any(d.fatal for d in loaded.diagnostics):  # not a YAML file cnncalc can read
        say(text.diagnostics(list(loaded.diagnostics), loaded.source))
        return 2
    if not loaded.reader:  # with or without --scale (which such a file does not take)
        say(text.diagnostics([Diagnostic(
            ALREADY_NATIVE, "this is already a native cnncalc file (it has no `backbone:` "
            "and `head:` rows of an Ultralytics YOLO config): there is nothing to convert",
            Span(loaded.source.name, 1, 1),
            "analyse it as it is: cnncalc show FILE")], loaded.source))
        return 1
    # the config's problems as `show` reports them, in its rows' terms: the reader's, and
    # those found once shapes are known (a Concat of rows of different sizes)
    analysis = analyze(what, shape, params=params, scale=wanted)
    problems = [d for d in analysis.diagnostics if d.severity is not Severity.NOTE]
    if problems:
        say(text.diagnostics(problems, analysis.source))
    doc, config = loaded.root, loaded.config
    if not isinstance(doc, YMap) or config is None or analysis.exit_code() != 0:
        return analysis.exit_code() or 1
    original, _ = load(loaded.source)  # the rows as written, for the comments naming them
    return deliver(convert(doc, config, original, loaded.source.name, shape), output)
