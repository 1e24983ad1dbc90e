"""The zoo: the architectures that ship with cnncalc, found by name (`cnncalc show resnet50`).

The repository keeps them in architectures/ at its top; the wheel carries that folder as the
data package `cnncalc.architectures` (pyproject.toml maps it). An editable install or a source
checkout has no such folder inside the package, so there the one beside it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Shape

_PACKAGE = Path(__file__).resolve().parent


def directory() -> Path | None:
    """Where the zoo's files are: inside the installed package, else in the source tree."""
    if (_PACKAGE / "architectures").is_dir():
        return _PACKAGE / "architectures"
    tree = _PACKAGE.parent  # a checkout or an editable install: the repository's own folder
    if (tree / "pyproject.toml").is_file() and (tree / "architectures").is_dir():
        return tree / "architectures"
    return None


def names() -> list[str]:
    """The zoo's model names (file names without .yaml), sorted."""
    folder = directory()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder else []


def find(name: str) -> Path | None:
    """The zoo file called `name` (`resnet50` or `resnet50.yaml`), or None."""
    stem = name[:-5] if name.endswith(".yaml") else name
    folder = directory()
    if folder is None or stem not in names():  # only the listed names: never a path in disguise
        return None
    return folder / f"{stem}.yaml"


def missing_hint(name: str) -> str:
    """The hint for a file that does not exist: a did-you-mean when a bare name is close to
    a zoo model's (the command line reads `resnet50` as the zoo's file)."""
    from .diagnostics import did_you_mean

    close = None
    if Path(name).name == name:  # a bare name, not a path into a folder
        close = did_you_mean(name.removesuffix(".yaml"), names())
    return f"check the path, or a zoo model's name: {close}" if close else "check the path"


def mirrors(text: str) -> str:
    """What a zoo file mirrors: the first clause of the comment at its top."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    comment = " ".join(lines)
    depth = 0
    for i, char in enumerate(comment):  # the first ':', ';', '. ' or ' -- ' outside brackets
        depth += (char in "([") - (char in ")]")
        if depth == 0 and (char in ":;" or comment.startswith((". ", " -- "), i)):
            return comment[:i]
    return comment.rstrip(".")


@dataclass(frozen=True)
class Entry:
    name: str
    mirrors: str
    input: Shape | None  # None: the file gives no network
    output: Shape | None
    params: int
    macs: int


def entries() -> list[Entry]:
    """Every zoo model with its totals, as cnncalc computes them (not read from `expect:`)."""
    from .analysis import analyze

    result = []
    folder = directory()
    for name in names():
        assert folder is not None
        path = folder / f"{name}.yaml"
        a = analyze(path)
        result.append(Entry(name, mirrors(a.source.text), a.input, a.output_shape,
                            a.totals.params, a.totals.macs))
    return result
