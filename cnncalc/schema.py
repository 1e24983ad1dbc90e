"""A JSON Schema (draft 2020-12) of the cnncalc file format, version 1, for editors.

Generated, never hand-listed: every op, alias and argument comes from the op registry
(`cnncalc.ops.SPECS`), and the top-level keys, meta keys, expectations, dtypes and input forms
from the tables `cnncalc.expand` reads files with. An op added to the registry appears here with
its arguments, their types, defaults and docs.

The schema accepts every file cnncalc accepts and rejects what it can see is wrong without
running the network: unknown keys and arguments, wrongly typed values, two ops in one layer.
What JSON Schema cannot express (whether a bare name is a block defined in the file, whether
an id exists, shapes) is left to cnncalc itself. YAML editors read it through a first line such as
`# yaml-language-server: $schema=cnncalc-v1.schema.json`.

Core logic only: `schema()` builds the document, `render()` is its JSON text; nothing prints.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .format import (
    DTYPES,
    INPUT_AXES,
    LAYER_EXPECT,
    LAYOUTS,
    META,
    NET_EXPECT,
    OP_EXPECT,
    REFS,
    TOP_KEYS,
    VERSIONS,
)
from .ops import SPECS, OpSpec
from .ops.base import (
    REQUIRED,
    Arg,
    ArgType,
    Bool,
    Choice,
    Either,
    Float,
    Ids,
    Int,
    Null,
    PerAxis,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://cnncalc.invalid/schema/format-v1.json"  # an identifier, not a download
TITLE = "cnncalc architecture (format v1)"

IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"
# `$name` (a block parameter) or `$(expr)`; what cnncalc substitutes (expand._scalar_value)
PARAM = r"^\$(?:[A-Za-z_][A-Za-z0-9_]*|\([\s\S]*\))$"
BLOCK_PARAM = r"^\s*[A-Za-z_][A-Za-z0-9_]*\s*(?:=[\s\S]*)?$"  # `name` or `name=default`

_SHAPE_KEYS = {"output", "shape"}  # the expectation figures that are shapes, not counts
_AXIS_NAMES = {"c": "channels", "l": "length", "d": "depth", "h": "height", "w": "width"}
_META_DOC = {
    "id": "a name for this layer's output, unique in its scope (not prev, in or input)",
    "from": "the input: an earlier id, prev (default), input, or in (a block's input)",
    "repeat": "apply the layer or block N times in a chain (N >= 1)",
    "first": "argument overrides (by name) for the first copy of a repeat",
    "when": "when false the layer is skipped and passes its input through",
    "expect": "checked figures: a shape [C, H, W] or {shape, params, trainable_params, "
              "buffers, macs}",
    "trainable": "false: the parameters of this layer or block call (everything inside) are "
                 "frozen (requires_grad=False): counted in params, not trainable_params",
    "inference": "false: this layer or block call (everything inside) is built but not run by "
                 "the inference forward (a training-only branch): its params and buffers "
                 "count, its MACs and activations do not",
}
_EXPECT_DOC = {
    "params": "total parameters",
    "trainable_params": "trainable parameters",
    "buffers": "buffers (e.g. BatchNorm running statistics)",
    "macs": "multiply-accumulates (for the file's batch)",
    "output": "the network's output shape, batch excluded",
    "outputs": "the shapes of the network's `outputs:`, in order",
    "shape": "the layer's output shape, batch excluded",
    "memory": "bytes: a layer's output, the network's every activation",
    "values": "values: a layer's output, the network's every activation",
    "layers": "depth: conv and linear layers on the longest path",
    "rf": "receptive field size (one number, or one per axis)",
    "rf_stride": "receptive field stride (one number, or one per axis)",
    "rf_start": "receptive field start (one number, or one per axis)",
}
_SHAPE_TEXT = {"type": "string", "maxLength": 40, "pattern": r"^\s*[0-9]+(\s*[x×,]\s*[0-9]+)*\s*$",
               "description": "a shape as cnncalc prints it, 96x55x55, in the file's layout"}
# a figure as cnncalc prints it: "34,944", 34_944, "61.1M", "1.1 MiB" (cnncalc/figures.py)
_FIGURE_TEXT = {"type": "string", "maxLength": 40,
                "pattern": r"^\s*[0-9][0-9,_]*(\.[0-9]+)?\s*([KMGTPkmgtp]|[KMGT]i?B|B)?\s*$"}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _json_value(value: Any) -> Any:
    """`value` as JSON data, or REQUIRED when it has no JSON form (then no default is shown)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else REQUIRED
    if isinstance(value, (list, tuple)):
        items = [_json_value(v) for v in value]
        return REQUIRED if any(i is REQUIRED for i in items) else items
    return REQUIRED


