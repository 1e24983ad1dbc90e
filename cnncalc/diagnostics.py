"""Diagnostics as data: every problem cnncalc finds, with a stable code, a span and a hint."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from .frozen import frozen
from .source import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@frozen
class Code:
    """One entry of the codes table: what the code means and how it is usually fixed."""

    code: str
    severity: Severity
    title: str
    fix: str
    fatal: bool = False  # the file could not be read or parsed at all (exit status 2)


_E, _W, _N = Severity.ERROR, Severity.WARNING, Severity.NOTE

CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # E0xx: the file could not be read or parsed (all but E005 are fatal: nothing else is
        # checked).
        Code("E001", _E, "file cannot be read", "check the path and permissions", fatal=True),
        Code("E002", _E, "not valid UTF-8 text", "save the file as UTF-8", fatal=True),
        Code("E003", _E, "YAML syntax error", "fix the YAML at the position shown", fatal=True),
        Code("E004", _E, "empty file or not a mapping", "start from `input:` and `layers:`",
             fatal=True),
        Code("E005", _E, "duplicate key", "remove or rename one of the two keys"),
        Code("E006", _E, "input too large or too deeply nested",
             "simplify the YAML (anchors, nesting)", fatal=True),
        Code("E007", _E, "file too large", "give the architecture file, or raise --max-bytes",
             fatal=True),
        # E1xx: the file is YAML but not a valid architecture.
        Code("E101", _E, "unknown top-level key", "use one of the documented keys"),
        Code("E102", _E, "missing required key", "add the key (`input` and `layers` are required)"),
        Code("E103", _E, "wrong type", "write the value in the type the key takes"),
        Code("E104", _E, "unknown op or block", "check the spelling or define the block"),
        Code("E105", _E, "unknown argument", "check the spelling against `cnncalc ops`"),
        Code("E106", _E, "too many positional arguments", "pass the extra values by name"),
        Code("E107", _E, "missing required argument", "give the argument a value"),
        Code("E108", _E, "invalid value", "use a value in the allowed range"),
        Code("E109", _E, "unknown id", "refer to an id defined earlier in the same scope"),
        Code("E110", _E, "duplicate id", "give each layer in a scope its own id"),
        Code("E111", _E, "recursive block", "blocks may not call themselves"),
        Code("E112", _E, "bad expression", "fix the `$(...)` expression"),
        Code("E113", _E, "unknown block parameter", "use one of the block's `params`"),
        Code("E114", _E, "malformed layer", "write one op key per layer, plus meta keys"),
        Code("E115", _E, "unsupported format version", "write `cnncalc: 1.1`"),
        Code("E116", _E, "network too large", "lower `repeat`, or raise --max-layers"),
        Code("E117", _E, "unknown parameter reference", "use one of the block's `params`"),
        Code("E118", _E, "number too large", "sizes and integers are int64 in PyTorch: keep them "
             "below 2^63"),
        Code("E119", _E, "nested too deeply", "flatten the value or the chain of block calls"),
        # format 1.1: local names, file parameters, included files
        Code("E120", _E, "a `let` name shadows a parameter",
             "rename the `let` name: a parameter of the same scope already has it"),
        Code("E121", _E, "unknown file parameter set",
             "set one of the file's `params` (--set name=value)"),
        Code("E122", _E, "file parameter not set",
             "give the parameter a default in `params:`, or set it with --set name=value"),
        Code("E123", _E, "bad file parameter value",
             "set a number, a boolean or a short text"),
        Code("E124", _E, "included file cannot be read",
             "check the path: it is relative to the including file"),
        Code("E125", _E, "files include each other", "remove one `include` of the cycle"),
        Code("E126", _E, "block defined twice", "rename one of the two blocks"),
        Code("E140", _E, "a layer with several results named without an index",
             "name one result: id[0], id[1], ... (or id[*] in a merge's input list)"),
        Code("E141", _E, "result index out of range", "use an index below the count of results"),
        Code("E142", _E, "id[*] outside a merge's input list",
             "name one result, or list them all in add, mul or concat"),
        Code("E143", _E, "a split op repeated", "split once; repeat the layers that read it"),
        # E18x: the network is fine, but a picture of it at this --depth is too large to draw
        # (`export --to mermaid|svg`): a problem of the command, not of the file.
        Code("E180", _E, "Mermaid diagram too large", "draw it with a smaller --depth (the "
             "hint names the deepest that fits), or with --to dot or --to svg"),
        Code("E181", _E, "volume diagram too large", "draw it with a smaller --depth (the hint "
             "names the deepest that fits)"),
        # E2xx: the architecture is well formed but cannot be built.
        Code("E201", _E, "wrong input rank", "use an op for the input's dimensionality"),
        Code("E202", _E, "output size not positive", "shrink the kernel or add padding"),
        Code("E203", _E, "channels not divisible by groups", "make channels a multiple of groups"),
        Code("E204", _E, "merge shapes do not match", "make the merged shapes agree"),
        Code("E205", _E, "linear on a spatial input", "add flatten (or global pooling) before it"),
        Code("E206", _E, "pooling padding over half the kernel", "use padding <= kernel_size // 2"),
        Code("E207", _E, "'same' padding with stride > 1", "use an explicit padding"),
        Code("E208", _E, "output_padding too large",
             "keep output_padding below stride or dilation"),
        Code("E209", _E, "argument does not fit the input", "match the argument to the input"),
        Code("E210", _E, "output too large", "a tensor's sizes must stay below 2^63 elements"),
        Code("E211", _E, "one value per normalisation statistic",
             "analyse with a larger batch, or normalise before the size drops to 1"),
        Code("E220", _E, "sizes do not hold the elements",
             "make the sizes multiply to the element count (one may be -1)"),
        Code("E221", _E, "more than one -1 in a shape", "give every size but one"),
        Code("E222", _E, "too many outputs", "split into fewer, larger pieces"),
        Code("E160", _E, "expected figure not understood",
             "write it as cnncalc prints it: 96x55x55, 34944, \"34,944\", \"61.1M\", "
             "\"1.1 MiB\""),
        # E3xx: expectations written in the file do not hold.
        Code("E301", _E, "expectation failed", "fix the layer, or the expected value"),
        Code("E302", _E, "budget exceeded", "shrink the network, or raise the budget"),
        # E4xx: an Ultralytics YOLO config cannot be read (cnncalc/readers/ultralytics.py).
        Code("E400", _E, "not an Ultralytics config", "give `backbone:` and `head:` as lists "
             "of [from, repeats, module, args] rows"),
        Code("E401", _E, "row not [from, repeats, module, args]",
             "write the row as a list of those four"),
        Code("E402", _E, "row reads the wrong rows", "point `from` at an earlier row of the "
             "right size"),
        Code("E403", _E, "repeats not an integer >= 1", "write a whole number of repeats"),
        Code("E404", _E, "unknown module", "spell the module as Ultralytics names it"),
        Code("E405", _E, "module arguments of the wrong number or type",
             "give the arguments the module's constructor takes"),
        Code("E406", _E, "no such scale", "pick one of the config's `scales:` with --scale"),
        Code("E407", _E, "module cnncalc does not read",
             "nothing in the config: cnncalc reads CNN modules only (docs/yolo.md)"),
        Code("E408", _E, "unknown activation", "use an activation cnncalc has an op for"),
        Code("E409", _E, "--set of something a YOLO config has not",
             "set only nc (the class count); pick the scale with --scale"),
        # E41x: `cnncalc convert` (cnncalc/commands/convert.py)
        Code("E410", _E, "already a native cnncalc file",
             "nothing to convert: analyse the file as it is"),
        # E411-E419: the Ultralytics reader's again
        Code("E411", _E, "cnncalc's own key in a YOLO config",
             "remove it, or convert the config and edit the cnncalc file"),
        Code("E412", _E, "a YOLO config's input that is not an image [C, H, W]",
             "give channels, height and width: --input 3x640x640"),
        # W1xx: it builds, but probably not as meant.
        Code("W101", _W, "input rows or columns never read",
             "change padding, stride or input size so the windows fit"),
        Code("W130", _W, "input looks like height x width x channels",
             "write the channels first (3x32x32), or read shapes as H×W×C: --layout hwc, or "
             "`layout: hwc` in the file"),
        Code("W131", _W, "a bare image size given to a 2-D-minded op",
             "add the channel count in front (1x7x7 for one channel): [N, N] is read as N "
             "channels of length N"),
        # W4xx: a YOLO config builds, but not as Ultralytics would run it.
        Code("W420", _W, "imgsz not a multiple of the config's grid",
             "use a multiple of the largest stride (of 32 at least): Ultralytics rounds imgsz "
             "up to one"),
        Code("W421", _W, "`channels:` in a config Ultralytics builds without reading it",
             "give the input's channels with --input (1x640x640); Ultralytics takes a "
             "detection model's channels from the dataset"),
        # N1xx: worth knowing, nothing to fix.
        Code("N101", _N, "fractional size, no input lost to it",
             "nothing: what the floor drops is padding, or a gap the stride skips anyway"),
        Code("N102", _N, "fractional size rounded up by ceil_mode", "nothing: PyTorch rounds up"),
        Code("N103", _N, "merged receptive fields not aligned",
             "nothing, if intended: the paths see differently placed input windows"),
        Code("N104", _N, "expectations not checked for another input",
             "analyse the file with its own input to check them"),
        Code("N105", _N, "file skipped by `check`",
             "nothing, if it is not an architecture; otherwise see the note"),
        Code("N110", _N, "expectations not checked for other file parameters",
             "write the figures as $(...) of the parameters to check them for every member"),
        Code("N111", _N, "a block library",
             "nothing: its blocks are checked where a file includes and calls them"),
    ]
}


# problems with an answer sheet (`expect:`), not with the network: no number is missing
ANSWER_CODES = frozenset({"E160", "E301"})


@frozen
class Diagnostic:
    """One problem: code, severity, message, where it is, and how to fix it when known."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    path: str | None = None  # the layer path in reports, when the problem belongs to a layer

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def fatal(self) -> bool:
        return CODES[self.code].fatal


class FatalError(Exception):
    """The input cannot be read or parsed; carries the diagnostic to report (exit status 2)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A "did you mean 'x'?" hint for a misspelled name, or None when nothing is close."""
    import difflib  # only a file with a mistake needs it

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def exit_code(diagnostics: Iterable[Diagnostic], strict: bool = False) -> int:
    """The exit status a file's diagnostics call for (the one rule for `show`, `check` and
    every command): 2 unreadable (a fatal one), 1 architecture errors (or warnings, when
    strict), else 0."""
    code = 0
    for d in diagnostics:
        if d.fatal:
            return 2
        if d.severity is Severity.ERROR or (strict and d.severity is Severity.WARNING):
            code = 1
    return code
