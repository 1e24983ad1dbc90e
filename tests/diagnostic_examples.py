"""The example inputs for every diagnostic, in one table: `CASES` (several per code, each with
where it points and what it says; tests/test_diagnostics.py checks them) and `PAGE` (one per
code, with when it happens and how to fix it; tests/test_diagnostics_page.py runs them through
cnncalc and writes docs/diagnostics.md from them)."""

from __future__ import annotations

from typing import NamedTuple

from cnncalc.limits import DEFAULT_MAX_LAYERS, MAX_VALUE_ITEMS


def net(*layers: str, input: str = "[3, 32, 32]") -> str:
    """`input:` on line 1, `layers:` on line 2, layer i on line 3 + i; a layer's text starts at
    column 5 (after `  - `)."""
    return f"input: {input}\nlayers:\n" + "".join(f"  - {layer}\n" for layer in layers)


# An Ultralytics YOLO config of our own (a classifier, docs/yolo.md): nc on line 1, rows 0 and 1
# on lines 3 and 4, the head's row 2 on line 6; each row's text starts at column 5
YOLO = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, C2f, [16]]\nhead:\n"
        "  - [-1, 1, Classify, [nc]]\n")


def yolo(old: str, new: str) -> str:
    """The YOLO config with its first `old` written `new`."""
    assert old in YOLO
    return YOLO.replace(old, new, 1)


class Case(NamedTuple):
    id: str
    yaml: str
    code: str
    line: int
    col: int
    message: str
    hint: str | None


BLOCK_N = """\
    input: [3, 32, 32]
    blocks:
      b:
        params: [n]
        layers:
          - conv: {{out_channels: {value}, kernel_size: 1}}
    layers:
      - b: 4
    """  # the value starts at 6:30

