"""The documents stay true: their examples build, their outputs are real, their tables match
cnncalc. Every document in DOCS is checked the same way; format.md's op and JSON tables also
against the registry. diagnostics.md is generated whole (tests/test_diagnostics_page.py), so
only its codes and links are checked here.

Conventions in the documents:
- a ```yaml block is a complete file unless its first line is `# fragment`: a cnncalc file, or
  an Ultralytics YOLO config (`backbone:` and `head:`, docs/yolo.md);
- a complete file whose first line is `# expect-error: CODE` must produce CODE;
- `<!-- file: NAME -->` before a ```yaml block saves it as NAME for the outputs below (each
  document has its own files);
- `<!-- output: cnncalc show ARGS -->` (or check, calc, explain, diff, sizes, convert; ARGS
  split at spaces) before a fenced block means the block is exactly what that command prints
  (run from the repository root for `architectures/...` files, otherwise next to the saved
  files); `pytest --regen-golden` pastes the current output there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

from cnncalc.analysis import analyze
from cnncalc.cli import main
from cnncalc.diagnostics import CODES, Severity
from cnncalc.limits import DEFAULT_MAX_LAYERS
from cnncalc.loader import type_scalar
from cnncalc.ops import SPECS, OpSpec
from cnncalc.ops.base import REQUIRED
from cnncalc.render import json as json_render
from cnncalc.source import Source

DOCS_DIR = ROOT / "docs"

_YAML = re.compile(r"^```yaml\n(.*?)^```$", re.M | re.S)
_FILE = re.compile(r"^<!-- file: (\S+) -->\n```yaml\n(.*?)^```$", re.M | re.S)
_OUTPUT = re.compile(r"^<!-- output: cnncalc ((?:show|check|calc|explain|diff|sizes|convert) "
                     r"[^>]*?) -->"
                     r"\n```\w*\n(.*?)^```$", re.M | re.S)
_EXPECT_ERROR = re.compile(r"# expect-error: ([EWN]\d{3})")

OPS = [spec for spec in SPECS if not spec.internal]


@dataclass(frozen=True)
class Doc:
    """One checked document under docs/, and how many examples and outputs it must hold."""

    name: str
    min_examples: int
    min_outputs: int

    @property
    def path(self) -> Path:
        return DOCS_DIR / self.name

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def line(self, match: re.Match[str]) -> int:
        return self.text.count("\n", 0, match.start()) + 1

    def examples(self) -> list[tuple[int, str]]:
        blocks = [(self.line(m), m.group(1)) for m in _YAML.finditer(self.text)]
        return [(line, text) for line, text in blocks
                if text.splitlines()[:1] != ["# fragment"]]

    def outputs(self) -> list[tuple[int, str, str]]:
        return [(self.line(m), m.group(1), m.group(2)) for m in _OUTPUT.finditer(self.text)]

    def files(self) -> dict[str, str]:
        return {m.group(1): m.group(2) for m in _FILE.finditer(self.text)}


DOCS = [Doc("format.md", min_examples=10, min_outputs=5),
        Doc("metrics.md", min_examples=3, min_outputs=8),
        Doc("homework.md", min_examples=2, min_outputs=8),
        Doc("yolo.md", min_examples=0, min_outputs=1)]
PAGES = [*DOCS, Doc("diagnostics.md", min_examples=0, min_outputs=0)]  # codes and links
FORMAT = DOCS[0]
TEXT = FORMAT.text  # format.md, for the checks against the registry below

EXAMPLES = [pytest.param(doc, line, text, id=f"{doc.name}:line{line}")
            for doc in DOCS for line, text in doc.examples()]
OUTPUTS = [pytest.param(doc, line, command, shown, id=f"{doc.name}:line{line}")
           for doc in DOCS for line, command, shown in doc.outputs()]


@pytest.mark.parametrize("doc", DOCS, ids=[doc.name for doc in DOCS])
def test_the_document_has_examples_and_outputs(doc: Doc) -> None:
    assert len(doc.examples()) >= doc.min_examples
    assert len(doc.outputs()) >= doc.min_outputs
    assert len(doc.files()) == len(_FILE.findall(doc.text)), "two examples saved under one name"


@pytest.mark.parametrize(("doc", "line", "text"), EXAMPLES)
def test_example_builds(doc: Doc, line: int, text: str) -> None:
    yolo = re.search(r"^backbone:", text, re.M) and re.search(r"^head:", text, re.M)
    assert yolo or (re.search(r"^input:", text, re.M) and re.search(r"^layers:", text, re.M)), (
        f"{doc.name} line {line}: a complete example needs `input:` and `layers:` (or "
        "`backbone:` and `head:`, or `# fragment`)")
    analysis = analyze(Source("example.yaml", text))
    codes = [d.code for d in analysis.diagnostics]
    expected = _EXPECT_ERROR.fullmatch(text.splitlines()[0])
    if expected:
        assert expected.group(1) in codes, f"{doc.name} line {line}: expected {expected.group(1)}"
    else:
        errors = [f"{d.code} {d.message}" for d in analysis.diagnostics
                  if d.severity is Severity.ERROR]
        assert errors == [], f"{doc.name} line {line}"


@pytest.mark.parametrize(("doc", "line", "command", "shown"), OUTPUTS)
def test_output_is_real(doc: Doc, line: int, command: str, shown: str, tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                        regen: bool) -> None:
    args = command.split()
    for name, text in doc.files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(ROOT if args[1].startswith("architectures/") else tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    main(args)
    printed = capsys.readouterr().out
    if regen and printed != shown:  # pytest --regen-golden: paste the new output, then review
        marker = f"<!-- output: cnncalc {command} -->\n```"
        current = doc.text
        start = current.index("\n", current.index(marker) + len(marker)) + 1
        doc.path.write_text(current[:start] + current[start:].replace(shown, printed, 1),
                            encoding="utf-8")
        return
    assert printed == shown, (f"{doc.name} line {line}: `cnncalc {command}` prints otherwise "
                              "(pytest --regen-golden pastes the new output)")


def _row(spec: OpSpec) -> list[str]:
    """The cells of the op's row in the ops reference: name (aliases), arguments, semantics."""
    match = re.search(rf"^\| `{re.escape(spec.name)}`[ |].*$", TEXT, re.M)
    assert match, f"no row for `{spec.name}` in the ops reference"
    return [cell.strip() for cell in match.group(0).strip("|").split(" | ")]


