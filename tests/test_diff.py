"""`cnncalc.diff`: per-layer and total differences between two analyses, in four renderings."""

from __future__ import annotations

import csv
import io
import json
import textwrap

import pytest
from conftest import ROOT, zoo_source

from cnncalc.analysis import Analysis, analyze
from cnncalc.diff import DiffResult, Status, diff
from cnncalc.render.diff import CSV_COLUMNS, render_csv, render_json, render_markdown, render_text
from cnncalc.source import Source


def net(text: str, name: str = "a.yaml") -> Analysis:
    return analyze(Source(name, textwrap.dedent(text)))


A = """\
    name: small
    input: [3, 32, 32]
    layers:
      - {id: c1, conv: {out_channels: 16, kernel_size: 3, padding: 1}}
      - {id: r1, relu: {}}
      - {id: pool, maxpool: 2}
      - {id: c2, conv: {out_channels: 32, kernel_size: 3, padding: 1}}
      - {id: gap, global_avgpool: {}}
      - {id: flat, flatten: {}}
      - {id: fc, linear: 10}
    """
# c1 widened to 32 channels, the pool removed (c2 runs at 32x32), a dropout added before fc
B = """\
    name: small
    input: [3, 32, 32]
    layers:
      - {id: c1, conv: {out_channels: 32, kernel_size: 3, padding: 1}}
      - {id: r1, relu: {}}
      - {id: c2, conv: {out_channels: 32, kernel_size: 3, padding: 1}}
      - {id: gap, global_avgpool: {}}
      - {id: flat, flatten: {}}
      - {id: drop, dropout: {}}
      - {id: fc, linear: 10}
    """


@pytest.fixture(scope="module")
def resnets() -> DiffResult:
    return diff(analyze(zoo_source(ROOT / "architectures" / "resnet18.yaml")),
                analyze(zoo_source(ROOT / "architectures" / "resnet34.yaml")))


@pytest.fixture(scope="module")
def small() -> DiffResult:
    return diff(net(A, "a.yaml"), net(B, "b.yaml"))


# ---------------------------------------------------------------- the result


def test_resnet18_to_resnet34_totals(resnets: DiffResult) -> None:
    params = resnets.total("params")
    assert (params.a, params.b, params.delta) == (11_689_512, 21_797_672, 10_108_160)
    assert resnets.total("trainable_params").delta == 10_108_160
    assert resnets.total("buffers").delta == 17_060 - 9_620
    assert resnets.total("macs").delta == 3_663_761_408 - 1_814_073_344
    assert resnets.total("output").changed is False
    assert resnets.total("output").delta is None  # shapes have no difference as a number
    peak = resnets.total("peak_bytes").delta
    assert peak is not None and peak > 0
    # [2, 2, 2, 2] -> [3, 4, 6, 3] basic blocks: 8 new blocks of 7 layers, nothing removed;
    # the layers that stay keep their numbers (their inputs and receptive fields are not
    # compared: inserting a block would flag everything after it)
    assert resnets.count(Status.ADDED) == 56
    assert resnets.count(Status.REMOVED) == 0
    assert resnets.count(Status.CHANGED) == 0
    assert resnets.a_layers == 69 and resnets.b_layers == 125
    # the per-layer deltas add up to the total
    assert sum(d.delta("params") for d in resnets.layers) == 10_108_160
    assert sum(d.delta("macs") for d in resnets.layers) == resnets.total("macs").delta


def test_order_follows_b(resnets: DiffResult) -> None:
    paths = [d.path for d in resnets.layers]
    assert paths == [layer.path for layer in analyze(
        zoo_source(ROOT / "architectures" / "resnet34.yaml")).layers]
    added = [d.path for d in resnets.changes]
    assert added[0] == "layer1[2].cbr1.conv1"
    assert added.index("layer1[2].relu1") < added.index("layer2[2].cbr1.conv1")


def test_identical_files_have_no_changes() -> None:
    a = analyze(zoo_source(ROOT / "architectures" / "resnet18.yaml"))
    b = analyze(zoo_source(ROOT / "architectures" / "resnet18.yaml"))
    result = diff(a, b)
    assert result.identical
    assert result.changes == ()
    assert all(d.status is Status.SAME for d in result.layers)
    assert all(not t.changed and t.delta in (0, None) for t in result.totals)
    text = render_text(result)
    assert "no layer differences" in text
    assert "params:           11,689,512 (no change)" in text
    assert "0 added, 0 removed, 0 changed (69 → 69 layers)" in text
    assert "No layer differences." in render_markdown(result)
    assert json.loads(render_json(result))["identical"] is True
    rows = list(csv.DictReader(io.StringIO(render_csv(result))))
    assert [r["status"] for r in rows] == ["total"]
    assert rows[0]["params_delta"] == "0"


