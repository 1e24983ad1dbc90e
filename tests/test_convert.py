"""`cnncalc convert`: a YOLO config written as a native cnncalc file (render/native.py) that
analyses to exactly the config's numbers, layer by layer and in total, passes `check` and the
JSON Schema, and reads well (a golden file: `pytest --regen-golden tests/test_convert.py`).

The round trip compares cnncalc with cnncalc (no torch): our own tinydet at every scale, and,
when the `ultralytics` package is installed, every shipped config cnncalc reads at every scale
(its YAML files only: the package is never imported).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.analysis import Analysis, analyze, read_and_load
from cnncalc.cli import main
from cnncalc.loader import YMap, load
from cnncalc.readers import ultralytics as u
from cnncalc.render import native
from cnncalc.source import Source

TINYDET = ROOT / "architectures" / "yolo" / "tinydet.yaml"
GOLDEN = ROOT / "tests" / "golden" / "convert_tinydet_s.yaml"


def convert(path: Path | Source, scale: str | None = None) -> str:
    """The native file for `path` at `scale`, in process (what the command writes)."""
    loaded = read_and_load(path, scale=scale)
    assert isinstance(loaded.root, YMap) and loaded.config is not None, loaded.diagnostics
    original, _ = load(loaded.source)
    return native.convert(loaded.root, loaded.config, original, loaded.source.name)


def figures(analysis: Analysis) -> tuple[Any, ...]:
    """Every number an analysis gives: each layer's (without where it was written) and the
    totals, the output, the named outputs, the name and the input."""
    layers = [dataclasses.replace(layer, line=0, column=0) for layer in analysis.layers]
    return (layers, analysis.totals, analysis.output_shape, analysis.outputs, analysis.name,
            analysis.input)


@functools.cache
def validator() -> Any:
    """The JSON Schema `cnncalc schema` prints, as a validator (None without jsonschema)."""
    try:
        import jsonschema
    except ImportError:
        return None
    from cnncalc.schema import schema

    return jsonschema.Draft202012Validator(schema())


def assert_round_trip(path: Path, scale: str | None, schema: bool = True) -> str:
    """The config converted analyses to its numbers, with no error or warning, and (with
    `schema`) the converted file validates against the schema."""
    original = analyze(path, scale=scale)
    assert [d for d in original.diagnostics if d.severity.value == "error"] == []
    text = convert(path, scale)
    converted = analyze(Source("converted.yaml", text))
    assert [f"{d.code} {d.message}" for d in converted.diagnostics
            if d.severity.value != "note"] == []
    assert len(converted.layers) == len(original.layers)
    for before, after in zip(figures(original)[0], figures(converted)[0]):
        assert before == after
    assert figures(converted) == figures(original)
    # what an editor checks, the file read as PyYAML (a YAML 1.1 reader) reads it
    if schema and validator() is not None:
        assert [e.message for e in validator().iter_errors(yaml.safe_load(text))] == []
    return text


# ---------------------------------------------------------------- the shipped configs

def _models_dir() -> Path | None:
    """The installed package's model configs, found without importing it (it needs torch)."""
    spec = importlib.util.find_spec("ultralytics")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / "cfg" / "models"
    return found if found.is_dir() else None


MODELS = _models_dir()
NO_ULTRALYTICS = "the ultralytics package is not installed (pip install --no-deps ultralytics)"


def _readable(path: Path, scale: str | None) -> bool:
    """Whether cnncalc reads the config (the parity tests' rule: read, and every module has a
    block); the others are refused with E407 and listed in docs/yolo.md."""
    root, _ = load(Source(path.name, path.read_text(encoding="utf-8")))
    config, _ = u.read(root, path.name, scale)
    return config is not None and u.document(config, path.stem)[0] is not None


def _shipped_cases() -> list[tuple[str, str, bool]]:
    """(config, scale, whether to validate it against the schema): at its first scale only,
    as validating doubles the time and the other scales change numbers, not structure."""
    if MODELS is None:
        return []
    cases = []
    for path in sorted(MODELS.rglob("*.yaml")):
        scales = list(yaml.safe_load(path.read_text(encoding="utf-8")).get("scales") or {})
        if _readable(path, scales[0] if scales else None):
            cases += [(str(path.relative_to(MODELS)), s, i == 0)
                      for i, s in enumerate(scales or [""])]
    return cases


SHIPPED = _shipped_cases()


