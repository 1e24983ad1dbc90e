"""Reports of `cnncalc check`: text (with the answer sheet), JSON, and GitHub Actions
workflow commands that put each problem on the pull request's line.

A report is written as the files are checked: `Report.file()` renders one file's part as soon
as that file is done, and keeps only the counts the summary needs, so the output streams and
memory stays flat however many files there are (nothing keeps an analysis past its file).
"""

from __future__ import annotations

from typing import Any

from ..analysis import display_name
from ..check import FileResult
from ..diagnostics import Diagnostic, Severity
from ..figures import show
from ..passes.expectations import Verdict, other_order
from . import json as json_render
from . import text
from .console import paint
from .safe import clean


class Report:
    """One run's report: `head()`, then `file()` for each file checked and `missing()` for
    each path that matched nothing, then `tail()`. A format is a subclass (TextReport,
    JsonReport, GithubReport; render/registry.py names them) that writes `part()`s.

    `quiet`: only the files that fail, and the summary. `notes`: list notes (they are always
    counted). `answers`: list right expectations too (text). `color`: colour the verdicts, the
    right and wrong answers and the severities (text).
    """

    def __init__(self, strict: bool, *, quiet: bool = False, notes: bool = False,
                 answers: bool = False, color: bool = False) -> None:
        self.color = color
        self.strict = strict
        self.quiet = quiet
        self.notes = notes
        self.answers = answers
        self.files = 0
        self.checks = 0  # files, and each further scale of a file checked at several
        self.last: str | None = None  # the path of the last result
        self.skipped = 0
        self.unreadable = 0  # paths that matched no file
        self.counts = dict.fromkeys(Severity, 0)
        self.exit_code = 0

    def head(self) -> str:
        return ""

    def file(self, r: FileResult) -> str:
        """Count `r` into the summary and render its part of the report."""
        code = r.exit_code(self.strict)
        self.checks += 1
        # check_scales gives a file's scales one after another (and `collect` each file
        # once): only its first counts a file
        self.files += r.path != self.last
        self.last = r.path
        self.exit_code = max(self.exit_code, code)
        if r.skipped:
            self.skipped += 1
        else:
            for d in r.problems:
                self.counts[d.severity] += 1
        if self.quiet and code == 0:
            return ""
        return self.part(r, code)

    def part(self, r: FileResult, code: int) -> str:
        raise NotImplementedError

    def missing(self, path: str, why: str) -> tuple[str, bool]:
        """A path that matched no file: the line to write, and whether it goes to standard
        output rather than standard error."""
        self.unreadable += 1
        self.exit_code = 2
        return f"cnncalc: {clean(display_name(path))}: {why}\n", False

    def summary(self) -> str:
        """"3 files: 1 error, 1 not found"; skipped files are counted apart, not as notes."""
        n = self.files + self.unreadable
        parts = [f"{count} {severity.value}{'s' if count != 1 else ''}"
                 for severity, count in self.counts.items() if count]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.unreadable:
            parts.append(f"{self.unreadable} not found")
        files = f"{n} file{'s' if n != 1 else ''}"
        if self.checks > self.files:
            files += f" ({self.checks + self.unreadable} checks: YOLO configs at each scale)"
        return f"{files}: {', '.join(parts) or 'no problems'}"

    def tail(self) -> str:
        return self.summary() + "\n"


class TextReport(Report):
    """Each file's verdict, its answer sheet and its problems, then the summary."""

    def part(self, r: FileResult, code: int) -> str:
        return file_text(r, code, self.notes, self.answers, self.color) + "\n\n"


class JsonReport(Report):
    """One JSON document, `{"files": [...], "summary": ...}`, written a file at a time."""

    listed = 0  # files written into the document so far

    def head(self) -> str:
        return '{\n  "files": ['

    def part(self, r: FileResult, code: int) -> str:
        entry = "    " + json_render.dumps(file_json(r, code), depth=2)
        self.listed += 1
        return ("\n" if self.listed == 1 else ",\n") + entry

    def tail(self) -> str:
        close = "\n  ]" if self.listed else "]"
        summary = json_render.dumps(self.summary())
        return f'{close},\n  "summary": {summary}\n}}\n'


class GithubReport(Report):
    """GitHub Actions workflow commands: an annotation per problem, on its line."""

    def part(self, r: FileResult, code: int) -> str:
        return "".join(line + "\n" for line in github_lines(r, self.notes))

    def missing(self, path: str, why: str) -> tuple[str, bool]:
        super().missing(path, why)
        return f"::error title=cnncalc::{_escape(f'{display_name(path)}: {why}')}\n", True


_VERDICTS = {0: ("ok", "ok"), 1: ("FAILED", "failed"), 2: ("unreadable", "failed")}