@pytest.mark.parametrize("spec", OPS, ids=[spec.name for spec in OPS])
def test_op_is_documented(spec: OpSpec) -> None:
    assert spec.name in TEXT
    name, arguments = _row(spec)[:2]
    assert re.findall(r"`(\w+)`", name) == [spec.name, *spec.aliases]
    written = [] if arguments == "none" else arguments.split(", ")
    assert [w.partition("=")[0] for w in written] == [a.name for a in spec.args], (
        f"{spec.name}: arguments or their order differ from the registry")
    names = {a.name for a in spec.args}
    for arg, text in zip(spec.args, written):
        _, eq, default = text.partition("=")
        if arg.default is REQUIRED:
            assert not eq, f"{spec.name}: {arg.name} has no default"
        elif default not in names:  # `stride=kernel_size` describes a null default
            assert eq and type_scalar(default) == arg.default, (
                f"{spec.name}: {arg.name} defaults to {arg.default!r}, documented {default!r}")


@pytest.mark.parametrize("doc", PAGES, ids=[doc.name for doc in PAGES])
def test_codes_are_current(doc: Doc) -> None:
    assert set(re.findall(r"\b[EWN]\d{3}\b", doc.text)) <= set(CODES)


def test_limits_are_current() -> None:
    assert f"{DEFAULT_MAX_LAYERS:,} layers" in TEXT


def test_json_keys_are_documented() -> None:
    analysis = analyze(ROOT / "architectures" / "stride_mismatch.yaml")
    document = json_render.document(analysis)
    keys = {*document, *document["layers"][0], *document["totals"],
            *document["diagnostics"][0]}
    section = TEXT[TEXT.index("## JSON output"):TEXT.index("## Exit codes")]
    assert [k for k in sorted(keys) if f"`{k}`" not in section] == []


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(doc: Doc) -> set[str]:
    prose = re.sub(r"^```.*?^```$", "", doc.text, flags=re.M | re.S)  # `# comments` aren't headings
    return {_slug(h) for h in re.findall(r"^#+ (.*)$", prose, re.M)}


@pytest.mark.parametrize("doc", PAGES, ids=[doc.name for doc in PAGES])
def test_internal_links_resolve(doc: Doc) -> None:
    links = set(re.findall(r"\]\(#([^)]+)\)", doc.text))
    assert links and links <= _anchors(doc), sorted(links - _anchors(doc))


@pytest.mark.parametrize("doc", PAGES, ids=[doc.name for doc in PAGES])
def test_links_between_documents_resolve(doc: Doc) -> None:
    """`[...](metrics.md#anchor)`: the document exists under docs/ and has the heading."""
    by_name = {d.name: d for d in PAGES}
    for target, _, anchor in re.findall(r"\]\(([\w.-]+\.md)(#([^)]+))?\)", doc.text):
        assert (DOCS_DIR / target).is_file(), f"{doc.name} links to missing {target}"
        if anchor:
            assert target in by_name and anchor in _anchors(by_name[target]), (
                f"{doc.name} links to {target}#{anchor}, which has no such heading")


def test_architecture_page_names_every_module() -> None:
    """docs/architecture.md's folder table stays true: every module of the package is named
    there, and every module it names exists."""
    page = (DOCS_DIR / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "cnncalc"
    named = set(re.findall(r"`([a-z_]+\.py|[a-z]+/)`", page))
    for path in package.glob("*.py"):
        if path.name != "__main__.py":
            assert f"`{path.name}`" in page, f"docs/architecture.md does not name {path.name}"
    for folder in (p for p in package.iterdir() if (p / "__init__.py").exists()):
        assert f"`{folder.name}/`" in page, f"docs/architecture.md does not name {folder.name}/"
    for name in named:
        assert (package / name).exists() or (ROOT / name).exists() or \
            any(package.glob(f"*/{name}")), f"docs/architecture.md names a missing {name}"
