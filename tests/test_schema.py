"""The JSON Schema for editors (cnncalc/schema.py): valid, generated from the registry, accepts
every file cnncalc accepts and rejects the mistakes it can see without running the network."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, ZOO, run

from cnncalc import schema as schema_module
from cnncalc.diagnostics import Severity
from cnncalc.format import META, TOP_KEYS
from cnncalc.loader import YMap, YNode, YScalar, YSeq, load
from cnncalc.ops import SPECS, OpSpec, names
from cnncalc.ops.base import Arg, ArgError, ArgType, Choice, Float, Int, PerAxis
from cnncalc.schema import render, schema
from cnncalc.source import Source

jsonschema = pytest.importorskip(
    "jsonschema", reason="jsonschema is not installed (pip install jsonschema)")

SCHEMA = schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
DOC = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
DOC_EXAMPLES = [m.group(1) for m in re.finditer(r"^```yaml\n(.*?)^```$", DOC, re.M | re.S)
                if not m.group(1).startswith("# fragment")]


def plain(node: YNode) -> Any:
    """cnncalc's own YAML 1.2 reading as plain data: what a YAML 1.2 editor validates."""
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YSeq):
        return [plain(item) for item in node.items]
    assert isinstance(node, YMap)
    return {str(key.value): plain(value) for key, value in node.items}


def read(text: str) -> Any:
    root, _ = load(Source("t.yaml", text))
    return plain(root)


def errors(data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
            for e in VALIDATOR.iter_errors(data)]


def cnncalc_errors(text: str) -> set[str]:
    return {d.code for d in run(text).diagnostics if d.severity == Severity.ERROR}


# ---------------------------------------------------------------- the schema itself

def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] and SCHEMA["title"] and SCHEMA["description"]


def test_render_is_deterministic_json() -> None:
    text = render()
    assert text == render()
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "$schema"')  # indent 2
    assert json.loads(text) == schema() == SCHEMA
    assert schema() is not schema()  # callers may change their copy


def test_every_ref_resolves() -> None:
    refs = re.findall(r'"\$ref": "([^"]+)"', render())
    assert refs
    for ref in set(refs):
        assert ref.startswith("#/$defs/")
        node: Any = SCHEMA
        for part in ref[2:].split("/"):
            node = node[part]


def test_top_level_and_meta_keys_follow_the_reader() -> None:
    assert list(SCHEMA["properties"]) == list(TOP_KEYS)
    assert SCHEMA["additionalProperties"] is False
    assert [set(form["required"]) for form in SCHEMA["anyOf"]] == [{"input", "layers"}, {"blocks"}]
    layer_map = SCHEMA["$defs"]["layer_map"]["properties"]
    assert [k for k in layer_map if k in META] == list(META)


@pytest.mark.parametrize("name", names())
def test_every_op_and_alias_is_in_the_schema(name: str) -> None:
    defs = SCHEMA["$defs"]
    assert name in defs["layer_map"]["properties"]
    assert name in defs["layer"]["anyOf"][0]["enum"]
    assert name in SCHEMA["properties"]["defaults"]["properties"]
    assert name in defs["layer_map"]["dependentSchemas"]


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.internal], ids=lambda s: s.name)
def test_every_argument_is_described_from_the_registry(spec: Any) -> None:
    args = SCHEMA["$defs"][f"args.{spec.name}"]
    assert args["additionalProperties"] is False
    assert list(args["properties"]) == [a.name for a in spec.args]
    for arg in spec.args:
        prop = args["properties"][arg.name]
        assert prop["description"].startswith(f"{arg.name}: {arg.type.label}")
        if arg.doc:
            assert arg.doc in prop["description"]
        if not arg.required:
            default = list(arg.default) if isinstance(arg.default, tuple) else arg.default
            assert prop["default"] == default
        else:
            assert "default" not in prop
    assert spec.summary.rstrip(". ") in SCHEMA["$defs"][f"call.{spec.name}"]["description"]


@pytest.mark.parametrize(
    ("name", "arg"), [(s.name, a) for s in SPECS if not s.internal for a in s.args
                      if not a.required], ids=lambda v: v if isinstance(v, str) else v.name)
def test_every_default_is_valid_by_the_schema(name: str, arg: Arg) -> None:
    default = list(arg.default) if isinstance(arg.default, tuple) else arg.default
    assert errors({"input": [3, 8, 8], "defaults": {name: {arg.name: default}},
                   "layers": [{name: {arg.name: default}}]}) == []


class _Odd(ArgType):
    """An argument type the schema module has never heard of."""

    def check(self, value: Any) -> Any:
        if value in ("auto", "half") or (type(value) is int and value >= 2):
            return value
        raise ArgError(f"expected {self.label}")

    @property
    def label(self) -> str:
        return "int >= 2, 'auto' or 'half'"


