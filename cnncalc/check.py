"""`cnncalc check`: many files in one process, against their `expect:` and the command line's
budgets — the CI gate and the homework answer sheet.

Which files: a path names one file (whatever it is: a FIFO, `/dev/stdin`, a link are read as
given); a directory means every *.yaml / *.yml below it; a glob (`m/**/*.yaml`) the files it
matches. Walking a directory or a glob never follows a link that leaves the directory it
started from (the glob's leading part without wildcards), skips hidden names (`.git`,
`.github`) unless the pattern names them, reads only regular files, visits each directory once
(links cannot make a loop) and checks each file once, however many paths lead to it. The walk
keeps its own stack: a tree of any depth.

Which are architectures: a YAML file none of whose lines starts with one of the top-level keys
`input:`, `layers:`, `blocks:` or `cnncalc:` is not a cnncalc file (a GitHub workflow, a
docker-compose file); it is skipped with note N105, so a pre-commit hook over every YAML file
passes an ordinary repository. A file with one of them is an architecture, broken or not;
so is one whose parsed top level has one (`{input: ..., layers: ...}` on one line), since a
skipped file passes whatever its budgets (is_architecture).
"""

from __future__ import annotations

import fnmatch
import io
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, BinaryIO

from . import feedback
from .analysis import Analysis, analyze_source, decode, display_name, read_bytes
from .diagnostics import Diagnostic, FatalError, exit_code
from .frozen import frozen
from .limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_LAYERS
from .replay import Shared
from .source import Source