def file_text(r: FileResult, code: int, notes: bool = False, answers: bool = False,
              color: bool = False) -> str:
    """A file's verdict line, the answer sheet (every expectation with `answers`; only the
    wrong ones otherwise), and the problems (notes only if asked); with `color`, only SGR
    sequences are added to the same text."""
    a = r.analysis
    t = a.totals
    if r.skipped:
        note = r.problems[0]
        return f"{clean(r.path)}: {note.severity.value}[{note.code}]: {note.message}"
    verdict, role = _VERDICTS[code]
    # a YOLO config is checked at a scale: which one (by default its file name's, else its
    # first) is part of the verdict
    head = f"{clean(shown(r))}: {paint(verdict, role, color)}"
    if a.graph is not None:
        head += f" — {t.params:,} params, {t.macs:,} MACs"
    lines = [head]
    if a.expectations:
        right = sum(v.ok for v in a.expectations)
        lines.append(f"  expectations: {right} of {len(a.expectations)} right")
        for v in a.expectations:
            where = clean(v.path)  # a layer's path holds its ids: any text the file wrote
            if v.ok:
                if answers:
                    lines.append(f"  {paint('✓', 'ok', color)} {where} {v.key} = "
                                 f"{show(v.computed, a.layout)}")
                continue
            lines.append(f"  {paint('✗', 'failed', color)} {clean(str(v.span))}: {where} "
                         f"{v.key}: expected {show(v.expected, a.layout)}, computed "
                         f"{show(v.computed, a.layout)}"
                         + (" (same numbers, other order)" if other_order(v) else ""))
            said = r.explained.get((v.path, v.key))
            lines += [f"      {clean(line)}" for line in (said.lines if said else ())]
    # every problem, wrong answers too: editors and CI read `file:line:col: error[E301]` lines
    others = [d for d in r.problems if notes or d.severity is not Severity.NOTE]
    if others:
        lines.append(text.diagnostics(others, a.source, color=color))
    return "\n".join(lines)


def shown(r: FileResult) -> str:
    """The file as a report names it: a YOLO config with the scale it was read at."""
    scale = r.analysis.scale
    return f"{r.path} (scale {scale})" if scale else r.path


def file_json(r: FileResult, code: int) -> dict[str, Any]:
    a = r.analysis
    return {
        "file": r.path,
        "scale": a.scale or None,
        "exit_code": code,
        "skipped": r.skipped,
        "totals": json_render.totals(a.totals) if a.graph is not None else None,
        "expectations": [
            {"path": v.path, "key": v.key, "expected": _plain(v.expected),
             "computed": _plain(v.computed), "ok": v.ok, "line": v.span.line,
             "column": v.span.col, **_feedback(r, v)} for v in a.expectations],
        "diagnostics": [json_render.diagnostic(d, r.path) for d in r.problems],
    }


def _feedback(r: FileResult, v: Verdict) -> dict[str, Any]:
    """What the text report writes under a wrong answer, as data (keys added after the
    others, on every expectation: a right one has no arithmetic and no mistake): the
    `arithmetic` lines, numbers put in, and the `mistake` the answer equals, by `rule` (a name
    of mistakes.RULES, or "other order" for a shape written in the other order than the
    file's `layout:`, as its E301 says) and in words."""
    said = r.explained.get((v.path, v.key))
    mistake: dict[str, str] | None = None
    if said is not None and said.rule is not None and said.mistake is not None:
        mistake = {"rule": said.rule, "text": said.mistake}
    elif other_order(v):
        graph = r.analysis.graph
        other = "H×W×C" if (graph.layout if graph else r.analysis.layout) == "chw" else "C×H×W"
        mistake = {"rule": "other order", "text": f"the same numbers in the other order ({other})"}
    return {"arithmetic": list(said.arithmetic) if said else [], "mistake": mistake}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _escape(value: str, property: bool = False) -> str:
    """GitHub's workflow-command escaping (properties also escape ':' and ',', so no `::`
    ends them early), then every other control character made visible: a workflow command is
    one line, and the runner acts on nothing inside it."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return clean(value)


def github_line(d: Diagnostic, fallback: str) -> str:
    props = [f"file={_escape(d.span.file if d.span else fallback, True)}"]
    if d.span is not None:
        props += [f"line={d.span.line}", f"col={d.span.col}"]
    props.append(f"title={_escape(f'cnncalc {d.code}', True)}")
    message = clean(d.message) + (f" (hint: {clean(d.hint)})" if d.hint else "")
    return f"::{_LEVEL[d.severity]} {','.join(props)}::{_escape(message)}"


def github_lines(r: FileResult, notes: bool = False) -> list[str]:
    return [github_line(d, r.path) for d in r.problems
            if notes or d.severity is not Severity.NOTE]
