"""`cnncalc check`: many files against errors, `expect:` answers and budgets, each file's part
of the report written as soon as it is checked."""

from __future__ import annotations

import gc
import os
import re
import sys
from pathlib import Path

import typer

from ..check import EVERY_SCALE, Budgets, FileResult, check_scales, collect
from ..render import registry
from ..render.console import use_color
from ..render.safe import clean
from ..replay import Shared
from .common import amount, parse_scale, parse_sets, path, say, write
from .common import max_bytes as read_max_bytes


def run(*, paths: list[str], strict: bool, format: str, max_params: str | None,
        max_macs: str | None, max_memory: str | None, min_rf: int | None, notes: bool,
        answers: bool | None, quiet: bool, verbose: bool, max_layers: int, max_bytes: str | None,
        layout: str | None, color: str, set_: list[str] | None, scale: str | None,
        report_dir: str | None = None) -> int:
    sets = parse_sets(set_)
    scales = parse_scales(scale)
    budgets = budgets_of(max_params, max_macs, max_memory, min_rf)
    limit = read_max_bytes(max_bytes)
    chosen = format
    if format == "auto":  # the runner sets GITHUB_ACTIONS=true in every step
        chosen = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    collected = collect([path(p) for p in paths])
    painted = chosen == "text" and use_color(color)
    reporter = registry.CHECK[chosen]
    pages = Pages(report_dir) if report_dir is not None else None
    if pages is not None and not pages.ready():
        return 2
    report = reporter(strict, quiet=quiet, notes=notes, color=painted,
                      answers=answers if answers is not None else len(collected.files) == 1)
    guarded = reporter.guarded
    for missing, why in collected.missing:
        line, to_stdout = report.missing(missing, why)
        if to_stdout:
            write(line, guarded=guarded)
        else:
            say(line.rstrip("\n"))
    write(report.head(), guarded=guarded)
    read_at: set[str | None] = set()  # the scales configs were read at
    # block calls expanded in one file are replayed in the next that has the same blocks (the
    # YOLO configs: replay.Shared)
    shared = Shared()
    for found in collected.files:
        for result in check_scales(found, budgets, scales,
                                   stdin=sys.stdin.buffer if found.path == "-" else None,
                                   max_layers=max_layers, max_bytes=limit, params=sets,
                                   layout=layout, verbose=verbose, shared=shared):
            read_at.add(result.analysis.scale)
            # each file's part as soon as it is done (a CI log shows progress), and nothing
            # of the file kept after it: memory stays flat over any number of files
            write(report.file(result), painted, guarded=guarded)
            if pages is not None and not pages.add(result, strict):
                return 2
            sys.stdout.flush()
            del result
            # the collector runs rarely (cli.run): free this file's reference cycles now,
            # so memory stays flat. Only objects made since the last file are young: this
            # stays linear.
            gc.collect(0)
    write(report.tail(), guarded=guarded)
    if pages is not None and not pages.finish():
        return 2
    exit_code: int = report.exit_code
    unused = sorted(budgets.scales() - read_at)
    if unused:  # a misspelt scale would hold nothing: the gate must not pass because of it
        say(f"cnncalc: a budget names scale{'s' if len(unused) > 1 else ''} "
            f"{', '.join(unused)}, at which no YOLO config was checked (scales are "
            "case-sensitive: n, s, m, l, x in Ultralytics' configs)")
        return 2
    return exit_code if collected.files or collected.missing else 2


def parse_scales(text: str | None) -> tuple[str, ...] | None:
    """check's `--scale`: one scale, several (`n,s`), or `all` (every scale of each config)."""
    if text is None:
        return None
    names = tuple(name.strip() for name in text.split(","))
    checked = tuple(parse_scale(name) or "" for name in names)
    if EVERY_SCALE in checked and len(checked) > 1:
        raise typer.BadParameter(f"{clean(text)[:60]}: `all` already means every scale",
                                 param_hint="--scale")
    return checked


_FIGURES = ("max_params", "max_macs", "max_memory")


def budgets_of(max_params: str | None, max_macs: str | None, max_memory: str | None,
               min_rf: int | None) -> Budgets:
    """The budgets: each of --max-params, --max-macs, --max-memory an amount (`30M`), limits
    by scale (`n=3.5M,s=12M`), or both (`30M,n=3.5M`: the scales named, and the rest)."""
    general: dict[str, int | None] = dict.fromkeys(_FIGURES)
    scaled: list[tuple[str, str, int]] = []
    for figure, given in zip(_FIGURES, (max_params, max_macs, max_memory)):
        option, text = "--" + figure.replace("_", "-"), given or ""
        for part in (text.split(",") if given is not None else []):
            name, equals, value = part.rpartition("=")
            try:
                limit = amount(value.strip())
            except typer.BadParameter as exc:
                raise typer.BadParameter(str(exc), param_hint=option) from None
            assert limit is not None
            if not equals:
                if general[figure] is not None:
                    raise typer.BadParameter(f"{clean(text)[:60]}: two limits for every "
                                             "scale; name the scale of each (n=3.5M)",
                                             param_hint=option)
                general[figure] = limit
                continue
            scale = parse_scale(name.strip()) or ""
            if any(f == figure and at == scale for f, at, _ in scaled):
                raise typer.BadParameter(f"{clean(text)[:60]}: scale {scale} has two limits",
                                         param_hint=option)
            scaled.append((figure, scale, limit))
    return Budgets(general["max_params"], general["max_macs"], general["max_memory"], min_rf,
                   tuple(scaled))


class Pages:
    """`check --report DIR`: each file's HTML report (render/html.py) written as soon as it is
    checked, and an index of them at the end. An unwritable DIR is exit status 2."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self.entries: list[tuple[str, str, int, int, int, int]] = []

    def _fail(self, where: Path, exc: OSError) -> bool:
        say(f"cnncalc: cannot write {clean(str(where))}: {exc.strerror}")
        return False

    def ready(self) -> bool:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return self._fail(self.folder, exc)
        return True

    def add(self, result: FileResult, strict: bool) -> bool:
        from ..render import html
        from ..render.check import shown

        # a name of its own per file, whatever the path: its place, then its safe letters
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(result.path).stem)[:60] or "file"
        name = f"{len(self.entries) + 1:03d}-{stem}.html"
        a = result.analysis
        try:
            (self.folder / name).write_text(html.report(a), encoding="utf-8")
        except OSError as exc:
            return self._fail(self.folder / name, exc)
        errors = sum(1 for d in result.problems if d.severity.value == "error")
        warnings = sum(1 for d in result.problems if d.severity.value == "warning")
        self.entries.append((shown(result), name, a.totals.params, a.totals.macs, errors,
                             warnings))
        return True

    def finish(self) -> bool:
        from ..render import html

        try:
            (self.folder / "index.html").write_text(html.index(self.entries), encoding="utf-8")
        except OSError as exc:
            return self._fail(self.folder / "index.html", exc)
        return True
