"""The benchmark's inputs and machinery still work (bench/run.py, at toy sizes: no timing is
judged here), so the benchmark cannot rot."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

from cnncalc import cli


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("make", ["scaling_yaml", "flat_yaml"])
def test_scaling_inputs_expand_to_their_layer_count(make: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(getattr(bench(), make)(40), encoding="utf-8")
    assert cli.main(["show", str(path), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["layers"]) == 40
    assert [layer["op"] for layer in document["layers"][:4]] == ["conv", "bn", "relu", "add"]
    assert document["diagnostics"] == []


def test_the_whole_benchmark_runs_at_toy_sizes(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    bench().main(["--runs", "1", "--heavy-runs", "1", "--big", "80", "--small", "40",
                  "--flat", "40", "--configs", "3", "--output", str(report)])
    text = report.read_text(encoding="utf-8")
    for key in ("import", "help", "table", "json", "svg", "svg_full", "report", "report_full",
                "small", "big", "yaml", "flat", "check"):
        assert f"| {key} |" in text
    assert "torchinfo" in text and "## The machine" in text


def test_only_runs_the_cases_named_and_their_floors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "performance.md"
    assert bench().main(["--only", "help", "--runs", "1", "--heavy-runs", "1", "--big", "80",
                         "--small", "40", "--flat", "40", "--configs", "3",
                         "--output", str(report)]) in (0, 1)
    rows = [line.split(" | ")[1] for line in capsys.readouterr().out.splitlines()[2:]]
    assert rows == ["import", "help"]
    assert not report.exists()  # the report is a full run's
    with pytest.raises(SystemExit, match="no case nope"):
        bench().main(["--only", "nope", "--big", "80", "--small", "40", "--flat", "40",
                      "--configs", "3"])


@pytest.mark.skipif(importlib.util.find_spec("ultralytics") is None,
                    reason="the YOLO cases read the installed ultralytics package's configs")
def test_the_yolo_configs_are_copied_once_per_scale(tmp_path: Path) -> None:
    """Named as Ultralytics names a scale's file, so that `check` reads each at its scale."""
    from cnncalc import analyze

    run = bench()
    models = run.yolo_models()
    assert models is not None
    directory, count = run.yolo_dir(tmp_path / "yolo", models)
    names = sorted(p.name for p in directory.iterdir())
    assert len(names) == count
    assert [n for n in names if n.startswith("v8-yolov8") and n[9:] in (
        "n.yaml", "s.yaml", "m.yaml", "l.yaml", "x.yaml")] == [
        "v8-yolov8l.yaml", "v8-yolov8m.yaml", "v8-yolov8n.yaml", "v8-yolov8s.yaml",
        "v8-yolov8x.yaml"]
    assert "26-yolo26x-seg.yaml" in names and "v9-yolov9c.yaml" in names
    assert (analyze(directory / "v8-yolov8s.yaml").totals
            == analyze(models / "v8" / "yolov8.yaml", scale="s").totals)


def test_the_report_is_linked_and_generated() -> None:
    assert "docs/performance.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    assert "written by `python bench/run.py`" in text