_SUFFIX = re.compile(r"(?i)\s*([0-9]+(?:\.[0-9]+)?)\s*(k|m|g|t|ki|mi|gi|ti)?(b)?\s*\Z")
_POWERS = {None: 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12,
           "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}


def parse_amount(text: str) -> int:
    """`30M` -> 30,000,000; `2GiB` -> 2,147,483,648; `5G`, `1.5k`, `200`."""
    match = _SUFFIX.match(text)
    if not match:
        raise ValueError(f"'{text}' is not an amount; write e.g. 30M, 5G, 2GiB or 200")
    number, unit = match.group(1), (match.group(2) or "").lower() or None
    value = float(number) * _POWERS[unit]
    return round(value)


@frozen
class Budgets:
    """What `check` holds each config to (`--max-params` and the like); None: no limit.
    `scaled` holds the limits given for one scale of a YOLO config (`--max-params
    n=3.5M,s=12M`) as (figure, scale, limit), figure one of max_params, max_macs, max_memory:
    they replace the general limit for a config read at that scale."""

    max_params: int | None = None
    max_macs: int | None = None
    max_memory: int | None = None  # peak inference memory, bytes
    min_rf: int | None = None  # the final receptive field, on every axis
    scaled: tuple[tuple[str, str, int], ...] = ()

    def at(self, scale: str | None) -> Budgets:
        """The limits for a config read at `scale` (None: a cnncalc file)."""
        chosen = {figure: limit for figure, at, limit in self.scaled if at == scale}
        return Budgets(chosen.get("max_params", self.max_params),
                       chosen.get("max_macs", self.max_macs),
                       chosen.get("max_memory", self.max_memory), self.min_rf)

    def scales(self) -> set[str]:
        """The scales the limits name."""
        return {at for _, at, _ in self.scaled}


@dataclass
class FileResult:
    path: str  # as shown: the path given or found, bytes that are not UTF-8 as \xNN
    analysis: Analysis
    problems: list[Diagnostic] = field(default_factory=list)  # diagnostics plus budgets
    skipped: bool = False  # not checked: the reason is the N105 note in `problems`
    # the feedback under each wrong answer, by (path, figure) (feedback.py): its arithmetic,
    # and the mistake it equals
    explained: dict[tuple[str, str], feedback.Feedback] = field(default_factory=dict)

    def exit_code(self, strict: bool) -> int:
        return exit_code(self.problems, strict)

@frozen
class Found:
    """A file to check, one a walk found and will not read (`skip`: why), or a directory it
    could not list (`error`)."""

    path: str
    skip: str | None = None
    error: str | None = None  # why it cannot be read (a directory that cannot be listed)


@dataclass
class Collected:
    files: list[Found] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (path, what is wrong)


YAML_SUFFIXES = (".yaml", ".yml")


def collect(paths: list[str]) -> Collected:
    """The files named by `paths` (files, directories' *.yaml/*.yml, globs) in order, each real
    file once, and the paths that match nothing (see the module's docstring)."""
    out = Collected()
    seen: set[tuple[int, int] | str] = set()  # files by identity; skipped names by name

    def add(found: list[tuple[Found, os.stat_result | None, bool]]) -> None:
        # the same file reached by several names: keep a name that is not a link (then the
        # first in order), and list what is kept in order of the names
        kept = []
        for item, st, _ in sorted(found, key=lambda f: (f[2], f[0].path)):
            identity = (st.st_dev, st.st_ino) if st is not None else item.path
            if identity in seen:
                continue
            seen.add(identity)
            kept.append(item)
        out.files += sorted(kept, key=lambda f: f.path)

    for path in paths:
        if path == "-":
            if all(f.path != "-" for f in out.files):
                out.files.append(Found("-"))
            continue
        try:
            st = os.stat(path)
        except (OSError, ValueError) as exc:
            if _has_magic(path):
                found = list(_glob(path))
                add(found)
                if not found:
                    out.missing.append((path, "no file matches this pattern"))
            elif isinstance(exc, FileNotFoundError):
                out.missing.append((path, "no such file or directory"))
            else:
                reason = exc.strerror if isinstance(exc, OSError) else None
                out.missing.append((path, f"cannot be read: {reason or exc}"))
            continue
        if stat.S_ISDIR(st.st_mode):
            found = list(_walk(path, ["**", "*"], directory=True))
            add(found)
            if not found:
                out.missing.append((path, "no *.yaml or *.yml file in this directory"))
        else:  # named on the command line: read it, whatever kind of file it is
            add([(Found(path), st, False)])
    return out


def _has_magic(path: str) -> bool:
    return any(c in path for c in "*?[")


def _glob(pattern: str) -> Iterator[tuple[Found, os.stat_result | None, bool]]:
    """The files `pattern` matches: the walk starts at its leading part without wildcards."""
    parts = pattern.split(os.sep)
    fixed = 0
    while fixed < len(parts) - 1 and not _has_magic(parts[fixed]):
        fixed += 1
    base = os.sep.join(parts[:fixed]) or ("" if not pattern.startswith(os.sep) else os.sep)
    rest = [p for p in parts[fixed:] if p]
    if not rest:
        return
    if rest[-1] == "**":  # `m/**`: every file below m
        rest.append("*")
    yield from _walk(base or os.curdir, rest, directory=False, prefix=base)


def _walk(root: str, parts: list[str], *, directory: bool,
          prefix: str | None = None) -> Iterator[tuple[Found, os.stat_result | None, bool]]:
    """Regular files under `root` whose path below it matches `parts` (glob components, `**`
    for any number of directories); with `directory`, any file named *.yaml or *.yml. Each
    comes with its status and whether its name is a link.

    Iterative (a stack, not recursion), each directory entered once per pattern position (its
    device and inode), and links followed only when they stay inside `root`.
    """
    # names as pathlib writes them (`m/x.yaml` for `./m/`, `x.yaml` for `.`)
    shown = prefix if prefix is not None else str(PurePath(root))
    shown = "" if shown == os.curdir else shown
    try:
        inside = os.path.realpath(root)
    except (OSError, ValueError):
        return
    visited: set[tuple[int, int, int]] = set()
    stack: list[tuple[str, str, int]] = [(root, shown, 0)]
    while stack:
        path, name, index = stack.pop()
        try:
            st = os.stat(path)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino, index)
        if key in visited:
            continue
        visited.add(key)
        part = parts[index]
        last = index == len(parts) - 1
        if part == "**":
            stack.append((path, name, index + 1))  # `**` matches no directory too
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError as exc:  # files below it would go unchecked: the run must say so
            yield Found(name or os.curdir, error=f"a directory that cannot be read: "
                        f"{exc.strerror}"), None, False
            continue
        for entry in entries:
            child = os.path.join(name, entry.name) if name else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                wanted = _descends(entry.name, part, last)
            else:
                wanted = _matches(entry.name, part, last, directory)
            if not wanted:
                continue
            if is_link and not _within(entry.path, inside):
                yield Found(child, "skipped: a link out of the directory walked, not followed "
                            "(name its target to check it)"), None, True
                continue
            if is_dir:
                stack.append((entry.path, child, index if part == "**" else index + 1))
                continue
            try:
                file_stat = entry.stat()
            except OSError:  # a dangling link, or a file gone since the listing
                continue
            if stat.S_ISREG(file_stat.st_mode):
                yield Found(child), file_stat, is_link
            else:  # a FIFO would block the walk until someone writes to it; a device, forever
                yield Found(child, "skipped: not a regular file (a FIFO, socket or device), "
                            "not read (name it to read it)"), file_stat, is_link