def test_a_new_op_appears_with_its_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    new = OpSpec(name="frobnicate", summary="a test op", aliases={"frob2d": 2},
                 args=(Arg("width", Int(3)), Arg("mode", Choice(("a", "b")), "a", "how"),
                       Arg("scale", PerAxis(Float(0, 2)), 1.0), Arg("odd", _Odd(), "auto")),
                 shape=lambda ctx: ctx.x)
    monkeypatch.setattr(schema_module, "SPECS", (*SPECS, new))
    document = schema()
    jsonschema.Draft202012Validator.check_schema(document)
    check = jsonschema.Draft202012Validator(document)
    props = document["$defs"]["args.frobnicate"]["properties"]
    assert list(props) == ["width", "mode", "scale", "odd"]
    assert props["mode"]["description"] == "mode: a | b. how"
    assert props["mode"]["default"] == "a"
    assert "frob2d = frobnicate, 2-D inputs only" in document["$defs"]["layer_map"][
        "properties"]["frob2d"]["description"]

    def ok(layer: Any) -> bool:
        return bool(check.is_valid({"input": [3, 8, 8], "layers": [layer]}))

    assert ok("frob2d")
    assert ok({"frobnicate": [3, "b", [0.5, 2], 7]})
    assert ok({"frob2d": 4})
    assert ok({"frobnicate": {"width": "$w", "odd": "half", "scale": 1.5}})
    assert not ok({"frobnicate": 2})  # width >= 3
    assert not ok({"frobnicate": [3, "c"]})
    assert not ok({"frobnicate": {"width": 3, "scale": 3}})
    assert not ok({"frobnicate": {"width": 3, "odd": 1}})
    assert not ok({"frobnicate": {"width": 3, "odd": "full"}})
    assert not ok({"frobnicate": [3, "a", 1, "auto", 5]})  # one positional too many


def test_internal_ops_are_not_in_the_schema() -> None:
    internal = [s.name for s in SPECS if s.internal]
    assert internal  # the network input
    for name in internal:
        assert f'"call.{name}"' not in render()
        assert name not in SCHEMA["$defs"]["layer_map"]["properties"]


# ---------------------------------------------------------------- files that validate

