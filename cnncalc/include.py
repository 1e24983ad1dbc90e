"""`include:` (format 1.1): reading the files whose blocks a file uses, each once per run.

A file names others relative to itself; each is read with the same bounds as the file itself
(the E007 size limit, UTF-8, YAML 1.2) and parsed once: the parsed tree is kept, keyed by the
file's real path and its size and modification time, so `cnncalc check` over a directory whose
networks share a block library reads the library once, and `cnncalc sizes`, which declares the
file again for every size, reads it once too. The cache holds at most MAX_CACHED files.
"""

from __future__ import annotations

import os
import stat

from .diagnostics import Diagnostic, FatalError
from .frozen import frozen
from .limits import DEFAULT_MAX_BYTES
from .loader import YNode, load
from .source import Source

MAX_CACHED = 256  # parsed files kept for the run (a library is kilobytes)


@frozen
class Origin:
    """Where a file came from, for the paths it includes: `path` to read beside (None: the
    working directory, for standard input and text), `shown` to name them by."""

    path: str | None = None
    shown: str = ""
    max_bytes: int = DEFAULT_MAX_BYTES


@frozen
class Included:
    """A file read for its blocks: its text and tree, or why it could not be read."""

    source: Source
    root: YNode | None
    problem: Diagnostic | None  # unreadable, not UTF-8, too large, not YAML


_cache: dict[tuple[str, int, int, int], Included] = {}
reads = [0]  # files read and parsed in this process (tests count them)


def beside(origin: Origin, relative: str) -> tuple[str, str]:
    """The path to read for `relative` written in `origin`'s file, and the name to show."""
    folder = os.path.dirname(origin.path) if origin.path else ""
    shown_folder = os.path.dirname(origin.shown) if origin.path else ""
    return os.path.join(folder, relative), os.path.normpath(os.path.join(shown_folder, relative))


def identity(path: str) -> str:
    """The file a path leads to (links resolved): what a cycle of includes is made of."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return path


def read(path: str, shown: str, max_bytes: int) -> Included:
    """The file at `path` read and parsed, from the cache when it has not changed."""
    from .analysis import decode, read_bytes

    try:
        st = os.stat(path)
        key = (identity(path), st.st_mtime_ns, st.st_size, max_bytes)
    except (OSError, ValueError):
        key = None
    else:
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            # a FIFO or a device could block the run or never end: a library is a file
            return Included(Source(shown, ""), None, Diagnostic(
                "E001", "not a regular file (a FIFO, a device or a socket)", None,
                "include block libraries saved as files"))
    if key is not None and key in _cache:
        found = _cache[key]
        return found if found.source.name == shown else Included(
            Source(shown, found.source.text), *_reload(shown, found))
    reads[0] += 1
    try:
        source = decode(shown, read_bytes(path, max_bytes), max_bytes)
        root, _ = load(source)  # duplicate keys and the like: the file checked on its own says
        included = Included(source, root, None)
    except FatalError as exc:
        included = Included(Source(shown, ""), None, exc.diagnostic)
    if key is not None:
        if len(_cache) >= MAX_CACHED:
            _cache.clear()
        _cache[key] = included
    return included


def _reload(shown: str, found: Included) -> tuple[YNode | None, Diagnostic | None]:
    """A cached file reached by another name: its spans must name the file as written here
    (parsing again costs what the first read did, and happens only for a second name)."""
    if found.root is None:
        return None, found.problem
    try:
        root, _ = load(Source(shown, found.source.text))
    except FatalError as exc:
        return None, exc.diagnostic
    return root, None