CASES = [
    # ---------------------------------------------------------------- E0xx: unreadable
    Case("empty-file", "", "E004", 1, 1, "the file is empty", "`input:` and `layers:`"),
    Case("comments-only", "# nothing here\n", "E004", 1, 1, "the file is empty", "`input:`"),
    Case("not-a-mapping-list", "- relu\n- bn\n", "E004", 1, 1,
         "an architecture is a mapping of keys, got a list", "start from `input:`"),
    Case("not-a-mapping-scalar", "just some text\n", "E004", 1, 1,
         "got the text 'just some text'", "start from `input:`"),
    Case("yaml-unclosed-flow-mapping", net("conv: {out_channels: 8"), "E003", 3, 11,
         "this `{` is never closed (the parser reached the end of the file still inside it: "
         "did not find expected ',' or '}')", "close it with `}` where the value ends"),
    Case("yaml-unclosed-flow-sequence", net("conv: [8, 3", "relu") + "name: x\n", "E003", 3, 11,
         "this `[` is never closed (the parser reached line 5 still inside it",
         "close it with `]`"),
    Case("yaml-tab-indent", "input: [3, 32, 32]\nlayers:\n\t- relu\n", "E003", 3, 1,
         "cannot start any token", "YAML indents with spaces only: replace the tab"),
    Case("yaml-reserved-character", net("@relu"), "E003", 3, 5,
         "cannot start any token", "quote a value that starts with `@`"),
    Case("yaml-bad-indent", "input: [3, 32, 32]\nlayers:\n  - relu\n - bn\n", "E003", 4, 2,
         "did not find expected key", "the keys of one mapping start in the same column"),
    Case("yaml-colon-in-value", "input: [3, 32, 32]\nlayers: [relu]\nname: a: b\n", "E003",
         3, 8, "mapping values are not allowed", "quote a value that contains `: `"),
    Case("yaml-item-without-dash", net("relu") + "  bn\nname: x\n", "E003", 4, 3,
         "could not find expected ':' (while scanning a simple key)",
         "a list item starts with `- `"),
    Case("yaml-unclosed-quote", "input: [3, 32, 32]\nname: 'abc\nlayers: [relu]\n", "E003", 2, 7,
         "this `'` is never closed", "close it with `'`"),
    Case("yaml-flow-sequence-closed-wrong", net("{id: a, conv: [8, 3}"), "E003", 3, 24,
         "did not find expected ',' or ']' (while parsing a flow sequence)",
         "close `[` with `]` and `{` with `}`"),
    Case("yaml-undefined-alias", net("*nope"), "E003", 3, 5, "undefined alias",
         "quote text that starts with `*`"),
    Case("yaml-two-documents", "input: [3, 32, 32]\n---\nlayers: [relu]\n", "E003", 2, 1,
         "another document", "a file holds one architecture"),
    Case("recursive-anchor", "input: &a [3, *a]\nlayers: [relu]\n", "E006", 1, 8,
         "recursive anchor", "must not contain their own alias"),
    Case("duplicate-top-key", "input: [3, 32, 32]\nlayers: [relu]\ninput: [3, 8, 8]\n", "E005",
         3, 1, "duplicate key 'input' (first at line 1)", "remove or rename"),
    Case("duplicate-argument", net("conv: {out_channels: 8, kernel_size: 3, out_channels: 4}"),
         "E005", 3, 45, "duplicate key 'out_channels' (first at line 3)", "remove or rename"),
    Case("duplicate-key-other-line", "input: [3, 32, 32]\nlayers:\n  - relu\nlayers:\n  - bn\n",
         "E005", 4, 1, "duplicate key 'layers' (first at line 2)", "YAML would silently keep"),
    # ---------------------------------------------------------------- E1xx: not an architecture
    Case("unknown-top-level-key", "input: [3, 32, 32]\nlayers: [relu]\nexpects: {params: 0}\n",
         "E101", 3, 1, "unknown top-level key 'expects'", "did you mean 'expect'?"),
    Case("unknown-top-level-key-no-match", "input: [3, 32, 32]\nlayers: [relu]\ncolour: red\n",
         "E101", 3, 1, "unknown top-level key 'colour'", "the keys are: cnncalc, name, input"),
    Case("unknown-block-key", """\
         input: [3, 32, 32]
         blocks:
           b:
             param: [n]
             layers: [relu]
         layers: [b]
         """, "E101", 4, 5, "unknown key 'param' in block 'b'", "did you mean 'params'?"),
    Case("missing-input", "layers:\n  - relu\n", "E102", 1, 1, "missing required key 'input'",
         "input: [3, 224, 224]"),
    Case("missing-layers", "input: [3, 32, 32]\n", "E102", 1, 1,
         "missing required key 'layers'", "add `layers:`"),
    Case("block-without-layers", """\
         input: [3, 32, 32]
         blocks:
           b:
             params: [n]
         layers: [relu]
         """, "E102", 3, 3, "block 'b' needs `layers:`", None),
    Case("string-for-int", net("conv: {out_channels: eight, kernel_size: 3}"), "E103", 3, 26,
         "out_channels: expected an integer, got 'eight'", None),
    Case("float-for-int", net("conv: {out_channels: 8.0, kernel_size: 3}"), "E103", 3, 26,
         "expected an integer, got 8.0", "write 8"),
    Case("bool-for-int", net("conv: {out_channels: true, kernel_size: 3}"), "E103", 3, 26,
         "expected an integer, got true", None),
    Case("string-in-kernel-list", net("conv: {out_channels: 8, kernel_size: [3, a]}"), "E103",
         3, 42, "kernel_size: expected an integer, got 'a'", None),
    Case("yaml11-boolean", net("conv: {out_channels: 8, kernel_size: 1, bias: no}"), "E103",
         3, 51, "bias: expected true or false, got 'no'", "YAML 1.2: write true or false"),
    Case("padding-misspelled", net("conv: {out_channels: 8, kernel_size: 3, padding: sam}"),
         "E103", 3, 54, "got 'sam'", "did you mean 'same'?"),
    Case("layers-not-a-list", "input: [3, 32, 32]\nlayers: relu\n", "E103", 2, 9,
         "'layers' must be a list of layers", None),
    Case("input-scalar", "input: 3\nlayers: [relu]\n", "E103", 1, 8,
         "input must be a shape such as [3, 224, 224]", None),
    Case("input-bad-axes", "input: {c: 3, x: 4}\nlayers: [relu]\n", "E103", 1, 8,
         "input keys {c, x} do not name a shape", "{c, h, w}"),
    Case("batch-text", "input: [3, 32, 32]\nbatch: two\nlayers: [relu]\n", "E103", 2, 8,
         "'batch' must be an integer", None),
    Case("when-yes", net("{relu: {}, when: yes}"), "E103", 3, 22,
         "when must be true or false, got 'yes'", "YAML 1.2"),
    Case("key-not-scalar", "input: [3, 32, 32]\n[a]: 1\nlayers: [relu]\n", "E103", 2, 1,
         "a mapping key must be a plain value", None),
    Case("merge-inputs-not-ids", net("add: [1, 2]"), "E103", 3, 10,
         "inputs: expected a list of ids", None),
    Case("unknown-op", net("conv: {out_channels: 8, kernel_size: 3}", "rleu"), "E104", 4, 5,
         "unknown op or block 'rleu'", "did you mean 'relu'?"),
    Case("unknown-op-no-match", net("xyzzy"), "E104", 3, 5, "unknown op or block 'xyzzy'",
         "`cnncalc ops` lists the ops"),
    Case("unknown-op-in-block", """\
         input: [3, 32, 32]
         blocks:
           b:
             layers:
               - cnov: [8, 3]
         layers: [b]
         """, "E104", 5, 9, "unknown op or block 'cnov'", "did you mean 'conv'?"),
    Case("unknown-op-in-defaults", """\
         input: [3, 32, 32]
         defaults:
           cnov: {bias: false}
         layers: [relu]
         """, "E104", 3, 3, "unknown op 'cnov' in defaults", "did you mean 'conv'?"),
    Case("unknown-argument", net("conv: {out_channels: 8, kernel_size: 3, strid: 2}"), "E105",
         3, 45, "conv has no argument 'strid'", "did you mean 'stride'?"),
    Case("unknown-argument-in-defaults", """\
         input: [3, 32, 32]
         defaults:
           conv: {bais: false}
         layers: [relu]
         """, "E105", 3, 10, "conv has no argument 'bais'", "did you mean 'bias'?"),
    Case("unknown-expect-key", "input: [3, 32, 32]\nlayers: [relu]\nexpect: {parms: 0}\n", "E105",
         3, 10, "cannot expect 'parms'", "did you mean 'params'?"),
    Case("too-many-positional", net("linear: [10, true, 3, 4]"), "E106", 3, 27,
         "linear takes 3 positional arguments (out_features, bias, in_features); got 4",
         "pass arguments by name"),
    Case("list-argument-written-positionally", net("adaptive_avgpool: [1, 1]", input="[512, 7, 7]"),
         "E106", 3, 27, "adaptive_avgpool takes 1 positional argument (output_size); got 2",
         "pass arguments by name"),
    Case("missing-argument", net("conv: {out_channels: 8}"), "E107", 3, 5,
         "conv needs 'kernel_size'", "kernel_size: ..."),
    Case("missing-block-parameter", """\
         input: [3, 32, 32]
         blocks:
           cbr:
             params: [out]
             layers:
               - conv: {out_channels: $out, kernel_size: 1}
         layers:
           - cbr
         """, "E107", 8, 5, "block 'cbr' needs 'out'", "cbr: {out: ...}"),
    Case("zero-channels", net("conv: {out_channels: 0, kernel_size: 3}"), "E108", 3, 26,
         "out_channels: must be >= 1, got 0", None),
    Case("negative-stride", net("conv: {out_channels: 8, kernel_size: 3, stride: -1}"), "E108",
         3, 53, "stride: must be >= 1, got -1", None),
    Case("zero-kernel", net("conv: {out_channels: 8, kernel_size: 0}"), "E108", 3, 42,
         "kernel_size: must be >= 1, got 0", None),
    Case("zero-input-size", net("relu", input="[3, 0, 32]"), "E108", 1, 12,
         "an input size must be a positive integer, got the number 0", None),
    Case("negative-input-size", net("relu", input="[-3, 32, 32]"), "E108", 1, 9,
         "got the number -3", None),
    Case("input-five-dims", net("relu", input="[1, 2, 3, 4, 5]"), "E108", 1, 8,
         "input has 5 dimensions", None),
    Case("repeat-zero", net("{relu: {}, repeat: 0}"), "E108", 3, 24,
         "repeat must be an integer >= 1, got 0", None),
    Case("dropout-above-one", net("dropout: 2"), "E108", 3, 14, "p: must satisfy", None),
    Case("unknown-dtype", "input: [3, 32, 32]\ndtype: float23\nlayers: [relu]\n", "E108", 2, 8,
         "unknown dtype 'float23'", "did you mean 'float32'?"),
    Case("reserved-id", net("{id: prev, relu: {}}"), "E108", 3, 10, "'prev' is reserved",
         "choose another id"),
    Case("merge-single-input", net("add: [prev]"), "E108", 3, 10,
         "a merge needs at least two inputs", "list two or more ids"),
    Case("upsample-size-and-scale", net("upsample: {size: 4, scale_factor: 2}"), "E108", 3, 22,
         "give exactly one of size and scale_factor", "scale_factor: 2"),
    Case("unknown-id", net("{id: stem, conv: {out_channels: 8, kernel_size: 3}}", "relu",
                           "add: [prev, stme]"),
         "E109", 5, 10, "no layer with id 'stme' in the file", "did you mean 'stem'?"),
    Case("unknown-id-in-block", """\
         input: [3, 32, 32]
         blocks:
           b:
             layers:
               - {id: x, relu: {}}
               - add: [x, inn]
         layers: [b]
         """, "E109", 6, 14, "no layer with id 'inn' in this block", "did you mean 'in'?"),
    Case("id-defined-later", net("add: [prev, later]", "{id: later, relu: {}}"), "E109", 3, 10,
         "id 'later' is defined later (line 4)", "move the layer after it"),
    Case("in-at-top-level", net("{from: in, relu: {}}"), "E109", 3, 12,
         "'in' means a block's input", "write 'input'"),
    Case("duplicate-id", net("{id: a, relu: {}}", "{id: a, relu: {}}"), "E110", 4, 10,
         "id 'a' is already used at line 3", "its own id"),
    Case("duplicate-block-parameter", """\
         input: [3, 32, 32]
         blocks:
           b:
             params: [n, n=1]
             layers: [relu]
         layers: [{b: 1}]
         """, "E110", 4, 17, "parameter 'n' is declared twice", None),
    Case("block-calls-itself", """\
         input: [3, 32, 32]
         blocks:
           loop:
             layers:
               - relu
               - loop
         layers:
           - loop
           - loop
         """, "E111", 6, 9, "block 'loop' calls itself (loop -> loop)", "never itself"),
    Case("blocks-call-each-other", """\
         input: [3, 32, 32]
         blocks:
           a:
             layers:
               - b
           b:
             layers:
               - relu
               - a: {}
         layers: [a]
         """, "E111", 9, 9, "block 'a' calls itself (a -> b -> a)", "never itself"),
    Case("expr-syntax", BLOCK_N.format(value="$(n +* 2)"), "E112", 6, 30, "cannot parse",
         "numbers and names with + - * / // % **"),
    Case("expr-unknown-name", BLOCK_N.format(value="$(m * 2)"), "E112", 6, 30,
         "unknown name 'm' (known: n)", "names here: n"),
    Case("expr-unknown-name-close", BLOCK_N.format(value="$(nn * 2)"), "E112", 6, 30,
         "unknown name 'nn'", "did you mean 'n'?"),
    Case("expr-division-by-zero", BLOCK_N.format(value="$(n // 0)"), "E112", 6, 30,
         "division by zero", None),
    Case("expr-true-division-to-int", BLOCK_N.format(value="$(n / 3)"), "E103", 6, 30,
         "out_channels: expected an integer, got 1.33", "wrap the $(...) in int(), round()"),
    Case("expr-bit-operator", BLOCK_N.format(value="$(n << 2)"), "E112", 6, 30,
         "operator << is not allowed", "the functions"),
    Case("expr-attribute", BLOCK_N.format(value="$(n.real)"), "E112", 6, 30,
         "`n.real` is not allowed", "make_divisible"),
    Case("expr-unknown-function", BLOCK_N.format(value="$(sqrt(n))"), "E112", 6, 30,
         "`sqrt(...)` is not allowed", "the functions are min(), max(), int()"),
    Case("expr-size-bad-dim", BLOCK_N.format(value='"$(size(in, 3))"'), "E112", 6, 30,
         "size(in, 3): the output [3, 32, 32] has 3 dims", "dims go from -3 to 2"),
    Case("expr-size-unknown-id", BLOCK_N.format(value='"$(size(x, 0))"'), "E109", 6, 30,
         "no layer with id 'x' in this block", None),
    Case("expr-infinite", BLOCK_N.format(value="$(n * 1e308 * 10)"), "E112", 6, 30,
         "the result is inf, not a finite number", None),
    Case("expr-too-large", BLOCK_N.format(value="$(9 ** 9 ** 9)"), "E112", 6, 30,
         "too large to compute", None),
    Case("expr-at-top-level", net("conv: {out_channels: $(1 // 0), kernel_size: 1}"), "E112",
         3, 26, "division by zero", None),
    Case("dollar-not-a-reference", BLOCK_N.format(value="$n-1"), "E112", 6, 30,
         "'$n-1' is neither $name nor $(expression)", "$(...) for an expression"),
    Case("unquoted-expr-in-flow-mapping", """\
         input: [3, 32, 32]
         blocks:
           b:
             params: [a, c]
             layers:
               - conv: {out_channels: $(max(a, c)), kernel_size: 1}
         layers:
           - b: [4, 8]
         """, "E112", 6, 30, "unbalanced parentheses in '$(max(a'", "quote the expression"),
    Case("unquoted-expr-in-flow-list", """\
         input: [3, 32, 32]
         blocks:
           b:
             params: [a, c]
             layers:
               - conv: [$(max(a, c)), 1]
         layers:
           - b: [4, 8]
         """, "E112", 6, 16, "unbalanced parentheses", "quote the expression"),
    # a block called with a parameter it does not declare: the codes table's E113
    Case("unknown-block-parameter", """\
         input: [3, 32, 32]
         blocks:
           cbr:
             params: [out, k=3]
             layers:
               - conv: {out_channels: $out, kernel_size: $k}
         layers:
           - cbr: {out: 8, kk: 3}
         """, "E113", 8, 19, "'kk'", "did you mean 'k'?"),
    Case("two-op-keys", net("{relu: {}, conv: {out_channels: 8, kernel_size: 3}}"), "E114", 3,
         16, "a layer has exactly one op, found 'relu', 'conv'", "split them"),
    Case("argument-beside-op", net("{relu: {}, stride: 2}"), "E114", 3, 16,
         "'stride' is not a meta key", "meta keys are: id, from, repeat, first, when, expect"),
    Case("meta-keys-only", net("{id: x}"), "E114", 3, 5, "this layer has no op", "add the op"),
    Case("layer-is-a-number", net("5"), "E114", 3, 5, "a layer is an op name or a mapping",
         None),
    Case("first-without-repeat", net("{conv: [8, 1], first: {stride: 2}}"), "E114", 3, 27,
         "this layer has no repeat", "add `repeat: N`"),
    Case("from-on-a-merge", net("{add: [prev, input], from: input}"), "E114", 3, 32,
         "'from' does not apply to add", None),
    Case("format-version-2", "cnncalc: 2\ninput: [3, 32, 32]\nlayers: [relu]\n", "E115", 1, 10,
         "must be the number 1 or 1.1", "write `cnncalc: 1.1`"),
    Case("format-version-text", "cnncalc: '1'\ninput: [3, 32, 32]\nlayers: [relu]\n", "E115", 1,
         10, "must be the number 1 or 1.1", "write `cnncalc: 1.1`"),
    Case("let-shadows-a-parameter", """\
         input: [3, 32, 32]
         blocks:
           b:
             params: [c]
             let: {c: $(c * 2)}
             layers:
               - conv: [$c, 1]
         layers:
           - b: 4
         """, "E120", 5, 11, "`let` name 'c' shadows a parameter", "the parameters of 'b'"),
    Case("let-shadows-a-file-parameter",
         "params: [width=1.0]\nlet: {width: 2}\ninput: [3, 32, 32]\nlayers: [relu]\n",
         "E120", 2, 7, "`let` name 'width' shadows a parameter", "the file's `params`"),
    Case("file-parameter-not-set",
         "params: [n]\ninput: [3, 32, 32]\nlayers:\n  - {relu: {}, repeat: $n}\n",
         "E122", 1, 10, "file parameter 'n' has no default and is not set", "--set n=VALUE"),
    Case("file-parameter-infinite",
         "params: [width=.inf]\ninput: [3, 32, 32]\nlayers: [relu]\n",
         "E123", 1, 10, "file parameter 'width': inf is not a finite number", None),
    Case("file-parameter-past-int64",
         "params: [n=9223372036854775808]\ninput: [3, 32, 32]\nlayers: [relu]\n",
         "E118", 1, 10, "file parameter 'n': 9223372036854775808 is larger", None),
    Case("include-missing", "include: [nope.yaml]\ninput: [3, 8, 8]\nlayers: [relu]\n",
         "E124", 1, 11, "cannot include 'nope.yaml': no such file", None),
    Case("block-library", "blocks:\n  cbr:\n    params: [c]\n    layers:\n      - conv: [$c, 3]\n",
         "N111", 2, 3, "a block library (no `layers:`): 1 block (cbr)", "include"),
    Case("repeat-a-billion", net("{relu: {}, repeat: 1000000000}"), "E116", 3, 24,
         "repeat 1000000000 would expand past the limit of 200,000 layers", "--max-layers"),
    Case("nested-repeats-past-limit", """\
         input: [3, 32, 32]
         blocks:
           b:
             layers:
               - {relu: {}, repeat: 1000}
         layers:
           - {b: {}, repeat: 1000}
         """, "E116", 5, 28, "would expand past the limit", "--max-layers"),
    Case("unknown-parameter-reference", BLOCK_N.format(value="$nn"), "E117", 6, 30,
         "unknown parameter $nn", "did you mean 'n'?"),
    Case("parameter-reference-at-top-level", net("conv: {out_channels: $n, kernel_size: 1}"),
         "E117", 3, 26, "unknown parameter $n", "there are none here"),
    Case("integer-past-int64", net("linear: 10000000000000000000", input="[8]"), "E118", 3, 13,
         "out_features: 10000000000000000000 is larger than PyTorch's sizes allow (2^63 - 1)",
         "at most 9,223,372,036,854,775,807"),
    Case("input-size-past-int64", net("relu", input="[3, 10000000000000000000, 8]"), "E118", 1,
         12, "input size 10000000000000000000 is larger than PyTorch's sizes allow",
         "int64 in PyTorch"),
    Case("integer-of-400-digits", net("linear: 1" + "0" * 400, input="[8]"), "E118", 3, 13,
         "out_features: a 401-digit number is larger than", "int64 in PyTorch"),
    Case("value-nested-too-deeply", net("conv: {out_channels: 8, kernel_size: " + "[" * 40 + "3"
                                        + "]" * 40 + "}"), "E119", 3, 74,
         "this value nests lists or mappings more than 32 levels deep", "short lists"),
    Case("block-calls-nested-too-deeply", "input: [3, 8, 8]\nblocks:\n" + "".join(
        f"  b{i}: {{layers: [{f'b{i + 1}' if i < 100 else 'relu'}]}}\n" for i in range(101))
         + "layers: [b0]\n", "E119", 102, 18,
         "block calls nest more than 100 levels deep here (b0 -> b1 -> b2 -> ... -> b100)",
         "call fewer blocks inside blocks"),
    # ---------------------------------------------------------------- E2xx: cannot be built
    Case("conv1d-on-2d-input", net("conv1d: {out_channels: 8, kernel_size: 3}"), "E201", 3, 5,
         "conv1d needs a 2-D input [C, ...], got 3-D [3, 32, 32]", "use conv2d or plain conv"),
    Case("conv-after-flatten", net("flatten", "conv: [8, 3]"), "E201", 4, 5,
         "conv needs a spatial input", "spatial ops come before flatten"),
    Case("upsample-mode-rank", net("upsample: {scale_factor: 2, mode: linear}"), "E201", 3, 39,
         "mode 'linear' works on 1-D inputs", "use bilinear"),
    Case("kernel-larger-than-input",
         net("conv: {out_channels: 8, kernel_size: 7}", input="[3, 5, 5]"),
         "E202", 3, 42, "the window (7) is larger than the padded input on axis H (5)",
         "use a smaller kernel_size"),
    Case("dilated-kernel-larger-than-padded-input",
         net("maxpool: {kernel_size: 3, dilation: 4, padding: 1}", input="[3, 6, 6]"), "E202",
         3, 28, "the window (9) is larger than the padded input on axis H (6 + 2)",
         "more padding"),
    Case("transposed-conv-padding", net("conv_transpose: {out_channels: 8, kernel_size: 1, "
                                        "padding: 3}", input="[3, 2, 2]"),
         "E202", 3, 64, "is not positive", "use less padding"),
    Case("groups-do-not-divide-input", net("conv: {out_channels: 8, kernel_size: 3, groups: 2}"),
         "E203", 3, 53, "input channels (3) not divisible by groups=2",
         "groups=1 divides both 3 and 8"),
    Case("groups-do-not-divide-output", net("conv: {out_channels: 6, kernel_size: 1, groups: 4}",
                                            input="[4, 8, 8]"),
         "E203", 3, 53, "out_channels (6) not divisible by groups=4",
         "groups=2 divides both 4 and 6"),
    Case("groupnorm-groups", net("groupnorm: 4", input="[6, 8, 8]"), "E203", 3, 16,
         "6 channels not divisible by num_groups=4", "num_groups=3 divides 6"),
    Case("add-channel-mismatch", net("{id: a, conv: {out_channels: 8, kernel_size: 3, padding: 1}}",
                                     "{id: b, from: input, conv: [16, 3, 1, 1]}", "add: [a, b]"),
         "E204", 5, 10, "channels differ: a is 8x32x32, b is 16x32x32", "1x1 conv projection"),
    Case("mul-channel-mismatch", net("{id: a, conv: {out_channels: 8, kernel_size: 1}}",
                                     "mul: [a, input]"),
         "E204", 4, 10, "channels differ: a is 8x32x32, input is 3x32x32", "1x1 conv"),
    Case("concat-spatial-mismatch", net("{id: a, conv: {out_channels: 8, kernel_size: 3}}",
                                        "concat: [a, input]"),
         "E204", 4, 13, "dim 1 differs: a is 8x30x30, input is 3x32x32", "crop: center"),
    Case("add-rank-mismatch", net("flatten", "add: [prev, input]"), "E204", 4, 10,
         "inputs of different rank cannot be merged", "same rank"),
    Case("linear-on-spatial-input", net("conv: {out_channels: 8, kernel_size: 3}", "linear: 10"),
         "E205", 4, 5, "linear needs a flat input [F], got [8, 30, 30]", "add flatten"),
    Case("pool-padding-over-half-kernel", net("maxpool: {kernel_size: 3, padding: 2}"), "E206",
         3, 40, "padding 2 is more than half the kernel (3)", "kernel_size // 2 = 1"),
    Case("avgpool-padding-over-half-kernel", net("avgpool: [2, 2, 2]"), "E206", 3, 21,
         "padding 2 is more than half the kernel (2)", "kernel_size // 2 = 1"),
    Case("same-with-stride-2",
         net("conv: {out_channels: 8, kernel_size: 3, stride: 2, padding: same}"),
         "E207", 3, 65, "padding='same' needs stride 1", "padding=1"),
    Case("output-padding-not-below-stride",
         net("conv_transpose: {out_channels: 8, kernel_size: 3, stride: 2, output_padding: 2}"),
         "E208", 3, 82, "output_padding=2 must be smaller than stride (2) or dilation (1)",
         "output_padding <= 1"),
    Case("output-padding-not-below-dilation",
         net("conv_transpose: {out_channels: 8, kernel_size: 3, dilation: 2, output_padding: 2}"),
         "E208", 3, 84, "smaller than stride (1) or dilation (2)", "output_padding <= 1"),
    Case("kernel-list-wrong-length", net("conv: {out_channels: 8, kernel_size: [3, 3, 3]}"),
         "E209", 3, 42, "kernel_size has 3 values but the input has 2 spatial dimensions",
         "give one value, or 2"),
    Case("padding-list-wrong-length",
         net("conv: {out_channels: 8, kernel_size: 3, padding: [1, 1, 1]}"), "E209", 3, 54,
         "padding has 3 values", "give one value, or 2"),
    Case("concat-dim-out-of-range", net("concat: {inputs: [input, prev], dim: 5}"), "E209", 3, 42,
         "dim 5 is out of range for 3-D inputs", "use a dim from -3 to 2"),
    Case("softmax-dim-out-of-range", net("softmax: 3", input="[10]"), "E209", 3, 14,
         "dim 3 is out of range for the input [10]", "from -1 to 0"),
    Case("layernorm-shape", net("layernorm: {normalized_shape: [4, 4]}", input="[3, 8, 8]"),
         "E209", 3, 35, "must equal the trailing dimensions of the input [3, 8, 8]", "use [8, 8]"),
    Case("output-past-int64-elements",
         net("upsample: {scale_factor: 1000000}", input="[3, 100000000, 100000000]"), "E210", 3,
         5, "the output (3x100000000000000x100000000000000) has more than 2^63 - 1 elements",
         "shrink the scale"),
    Case("split-named-without-index", net("{id: y, chunk: 2}", "{from: y, relu: {}}"),
         "E140", 4, 12, "'y' has 2 outputs (chunk); name the one meant",
         "write y[0], y[1] (or y[*] in a merge's input list)"),
    Case("split-read-as-prev", net("{id: y, chunk: 2}", "relu"), "E140", 4, 5,
         "the previous layer (y) has 2 outputs (chunk)", "write y[0], y[1]"),
    Case("split-without-id-read-as-prev", net("chunk: 3", "relu"), "E140", 4, 5,
         "the previous layer (chunk1) has 3 outputs (chunk)", "give the split layer an `id:`"),
    Case("split-index-out-of-range", net("{id: y, chunk: 2}", '{from: "y[2]", relu: {}}'),
         "E141", 4, 12, "index 2 is out of range: 'y' has 2 outputs", "use 'y[0]' to 'y[1]'"),
    Case("chunk-fewer-pieces", net("{id: y, chunk: 4}", '{from: "y[3]", relu: {}}',
                                   input="[5, 8, 8]"),
         "E141", 4, 12, "index 3 is out of range: 'y' has 3 outputs", "use 'y[0]' to 'y[2]'"),
    Case("repeat-copy-out-of-range", net("{id: m, relu: {}, repeat: 3}",
                                         '{from: "m[-4]", relu: {}}'),
         "E141", 4, 12, "index -4 is out of range: 'm' has 3 copies", "use 'm[0]' to 'm[2]'"),
    Case("huge-index", net("{id: m, relu: {}, repeat: 3}", '{from: "m[' + "9" * 40 + ']", '
                           "relu: {}}"),
         "E141", 4, 12, "index of 40 digits is out of range: 'm' has 3 copies", "use 'm[0]'"),
    Case("index-not-a-number", net("{id: y, chunk: 2}", '{from: "y[one]", relu: {}}'), "E141",
         4, 12, "'y[one]': an index is an integer (negative from the end) or *", "'y[0]'"),
    Case("all-results-outside-a-merge", net("{id: y, chunk: 2}", '{from: "y[*]", relu: {}}'),
         "E142", 4, 12, "'y[*]' names several outputs; it may stand only in the input list of "
         "add, mul or concat", "e.g. 'y[0]'"),
    Case("split-op-repeated", net("{id: y, chunk: 2, repeat: 2}"), "E143", 3, 31,
         "chunk has several outputs: it cannot be repeated in a chain",
         "repeat the layers that read its outputs"),
    Case("split-sections-sum", net("split: {split_size_or_sections: [1, 1]}"), "E220", 3, 37,
         "split_size_or_sections [1, 1] sums to 2, dim 0 of the input [3, 32, 32] has 3",
         "add up to the dim's size"),
    Case("too-many-pieces", net("split: {split_size_or_sections: 1, dim: 1}",
                                input="[3, 100000, 8]"),
         "E222", 3, 37, "splitting dim 1 (100,000) into pieces of 1 gives 100,000 outputs, more "
         "than 10,000", "use larger pieces"),
    Case("indexed-name-in-flow-list", net("{id: y, chunk: 2}", "concat: [y[0], y[1]]"), "E003",
         4, 15, "did not find expected ',' or ']'", 'quote a name with an index in a `[...]` '
         'list (`["y[0]", "m[*]"]`)'),
    Case("outputs-unknown-id", net("{id: a, relu: {}}") + "outputs: [a, b]\n", "E109", 4, 14,
         "no layer with id 'b' in the file", None),
    Case("outputs-split-without-index", net("{id: y, chunk: 2}") + "outputs: [y]\n", "E140", 4,
         11, "'y' has 2 outputs (chunk)", "write y[0], y[1]"),
    Case("outputs-not-a-list", net("relu") + "outputs: a\n", "E103", 4, 10,
         "outputs is a list of ids such as [p3, p4, p5], got the text 'a'", None),
    Case("expect-outputs-not-shapes", net("relu") + "expect: {outputs: [3, 32, 32]}\n", "E103",
         4, 19, "expected outputs are a list of shapes", None),
    Case("reshape-count", net("reshape: {shape: [5, -1]}", input="[3, 8, 8]"), "E220", 3, 22,
         "shape [5, -1] cannot hold the input [3, 8, 8]: 192 elements are not a multiple of 5",
         "the known sizes must divide the element count"),
    Case("reshape-exact-count", net("reshape: {shape: [3, 60]}", input="[3, 8, 8]"), "E220", 3,
         22, "shape [3, 60] holds 180 elements, the input [3, 8, 8] has 192", "one may be -1"),
    Case("unflatten-count", net("unflatten: {dim: 1, sizes: [3, 3]}", input="[3, 8, 8]"),
         "E220", 3, 32, "sizes [3, 3] holds 9 elements, dim 1 has 8", "multiply"),
    Case("reshape-two-inferred", net("reshape: {shape: [-1, -1]}", input="[3, 8, 8]"), "E221",
         3, 22, "shape [-1, -1] has more than one -1", "give every size but one"),
    Case("permute-repeated-dim", net("permute: {dims: [0, 1, 1]}"), "E209", 3, 21,
         "dims [0, 1, 1] repeats a dim", "list each of the 3 dims once"),
    Case("linear-last-dim-mismatch", net("linear: {out_features: 4, in_features: 8}"), "E209", 3,
         44, "in_features 8 does not match the input's last dim (32 of [3, 32, 32])",
         "in_features: 32"),
    Case("groupnorm-one-value-per-group", net("gap", "groupnorm: 32", input="[32, 7, 7]"), "E211",
         4, 5, "groupnorm would compute each mean and variance from a single value at batch 1",
         "`--batch 2`"),
    Case("batchnorm-without-running-stats-one-value",
         net("gap", "bn: {track_running_stats: false}", input="[32, 7, 7]"), "E211", 4, 5,
         "bn would compute each mean and variance from a single value at batch 1",
         "a batch of 2 or more"),
    # ---------------------------------------------------------------- E3xx: expectations
    Case("network-expect-params", """\
         input: [3, 32, 32]
         layers:
           - conv: {out_channels: 8, kernel_size: 3}
         expect: {output: [8, 30, 30], params: 1}
         """, "E301", 4, 31, "expected params of the network 1, computed 224 (+223)",
         "fix the layer, or the expected value"),
    Case("network-expect-output", """\
         input: [3, 8, 8]
         layers: [relu]
         expect:
           params: 0
           output: [3, 8, 9]
         """, "E301", 5, 3, "expected output of the network 3x8x9, computed 3x8x8", None),
    Case("layer-expect-shape",
         net("{conv: {out_channels: 8, kernel_size: 3}, expect: [8, 32, 32]}"),
         "E301", 3, 55, "expected shape of conv1 8x32x32, computed 8x30x30", None),
    Case("layer-expect-params", net("{conv: [8, 3], expect: {shape: [8, 30, 30], params: 216}}"),
         "E301", 3, 49, "expected params of conv1 216, computed 224 (+8)", None),
    # ---------------------------------------------------------------- E4xx: YOLO configs
    Case("yolo-section-not-a-list", "backbone: {a: 1}\nhead: []\n", "E400", 1, 11,
         "'backbone' must be a list of rows [from, repeats, module, args]", None),
    Case("yolo-row-of-three", yolo("[-1, 1, C2f, [16]]", "[-1, 1, C2f]"), "E401", 4, 5,
         "row 1 must be [from, repeats, module, args], got a list of 3", None),
    Case("yolo-from-forward", yolo("[-1, 1, C2f, [16]]", "[2, 1, C2f, [16]]"), "E402", 4, 6,
         "row 1 C2f: `from` 2 points forward; a row reads only rows before it",
         "use an index below 1, or -1 for the row before"),
    Case("yolo-repeats-zero", yolo("[-1, 1, C2f, [16]]", "[-1, 0, C2f, [16]]"), "E403", 4, 10,
         "row 1 C2f: repeats must be an integer from 1 to 2^63 - 1, got 0", None),
    Case("yolo-unknown-module", yolo("C2f", "C2F"), "E404", 4, 13,
         "row 1: unknown module 'C2F'", "did you mean 'C2f'?"),
    Case("yolo-channels-not-a-number", yolo("Conv, [16, 3, 2]", "Conv, [wide, 3, 2]"), "E405",
         3, 20, "row 0 Conv: c2 (the output channels) is the text 'wide', not a number "
         "(parse_model reads text in a row's args only as a Python literal or one of its names: "
         "nc, kpt_shape, reg_max, end2end, depth, width, max_channels, scale)", "write a number"),
    Case("yolo-native-key", yolo("nc: 3\n", "nc: 3\nparams: {width: 0.5}\n"), "E411", 2, 1,
         "`params:` is a key of cnncalc's own format; an Ultralytics config's network is its "
         "`backbone:` and `head:` rows, and nothing reads it", "remove it; to build the network "
         "from cnncalc blocks, convert the config (cnncalc convert FILE -o net.yaml) and edit "
         "the file it writes"),
    Case("yolo-input-rank", yolo("nc: 3\n", "nc: 3\ninput: [3, 16, 640, 640]\n"), "E412", 2,
         8, "`input:` has 4 dims; an Ultralytics model takes an image [C, H, W] (its "
         "convolutions are 2-D)", "give channels, height and width: --input 3x640x640"),
    Case("yolo-scale-of-two", yolo("nc: 3\n", "nc: 3\nscales:\n  n: [0.33, 0.25]\n"), "E406",
         3, 6, "scale 'n' must be [depth, width, max_channels], positive numbers; got "
         "[0.33, 0.25]", None),
    Case("yolo-refused-module", yolo("[-1, 1, C2f, [16]]", "[-1, 1, AIFI, [256, 1024, 8]]"),
         "E407", 4, 5, "row 1 AIFI: cnncalc does not read this module: a transformer encoder "
         "layer", None),
    Case("yolo-unknown-activation", yolo("nc: 3\n", "nc: 3\nactivation: nn.Swish()\n"),
         "E408", 2, 13, "activation 'nn.Swish()' is not one cnncalc knows",
         "write e.g. nn.ReLU(), nn.SiLU(), nn.LeakyReLU(0.1)"),
    Case("yolo-channels-of-a-detector",
         yolo("nc: 3\n", "nc: 3\nchannels: 1\n").replace(
             "[-1, 1, Classify, [nc]]", "[[0], 1, Detect, [nc]]"),
         "W421", 2, 11, "channels: 1 is not read for this config", "--input 1x640x640"),
    # ---------------------------------------------------------------- W/N: fractional sizes
    Case("W101-7x7-3x3-stride-3",
         net("conv: {out_channels: 8, kernel_size: 3, stride: 3}", input="[3, 7, 7]"), "W101", 3,
         5, "(7 − 3 + 2·0)/3 + 1 = 2.33", "padding=1"),
    Case("W101-one-axis", net("conv: {out_channels: 8, kernel_size: 3, stride: 3}",
                              input="[3, 9, 7]"),
         "W101", 3, 5, "output W: (7 − 3 + 2·0)/3 + 1 = 2.33", "padding=1"),
    Case("W130-hwc-input", net("conv: [10, 3]", input="[32, 32, 3]"), "W130", 1, 8,
         "input [32, 32, 3] looks like height x width x channels", "write [3, 32, 32]"),
    Case("W130-hwc-gray", net("conv: [8, 1]", input="[28, 28, 1]"), "W130", 1, 8,
         "reads it as 28 channels of 28x1", "`layout: hwc` in the file"),
    Case("W131-bare-7x7", net("conv: [1, 3]", input="[7, 7]"), "W131", 1, 8,
         "input [7, 7] is read as 7 channels of length 7: 'conv1' (conv) runs in 1-D",
         "[1, 7, 7] (one channel)"),
    Case("W131-bare-pool", net("maxpool: 2", input="[4, 4]"), "W131", 1, 8,
         "'maxpool1' (maxpool) runs in 1-D", "write maxpool1d"),
    Case("E160-exponent", net("{conv: [8, 3], expect: {params: \"1e9\"}}"), "E160", 3, 37,
         "expected params '1e9' is not a count", "\"34,944\""),
    Case("E160-shape-text", net("{conv: [8, 3], expect: {shape: \"8 by 30\"}}"), "E160", 3, 36,
         "an expected shape is a list of sizes such as [64, 56, 56], or as cnncalc prints it",
         "96x55x55"),
    Case("E160-memory-unit", net("{conv: [8, 3], expect: {memory: \"28 kilobytes\"}}"), "E160",
         3, 37, "is not an amount of memory", "\"1.1 MiB\""),
    Case("N101-56-stride-2-pad-1",
         net("conv: {out_channels: 8, kernel_size: 3, stride: 2, padding: 1}",
             input="[3, 56, 56]"),
         "N101", 3, 5, "(56 − 3 + 2·1)/2 + 1 = 28.50", None),
    Case("hardtanh-range", net("hardtanh: {min_val: 2, max_val: 1}"), "E108", 3, 37,
         "max_val (1.0) must be greater than min_val (2.0)", "PyTorch refuses this too"),
    Case("N102-ceil-mode", net("maxpool: {kernel_size: 3, stride: 2, ceil_mode: true}",
                               input="[3, 56, 56]"),
         "N102", 3, 5, "27.50 (exactly 55/2), rounded up to 28 by ceil_mode", "PyTorch keeps it"),
    Case("N103-misaligned-merge", net("{id: a, conv: [3, 1]}",
                                      "{from: input, pad: {padding: [0, 2, 0, 2]}}",
                                      "conv: [3, 3]", "add: [a, prev]", input="[3, 8, 8]"),
         "N103", 6, 5, "(a: stride 1, centre 0; conv2: stride 1, centre 1)", "nothing to fix"),
]