@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.name)
def test_zoo_validates(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert errors(yaml.safe_load(text)) == []  # a YAML 1.1 reader (PyYAML)
    assert errors(read(text)) == []  # a YAML 1.2 reader (cnncalc's; editors')


@pytest.mark.parametrize("text", [t for t in DOC_EXAMPLES if "# expect-error" not in t])
def test_valid_doc_examples_validate(text: str) -> None:
    assert errors(read(text)) == []


def test_a_draft_07_reader_reports_no_false_errors() -> None:
    """Editors that still read schemas as draft-07 ignore prefixItems, dependentSchemas and
    the annotations beside $ref: they check less, but never reject a valid file."""
    draft7 = jsonschema.Draft7Validator(SCHEMA)
    texts = [p.read_text(encoding="utf-8") for p in ZOO]
    texts += [t for t in DOC_EXAMPLES if "# expect-error" not in t]
    texts += [textwrap.dedent(t) for t in VALID.values()]
    assert [t[:60] for t in texts if not draft7.is_valid(read(t))] == []


@pytest.mark.parametrize("text", [t for t in DOC_EXAMPLES if "# expect-error" in t])
def test_the_schema_never_rejects_more_than_cnncalc(text: str) -> None:
    if errors(read(text)):
        assert cnncalc_errors(text)


VALID = {
    "every_form": """
        input: {c: 3, l: 100}
        layers:
          - conv1d: [8, 3]
          - conv: {out_channels: 8, kernel_size: [3], padding: same}
          - maxpool: 2
          - adaptive_avgpool: {output_size: [null]}
          - adaptive_avgpool: [[4]]
          - flatten:
          - linear: 10
          - dropout: 0.5
          - identity: []
          - prelu: {num_parameters: channels}
    """,
    "blocks_and_params": """
        cnncalc: 1
        name: net
        input: [3, 32, 32]
        batch: 8
        dtype: bfloat16
        defaults:
          conv2d: {bias: false}
          bn: {momentum: null}
        blocks:
          unit:
            params: [out, s=1, residual=true, pad=same]
            layers:
              - {id: a, conv: [$out, 3, $s, 1]}
              - {conv: {out_channels: "$(max(out, in_c))", kernel_size: 1, padding: $pad}}
              - {add: [prev, in], when: $(s == 1 and residual)}
          plain:
            layers: [relu]
        layers:
          - {id: u, unit: 16, repeat: 2, first: {s: 2}, expect: {shape: [16, 16, 16]}}
          - plain
          - {plain: {}, from: u}
          - concat: {inputs: [u, prev], dim: 0}
          - {conv: [16, 1], repeat: 2, first: {stride: 1}}
        expect: {params: 1, output: [32, 16, 16]}
    """,
}


@pytest.mark.parametrize("text", list(VALID.values()), ids=list(VALID))
def test_valid_snippets_validate(text: str) -> None:
    assert errors(read(textwrap.dedent(text))) == []


# ---------------------------------------------------------------- files it rejects

INVALID = {
    "unknown_top_level_key": ("input: [3, 8, 8]\nlayer: [relu]\nlayers: [relu]\n", "E101"),
    "missing_layers": ("input: [3, 8, 8]\n", "E102"),
    "version_2": ("cnncalc: 2\ninput: [3, 8, 8]\nlayers: [relu]\n", "E115"),
    "input_zero": ("input: [3, 0, 8]\nlayers: [relu]\n", "E108"),
    "input_five_dims": ("input: [1, 2, 3, 4, 5]\nlayers: [relu]\n", "E108"),
    "input_mapping_axes": ("input: {c: 3, h: 8}\nlayers: [relu]\n", "E103"),
    "unknown_dtype": ("input: [3, 8, 8]\ndtype: float8\nlayers: [relu]\n", "E108"),
    "unknown_conv_argument": (
        "input: [3, 8, 8]\nlayers:\n  - conv: {out_channels: 8, kernel_size: 3, stide: 2}\n",
        "E105"),
    "kernel_size_text": (
        "input: [3, 8, 8]\nlayers:\n  - conv: {out_channels: 8, kernel_size: '3'}\n", "E103"),
    "kernel_size_bool": (
        "input: [3, 8, 8]\nlayers:\n  - conv: {out_channels: 8, kernel_size: true}\n", "E103"),
    "kernel_size_fraction": (
        "input: [3, 8, 8]\nlayers:\n  - conv: {out_channels: 8, kernel_size: 1.5}\n", "E103"),
    "kernel_size_zero": (
        "input: [3, 8, 8]\nlayers:\n  - conv: {out_channels: 8, kernel_size: [3, 0]}\n", "E108"),
    "padding_word": (
        "input: [3, 8, 8]\nlayers:\n  - conv: {out_channels: 8, kernel_size: 3, padding: full}\n",
        "E103"),
    "two_op_keys": ("input: [3, 8, 8]\nlayers:\n  - {conv: [8, 3], relu: {}}\n", "E114"),
    "op_and_stray_key": ("input: [3, 8, 8]\nlayers:\n  - {conv: [8, 3], strde: 2}\n", "E114"),
    "only_meta_keys": ("input: [3, 8, 8]\nlayers:\n  - {id: a, when: true}\n", "E114"),
    "too_many_positional": ("input: [3, 8, 8]\nlayers:\n  - adaptive_avgpool: [1, 1]\n", "E106"),
    "scalar_for_no_argument_op": ("input: [3, 8, 8]\nlayers:\n  - identity: 3\n", "E106"),
    "merge_of_one": ("input: [3, 8, 8]\nlayers:\n  - relu\n  - add: [prev]\n", "E108"),
    "merge_with_from": (
        "input: [3, 8, 8]\nlayers:\n  - {id: a, relu: {}}\n  - {add: [a, input], from: a}\n",
        "E114"),
    "first_without_repeat": (
        "input: [3, 8, 8]\nlayers:\n  - {conv: [8, 3], first: {stride: 2}}\n", "E114"),
    "first_unknown_argument": (
        "input: [3, 8, 8]\nlayers:\n  - {conv: [8, 3], repeat: 2, first: {strde: 2}}\n", "E105"),
    "repeat_zero": ("input: [3, 8, 8]\nlayers:\n  - {relu: {}, repeat: 0}\n", "E108"),
    "when_yes": ("input: [3, 8, 8]\nlayers:\n  - {relu: {}, when: yes}\n", "E103"),
    "prelu_count_zero": ("input: [3, 8, 8]\nlayers:\n  - prelu: {num_parameters: 0}\n",
                         "E108"),
    "prelu_count_word": (
        "input: [3, 8, 8]\nlayers:\n  - prelu: {num_parameters: chanels}\n", "E103"),
    "reserved_id": ("input: [3, 8, 8]\nlayers:\n  - {id: prev, relu: {}}\n", "E108"),
    "bad_dollar": ("input: [3, 8, 8]\nlayers:\n  - conv: [$out-1, 3]\n", "E112"),
    "unknown_op_in_defaults": ("input: [3, 8, 8]\ndefaults: {rleu: {}}\nlayers: [relu]\n",
                               "E104"),
    "unknown_argument_in_defaults": (
        "input: [3, 8, 8]\ndefaults: {conv2d: {bais: false}}\nlayers: [relu]\n", "E105"),
    "block_named_like_an_op": (
        "input: [3, 8, 8]\nblocks:\n  conv: {layers: [relu]}\nlayers: [relu]\n", "E108"),
    "block_without_layers": (
        "input: [3, 8, 8]\nblocks:\n  b: {params: [x]}\nlayers: [relu]\n", "E102"),
    "unknown_layer_expectation": (
        "input: [3, 8, 8]\nlayers:\n  - {relu: {}, expect: {flops: 1}}\n", "E105"),
    "unknown_network_expectation": (
        "input: [3, 8, 8]\nlayers: [relu]\nexpect: {shape: [3, 8, 8]}\n", "E105"),
}


@pytest.mark.parametrize(("text", "code"), list(INVALID.values()), ids=list(INVALID))
def test_invalid_files_are_rejected(text: str, code: str) -> None:
    assert code in cnncalc_errors(text)  # the case really is an error, and this one
    assert errors(read(text)), "the schema accepts it"