def _number(value: float) -> str:
    return str(value).replace("-", "neg").replace(".", "p")


class _Builder:
    """Collects `$defs` while the document is built: one definition per distinct argument
    type (named after it) and per op, so that aliases, defaults and `first` share them."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}
        self.type_names: dict[ArgType, str] = {}

    # ------------------------------------------------------------ argument types

    def type_ref(self, t: ArgType) -> dict[str, Any]:
        """A schema for a value of type `t`, written literally or as `$name` / `$(expr)`."""
        name = self.type_names.get(t)
        if name is None:
            base = re.sub(r"[^A-Za-z0-9_.-]+", "_", self._type_name(t))
            name, n = base, 2
            while name in self.defs:
                name, n = f"{base}_{n}", n + 1
            self.type_names[t] = name
            self.defs[name] = {}  # reserved before recursing
            self.defs[name] = self._type_schema(t)
        return _ref(name)

    def _type_name(self, t: ArgType) -> str:
        if isinstance(t, Int):
            return "int" if t.min is None else f"int_min{_number(t.min)}"
        if isinstance(t, Float):
            return "number" + ("" if t.min is None else f"_min{_number(t.min)}") + (
                "" if t.max is None else f"_max{_number(t.max)}")
        if isinstance(t, Bool):
            return "bool"
        if isinstance(t, Null):
            return "null"
        if isinstance(t, Choice):
            return "enum_" + "_".join(t.choices)
        if isinstance(t, PerAxis):
            return f"per_axis_{self._type_name(t.item)}" + (
                "_or_null_items" if t.nullable_items else "")
        if isinstance(t, Either):
            return "_or_".join(self._type_name(o) for o in t.options)
        if isinstance(t, Ids):
            return "ids"
        return type(t).__name__.strip("_").lower() or "value"

    def _type_schema(self, t: ArgType) -> dict[str, Any]:
        param = _ref("param")
        if isinstance(t, Int):
            literal: dict[str, Any] = {"type": "integer"}
            if t.min is not None:
                literal["minimum"] = t.min
            return {"anyOf": [literal, param]}
        if isinstance(t, Float):
            literal = {"type": "number"}
            if t.min is not None:
                literal["minimum"] = t.min
            if t.max is not None:
                literal["maximum"] = t.max
            return {"anyOf": [literal, param]}
        if isinstance(t, Bool):
            return {"anyOf": [{"type": "boolean"}, param]}
        if isinstance(t, Null):
            return {"anyOf": [{"type": "null"}, param]}
        if isinstance(t, Choice):
            return {"anyOf": [{"enum": list(t.choices)}, param]}
        if isinstance(t, PerAxis):
            item = self.type_ref(t.item)
            items = {"anyOf": [{"type": "null"}, item]} if t.nullable_items else item
            return {"anyOf": [item, {"type": "array", "minItems": 1, "items": items}]}
        if isinstance(t, Either):
            return {"anyOf": [self.type_ref(o) for o in t.options]}
        if isinstance(t, Ids):
            return {"anyOf": [{"type": "array", "minItems": 2, "items": _ref("merge_ref")},
                              {"type": "array", "minItems": 1, "maxItems": 1,
                               "items": _ref("all_results")}, param]}
        return self._probed(t)

    @staticmethod
    def _probed(t: ArgType) -> dict[str, Any]:
        """A type the registry defines on its own (prelu's `num_parameters`): described by
        what its `check` accepts, probing each kind of YAML value (and the words its label
        quotes). Accepts anything when the probes find nothing, so valid files stay valid."""

        def accepts(value: Any) -> bool:
            try:
                t.check(value)
            except Exception:  # ArgError, or whatever a check does with an odd probe
                return False
            return True

        options: list[dict[str, Any]] = []
        probes = [*range(-1, 17), 10**6]
        ints = [v for v in probes if accepts(v)]
        if any(accepts(v) for v in (0.5, 1.5, 2.5, 1e6 + 0.5)):
            options.append({"type": "number"})
        elif ints:  # a minimum only when every probe above it passes too
            low = ints[0]
            exact = low > -1 and ints == [v for v in probes if v >= low]
            options.append({"type": "integer", "minimum": low} if exact else {"type": "integer"})
        if any(accepts(v) for v in ((1,), (2, 2), (1, 2, 3))):
            options.append({"type": "array"})
        if accepts(True) and accepts(False):
            options.append({"type": "boolean"})
        if accepts("\x00 any text"):
            options.append({"type": "string"})
        else:
            words = [w for w in dict.fromkeys(re.findall(r"'([^']*)'", t.label)) if accepts(w)]
            if words:
                options.append({"enum": words})
        if accepts(None):
            options.append({"type": "null"})
        if not options:
            return {"description": t.label}
        return {"anyOf": [*options, _ref("param")]}

    def scalar_ref(self, t: ArgType) -> dict[str, Any]:
        """The non-list forms of `t`: an op's scalar value is its first positional argument,
        and a list there would mean positional arguments instead."""
        if isinstance(t, PerAxis):
            return self.type_ref(t.item)
        if isinstance(t, Either):
            options = [self.scalar_ref(o) for o in t.options]
            return options[0] if len(options) == 1 else {"anyOf": options}
        if isinstance(t, Ids):
            return _ref("param")
        return self.type_ref(t)

    # ------------------------------------------------------------ ops

    def arg_schema(self, arg: Arg, scalar: bool = False) -> dict[str, Any]:
        schema = self.scalar_ref(arg.type) if scalar else self.type_ref(arg.type)
        schema = dict(schema) if "$ref" in schema else {"allOf": [schema]}
        text = arg.type.label + ("; required" if arg.required else "")
        schema["description"] = f"{arg.name}: {text}" + (f". {arg.doc}" if arg.doc else "")
        default = _json_value(arg.default)
        if default is not REQUIRED:
            schema["default"] = default
        return schema

    def op(self, spec: OpSpec) -> None:
        """`args.<op>` (the keyword mapping: a layer's, `defaults`' and `first`'s) and
        `call.<op>` (everything an op key's value may be)."""
        self.defs[f"args.{spec.name}"] = {
            "type": "object",
            "description": f"{spec.name}'s arguments by name",
            "properties": {a.name: self.arg_schema(a) for a in spec.args},
            "additionalProperties": False,
        }
        forms: list[dict[str, Any]] = [{"type": "null", "description": "all defaults"}]
        if spec.list_arg is not None:
            forms.append(self.arg_schema(next(a for a in spec.args if a.name == spec.list_arg)))
        elif spec.args:
            forms.append(self.arg_schema(spec.args[0], scalar=True))
            forms.append({
                "type": "array",
                "description": "positional: " + ", ".join(a.name for a in spec.args),
                "prefixItems": [_ref(f"args.{spec.name}/properties/{a.name}")
                                for a in spec.args],
                # not `items: false`: a draft-07 reader (older editors) ignores prefixItems
                # and would then refuse every list; maxItems means the same to both
                "maxItems": len(spec.args),
            })
        else:
            forms.append({"type": "array", "maxItems": 0})
        forms.append(_ref(f"args.{spec.name}"))
        self.defs[f"call.{spec.name}"] = {"description": _op_doc(spec), "anyOf": forms}


def _op_doc(spec: OpSpec) -> str:
    summary = spec.summary.rstrip(". ")
    if spec.list_arg is not None:
        return f"{summary}. A list = the {spec.list_arg} (ids); or by name: " + ", ".join(
            a.name for a in spec.args)
    if not spec.args:
        return f"{summary}. No arguments"
    return f"{summary}. Positional: " + ", ".join(a.name for a in spec.args)


def _alias_doc(alias: str, spec: OpSpec, rank: int | None) -> str:
    needs = f", {rank}-D inputs only" if rank is not None else ""
    return f"{alias} = {spec.name}{needs}. {_op_doc(spec)}"


def _ops() -> list[tuple[str, OpSpec, int | None]]:
    """Every name usable in files: (name, spec, rank the alias demands), registry order."""
    return [(name, spec, rank)
            for spec in SPECS if not spec.internal
            for name, rank in [(spec.name, None), *spec.aliases.items()]]


def _shape(description: str) -> dict[str, Any]:
    return {"type": "array", "description": description,
            "items": {"anyOf": [{"type": "integer", "minimum": 0}, _ref("param")]}}


def _figures(keys: tuple[str, ...], description: str) -> dict[str, Any]:
    count = {"anyOf": [{"type": "integer", "minimum": 0}, _FIGURE_TEXT, _ref("param"),
                       {"type": "array", "items": {"type": "integer"}, "minItems": 1}]}

    def figure(k: str) -> dict[str, Any]:
        if k in _SHAPE_KEYS:
            return {"anyOf": [_shape(_EXPECT_DOC.get(k, k)), _SHAPE_TEXT]}
        if k == "outputs":
            return {"type": "array", "items": _shape("a shape"), "description": _EXPECT_DOC[k]}
        if k == "ops":  # per-op subtotals: {conv: {params: N}}
            return {"type": "object", "description": "figures summed over each op's layers",
                    "additionalProperties": _figures(OP_EXPECT, "figures of one op's layers")}
        return {**count, "description": _EXPECT_DOC.get(k, k)}

    return {
        "type": "object",
        "description": description,
        "properties": {k: figure(k) for k in keys},
        "additionalProperties": False,
    }


def _input() -> dict[str, Any]:
    # a size, or `$name` / `$(expr)` of the file parameters
    size = {"anyOf": [{"type": "integer", "minimum": 1}, _ref("param")]}
    forms: list[dict[str, Any]] = [{
        "type": "array", "minItems": 1, "maxItems": 4, "items": size,
        "description": "[F], [C, L], [C, H, W] or [C, D, H, W], batch excluded",
    }]
    for axes in INPUT_AXES:
        forms.append({
            "type": "object",
            "description": "{" + ", ".join(axes) + "}",
            "properties": {a: {**size, "description": _AXIS_NAMES.get(a, a)} for a in axes},
            "required": list(axes),
            "additionalProperties": False,
        })
    return {"description": "the input shape, channels first, batch excluded", "anyOf": forms}


def schema() -> dict[str, Any]:
    """The JSON Schema of format v1, as JSON data (a new dict on every call)."""
    b = _Builder()
    ops = _ops()
    op_names = [name for name, _, _ in ops]
    b.defs["param"] = {"type": "string", "pattern": PARAM,
                       "description": "$name (a block parameter) or $(expression)"}
    b.defs["identifier"] = {"type": "string", "pattern": IDENT}
    b.defs["input_ref"] = {
        "description": "an earlier layer's id, prev, input, or in (a block's input); id[i]: "
                       "result i of a split op or copy i of a repeat (negative from the end)",
        "anyOf": [_ref("identifier"), _ref("param"),
                  {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*\[-?[0-9]+\]$"}],
    }
    b.defs["all_results"] = {
        "description": "id[*]: every result of a split op or every copy of a repeat, in order",
        "type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*\[\*\]$"}
    b.defs["merge_ref"] = {"anyOf": [_ref("input_ref"), _ref("all_results")]}
    for spec in SPECS:
        if not spec.internal:
            b.op(spec)

    # -- layers: a bare name, or a mapping of one op (or block) key plus meta keys
    meta: dict[str, dict[str, Any]] = {
        "id": {"allOf": [_ref("identifier"), {"not": {"enum": list(REFS)}}]},
        "from": _ref("input_ref"),
        "repeat": b.type_ref(Int(1)),
        "first": {"type": "object", "propertyNames": _ref("identifier")},
        "when": b.type_ref(Bool()),
        "trainable": b.type_ref(Bool()),
        "inference": b.type_ref(Bool()),
        "expect": {"anyOf": [_shape(_EXPECT_DOC["shape"]),
                             _figures(LAYER_EXPECT, "figures for this layer")]},
    }
    meta_props = {key: {**meta[key], "description": _META_DOC[key]} for key in META}
    op_props: dict[str, Any] = {}
    only_one: dict[str, Any] = {}
    for name, spec, rank in ops:
        call = _ref(f"call.{spec.name}")
        op_props[name] = call if name == spec.name else {
            **call, "description": _alias_doc(name, spec, rank)}
        rules: dict[str, Any] = {"propertyNames": {"enum": [*META, name]},
                                 "properties": {"first": _ref(f"args.{spec.name}")}}
        if spec.multi_input:  # a merge takes its inputs from its list (expand: E114)
            rules["properties"] = {"from": False, "repeat": False}
        only_one[name] = rules
    b.defs["layer_map"] = {
        "type": "object",
        "description": "one op or block key, plus meta keys: " + ", ".join(META),
        "properties": {**meta_props, **op_props},
        "additionalProperties": _ref("block_call"),
        "propertyNames": _ref("identifier"),
        "not": {"propertyNames": {"enum": list(META)}},  # at least one op or block key
        "dependentRequired": {"first": ["repeat"]},
        "dependentSchemas": only_one,  # an op key allows no second op or block key
    }
    b.defs["block_call"] = {
        "description": "a block call: {param: value}, positional [..], a scalar (the first "
                       "parameter) or nothing",
        "propertyNames": _ref("identifier"),
    }
    b.defs["layer"] = {"anyOf": [
        {"enum": op_names, "description": "an op with its defaults"},
        {**_ref("identifier"), "description": "a block, called with its defaults"},
        _ref("layer_map"),
    ]}
    b.defs["layers"] = {"type": "array", "items": _ref("layer")}

    params = {"type": "array", "description": "ordered: name or name=default",
              "items": {"type": "string", "pattern": BLOCK_PARAM}}
    let = {"type": "object", "propertyNames": {"allOf": [
        _ref("identifier"), {"not": {"enum": list(REFS)}}]},
        "description": "local names, in order: each may use parameters and earlier names"}
    # -- the top level, in the order format.TOP_KEYS lists it
    top: dict[str, dict[str, Any]] = {
        "cnncalc": {"enum": list(VERSIONS),
                    "description": "format version: " + " or ".join(map(str, VERSIONS))},
        "name": {"type": "string", "description": "the network's name; default: the file name"},
        "include": {"type": "array", "items": {"type": "string", "minLength": 1},
                    "description": "files whose blocks this file uses, relative to it"},
        "params": {**params, "description": "file parameters (name or name=default), set "
                   "with --set name=value"},
        "let": {**let, "description": "local names of the top level, in order"},
        "input": _input(),
        "batch": {"anyOf": [{"type": "integer", "minimum": 1}, _ref("param")],
                  "description": "batch size for MACs and memory; default 1"},
        "dtype": {"enum": list(DTYPES),
                  "description": "element type of parameters and activations; default float32"},
        "defaults": {
            "type": "object",
            "description": "default arguments per op (apply to all its aliases)",
            "properties": {name: {**_ref(f"args.{spec.name}"), "description":
                                  f"defaults for {spec.name}"} for name, spec, _ in ops},
            "additionalProperties": False,
        },
        "blocks": {
            "type": "object",
            "description": "reusable parametrised sub-graphs, called like ops",
            "propertyNames": {"allOf": [_ref("identifier"),
                                        {"not": {"enum": [*op_names, *REFS]}}]},
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "params": params,
                    "let": {**let, "description": "local names, evaluated at each call"},
                    "layers": {**_ref("layers"), "description": "the block body"},
                },
                "required": ["layers"],
                "additionalProperties": False,
            },
        },
        "layers": {**_ref("layers"), "description": "the network, in order"},
        "expect": _figures(NET_EXPECT, "figures for the whole network"),
        "outputs": {"type": "array", "minItems": 1, "items": _ref("merge_ref"),
                    "description": "the network's outputs, in order (default: the last "
                                   "layer); id[*] lists every result"},
        "layout": {"enum": list(LAYOUTS),
                   "description": "how the file writes shapes (its input and expected shapes): "
                                  "chw (PyTorch, the default) or hwc (course notes' 55x55x96)"},
    }
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": TITLE,
        "description": "A CNN architecture for cnncalc: exact shapes, parameters and MACs, "
                       "PyTorch semantics. Generated from cnncalc's op registry.",
        "type": "object",
        "properties": {key: top[key] for key in TOP_KEYS},
        # a network, or a block library (blocks without layers, for `include:`)
        "anyOf": [{"required": ["input", "layers"]},
                  {"required": ["blocks"], "not": {"required": ["layers"]}}],
        "additionalProperties": False,
        "$defs": b.defs,
    }


def render() -> str:
    """The schema as JSON text: indent 2, a trailing newline, the same on every call."""
    return json.dumps(schema(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