def _hidden(name: str, part: str) -> bool:
    """A name starting with `.` is left out unless the pattern's part starts with `.` too."""
    return name.startswith(".") and not part.startswith(".")


def _descends(name: str, part: str, last: bool) -> bool:
    """Whether the walk enters the directory `name` at pattern part `part`."""
    if _hidden(name, part):
        return False
    return part == "**" or (not last and fnmatch.fnmatchcase(name, part))


def _matches(name: str, part: str, last: bool, directory: bool) -> bool:
    """Whether the file `name` is what the pattern asks for: files match only its last
    component (a directory walk's is any *.yaml or *.yml)."""
    if not last or _hidden(name, part):
        return False
    return name.endswith(YAML_SUFFIXES) if directory else fnmatch.fnmatchcase(name, part)


def _within(path: str, root: str) -> bool:
    try:
        target = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


# a line that starts with one of the keys only an architecture has at its top level (plain or
# quoted, the key followed by its colon); a byte-order mark may come before the first line
_ARCHITECTURE = re.compile(
    rb"^(?:\xef\xbb\xbf)?[\"']?(?:input|layers|blocks|cnncalc|backbone)[\"']?[ \t]*:"
    rb"(?:[ \t\r\n]|$)",
    re.MULTILINE)


_TOP_KEYS = frozenset({"input", "layers", "blocks", "cnncalc", "backbone"})
# one of those keys anywhere, however written (`{input: ...`, `? input⏎: ...`): only a file
# that has one is parsed, so a data file of megabytes is skipped at once, as by the line test
_KEY_ANYWHERE = re.compile(rb"(?:input|layers|blocks|cnncalc|backbone)[\"']?\s*:")
# a byte-order mark of UTF-16 or UTF-32: text the line test cannot see through its NUL bytes
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def is_architecture(data: bytes) -> bool:
    """Whether a line of `data` starts with `input:`, `layers:`, `blocks:` or `cnncalc:`, or
    `backbone:` (an Ultralytics YOLO config, docs/yolo.md), or, written so that no line does
    (a flow mapping `{input: ..., layers: ...}`, explicit keys `? input`, an indented
    document), its top level has one of those keys: the line test is only the quick way to
    the parser's answer, and a skipped file passes the gate whatever its budgets.
    Text in UTF-16 or UTF-32 is judged by its characters (it then fails as not UTF-8)."""
    if _ARCHITECTURE.search(data) is not None:
        return True
    if data.startswith(_WIDE_BOMS):
        try:
            wide = "utf-32" if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) \
                else "utf-16"
            return is_architecture(data.decode(wide).encode("utf-8"))
        except UnicodeError:
            return False
    return _KEY_ANYWHERE.search(data) is not None and _top_level_has_key(data)


