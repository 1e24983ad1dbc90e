"""`cnncalc check`: many files against errors, `expect:` answers and budgets, each file's part
of the report written as soon as it is checked."""

from __future__ import annotations

import gc
import os
import sys

from ..check import Budgets, check_file, collect
from ..render import registry
from ..render.console import use_color
from .common import amount, parse_scale, parse_sets, path, say, write
from .common import max_bytes as read_max_bytes


def run(*, paths: list[str], strict: bool, format: str, max_params: str | None,
        max_macs: str | None, max_memory: str | None, min_rf: int | None, notes: bool,
        answers: bool | None, quiet: bool, max_layers: int, max_bytes: str | None,
        color: str, set_: list[str] | None, scale: str | None) -> int:
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
    for found in collected.files:
        result = check_file(found, budgets, stdin=sys.stdin.buffer if found.path == "-" else None,
                            max_layers=max_layers, max_bytes=limit, params=sets,
                            scale=scaled)
        # each file's part as soon as it is done (a CI log shows progress), and nothing of
        # the file kept after it: memory stays flat over any number of files
        write(report.file(result), painted, guarded=guarded)
        sys.stdout.flush()
        del result
        # the collector runs rarely (cli.run): free this file's reference cycles now, so
        # memory stays flat. Only objects made since the last file are young: this stays
        # linear.
        gc.collect(0)
    write(report.tail(), guarded=guarded)
    exit_code: int = report.exit_code
    return exit_code if collected.files or collected.missing else 2
