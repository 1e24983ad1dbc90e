"""`cnncalc check`: many files in one process, against their `expect:` and the command line's
budgets — the CI gate and the homework answer sheet."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import Analysis, analyze
from .diagnostics import Diagnostic, Severity
from .frozen import frozen

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
    """What `check` holds each config to (`--max-params` and the like); None: no limit."""

    max_params: int | None = None
    max_macs: int | None = None
    max_memory: int | None = None  # peak inference memory, bytes
    min_rf: int | None = None  # the final receptive field, on every axis


@dataclass
class FileResult:
    path: str
    analysis: Analysis
    problems: list[Diagnostic] = field(default_factory=list)  # diagnostics plus budgets

    def exit_code(self, strict: bool) -> int:
        if any(d.fatal for d in self.problems):
            return 2
        errors = any(d.severity is Severity.ERROR for d in self.problems)
        warnings = any(d.severity is Severity.WARNING for d in self.problems)
        return 1 if errors or (strict and warnings) else 0


def collect(paths: list[str]) -> tuple[list[str], list[str]]:
    """The files named by `paths` (files, directories' *.yaml/*.yml, globs), and the paths that
    match nothing."""
    files: list[str] = []
    missing: list[str] = []
    for path in paths:
        if path == "-" or os.path.isfile(path):
            files.append(path)
        elif os.path.isdir(path):
            found = sorted(str(p) for p in Path(path).rglob("*")
                           if p.suffix in (".yaml", ".yml") and p.is_file())
            files += found
            if not found:
                missing.append(path)
        elif glob.has_magic(path):
            found = sorted(p for p in glob.glob(path, recursive=True) if os.path.isfile(p))
            files += found
            if not found:
                missing.append(path)
        else:
            missing.append(path)
    return list(dict.fromkeys(files)), missing


def budget_problems(a: Analysis, budgets: Budgets) -> list[Diagnostic]:
    if a.graph is None:
        return []
    where = None  # a budget is about the whole file, not a line of it
    t = a.totals
    out = []
    for label, value, limit, unit in (
            ("params", t.params, budgets.max_params, ""),
            ("MACs", t.macs, budgets.max_macs, ""),
            ("peak inference memory", t.peak_bytes, budgets.max_memory, " bytes")):
        if limit is not None and value > limit:
            out.append(Diagnostic("E302", f"{label} {value:,}{unit} exceed the budget of "
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


def check_file(path: str, budgets: Budgets, source: object = None) -> FileResult:
    a = analyze(source if source is not None else path)  # type: ignore[arg-type]
    return FileResult(path, a, [*a.diagnostics, *budget_problems(a, budgets)])