def _top_level_has_key(data: bytes) -> bool:
    """Whether the first YAML document in `data` is a mapping with one of _TOP_KEYS: read
    from the parser's events (memory stays flat however long the file), stopping at the
    first such key."""
    import yaml

    depth, key_next = 0, True  # depth 1: inside the top-level mapping
    try:
        for event in yaml.parse(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if depth == 0 and isinstance(event, yaml.SequenceStartEvent):
                    return False
                depth += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                if depth == 0:
                    return False  # the top-level mapping ended without one
                if depth == 1:  # a collection was a value (or a key): the next is the other
                    key_next = not key_next
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                if depth == 0:
                    return False  # the document is one scalar
                if depth == 1:
                    if key_next and isinstance(event, yaml.ScalarEvent) \
                            and event.value in _TOP_KEYS:
                        return True
                    key_next = not key_next
    except (yaml.YAMLError, RecursionError, UnicodeError):
        return False  # not YAML text: a Helm template, a binary file
    return False


def _scale_shown(scale: str) -> str:
    """A YOLO config's scale for a message: its own `scales:` key, so any text."""
    from .render.safe import clean

    return clean(scale[:40])


def budget_problems(a: Analysis, budgets: Budgets) -> list[Diagnostic]:
    if a.graph is None:
        return []
    where = None  # a budget is about the whole file, not a line of it
    budgets = budgets.at(a.scale)  # a YOLO config's limit may be its scale's
    t = a.totals
    out = []
    for label, value, limit, unit in (
            ("params", t.params, budgets.max_params, ""),
            ("MACs", t.macs, budgets.max_macs, ""),
            ("peak inference memory", t.peak_bytes, budgets.max_memory, " bytes")):
        if limit is not None and value > limit:
            at = f" at scale {_scale_shown(a.scale)}" if a.scale else ""  # a YOLO config's
            out.append(Diagnostic("E302", f"{label} {value:,}{unit}{at} exceed the budget of "
                                  f"{limit:,}{unit} (by {value - limit:,})", where,
                                  "shrink the network, or raise the budget"))
    if budgets.min_rf is not None:
        fields = [layer.receptive_field for layer in a.layers if layer.receptive_field]
        final = min(fields[-1].size) if fields else None
        if final is None or final < budgets.min_rf:
            seen = "no receptive field" if final is None else f"a receptive field of {final}"
            out.append(Diagnostic("E302", f"the last spatial layer has {seen}, below the "
                                  f"minimum of {budgets.min_rf}", where,
                                  "add depth, stride or dilation, or lower --min-rf"))
    return out


def check_file(found: Found | str, budgets: Budgets, *, stdin: BinaryIO | None = None,
               max_layers: int = DEFAULT_MAX_LAYERS,
               max_bytes: int = DEFAULT_MAX_BYTES,
               params: Mapping[str, Any] | None = None, layout: str | None = None,
               verbose: bool = False, scale: str | None = None,
               shared: Shared | None = None) -> FileResult:
    """Check one file (`-`: `stdin`, always taken as an architecture), read at most
    `max_bytes` + 1 bytes of it; `params` sets file parameters (`--set`), `scale` an
    Ultralytics YOLO config's scale; `layout` shows shapes in that order (default: the
    file's); `verbose`: every figure of a layer under its wrong answer, not only the one
    asked. `shared`: the memos of the files checked before in this run (replay.Shared)."""
    if isinstance(found, str):
        found = Found(found)
    path = found.path
    name = "<stdin>" if path == "-" else display_name(path)
    shown = "-" if path == "-" else name
    if found.skip is not None:
        return _skipped(shown, name, found.skip)
    if found.error is not None:
        problem = Diagnostic("E001", found.error)
        return FileResult(shown, _unread(name, problem), [problem])
    try:
        if path == "-":
            if stdin is None:
                raise ValueError("check_file('-') needs the stream to read")
            data = stdin.read(max_bytes + 1)
        else:
            data = read_bytes(path, max_bytes)
            if not is_architecture(data[:max_bytes]):
                return _skipped(shown, name, "skipped: not a cnncalc file (no line starts "
                                "with `input:`, `layers:`, `blocks:` or `cnncalc:`)")
        source = decode(name, data, max_bytes)
    except FatalError as exc:
        return FileResult(shown, _unread(name, exc.diagnostic), [exc.diagnostic])
    a = analyze_source(source, max_layers=max_layers, params=params,
                       path=None if path == "-" else path, max_bytes=max_bytes, layout=layout,
                       scale=scale, shared=shared)
    explained = {(v.path, v.key): feedback.of(a, v, verbose)
                 for v in a.expectations if not v.ok}
    return FileResult(shown, a, [*a.diagnostics, *budget_problems(a, budgets)],
                      explained=explained)


EVERY_SCALE = "all"  # `--scale all`: each YOLO config at every scale it offers


def check_scales(found: Found, budgets: Budgets, scales: tuple[str, ...] | None,
                 **options: Any) -> Iterator[FileResult]:
    """`check_file` of `found` at each of `scales` (None: once, at the scale its name or
    first entry gives, as other commands read it; `("all",)`: a YOLO config at every scale
    it offers, a cnncalc file or a config without `scales:` once). Each result is made when
    asked for: one file's analyses are never all held at once."""
    stdin: BinaryIO | None = options.pop("stdin", None)
    # standard input is read once (as much as check_file would), and each scale reads that
    data = None if stdin is None else stdin.read(options.get("max_bytes", DEFAULT_MAX_BYTES) + 1)

    def at(scale: str | None) -> FileResult:
        again = None if data is None else io.BytesIO(data)
        return check_file(found, budgets, stdin=again, scale=scale, **options)

    if scales is None:
        yield at(None)
    elif scales != (EVERY_SCALE,):
        yield from (at(scale) for scale in scales)
    else:
        first = at(None)
        offered = first.analysis.scales
        yield from (first if scale == first.analysis.scale else at(scale)
                    for scale in offered or [first.analysis.scale])


def _unread(name: str, problem: Diagnostic) -> Analysis:
    return Analysis(os.path.splitext(os.path.basename(name))[0], Source(name, ""),
                    diagnostics=(problem,))


def _skipped(shown: str, name: str, why: str) -> FileResult:
    note = Diagnostic("N105", why)
    return FileResult(shown, _unread(name, note), [note], skipped=True)