def test_added_removed_changed(small: DiffResult) -> None:
    by_path = {d.path: d for d in small.layers}
    assert by_path["pool"].status is Status.REMOVED and by_path["pool"].b is None
    assert by_path["drop"].status is Status.ADDED and by_path["drop"].a is None
    c1 = by_path["c1"]
    assert c1.status is Status.CHANGED
    assert c1.fields == ("shape", "params", "trainable", "macs", "memory")
    assert (c1.shape_a, c1.shape_b) == ((16, 32, 32), (32, 32, 32))
    assert c1.delta("params") == (27 * 32 + 32) - (27 * 16 + 16)
    # c2 reads 32 channels at 32x32 instead of 16 at 16x16
    assert by_path["r1"].fields == ("shape", "memory")
    c2 = by_path["c2"]
    assert c2.fields == ("shape", "params", "trainable", "macs", "memory")
    assert (c2.shape_a, c2.shape_b) == ((32, 16, 16), (32, 32, 32))
    assert c2.delta("params") == (9 * 32 * 32 + 32) - (9 * 16 * 32 + 32)
    assert c2.delta("macs") == 9 * 32 * 32 * 32 * 32 - 9 * 16 * 32 * 16 * 16
    assert by_path["fc"].status is Status.SAME and by_path["flat"].status is Status.SAME
    # B's order, the removed pool where it was in A: after r1
    assert [d.path for d in small.layers] == ["c1", "r1", "pool", "c2", "gap", "flat", "drop",
                                              "fc"]
    assert [d.status for d in small.changes] == [Status.CHANGED, Status.CHANGED, Status.REMOVED,
                                                 Status.CHANGED, Status.ADDED]
    assert small.total("params").delta == (c1.delta("params") + c2.delta("params"))
    assert not small.identical


def test_removed_first_layers_come_first() -> None:
    a = net("input: [3, 8, 8]\nlayers:\n  - {id: x, relu: {}}\n  - {id: y, conv: [4, 1]}\n")
    b = net("input: [3, 8, 8]\nlayers:\n  - {id: y, conv: [4, 1]}\n  - {id: z, relu: {}}\n")
    result = diff(a, b)
    assert [(d.path, d.status) for d in result.layers] == [
        ("x", Status.REMOVED), ("y", Status.SAME), ("z", Status.ADDED)]


def test_op_change_and_settings() -> None:
    a = net("input: [3, 8, 8]\nlayers:\n  - {id: act, relu: {}}\n")
    b = net("input: [3, 8, 8]\nbatch: 4\nlayers:\n  - {id: act, gelu: {}}\n")
    result = diff(a, b)
    (layer,) = result.changes
    assert layer.fields[0] == "op" and layer.op == "gelu"
    assert "relu → gelu" in render_text(result)
    assert "note: batch differs (1 → 4)" in render_text(result)
    assert result.total("input").changed is False


def test_a_side_with_errors_is_flagged() -> None:
    a = net("input: [3, 8, 8]\nlayers:\n  - {id: c, conv: [4, 9]}\n")  # 9 > 8: E202
    b = net("input: [3, 8, 8]\nlayers:\n  - {id: c, conv: [4, 3]}\n")
    result = diff(a, b)
    assert result.a_errors == 1 and result.b_errors == 0
    (layer,) = result.changes
    assert layer.shape_a is None and layer.shape_b == (4, 6, 6)
    text = render_text(result)
    assert "? → 4x6x6" in text
    assert "A (a) has 1 error: its figures are incomplete" in text


# ---------------------------------------------------------------- renderers


