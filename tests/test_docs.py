"""docs/format.md stays true: its examples build, its outputs are real, its tables match cnncalc.

Conventions in the document:
- a ```yaml block is a complete file unless its first line is `# fragment`;
- a complete file whose first line is `# expect-error: CODE` must produce CODE;
- `<!-- file: NAME -->` before a ```yaml block saves it as NAME for the outputs below;
- `<!-- output: cnncalc show ARGS -->` before a fenced block means the block is exactly what
  that command prints (run from the repository root for `architectures/...` files, otherwise
  next to the saved files); `pytest --regen-golden` pastes the current output there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from cnncalc.analysis import analyze
from cnncalc.cli import main
from cnncalc.diagnostics import CODES, Severity
from cnncalc.expand import DEFAULT_MAX_LAYERS
from cnncalc.loader import type_scalar
from cnncalc.ops import SPECS, OpSpec
from cnncalc.ops.base import REQUIRED
from cnncalc.render import json as json_render
from cnncalc.source import Source

DOC = ROOT / "docs" / "format.md"
TEXT = DOC.read_text(encoding="utf-8")

_YAML = re.compile(r"^```yaml\n(.*?)^```$", re.M | re.S)
_FILE = re.compile(r"^<!-- file: (\S+) -->\n```yaml\n(.*?)^```$", re.M | re.S)
_OUTPUT = re.compile(r"^<!-- output: cnncalc (show [^>]*?) -->\n```\w*\n(.*?)^```$", re.M | re.S)
_EXPECT_ERROR = re.compile(r"# expect-error: ([EWN]\d{3})")

OPS = [spec for spec in SPECS if not spec.internal]


def _line(match: re.Match[str]) -> int:
    return TEXT.count("\n", 0, match.start()) + 1


YAML_BLOCKS = [(_line(m), m.group(1)) for m in _YAML.finditer(TEXT)]
EXAMPLES = [(line, text) for line, text in YAML_BLOCKS
            if text.splitlines()[:1] != ["# fragment"]]
OUTPUTS = [(_line(m), m.group(1), m.group(2)) for m in _OUTPUT.finditer(TEXT)]
FILES = {m.group(1): m.group(2) for m in _FILE.finditer(TEXT)}


def test_the_document_has_examples_and_outputs() -> None:
    assert len(EXAMPLES) >= 10
    assert len(OUTPUTS) >= 5
    assert len(FILES) == len(_FILE.findall(TEXT)), "two examples saved under the same name"


@pytest.mark.parametrize(("line", "text"), EXAMPLES, ids=[f"line{n}" for n, _ in EXAMPLES])
def test_example_builds(line: int, text: str) -> None:
    assert re.search(r"^input:", text, re.M) and re.search(r"^layers:", text, re.M), (
        f"line {line}: a complete example needs `input:` and `layers:` (or `# fragment`)")
    analysis = analyze(Source("example.yaml", text))
    codes = [d.code for d in analysis.diagnostics]
    expected = _EXPECT_ERROR.fullmatch(text.splitlines()[0])
    if expected:
        assert expected.group(1) in codes, f"line {line}: expected {expected.group(1)}"
    else:
        errors = [f"{d.code} {d.message}" for d in analysis.diagnostics
                  if d.severity is Severity.ERROR]
        assert errors == [], f"line {line}"


@pytest.mark.parametrize(("line", "command", "shown"), OUTPUTS,
                         ids=[f"line{n}" for n, _, _ in OUTPUTS])
def test_output_is_real(line: int, command: str, shown: str, tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                        regen: bool) -> None:
    args = command.split()
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(ROOT if args[1].startswith("architectures/") else tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    main(args)
    printed = capsys.readouterr().out
    if regen and printed != shown:  # pytest --regen-golden: paste the new output, then review
        marker = f"<!-- output: cnncalc {command} -->\n```"
        current = DOC.read_text(encoding="utf-8")
        start = current.index("\n", current.index(marker) + len(marker)) + 1
        DOC.write_text(current[:start] + current[start:].replace(shown, printed, 1),
                       encoding="utf-8")
        return
    assert printed == shown, (f"line {line}: `cnncalc {command}` prints otherwise "
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


def test_codes_and_limits_are_current() -> None:
    assert set(re.findall(r"\b[EWN]\d{3}\b", TEXT)) <= set(CODES)
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


def test_internal_links_resolve() -> None:
    prose = re.sub(r"^```.*?^```$", "", TEXT, flags=re.M | re.S)  # `# comments` aren't headings
    anchors = {_slug(h) for h in re.findall(r"^#+ (.*)$", prose, re.M)}
    links = set(re.findall(r"\]\(#([^)]+)\)", TEXT))
    assert links and links <= anchors, sorted(links - anchors)