@pytest.mark.skipif(MODELS is None, reason=NO_ULTRALYTICS)
def test_most_shipped_configs_are_converted() -> None:
    # yolov8, yolo11, yolo26 and the rest at every scale: a reader refusing more would
    # quietly shrink the round trip below
    assert len(SHIPPED) >= 150, len(SHIPPED)


@pytest.mark.skipif(MODELS is None, reason=NO_ULTRALYTICS)
@pytest.mark.parametrize(("name", "scale", "schema"), SHIPPED)
def test_shipped_config_round_trips(name: str, scale: str, schema: bool) -> None:
    assert MODELS is not None
    assert_round_trip(MODELS / name, scale or None, schema)


# ---------------------------------------------------------------- our own config

@pytest.mark.parametrize("scale", ["s", "m"])
def test_tinydet_round_trips(scale: str) -> None:
    assert list(yaml.safe_load(TINYDET.read_text(encoding="utf-8"))["scales"]) == ["s", "m"]
    assert_round_trip(TINYDET, scale)


def test_golden(regen: bool, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)  # the header names the file as given
    assert main(["convert", "architectures/yolo/tinydet.yaml", "--scale", "s"]) == 0
    out = capsys.readouterr().out
    if regen:
        GOLDEN.write_text(out, encoding="utf-8")
    assert out == GOLDEN.read_text(encoding="utf-8")
    lines = out.splitlines()
    assert "  # row 12: Concat from [-1, 7]" in lines
    assert "    C2f: {c2: 32, n: 1, shortcut: true}" in lines
    # the blocks the layers reach, and those they call (C2f's Bottleneck, Conv's act): no
    # other block of the library (C3, Attention, ...)
    blocks = lines[lines.index("blocks:") + 1:lines.index("layers:")]
    assert [m.group(1) for line in blocks for m in [re.match(r"  (\w+):", line)] if m] == [
        "act", "Conv", "Bottleneck", "C2f", "SPPF", "DFL", "DetectBox", "DetectClassLegacy"]
    for forbidden in ("&", "*id", "!!", "\t"):
        assert forbidden not in out


