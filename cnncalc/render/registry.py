"""Every command's output formats by name, as check-jsonschema's REPORTER_BY_NAME: the CLI's
`--format` choices and the tests' parameters come from these dicts. An entry names its renderer
as `module:function` under cnncalc.render and is imported only when chosen, so `cnncalc --help`
loads no renderer. Renderers take the analysis results and a View (how the reader asked to see
them) and compute nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

# `show`'s table: its columns, those shown by default, the totals a --share bar can show, and
# how a shape is written (chw as PyTorch, hwc as the CS231n notes' 55x55x96)
COLUMNS = ("output", "params", "macs", "memory", "values", "rf")
DEFAULT_COLUMNS = ("output", "params", "macs", "memory")
SHARES = ("params", "macs", "memory")
LAYOUTS = ("chw", "hwc")
GROUPS = ("op",)  # `show --group-by`: the layers summed by op
DIRECTIONS = ("TB", "LR")  # diagrams: top to bottom, left to right


@dataclass(frozen=True)
class View:
    """How the reader asked to see a result; each renderer reads what applies to it."""

    layout: str = "chw"
    depth: int | None = None
    color: bool = False
    width: int | None = None
    columns: tuple[str, ...] = DEFAULT_COLUMNS
    share: str | None = None
    notes: bool = False
    all_layers: bool = False
    direction: str | None = None  # diagrams: TB top to bottom, LR left to right (None: the
    # diagram's own: TB for Mermaid and dot, LR for the volume diagram)


@dataclass(frozen=True)
class Renderer:
    target: str  # "module:function" in cnncalc.render, called as function(result, view)
    # written through the CLI's guard (commands/common.write); JSON is safe by construction
    # (every control and non-ASCII character escaped, `##[` written `##\u005b`) and skips it
    guarded: bool = True

    def __call__(self, result: Any, view: View) -> Iterable[str] | str:
        module, _, name = self.target.partition(":")
        function: Callable[[Any, View], Iterable[str] | str] = getattr(
            import_module(f"cnncalc.render.{module}"), name)
        return function(result, view)


SHOW = {
    "table": Renderer("table:view"),
    "json": Renderer("json:view", guarded=False),
    "csv": Renderer("tabular:csv_view"),
    "markdown": Renderer("tabular:markdown_view"),
}

DIFF = {
    "text": Renderer("diff:text_view"),
    "json": Renderer("diff:json_view", guarded=False),
    "csv": Renderer("diff:csv_view"),
    "markdown": Renderer("diff:markdown_view"),
}

@dataclass(frozen=True)
class Reporter:
    """A streaming report: the class (render/check.py's Report) made once per run, which
    writes each file's part as soon as the file is checked."""

    target: str  # "module:class" in cnncalc.render
    guarded: bool = True  # as Renderer's

    def __call__(self, *args: Any, **options: Any) -> Any:
        module, _, name = self.target.partition(":")
        return getattr(import_module(f"cnncalc.render.{module}"), name)(*args, **options)


# `auto` is the CLI's: github inside GitHub Actions, text elsewhere. The github format's lines
# are workflow commands on purpose (each field escaped as the runner expects): not guarded
CHECK = {
    "text": Reporter("check:TextReport"),
    "json": Reporter("check:JsonReport", guarded=False),
    "github": Reporter("check:GithubReport", guarded=False),
}

# `export`: the file written (cnncalc/export.py checks that the network can be exported and
# plans the PyTorch module)
EXPORT = {
    "pytorch": Renderer("pytorch:view"),
    "mermaid": Renderer("diagram:mermaid_view"),
    "dot": Renderer("diagram:dot_view"),
    "svg": Renderer("svg:svg_view"),
}

# `report`: the one-file HTML page
REPORT = Renderer("html:report_view")
