"""Reports of `cnncalc check`: text (with the answer sheet), JSON, and GitHub Actions
workflow commands that put each problem on the pull request's line."""

from __future__ import annotations

import json as _json
from typing import Any

from ..check import FileResult
from ..diagnostics import Diagnostic, Severity
from ..explain import explain
from ..passes.expectations import show
from . import json as json_render
from . import text
from .safe import clean


def summary(results: list[FileResult], unreadable: int = 0) -> str:
    """"3 files: 1 error, 1 not found"; `unreadable` counts the paths that matched no file."""
    problems = [d for r in results for d in r.problems]
    n = len(results) + unreadable
    missing = f"{unreadable} not found" if unreadable else ""
    counts = ", ".join(part for part in (text.summary(problems), missing) if part)
    return f"{n} file{'s' if n != 1 else ''}: {counts or 'no problems'}"


def render_text(results: list[FileResult], strict: bool, unreadable: int = 0,
                notes: bool = False, answers: bool | None = None) -> str:
    """Per file: a verdict line, the answer sheet (every expectation for a single file or with
    `answers`; only the wrong ones otherwise), and the problems (notes only if asked)."""
    if answers is None:
        answers = len(results) == 1
    blocks = []
    for r in results:
        a = r.analysis
        t = a.totals
        verdict = {0: "ok", 1: "FAILED", 2: "unreadable"}[r.exit_code(strict)]
        head = f"{clean(r.path)}: {verdict}"
        if a.graph is not None:
            head += f" — {t.params:,} params, {t.macs:,} MACs"
        lines = [head]
        if a.expectations:
            right = sum(v.ok for v in a.expectations)
            lines.append(f"  expectations: {right} of {len(a.expectations)} right")
            wrong = [v.path for v in a.expectations if not v.ok and v.path != "network"]
            # explain() of no paths explains every layer; only wrong answers need it
            explained = {e.layer.path: e.lines for e in explain(a, wrong)} if wrong else {}
            for v in a.expectations:
                where = clean(v.path)
                if v.ok:
                    if answers:
                        lines.append(f"  ✓ {where} {v.key} = {show(v.computed)}")
                    continue
                lines.append(f"  ✗ {clean(str(v.span))}: {where} {v.key}: expected "
                             f"{show(v.expected)}, computed {show(v.computed)}")
                lines += [f"      {clean(line)}" for line in explained.get(v.path, ())]
        others = [d for d in r.problems if (d.code != "E301" or not a.expectations)
                  and (notes or d.severity is not Severity.NOTE)]
        if others:
            lines.append(text.diagnostics(others, a.source))
        blocks.append("\n".join(lines))
    return "\n\n".join([*blocks, summary(results, unreadable)]) + "\n"


def render_json(results: list[FileResult], strict: bool, unreadable: int = 0) -> str:
    files: list[dict[str, Any]] = []
    for r in results:
        a = r.analysis
        files.append({
            "file": r.path,
            "exit_code": r.exit_code(strict),
            "totals": json_render.totals(a.totals) if a.graph is not None else None,
            "expectations": [
                {"path": v.path, "key": v.key, "expected": _plain(v.expected),
                 "computed": _plain(v.computed), "ok": v.ok, "line": v.span.line,
                 "column": v.span.col} for v in a.expectations],
            "diagnostics": [json_render.diagnostic(d, r.path) for d in r.problems],
        })
    return json_render.no_legacy_command(
        _json.dumps({"files": files, "summary": summary(results, unreadable)}, indent=2)) + "\n"


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _escape(value: str, property: bool = False) -> str:
    """GitHub's workflow-command escaping (properties also escape ':' and ',')."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property else value


def github_line(d: Diagnostic, fallback: str) -> str:
    props = [f"file={_escape(clean(d.span.file if d.span else fallback), True)}"]
    if d.span is not None:
        props += [f"line={d.span.line}", f"col={d.span.col}"]
    props.append(f"title={_escape(f'cnncalc {d.code}', True)}")
    message = clean(d.message) + (f" (hint: {clean(d.hint)})" if d.hint else "")
    return f"::{_LEVEL[d.severity]} {','.join(props)}::{_escape(message)}"


def render_github(results: list[FileResult], strict: bool, unreadable: int = 0,
                  notes: bool = False) -> str:
    lines = [github_line(d, r.path) for r in results for d in r.problems
             if notes or d.severity is not Severity.NOTE]
    return "\n".join([*lines, summary(results, unreadable)]) + "\n"
