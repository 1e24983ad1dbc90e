"""`cnncalc check`: many files against errors, `expect:` answers and budgets, each file's part
of the report written as soon as it is checked."""

from __future__ import annotations

import gc
import os
import re
import sys
from pathlib import Path

from ..check import Budgets, FileResult, check_file, collect
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
    scaled = parse_scale(scale)
    budgets = Budgets(amount(max_params), amount(max_macs), amount(max_memory), min_rf)
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
    # block calls expanded in one file are replayed in the next that has the same blocks (the
    # YOLO configs: replay.Shared)
    shared = Shared()
    for found in collected.files:
        result = check_file(found, budgets, stdin=sys.stdin.buffer if found.path == "-" else None,
                            max_layers=max_layers, max_bytes=limit, params=sets,
                            layout=layout, verbose=verbose, scale=scaled, shared=shared)
        # each file's part as soon as it is done (a CI log shows progress), and nothing of
        # the file kept after it: memory stays flat over any number of files
        write(report.file(result), painted, guarded=guarded)
        if pages is not None and not pages.add(result, strict):
            return 2
        sys.stdout.flush()
        del result
        # the collector runs rarely (cli.run): free this file's reference cycles now, so
        # memory stays flat. Only objects made since the last file are young: this stays
        # linear.
        gc.collect(0)
    write(report.tail(), guarded=guarded)
    if pages is not None and not pages.finish():
        return 2
    exit_code: int = report.exit_code
    return exit_code if collected.files or collected.missing else 2


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
        self.entries.append((result.path, name, a.totals.params, a.totals.macs, errors,
                             warnings))
        return True

    def finish(self) -> bool:
        from ..render import html

        try:
            (self.folder / "index.html").write_text(html.index(self.entries), encoding="utf-8")
        except OSError as exc:
            return self._fail(self.folder / "index.html", exc)
        return True
