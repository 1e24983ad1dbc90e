"""Block calls alike are replayed, not expanded again (cnncalc/replay.py): the result must be
exactly what expanding every call gives, and the replay must actually happen."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ZOO, zoo_source

from cnncalc import replay
from cnncalc.analysis import Analysis, analyze, analyze_source
from cnncalc.render import json, table
from cnncalc.source import Source

CASES = {
    "nested repeats, first, when, expressions": """
        input: [8, 32, 32]
        blocks:
          cbr:
            params: [out, s=1, act=true]
            layers:
              - conv: {out_channels: $out, kernel_size: 3, stride: $s, padding: 1}
              - bn
              - {relu: {}, when: $act}
          stage:
            params: [out, n=2]
            layers:
              - {id: a, cbr: {out: $out}, repeat: $n, first: {s: 2}}
              - {id: skip, from: in, conv: {out_channels: $out, kernel_size: 1, stride: 2}}
              - add: [a, skip]
              - conv: {out_channels: "$(in_c * 2)", kernel_size: 1}
              - {conv: {out_channels: $out, kernel_size: 1}, from: input, when: false}
        layers:
          - {id: s1, stage: {out: 8}, repeat: 3}
          - {stage: [16, 3], repeat: 2}
          - gap
          - flatten
          - linear: 10
        """,
    "a block on the network input, expect inside a block, errors in some copies": """
        input: [4, 16, 16]
        blocks:
          pair:
            params: [k]
            layers:
              - conv: {out_channels: 4, kernel_size: $k, padding: 1}
              - {relu: {}, expect: [4, 16, 16]}
        layers:
          - {pair: [3], repeat: 4}
          - {pair: [5], repeat: 3}
          - {pair: [3], repeat: 2}
        """,
    "the layer limit crossed inside a replay": """
        input: [2, 8, 8]
        blocks:
          unit:
            layers: [relu, relu, relu]
        layers:
          - {unit: {}, repeat: 40}
        """,
}

# calls each case replays at least: the copies of a repeat after the second; none where every
# call has an error or an `expect:` (such calls are never recorded)
REPLAYS = {
    "nested repeats, first, when, expressions": 1,
    "a block on the network input, expect inside a block, errors in some copies": 0,
    "the layer limit crossed inside a replay": 1,
}


def both(source: Source, **options: object) -> tuple[Analysis, Analysis, int]:
    """The analysis as made, the analysis with replay switched off, and how many calls the
    first replayed."""
    replays = []
    real = replay.Memo.replay

    def counted(self: replay.Memo, *args: Any) -> int:
        replays.append(args[1])  # the prefix replayed into
        return real(self, *args)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(replay.Memo, "replay", counted)
        replayed = analyze(source, **options)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as m:
        # nothing is ever recorded, so nothing is replayed
        m.setattr(replay.Memo, "finished", lambda self, key, record: None)
        m.setattr(replay.Memo, "replay", counted)
        count = len(replays)
        expanded = analyze(source, **options)  # type: ignore[arg-type]
        assert len(replays) == count, "a call was replayed with recording switched off"
    return replayed, expanded, count


def assert_same(a: Analysis, b: Analysis) -> None:
    assert (a.graph is None) == (b.graph is None)
    if a.graph is not None and b.graph is not None:
        assert a.graph.nodes == b.graph.nodes
        assert a.graph.groups == b.graph.groups
        assert a.graph.expects == b.graph.expects
    assert a.shapes == b.shapes
    assert a.diagnostics == b.diagnostics
    assert a.layers == b.layers
    assert table.render(a, depth=2) == table.render(b, depth=2)
    assert json.render(a) == json.render(b)


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_zoo(path: object) -> None:
    replayed, expanded, _ = both(zoo_source(path))  # type: ignore[arg-type]
    assert_same(replayed, expanded)


def test_zoo_replays() -> None:
    """The zoo's repeated stages (ResNet's bottlenecks) are replayed, not walked again."""
    source = zoo_source(next(p for p in ZOO if p.stem == "resnet152"))
    assert both(source)[2] > 0


@pytest.mark.parametrize("name", CASES)
def test_cases(name: str) -> None:
    source = Source("t.yaml", textwrap.dedent(CASES[name]))
    replayed, expanded, count = both(source)
    assert_same(replayed, expanded)
    assert count >= REPLAYS[name]
    replayed, expanded, _ = both(source, max_layers=100)
    assert_same(replayed, expanded)


# ---------------------------------------------------------------- files sharing one memo

YOLO = ZOO[0].parent / "yolo"


def shared_and_alone(files: list[tuple[Source, dict[str, Any]]]) -> int:
    """Analyse `files` in order sharing one replay.Shared, as `check` does, and each alone:
    every analysis must be the same. Returns how many nodes the shared run replayed."""
    replays = []
    real = replay.Memo.replay

    def counted(self: replay.Memo, call: replay.Call, *args: Any) -> int:
        replays.append(len(call.nodes))
        return real(self, call, *args)

    shared = replay.Shared()
    for source, options in files:
        with pytest.MonkeyPatch.context() as m:
            m.setattr(replay.Memo, "replay", counted)
            together = analyze_source(source, shared=shared, **options)
        assert_same(together, analyze_source(source, **options))
    return sum(replays)


def own_yolo() -> list[tuple[Source, dict[str, Any]]]:
    """Our YOLO configs at both scales, with another class count, and with an `activation:`
    (which rewrites the library's `act` block for that file alone), between zoo files."""
    tinydet = (YOLO / "tinydet.yaml").read_text(encoding="utf-8")
    relu = tinydet.replace("nc: 3", "nc: 3\nactivation: nn.ReLU()")
    return [
        (Source("tinydet.yaml", tinydet), {"scale": "s"}),
        (zoo_source(ZOO[0]), {}),
        (Source("tinydet-p2.yaml", (YOLO / "tinydet-p2.yaml").read_text(encoding="utf-8")),
         {"scale": "s"}),
        (Source("tinydet-relu.yaml", relu), {"scale": "s"}),
        (Source("tinydet.yaml", tinydet), {"scale": "m"}),
        (Source("tinydet.yaml", tinydet), {"scale": "s", "params": {"nc": 80}}),
        (Source("tinydet-relu.yaml", relu), {"scale": "s"}),
        (Source("again.yaml", tinydet), {"scale": "s"}),
    ]


def test_files_sharing_a_memo() -> None:
    """`check` shares the records of block calls between files with the very same blocks
    (the YOLO reader's library): each file's analysis is exactly what it is alone, and the
    calls a file repeats from an earlier one are replayed, not expanded again."""
    files = own_yolo()
    alone = sum(shared_and_alone([f]) for f in files)
    assert shared_and_alone(files) > alone


def test_files_sharing_a_bounded_memo() -> None:
    """The shared memos are bounded (a few worlds, a few records and answers each): past the
    bound they start again, and the answers stay the same."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(replay.Shared, "HELD", 20)
        m.setattr(replay.Shared, "WORLDS", 1)
        shared_and_alone(own_yolo() + [(zoo_source(p), {}) for p in ZOO[:4]])


@pytest.mark.skipif(importlib.util.find_spec("ultralytics") is None,
                    reason="ultralytics (its shipped model configs) is not installed")
def test_shipped_yolo_configs_sharing_a_memo() -> None:
    """Every shipped YOLO config at every scale, in one run as bench/run.py's yolo_check
    reads them: each analysis is what it is alone."""
    import ultralytics

    models = Path(ultralytics.__file__).parent / "cfg" / "models"
    files = []
    for path in sorted(models.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for scale in (yaml.safe_load(text) or {}).get("scales") or [None]:
            files.append((Source(path.name, text), {"scale": scale}))
    assert shared_and_alone(files) > 0