def test_output_file_passes_check_and_the_schema(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    if validator() is None:
        pytest.skip("jsonschema is not installed (pip install jsonschema)")
    target = tmp_path / "tinydet-m.yaml"
    assert main(["convert", str(TINYDET), "--scale", "m", "--set", "nc=7", "-o",
                 str(target)]) == 0
    assert capsys.readouterr().out == ""
    text = target.read_text(encoding="utf-8")
    assert "nc 7" in text.splitlines()[2]
    assert main(["check", str(target)]) == 0
    assert [e.message for e in validator().iter_errors(yaml.safe_load(text))] == []
    # the class count reached the head, as in the config read with --set nc=7
    original = analyze(TINYDET, scale="m", params={"nc": 7})
    assert figures(analyze(target))[1:] == figures(original)[1:]


def test_output_unwritable_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    assert main(["convert", str(TINYDET), "-o", str(tmp_path / "no" / "x.yaml")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_native_file_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(ROOT / "architectures" / "lenet5.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error[E410]: this is already a native cnncalc file" in captured.err
    # with --scale too (which a native file does not take): E410 says what is wrong
    assert main(["convert", str(ROOT / "architectures" / "lenet5.yaml"), "--scale", "n"]) == 1
    err = capsys.readouterr().err
    assert "E410" in err and "E406" not in err


def test_a_converted_file_is_native(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "t.yaml"
    target.write_text(convert(TINYDET, "s"), encoding="utf-8")
    assert main(["convert", str(target)]) == 1
    assert "E410" in capsys.readouterr().err


BROKEN = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, Conv, [16, 3, 2]]\n"
          "head:\n  - [[-1, 0], 1, Concat, [1]]\n  - [-1, 1, Classify, [nc]]\n")


def test_errors_in_the_config_are_shown_at_their_row(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    assert main(["show", str(path)]) == 1
    shown = capsys.readouterr().out
    assert main(["convert", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    message = (f"{path}:6:5: error[E402]: row 2 Concat: inputs from rows 1 [16, 160, 160] and "
               "0 [16, 320, 320] differ in H and W (160 vs 320)")
    assert message in shown and message in captured.err
    path.write_text(BROKEN.replace("Concat", "Concatenate"), encoding="utf-8")
    assert main(["convert", str(path)]) == 1
    assert "error[E404]: row 2: unknown module 'Concatenate'" in capsys.readouterr().err


def test_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                        ) -> None:
    import io
    import sys

    data = TINYDET.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["convert", "-", "--scale", "m"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "#   <stdin>"
    assert figures(analyze(Source("x.yaml", out)))[:4] == figures(
        analyze(TINYDET, scale="m"))[:4]


@pytest.mark.parametrize("file", [u.LIBRARY, u.TORCHVISION])
def test_every_library_block_is_copied_whole(file: str) -> None:
    """The library's blocks (and the torchvision models' blocks) as convert copies them (text
    and comments) mean those blocks: also those no shipped config reaches."""
    texts = {name: lines for name, (_, lines) in native._library_texts(file).items()}
    library = u.package_yaml(file).get("blocks")
    assert isinstance(library, YMap) and list(texts) == [k.value for k, _ in library.items]
    root, problems = load(Source("blocks.yaml", "blocks:\n" + "\n".join(
        line for lines in texts.values() for line in [*lines, ""])))
    assert problems == [] and isinstance(root, YMap)
    copied = root.get("blocks")
    assert copied is not None and native.plain(copied) == native.plain(library)


# ---------------------------------------------------------------- the scalars

@given(st.one_of(st.text(), st.integers(), st.booleans(), st.none(),
                 st.floats(allow_nan=False)))
def test_a_scalar_reads_back_as_itself(value: Any) -> None:
    """Whatever a value holds (YAML indicators, `: `, `#`, escapes, line breaks, lone
    surrogates, words YAML 1.1 takes for booleans), cnncalc's loader and PyYAML read it back
    as that value, in a flow mapping too."""
    written = native.scalar(value)
    root, problems = load(Source("s.yaml", f"a: {written}\nb: {{k: {written}}}\n"))
    assert problems == [] and isinstance(root, YMap)
    for node in (root.get("a"), root.get("b").get("k")):  # type: ignore[union-attr]
        assert node is not None and type(node.value) is type(value) and node.value == value
    if not isinstance(value, str) or not any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        assert yaml.safe_load(f"a: {written}\n")["a"] == value


@pytest.mark.parametrize("shape", ["3x320x256", "1x128x128"])
def test_input_is_written_and_analyses_as_show_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str) -> None:
    """`--input` writes that input (its channels too: the first row is built for them, as
    Ultralytics builds a model for its `ch`): the file analyses to `show --input`'s numbers."""
    target = tmp_path / "t.yaml"
    assert main(["convert", str(TINYDET), "--scale", "s", "--input", shape,
                 "-o", str(target)]) == 0
    dims = [int(n) for n in shape.split("x")]
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["input"] == dims
    assert figures(analyze(target))[1:] == figures(analyze(TINYDET, dims, scale="s"))[1:]


def test_input_the_config_cannot_take_is_its_row_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """100x100 is not a multiple of 32: row 9's Concat joins 13x13 and 14x14, so nothing is
    written and the row is named, as `show --input` names it."""
    target = tmp_path / "t.yaml"
    assert main(["convert", str(TINYDET), "--scale", "s", "--input", "3x100x100",
                 "-o", str(target)]) == 1
    assert not target.exists()
    assert ("tinydet.yaml:22:5: error[E402]: row 9 Concat: inputs from rows 8 [128, 14, 14] "
            "and 4 [64, 13, 13] differ in H and W (14 vs 13)") in capsys.readouterr().err
    assert main(["convert", str(TINYDET), "--input", "3xx"]) == 2
    assert "is not a shape" in capsys.readouterr().err


def test_channels_key_sets_the_input_channels(tmp_path: Path) -> None:
    """`channels: 1` (a grey-scale config): Ultralytics builds row 0 for one channel, and the
    converted file's input has one."""
    path = tmp_path / "grey.yaml"
    path.write_text("nc: 4\nchannels: 1\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n"
                    "head:\n  - [-1, 1, Classify, [nc]]\n", encoding="utf-8")
    analysis = analyze(path)
    assert analysis.input == (1, 640, 640)
    assert analysis.layers[0].params == 16 * 1 * 3 * 3
    assert yaml.safe_load(convert(path))["input"] == [1, 640, 640]
    path.write_text(path.read_text().replace("channels: 1", "channels: many"))
    assert [d.code for d in analyze(path).diagnostics] == ["E405"]