def test_text(resnets: DiffResult, small: DiffResult) -> None:
    text = render_text(resnets)
    assert "params:           11,689,512 → 21,797,672 (+10,108,160, +86.5%)" in text
    assert "MACs:             1,814,073,344 → 3,663,761,408 (+1,849,688,064, +102.0%)" in text
    assert "56 added, 0 removed, 0 changed (69 → 125 layers)" in text
    assert "+ layer1[2].cbr1.conv1 conv 64x56x56     +36,864 +115,605,504 +784.0 KiB" in text
    lines = render_text(small).splitlines()
    header = next(line for line in lines if "Layer" in line)
    assert header.split() == ["Layer", "Op", "Shape", "Δ", "Params", "Δ", "MACs", "Δ", "Memory",
                              "Changed"]
    c1 = next(line for line in lines if line.startswith("~ c1"))
    assert "16x32x32 → 32x32x32" in c1 and "+448" in c1 and "+442,368" in c1
    assert "shape, params, trainable, macs, memory" in c1
    pool = next(line for line in lines if line.startswith("- pool"))
    assert "16x16x16" in pool and "-16.0 KiB" in pool
    # the columns line up: every row's Δ Params ends where the header's does
    end = header.index("Δ Params") + len("Δ Params")
    for line in lines[lines.index(header) + 1:]:
        if not line:
            break
        assert line[end - 1] != " " and line[end] == " "
    everything = render_text(small, all_layers=True)
    assert "  fc " in everything and "  fc " not in render_text(small)


def test_markdown(resnets: DiffResult, small: DiffResult) -> None:
    md = render_markdown(resnets)
    lines = md.splitlines()
    header = lines.index("| | Layer | Op | Shape | Δ Params | Δ MACs | Δ Memory | Changed |")
    assert set(lines[header + 1].replace("|", "").replace("-", "").replace(":", "")) == set()
    assert lines[header + 2].startswith("| added | `layer1[2].cbr1.conv1` | conv | 64x56x56 |")
    assert "| params | 11,689,512 | 21,797,672 | +10,108,160, +86.5% |" in md
    totals = lines.index("| Total | resnet18 | resnet34 | Δ |")
    assert lines[totals + 1] == "|---|--:|--:|--:|"
    # every table row has as many cells as its header
    for start in (header, totals):
        width = lines[start].count("|")
        row = start
        while row < len(lines) and lines[row].startswith("|"):
            assert lines[row].replace("\\|", "").count("|") == width
            row += 1
    c1 = "| changed | `c1` | conv | 16x32x32 → 32x32x32 | +448 | +442,368 | +64.0 KiB |"
    assert c1 in render_markdown(small)


def test_json(resnets: DiffResult, small: DiffResult) -> None:
    doc = json.loads(render_json(resnets))
    assert doc["totals"]["params"] == {"a": 11_689_512, "b": 21_797_672, "delta": 10_108_160,
                                       "changed": True}
    assert doc["totals"]["output"]["a"] == [1000]
    assert doc["summary"] == {"added": 56, "removed": 0, "changed": 0, "same": 69}
    assert len(doc["layers"]) == 56
    first = doc["layers"][0]
    assert first["path"] == "layer1[2].cbr1.conv1" and first["a"] is None
    assert first["b"]["output_shape"] == [64, 56, 56]
    assert first["delta"]["params"] == 36_864
    assert "[64, 56, 56]" in render_json(resnets)  # shapes on one line
    small_doc = json.loads(render_json(small, all_layers=True))
    assert [r["status"] for r in small_doc["layers"]] == [
        "changed", "changed", "removed", "changed", "same", "same", "added", "same"]


def test_csv(resnets: DiffResult, small: DiffResult) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(resnets))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert all(len(r) == len(CSV_COLUMNS) for r in rows)
    records = list(csv.DictReader(io.StringIO(render_csv(resnets))))
    assert len(records) == 57  # 56 added layers and the total
    total = records[-1]
    assert total["status"] == "total"
    assert (total["params_a"], total["params_b"], total["params_delta"]) == (
        "11689512", "21797672", "10108160")
    assert total["macs_delta"] == str(3_663_761_408 - 1_814_073_344)
    assert total["shape_a"] == total["shape_b"] == "1000"
    added = records[0]
    assert added["status"] == "added" and added["params_a"] == "" and added["op_a"] == ""
    assert (added["params_b"], added["params_delta"]) == ("36864", "36864")
    removed = next(r for r in csv.DictReader(io.StringIO(render_csv(small)))
                   if r["status"] == "removed")
    assert removed["path"] == "pool" and removed["memory_delta"] == str(-16 * 16 * 16 * 4)
    assert removed["shape_b"] == "" and removed["shape_a"] == "16x16x16"