# ---------------------------------------------------------------- docs/diagnostics.md

NOT_UTF8 = b"input: [3, 32, 32]\nname: r\xe9seau\nlayers: [relu]\n"  # `é` saved as Latin-1

CHECK = ("check", "bad.yaml")
NOTES = ("check", "--notes", "bad.yaml")  # `check` counts notes; --notes lists them
SHOW = ("show", "bad.yaml")


LIBRARY = """\
blocks:
  cbr:
    params: [out]
    layers:
      - conv: [$out, 3, 1, 1]
      - bn
      - relu
"""  # a block library the include examples bring in


class Example(NamedTuple):
    """The page's example for one code: the file (a CASES entry, a file of its own, or bytes
    that are not text), the commands whose real output the page shows, when the code is
    reported, and the change that fixes the file (`old` -> `new` at its last occurrence, where
    the diagnostic points for duplicates)."""

    code: str
    when: str
    case: str | None = None
    yaml: str | None = None
    data: bytes | None = None
    commands: tuple[tuple[str, ...], ...] = (CHECK,)
    fix: tuple[str, str] | None = None
    fix_note: str = ""
    files: tuple[tuple[str, str], ...] = ()  # other files beside it (what it includes)


PAGE = [
    # ---------------------------------------------------------------- E0xx
    Example("E001", "cnncalc cannot read the file: the path does not exist, is a directory, "
            "or cannot be opened (no permission). There is no text to point into, so the "
            "diagnostic has the file name but no line or column. `cnncalc check` reports a path "
            "that matches no file on a line of its own, without a code, and exits with 2 too.",
            commands=(("show", "nope.yaml"), ("check", "nope.yaml"))),
    Example("E002", "The file's bytes are not UTF-8 text: a file saved in another encoding "
            "(Latin-1, UTF-16), or a binary file (one with NUL bytes, such as a saved model). "
            "cnncalc points at the first byte that is not UTF-8. A UTF-8 byte-order mark is "
            "fine.", data=NOT_UTF8,
            fix_note="A Latin-1 file converts with `iconv -f LATIN1 -t UTF-8 bad.yaml > "
            "good.yaml`; saved as UTF-8, this example checks clean."),
    Example("E003", "The text is not valid YAML: unbalanced brackets or quotes, inconsistent "
            "indentation, tabs used for indentation, an alias to an anchor that does not exist "
            "(`*name`), a character YAML does not allow, or a second document after `---`. The "
            "message is the YAML parser's own, and the position is where the parser gave up, "
            "which can be after the real mistake; a `[`, `{` or quote that is never closed is "
            "the exception: it is reported where it opens.", case="yaml-bad-indent",
            fix=(" - bn", "  - bn")),
    Example("E004", "The file is empty (or holds only comments), or its top level is not a "
            "mapping of keys: a list (a file holding only the layers) or plain text. (`cnncalc "
            "check` skips such a file when no line starts with `input:`, `layers:`, `blocks:` "
            "or `cnncalc:`, with note N105: it is not a cnncalc file.)",
            case="not-a-mapping-list", commands=(("show", "bad.yaml"),),
            fix=("- relu\n- bn\n", "input: [3, 32, 32]\nlayers:\n  - relu\n  - bn\n")),
    Example("E005", "A mapping holds the same key twice: two top-level keys, or two arguments "
            "of one layer. YAML itself would silently keep the last value; cnncalc reports the "
            "second key, ignores it and goes on.", case="duplicate-argument",
            fix=(", out_channels: 4", "")),
    Example("E006", "The YAML cannot be read into a tree: it is nested deeper than the parser "
            "allows (thousands of `[`), or an anchor contains its own alias (`&a [3, *a]`), "
            "which would be infinitely deep.", case="recursive-anchor",
            fix=("&a [3, *a]", "[3, 32, 32]")),
    Example("E007", "The file is larger than the limit: 16 MiB, or what `--max-bytes` gives "
            "(`cnncalc show` and `cnncalc check`). cnncalc reads the limit and one byte more, "
            "then stops, and points where it stopped. An architecture is kilobytes: a file "
            "this large is a log, a data dump or a device such as `/dev/zero`, which would "
            "otherwise take minutes and gigabytes to parse. Standard input and FIFOs are read "
            "the same way.",
            yaml="input: [3, 32, 32]\nlayers: [relu]\n# pasted by mistake: 22:41:07 INFO "
            "epoch 1/90 loss 6.9078 lr 0.1\n",
            commands=(("check", "bad.yaml", "--max-bytes", "80"),),
            fix=("# pasted by mistake: 22:41:07 INFO epoch 1/90 loss 6.9078 lr 0.1\n", "")),
    # ---------------------------------------------------------------- E1xx
    Example("E101", "A top-level key the format does not have, or a key other than `params` "
            "and `layers` in a block definition. The hint names the closest key, or lists "
            "them all.", case="unknown-top-level-key", fix=("expects:", "expect:")),
    Example("E102", "`input:` or `layers:` is missing at the top level, or a block definition "
            "has no `layers:`.", case="missing-input",
            fix=("layers:", "input: [3, 32, 32]\nlayers:")),
    Example("E103", "A value has the wrong type for its key: text where a number belongs, a "
            "fraction where an integer belongs (`8.0`), a YAML 1.1 boolean such as `yes` or "
            "`no` where `true` or `false` is meant, `layers:` that is not a list, an `input:` "
            "that is not a shape, a `when:` that is not true or false.",
            case="string-for-int", fix=("eight", "8")),
    Example("E104", "A layer, or a key of `defaults:`, names an op that does not exist and no "
            "block of that name is defined in the file. The hint names the closest op or block; "
            "`cnncalc ops` lists the ops.", case="unknown-op", fix=("rleu", "relu")),
    Example("E105", "An op is given an argument it does not have (in a layer, in `defaults:` "
            "or in `first:`), or `expect:` asks for a figure cnncalc does not compute.",
            case="unknown-argument", fix=("strid:", "stride:")),
    Example("E106", "A positional list holds more values than the op takes. A list always "
            "means positional arguments, so an argument that is itself a list (`output_size`, "
            "a per-axis `kernel_size`) must be written by name.",
            case="list-argument-written-positionally",
            fix=("[1, 1]", "{output_size: [1, 1]}")),
    Example("E107", "An argument that has no default in PyTorch (`conv`'s `kernel_size`, "
            "`linear`'s `out_features`) is not given, or a block is called without a value for "
            "a parameter that has no default.", case="missing-argument",
            fix=("{out_channels: 8}", "{out_channels: 8, kernel_size: 3}")),
    Example("E108", "A value has the right type but is not allowed: a size, channel count, "
            "kernel or stride below 1, a dropout `p` outside 0..1, an unknown `dtype`, a reserved "
            "or malformed id, a merge of fewer than two inputs, `upsample` with both `size` and "
            "`scale_factor`, an `input:` with more than 4 dimensions.",
            case="zero-channels", fix=("out_channels: 0", "out_channels: 8")),
    Example("E109", "`from:` or a merge's list names an id that no layer in the same scope "
            "has, or one defined further down (a layer reads only earlier outputs), or `in` "
            "at the top level, where the network input is `input`.",
            case="unknown-id", fix=("stme", "stem")),
    Example("E110", "Two layers in one scope (the file, or one block's body) have the same "
            "`id`, or a block declares a parameter twice.", case="duplicate-id",
            fix=("id: a", "id: b")),
    Example("E111", "A block calls itself, directly or through other blocks (`a` calls `b`, "
            "which calls `a`), so its expansion would never end. The message names the cycle.",
            case="block-calls-itself", fix=("      - relu\n      - loop\n", "      - relu\n")),
    Example("E112", "A `$(...)` expression cannot be parsed or computed: a syntax error, a "
            "name that is neither a parameter, a `let` name nor `in_c`, `in_h`, ..., a division "
            "by zero, an operator other than the arithmetic ones, an attribute or a call of "
            "another function, a result too large to compute or not finite, a `size(x, d)` "
            "with a dim the shape does not have. Also text that starts with `$` but is "
            "neither `$name` nor `$(...)`, and an unquoted `$(max(a, b))` inside `[...]` or "
            "`{...}`, which YAML splits at the comma.", case="expr-bit-operator",
            fix=("$(n << 2)", "$(n * 4)")),
    Example("E113", "A block call, or the `first:` of a repeated block call, passes a "
            "parameter the block does not declare in its `params:`.",
            case="unknown-block-parameter", fix=("kk: 3", "k: 3")),
    Example("E114", "A layer entry is not one op plus meta keys: two ops in one entry, a key "
            "beside the op that is not a meta key (an argument written outside the op's "
            "mapping), meta keys without an op, a number, `first:` without `repeat:`, or "
            "`from:` on a merge, which reads the ids in its list.", case="two-op-keys",
            fix=("{relu: {}, conv: {out_channels: 8, kernel_size: 3}}",
                 "conv: {out_channels: 8, kernel_size: 3}\n  - relu")),
    Example("E115", "The format version `cnncalc:` is anything but the number 1 (the text "
            "or 1.1 (the text `'1'` too). Format 1.1 is a superset of 1: every 1.0 file "
            "means the same, and 1.1 features are read without the key too.",
            case="format-version-2", fix=("cnncalc: 2", "cnncalc: 1.1")),
    Example("E116", f"The network would expand past the limit of {DEFAULT_MAX_LAYERS:,} "
            "layers (`cnncalc show --max-layers N` sets another): a huge `repeat`, or repeats "
            "nested in repeated blocks. Also a value with more than "
            f"{MAX_VALUE_ITEMS:,} items (YAML anchors that multiply lists).",
            case="repeat-a-billion",
            fix=("1000000000", "10")),
    Example("E117", "`$name` names something that is not a parameter of the enclosing block, "
            "or appears outside any block (the top level has no parameters).",
            case="unknown-parameter-reference", fix=("$nn", "$n")),
    Example("E118", "A size or integer argument, the input's sizes or `batch`, is larger than "
            "2^63 - 1, the largest int64: PyTorch stores sizes and counts as int64, so no tensor "
            "has such a size (and every figure cnncalc derives stays exact and printable).",
            case="integer-past-int64", fix=("10000000000000000000", "1000")),
    Example("E119", "A value nests lists or mappings more than 32 levels deep, or block calls "
            "nest more than 100 levels deep (a block calling a block calling a block...). Real "
            "architectures need a few levels of each; the bounds keep the work of reading a "
            "file proportional to its size.",
            case="value-nested-too-deeply", fix=("[" * 40 + "3" + "]" * 40, "3")),
    Example("E120", "A `let` name is also a parameter of the same scope: of the block (its "
            "`params`), or, at the top level, of the file. Either would be meant where the "
            "name is used, so neither is taken.", case="let-shadows-a-parameter",
            fix=("let: {c: $(c * 2)}\n    layers:\n      - conv: [$c, 1]",
                 "let: {c2: $(c * 2)}\n    layers:\n      - conv: [$c2, 1]")),
    Example("E121", "`--set NAME=VALUE` (or `params=` in the API) names a parameter the file "
            "does not declare in its top-level `params:`. The hint names the closest one.",
            yaml="params: [width=1.0]\ninput: [3, 32, 32]\nlayers:\n"
            "  - conv: [\"$(int(16 * width))\", 3]\n  - {relu: {}, repeat: $depth}\n",
            commands=(("show", "bad.yaml", "--set", "depth=2"),),
            fix=("params: [width=1.0]", "params: [width=1.0, depth=1]")),
    Example("E122", "A file parameter declared without a default (`params: [n]`) has no "
            "value: the run does not set it. Nothing can be computed without it.",
            case="file-parameter-not-set", fix=("params: [n]", "params: [n=1]")),
    Example("E123", "A file parameter's value (its default, or what `--set` gives) cannot be "
            "one: infinite or not a number (`.inf`, `.nan`), a text longer than 256 "
            "characters, or in the API a value that is not a number, a boolean or a text.",
            case="file-parameter-infinite", fix=(".inf", "1.0")),
    Example("E124", "A file named in `include:` cannot be read or parsed: it does not exist "
            "(the path is relative to the including file), it is not UTF-8 YAML, or it is "
            "larger than the size limit. The message says what is wrong with it, and where.",
            yaml="include: [comon.yaml]\ninput: [3, 32, 32]\nlayers:\n  - cbr: 16\n",
            files=(("common.yaml", LIBRARY),), fix=("comon.yaml", "common.yaml")),
    Example("E125", "Files include each other in a cycle: a file includes itself, or a file "
            "it includes (directly or further down) includes it. Reported at the `include` "
            "entry that closes the cycle.",
            yaml="include: [bad.yaml]\ninput: [3, 32, 32]\nlayers: [relu]\n",
            fix=("include: [bad.yaml]\n", "")),
    Example("E126", "Two blocks have the same name: the file's own and an included one, or "
            "two included ones. Reported at the `include` entry that brings in the second, and "
            "at the second definition itself; the first one is used. One file included twice "
            "(directly and through another) is not a duplicate.",
            yaml="include: [common.yaml]\ninput: [3, 32, 32]\nblocks:\n  cbr:\n"
            "    layers: [relu]\nlayers:\n  - cbr\n",
            files=(("common.yaml", LIBRARY),),
            fix=("  cbr:\n    layers: [relu]\nlayers:\n  - cbr\n",
                 "  act:\n    layers: [relu]\nlayers:\n  - act\n")),
    Example("E140", "A layer with several results is named without saying which: a `chunk` "
            "or `split` named by its id (or a block call whose last layer is one), or read as "
            "the next layer's `prev`. Name one output as `id[i]`, or all of them as `id[*]` in a "
            "merge's input list.", case="split-named-without-index",
            fix=("from: y,", 'from: "y[0]",')),
    Example("E141", "An `id[i]` index is out of range (the message gives the count: `chunk` may "
            "give fewer pieces than asked, as PyTorch's does), or is not an integer or `*`. "
            "Results of a split op are its outputs; of a repeated layer, the outputs of its "
            "copies; any other layer has one result (`[0]` or `[-1]`).",
            case="split-index-out-of-range", fix=('"y[2]"', '"y[1]"')),
    Example("E142", "`id[*]` (every result, in order) stands somewhere other than the input list "
            "of `add`, `mul` or `concat`, where it expands in place.",
            case="all-results-outside-a-merge", fix=('"y[*]"', '"y[0]"')),
    Example("E143", "A `chunk` or `split` with `repeat`: a chain feeds each copy the previous "
            "copy's output, and a split op has several. Split once and repeat the layers that "
            "read its outputs.", case="split-op-repeated", fix=(", repeat: 2}", "}")),
    # ---------------------------------------------------------------- E18x
    Example("E180", "Only `cnncalc export --to mermaid`: the flowchart at the `--depth` asked "
            "(2 by default) has more edges or characters than Mermaid draws by default (500 "
            "edges, 50,000 characters; GitHub keeps those limits and shows only \"Maximum text "
            "size in diagram exceeded\" past them). Nothing is written. The message gives the "
            "count, the hint the deepest `--depth` at which the diagram fits (found by drawing "
            "it at a few depths); `--to dot` and `--to svg` have no such limit. The file is "
            "fine: the fix is the command's.",
            yaml="input: [3, 32, 32]\nlayers:\n  - {conv: [8, 3, 1, 1], repeat: 600}\n",
            commands=(("export", "bad.yaml", "--to", "mermaid"),
                      ("export", "bad.yaml", "--to", "mermaid", "--depth", "1", "-o",
                       "bad.mmd"))),
    Example("E181", "Only `cnncalc export --to svg` (and the diagram of `cnncalc report`, "
            "which says it in place of the picture): the volume diagram at the `--depth` asked "
            "would have more than 2,000 boxes, past what anyone reads (and a file of "
            "megabytes). Nothing is written. The hint gives the deepest `--depth` at which it "
            "has at most 2,000, or says that even `--depth 1` has more. The file is fine: the "
            "fix is the command's.",
            yaml="input: [3, 8, 8]\nlayers:\n  - {conv: [8, 3, 1, 1], repeat: 2000}\n",
            commands=(("export", "bad.yaml", "--to", "svg"),
                      ("export", "bad.yaml", "--to", "svg", "--depth", "1", "-o",
                       "bad.svg"))),
    # ---------------------------------------------------------------- E2xx
    Example("E201", "An op meets an input of a rank it does not handle: `conv1d` on an image, "
            "a convolution or pooling after `flatten`, an `upsample` mode made for another rank "
            "(`linear` is 1-D, `bilinear` 2-D). Names with a rank (`conv2d`, `maxpool3d`) "
            "require that rank; the plain names adapt to the input.",
            case="conv1d-on-2d-input", fix=("conv1d:", "conv:")),
    Example("E202", "A layer's output would have a size of 0 or less: a window (kernel and "
            "dilation) larger than the padded input, a transposed convolution whose padding "
            "removes the whole output, an `upsample` scale that rounds to nothing, or a negative "
            "`pad` that crops everything.", case="kernel-larger-than-input",
            fix=("kernel_size: 7", "kernel_size: 3")),
    Example("E203", "A grouped convolution's input or output channels are not a multiple of "
            "`groups` (PyTorch refuses it); likewise `groupnorm`'s channels and `num_groups`, "
            "and `channel_shuffle`'s channels and `groups`.",
            case="groups-do-not-divide-output", fix=("groups: 4", "groups: 2")),
    Example("E204", "The inputs of `add` or `mul` do not broadcast to one shape, the inputs of "
            "`concat` differ in a dimension other than the one joined, or a merge's inputs have "
            "different ranks.", case="add-channel-mismatch", fix=("[16, 3, 1, 1]", "[8, 3, 1, 1]")),
    Example("E205", "`linear` gets a spatial input such as `[8, 30, 30]`; it takes a flat "
            "`[F]`, as after `nn.Flatten`.", case="linear-on-spatial-input",
            fix=("  - linear: 10", "  - flatten\n  - linear: 10")),
    Example("E206", "A pooling layer's padding is more than half its kernel: PyTorch raises "
            "an error for `padding > kernel_size // 2`.", case="pool-padding-over-half-kernel",
            fix=("padding: 2", "padding: 1")),
    Example("E207", "A convolution with `padding: same` and a stride above 1, which PyTorch "
            "refuses.", case="same-with-stride-2", fix=("padding: same", "padding: 1")),
    Example("E208", "A transposed convolution's `output_padding` is not smaller than either "
            "its stride or its dilation (PyTorch's rule).",
            case="output-padding-not-below-stride",
            fix=("output_padding: 2", "output_padding: 1")),
    Example("E209", "An argument does not fit the input it meets: a per-axis list "
            "(`kernel_size`, `stride`, `padding`, ...) whose length is not the input's number of "
            "spatial axes, a `dim` out of range, a `layernorm` `normalized_shape` that is not the "
            "input's trailing dimensions, a `pad` list of the wrong length, `prelu`'s "
            "`num_parameters` that is neither 1 nor the channel count.",
            case="kernel-list-wrong-length", fix=("[3, 3, 3]", "[3, 3]")),
    Example("E210", "A layer's output would have 2^63 elements or more (an `upsample` by a huge "
            "factor, a huge input): more than a PyTorch tensor can index.",
            case="output-past-int64-elements", fix=("1000000}", "2}")),
    Example("E211", "A normalisation would compute a mean and variance from a single value at "
            "the analysed batch, which PyTorch refuses (\"Expected more than 1 value per "
            "channel\"): `groupnorm` with one channel per group on a 1x1 (or flat) input at "
            "batch 1, or `bn` with `track_running_stats: false` on a 1x1 input at batch 1. "
            "cnncalc's figures are inference's (`model.eval()`): batch norm with running "
            "statistics (the default) uses those and is fine. A batch of 2 or more works.",
            case="groupnorm-one-value-per-group", fix=("  - groupnorm: 32\n", "")),
    Example("E220", "The sizes given to `reshape`/`view` cannot hold the input's elements "
            "(their product differs, or with a `-1` the known sizes do not divide the element "
            "count), or `unflatten`'s sizes do not multiply to the dim they split: PyTorch's "
            "\"shape '[5, -1]' is invalid for input of size 192\".",
            case="reshape-count", fix=("[5, -1]", "[3, -1]")),
    Example("E221", "A `reshape`, `view` or `unflatten` size list with more than one `-1`: only "
            "one size can be inferred (PyTorch: \"only one dimension can be inferred\").",
            case="reshape-two-inferred", fix=("[-1, -1]", "[3, -1]")),
    Example("E222", "A `chunk` or `split` would make more than 10,000 outputs: each is listed "
            "in tables and JSON (and held as a tensor by PyTorch); no network splits a dim "
            "that finely.", case="too-many-pieces", fix=("split_size_or_sections: 1,",
                                                          "split_size_or_sections: 10000,")),
    # ---------------------------------------------------------------- E3xx
    Example("E160", "A figure under `expect:` is not written as a figure: cnncalc takes what "
            "it prints itself (a shape `96x55x55` or a list, a count `34944`, `\"34,944\"`, "
            "`34_944`, a rounded count `\"61.1M\"` checked at the precision written, memory in "
            "bytes or `\"1.1 MiB\"`), and nothing else: no exponents, no words. The rest of the "
            "answer sheet is checked.", case="E160-exponent", commands=(CHECK,),
            fix=('"1e9"', '"224"')),
    Example("E301", "A figure written under `expect:` (the network's `params`, `output`, ... or "
            "a layer's shape or params) differs from the computed one. The message gives both "
            "and the difference, or names the mistake the answer equals (the count without "
            "the biases, the size without the padding, H×W×C order, FLOPs for MACs, ...). "
            "`cnncalc check` also prints it as a ✗ line of its answer sheet, with the "
            "arithmetic of the figure asked (`--verbose`: every figure).",
            case="network-expect-params",
            commands=(SHOW,), fix=("params: 1}", "params: 224}")),
    Example("E302", "Only `cnncalc check`: a file exceeds a budget given on the command line, "
            "`--max-params`, `--max-macs` or `--max-memory` (peak inference memory), or its "
            "last spatial layer's receptive field is smaller than `--min-rf`. A budget is about "
            "the whole file, so the diagnostic has no line.",
            yaml="input: [3, 32, 32]\nlayers:\n  - conv: {out_channels: 64, kernel_size: 3, "
            "padding: 1}\n  - relu\n  - flatten\n  - linear: 10\n",
            commands=(("check", "bad.yaml", "--max-params", "100K"),),
            fix=("  - flatten\n", "  - gap\n  - flatten\n")),
    # ---------------------------------------------------------------- E4xx
    Example("E400", "The file has `backbone:` and `head:` (an Ultralytics model config, "
            "docs/yolo.md) but one of them is not a list of rows, or there are no rows.",
            case="yolo-section-not-a-list",
            fix=("backbone: {a: 1}\nhead: []\n", YOLO)),
    Example("E401", "A row of a YOLO config is not a list of four: `[from, repeats, module, "
            "args]`. Every malformed row is reported, not only the first.",
            case="yolo-row-of-three", fix=("C2f]", "C2f, [16]]")),
    Example("E402", "A row's `from` points forward or before the input, is not an index, or "
            "gives several inputs to a module that takes one; and once shapes are known, a "
            "`Concat` whose inputs differ in H or W (the message gives the rows, their shapes "
            "and the row of the right size probably meant) or a head whose inputs' strides do "
            "not increase.", case="yolo-from-forward", fix=("[2, 1, C2f", "[-1, 1, C2f")),
    Example("E403", "A row's repeats are not a whole number from 1 up.",
            case="yolo-repeats-zero", fix=("[-1, 0, C2f", "[-1, 1, C2f")),
    Example("E404", "A row names a module Ultralytics does not have; the hint gives the "
            "closest spelling it has.", case="yolo-unknown-module", fix=("C2F", "C2f")),
    Example("E405", "A row's arguments are not what the module's constructor takes: too "
            "many, or of the wrong type (output channels that are not a positive integer).",
            case="yolo-channels-not-a-number", fix=("[wide, 3, 2]", "[16, 3, 2]")),
    Example("E406", "`--scale` (or the scale the file name names, `yolov8n.yaml`) is not one "
            "of the config's `scales:`, an entry of `scales:` is not `[depth, width, "
            "max_channels]`, or `--scale` is given for a file that is not a YOLO config.",
            case="yolo-scale-of-two", fix=("[0.33, 0.25]", "[0.33, 0.25, 1024]")),
    Example("E407", "A row names a module cnncalc does not read: RT-DETR's transformer "
            "layers, YOLO-World's and YOLOE's text embeddings, TorchVision backbones, tasks "
            "other than detect, segment, classify, pose and obb (docs/yolo.md lists each "
            "and why).", case="yolo-refused-module",
            fix=("[-1, 1, AIFI, [256, 1024, 8]]", "[-1, 1, C2f, [16]]")),
    Example("E408", "The config's `activation:` is not one cnncalc has an op for.",
            case="yolo-unknown-activation", fix=("nn.Swish()", "nn.SiLU()")),
    Example("E409", "`--set` names something other than `nc`, the one parameter an "
            "Ultralytics config has (its scale is chosen with `--scale`), or sets `nc` to "
            "something that is not a class count.",
            yaml=YOLO, commands=(("show", "bad.yaml", "--set", "width=0.5"),)),
    Example("E410", "`cnncalc convert` is given a native cnncalc file (one without an "
            "Ultralytics config's `backbone:` and `head:` rows): there is nothing to convert, "
            "and every command reads the file as it is. The fix shown makes it the YOLO config "
            "it was meant to be.",
            yaml="input: [3, 32, 32]\nlayers:\n  - conv: {out_channels: 16, kernel_size: 3}\n",
            commands=(("convert", "bad.yaml"),),
            fix=("input: [3, 32, 32]\nlayers:\n  - conv: {out_channels: 16, kernel_size: 3}\n",
                 YOLO)),
    Example("E411", "An Ultralytics config holds a top-level key of cnncalc's own format "
            "that would define the network (`blocks:`, `params:`, `let:`, `defaults:`, "
            "`include:`, `outputs:`, `cnncalc:`): the config's network is its rows, and nothing "
            "would read the key. The keys that say how to analyse it (`input:`, `batch:`, "
            "`dtype:`, `layout:`, `name:`, `expect:`) are held as in a cnncalc file.",
            case="yolo-native-key", fix=("params: {width: 0.5}\n", "")),
    Example("E412", "An Ultralytics config is given an input of other than three dims, in "
            "its `input:` or with --input: its modules are 2-D (nn.Conv2d), and cnncalc's "
            "layers, which follow the input's rank, would build 1-D or 3-D convolutions no "
            "Ultralytics model has.", case="yolo-input-rank",
            fix=("input: [3, 16, 640, 640]", "input: [3, 640, 640]")),
    # ---------------------------------------------------------------- W and N
    Example("W101", "A convolution or pooling window does not fit the input exactly, and "
            "PyTorch's floor division leaves real input rows or columns that no window reads. "
            "The message shows the arithmetic per axis; the hint names the nearest padding, "
            "stride or input size that fits. The run fails only with `--strict`.",
            case="W101-7x7-3x3-stride-3", commands=(CHECK, ("check", "--strict", "bad.yaml")),
            fix=("stride: 3}", "stride: 3, padding: 1}")),
    Example("W130", "The input has three sizes, the last at most 4 and the two before it larger "
            "than 4 (`[32, 32, 3]`): an image written height x width x channels, as course "
            "notes write it. cnncalc reads shapes channels first, as PyTorch does, so it would "
            "analyse 32 channels of 32x3 and give plausible wrong answers. Write the channels "
            "first, or say that the file writes H×W×C (`layout: hwc`, or `--layout hwc` for "
            "`--input`). Not reported under that layout.", case="W130-hwc-input",
            fix=("[32, 32, 3]", "[3, 32, 32]")),
    Example("W131", "The input has two equal sizes (`[7, 7]`, as a quiz says \"a 7x7 input\") "
            "and a convolution or pooling written without a rank reads it: cnncalc reads "
            "[C, L], so the op runs in 1-D on 7 channels of length 7. A genuine 1-D input has "
            "few channels and a long signal (audio `[1, 16000]`, ECG `[12, 1000]`) and is not "
            "reported; `conv1d` says a 1-D op is meant.", case="W131-bare-7x7",
            fix=("[7, 7]", "[1, 7, 7]")),
    Example("W420", "`cnncalc sizes` of a YOLO config, at a size that is not a multiple of "
            "the config's grid: its largest stride (the coarsest map a head reads), 32 at "
            "least, the step Ultralytics' trainer and predictor round `imgsz` up to. The model "
            "may build at that size, but Ultralytics would not use it as given. A size asked "
            "about with `--why` that does not build is explained by the row that breaks "
            "(E402) instead.", yaml=YOLO,
            commands=(("sizes", "bad.yaml", "--min", "90", "--max", "100", "--why", "100"),)),
    Example("W421", "A detection-family config (a Detect, Segment, Pose or OBB head) with "
            "`channels:` other than 3. Ultralytics 8.4.190 reads the key only when it builds "
            "a classifier; a detector is built for the channels its caller gives (the "
            "trainer passes the dataset's `channels:`), so the key changes nothing and the "
            "model is analysed for 3. `--input` gives the channels a run would use.",
            yaml=("nc: 3\nchannels: 1\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n"
                  "  - [-1, 1, Conv, [32, 3, 2]]\n  - [-1, 1, Conv, [64, 3, 2]]\n"
                  "head:\n  - [[0, 1, 2], 1, Detect, [nc]]\n"),
            fix=("channels: 1\n", "")),
    Example("N101", "An output size is floored, but what is left unread is padding (ResNet's "
            "3x3, stride-2 convolutions with padding 1), or the window is smaller than the "
            "stride, so it skips the gaps between windows by design (ResNet's 1x1, stride-2 "
            "shortcut).", case="N101-56-stride-2-pad-1", commands=(NOTES,)),
    Example("N102", "A pooling layer with `ceil_mode: true` rounds a fractional output size "
            "up: the last window starts inside the input and reaches past it, and PyTorch "
            "keeps it.", case="N102-ceil-mode", commands=(NOTES,)),
    Example("N103", "A merge (`add`, `mul`, `concat`) joins paths whose receptive fields have "
            "different strides or centres, so its features describe differently placed input "
            "windows. Often intended (a padded branch, a crop); worth a look when not. The "
            "largest field is the one reported.", case="N103-misaligned-merge",
            commands=(NOTES,)),
    Example("N104", "The file is analysed for another input than its own (`cnncalc show "
            "FILE --input SHAPE`), and it has `expect:` figures. They were written for the "
            "file's input, and every one of them may change with it (shapes and MACs, and "
            "parameters too: a `linear` after `flatten`, the first layer's input channels), "
            "so they are not checked in this run.",
            yaml="input: [3, 32, 32]\nlayers:\n  - conv: {out_channels: 8, kernel_size: 3}\n"
            "  - flatten\n  - linear: 10\nexpect: {params: 72234}\n",
            commands=(("show", "bad.yaml", "--input", "3x64x64"),)),
    Example("N105", "`cnncalc check` did not check a file, and says why: a YAML file none of "
            "whose lines starts with one of the top-level keys `input:`, `layers:`, `blocks:` "
            "or `cnncalc:` is not a cnncalc file (a GitHub workflow, a docker-compose file: "
            "so a pre-commit hook over every YAML file passes an ordinary repository); a link "
            "that leads out of the directory being walked is not followed, and a FIFO or "
            "device a walk finds is not read (a file named on the command line is read even "
            "when it is a link or a FIFO). Standard input is always taken as an "
            "architecture. Skipped files are counted apart in the summary.",
            yaml="services:\n  web:\n    image: nginx\n    ports: [\"8080:80\"]\n"),
    Example("N110", "`--set` changed a file parameter, and the file has `expect:` figures "
            "written as plain numbers: they describe the file's defaults, so they are not "
            "checked in this run. Figures written as `$(...)` of the parameters are checked "
            "for every value.",
            yaml="params: [width=1.0]\ninput: [3, 32, 32]\nlayers:\n"
            "  - conv: [\"$(int(16 * width))\", 3]\n"
            "expect: {params: 448, output: [\"$(int(16 * width))\", 30, 30]}\n",
            commands=(("show", "bad.yaml", "--set", "width=0.5"),)),
    Example("N111", "The file has `blocks:` and no `layers:`: a block library, which other "
            "files bring in with `include:`. `cnncalc check` checks its block definitions "
            "(their keys, parameters and names) and reports it as a library, not an error; "
            "`cnncalc show` lists its blocks.", case="block-library", commands=(NOTES, SHOW)),
]
