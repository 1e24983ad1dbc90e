"""Every diagnostic cnncalc gives: its code, where it points, what it says, how to fix it, and
the exit status it leads to — through the Python API and through `cnncalc show`."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import NamedTuple

import pytest

import cnncalc
from cnncalc.analysis import Analysis, decode
from cnncalc.diagnostics import CODES, FatalError, Severity
from cnncalc.source import Source

FATAL = {"E001", "E002", "E003", "E004", "E006"}


def run(text: str) -> Analysis:
    return cnncalc.analyze(Source("bad.yaml", textwrap.dedent(text)))


def net(*layers: str, input: str = "[3, 32, 32]") -> str:
    """`input:` on line 1, `layers:` on line 2, layer i on line 3 + i; a layer's text starts at
    column 5 (after `  - `)."""
    return f"input: {input}\nlayers:\n" + "".join(f"  - {layer}\n" for layer in layers)


def expected_exit(code: str, strict: bool = False) -> int:
    if code in FATAL:
        return 2
    if code.startswith("E") or (strict and code.startswith("W")):
        return 1
    return 0


def codes(a: Analysis) -> list[str]:
    return [d.code for d in a.diagnostics]


def where(a: Analysis) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in a.diagnostics if d.span]


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
    Case("yaml-unclosed-flow-mapping", net("conv: {out_channels: 8"), "E003", 4, 1,
         "did not find expected ',' or '}'", None),
    Case("yaml-tab-indent", "input: [3, 32, 32]\nlayers:\n\t- relu\n", "E003", 3, 1,
         "cannot start any token", None),
    Case("yaml-bad-indent", "input: [3, 32, 32]\nlayers:\n  - relu\n - bn\n", "E003", 4, 2,
         "did not find expected key", None),
    Case("yaml-unclosed-quote", "input: [3, 32, 32]\nname: 'abc\nlayers: [relu]\n", "E003", 4, 1,
         "while scanning a quoted scalar", None),
    Case("yaml-undefined-alias", net("*nope"), "E003", 3, 5, "undefined alias", None),
    Case("yaml-two-documents", "input: [3, 32, 32]\n---\nlayers: [relu]\n", "E003", 2, 1,
         "another document", None),
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
    Case("too-many-positional", net("linear: [10, true, 3]"), "E106", 3, 24,
         "linear takes 2 positional arguments (out_features, bias); got 3",
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
    Case("expr-syntax", BLOCK_N.format(value="$(n +* 2)"), "E112", 6, 30, "cannot parse", None),
    Case("expr-unknown-name", BLOCK_N.format(value="$(m * 2)"), "E112", 6, 30,
         "unknown name 'm' (known: n)", "names here: n"),
    Case("expr-unknown-name-close", BLOCK_N.format(value="$(nn * 2)"), "E112", 6, 30,
         "unknown name 'nn'", "did you mean 'n'?"),
    Case("expr-division-by-zero", BLOCK_N.format(value="$(n // 0)"), "E112", 6, 30,
         "division by zero", None),
    Case("expr-true-division", BLOCK_N.format(value="$(n / 2)"), "E112", 6, 30,
         "operator / is not allowed", "use // for integer division"),
    Case("expr-attribute", BLOCK_N.format(value="$(n.real)"), "E112", 6, 30,
         "`n.real` is not allowed", "min() and max()"),
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
         "must be the number 1", "write `cnncalc: 1`"),
    Case("format-version-text", "cnncalc: '1'\ninput: [3, 32, 32]\nlayers: [relu]\n", "E115", 1,
         10, "must be the number 1", "write `cnncalc: 1`"),
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
         "E117", 3, 26, "unknown parameter $n", "there are none outside blocks"),
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
    # ---------------------------------------------------------------- W/N: fractional sizes
    Case("W101-7x7-3x3-stride-3",
         net("conv: {out_channels: 8, kernel_size: 3, stride: 3}", input="[3, 7, 7]"), "W101", 3,
         5, "(7 − 3 + 2·0)/3 + 1 = 2.33", "padding=1"),
    Case("W101-one-axis", net("conv: {out_channels: 8, kernel_size: 3, stride: 3}",
                              input="[3, 9, 7]"),
         "W101", 3, 5, "output W: (7 − 3 + 2·0)/3 + 1 = 2.33", "padding=1"),
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


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_diagnostic(case: Case) -> None:
    a = run(case.yaml)
    assert codes(a) == [case.code], [(d.code, d.message) for d in a.diagnostics]
    d = a.diagnostics[0]
    assert d.span is not None
    assert (d.span.file, d.span.line, d.span.col) == ("bad.yaml", case.line, case.col), d.message
    assert case.message in d.message
    if case.hint is not None:
        assert d.hint is not None and case.hint in d.hint, d.hint
    assert d.severity is CODES[case.code].severity
    assert a.exit_code() == expected_exit(case.code)
    assert a.exit_code(strict=True) == expected_exit(case.code, strict=True)


def test_every_code_has_a_case() -> None:
    # E001, E002: read from bytes and paths; E302: budgets come from `check` (test_commands)
    covered = {c.code for c in CASES} | {"E001", "E002", "E302"}
    assert set(CODES) <= covered, sorted(set(CODES) - covered)


def test_fatal_codes_are_the_unreadable_ones() -> None:
    assert {code for code, c in CODES.items() if c.fatal} == FATAL
    assert all(c.code == code and c.title and c.fix for code, c in CODES.items())


def test_severities_follow_the_code_letter() -> None:
    letter = {"E": Severity.ERROR, "W": Severity.WARNING, "N": Severity.NOTE}
    assert all(c.severity is letter[code[0]] for code, c in CODES.items())


def test_warning_fails_only_with_strict() -> None:
    a = run(net("conv: {out_channels: 8, kernel_size: 3, stride: 3}", input="[3, 7, 7]"))
    assert (a.exit_code(), a.exit_code(strict=True)) == (0, 1)
    assert a.output_shape == (8, 2, 2)  # floored as PyTorch does: the warning does not stop it
    w = a.diagnostics[0]
    assert "the last input row and column are never read (of 7)" in w.message
    assert w.path == "conv1"


def test_note_never_fails() -> None:
    a = run(net("conv: {out_channels: 8, kernel_size: 3, stride: 2, padding: 1}",
                input="[3, 56, 56]"))
    assert codes(a) == ["N101"]
    assert (a.exit_code(), a.exit_code(strict=True)) == (0, 0)
    assert a.output_shape == (8, 28, 28)


def test_misspelled_layers_key_reports_both_sides() -> None:
    a = run("input: [3, 32, 32]\nlayer:\n  - relu\n")
    assert where(a) == [("E102", 1, 1), ("E101", 2, 1)]
    assert a.diagnostics[1].hint == "did you mean 'layers'?"
    assert a.exit_code() == 1


def test_huge_repeat_is_refused_quickly() -> None:
    start = time.perf_counter()
    a = run(net("{relu: {}, repeat: 1000000000}"))
    assert time.perf_counter() - start < 1.0
    assert codes(a) == ["E116"]
    assert a.exit_code() == 1


def test_alias_bomb_is_refused() -> None:
    """Anchors nesting lists ten-fold eight times would be 10^9 items if expanded."""
    lines = ["input: [3, 8, 8]", "anchors:", "  - &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    lines += ["layers:", "  - conv: {out_channels: 8, kernel_size: *a8}"]
    start = time.perf_counter()
    a = run("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 2.0
    assert codes(a) == ["E101", "E116"]  # `anchors:` is no top-level key
    assert "more than 10000 items" in a.diagnostics[1].message
    assert a.exit_code() == 1


# ---------------------------------------------------------------- E001 / E002: bytes and paths

@pytest.mark.parametrize(("data", "line", "col", "message"), [
    pytest.param(b"input: [3, 8, 8]\nlayers:\n  - re\xfflu\n", 3, 7,
                 "byte 0xff is not valid UTF-8", id="invalid-byte"),
    pytest.param(b"\xff\xfeinput: [3, 8, 8]\n", 1, 1, "byte 0xff is not valid UTF-8",
                 id="utf16-bom"),
    pytest.param(b"input: [3]\x00\nlayers: []\n", 1, 11, "the file is binary (it contains NUL",
                 id="nul-byte"),
    pytest.param(b"\x7fELF\x02\x01\x01\x00\x00", 1, 8, "binary", id="executable"),
])
def test_decode_refuses_non_text(data: bytes, line: int, col: int, message: str) -> None:
    with pytest.raises(FatalError) as info:
        decode("bad.yaml", data)
    d = info.value.diagnostic
    assert d.code == "E002" and d.fatal
    assert d.span is not None and (d.span.file, d.span.line, d.span.col) == ("bad.yaml", line,
                                                                              col)
    assert message in d.message


def test_invalid_utf8_column_counts_characters() -> None:
    """Columns are characters everywhere else (the YAML parser's marks); `é` is one column."""
    with pytest.raises(FatalError) as info:
        decode("bad.yaml", "# café ".encode() + b"\xff\n")
    d = info.value.diagnostic
    assert d.span is not None and (d.span.line, d.span.col) == (1, 8)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"input: [3, 8, 8]\nlayers: [r\xe9lu]\n")
    a = cnncalc.analyze(path)
    assert where(a) == [("E002", 2, 11)]
    assert a.diagnostics[0].hint == "save the file as UTF-8"
    assert a.exit_code() == 2 and a.exit_code(strict=True) == 2


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    path.write_bytes(b"PK\x03\x04\x00\x00\x08\x00")
    a = cnncalc.analyze(path)
    assert where(a) == [("E002", 1, 5)]
    assert "binary" in a.diagnostics[0].message
    assert a.exit_code() == 2


@pytest.mark.parametrize("kind", ["str", "path"])
def test_missing_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nope.yaml"
    a = cnncalc.analyze(str(path) if kind == "str" else path)
    assert codes(a) == ["E001"]
    d = a.diagnostics[0]
    assert d.span is None  # there is no text to point into
    assert "no such file" in d.message and str(path) in d.message
    assert d.hint == "check the path"
    assert a.exit_code() == 2


def test_directory(tmp_path: Path) -> None:
    a = cnncalc.analyze(tmp_path)
    assert codes(a) == ["E001"]
    assert "is a directory, not a file" in a.diagnostics[0].message
    assert a.diagnostics[0].hint is not None
    assert a.exit_code() == 2


# ---------------------------------------------------------------- known gaps (fail until fixed)

def test_deep_nesting_is_e006_not_a_syntax_error() -> None:
    """Valid YAML nested past the parser's depth limit is "too deeply nested" (E006), as the
    codes table says; calling it a YAML syntax error (E003) sends the user hunting for a typo."""
    a = run("input: " + "[" * 5000 + "]" * 5000 + "\nlayers: [relu]\n")
    assert codes(a) == ["E006"], [(d.code, d.message) for d in a.diagnostics]
    assert a.exit_code() == 2


def test_control_character_points_at_the_character() -> None:
    """YAML forbids control characters; the error must say where, not 1:1 plus an internal
    "<unicode string>, position 40" in the message."""
    a = run(net("relu # bad \x01 here"))
    assert where(a) == [("E003", 3, 16)], [(d.code, d.message) for d in a.diagnostics]
    message = a.diagnostics[0].message
    assert "U+0001" in message
    assert "<unicode string>" not in message and "position" not in message


def test_infinite_scale_factor_is_a_diagnostic_not_a_crash() -> None:
    """`scale_factor: .inf` passes the argument check (a number >= 0), then math.floor(inf)
    raised OverflowError out of analyze()."""
    a = run(net("upsample: {scale_factor: .inf}"))
    assert len(a.diagnostics) == 1
    d = a.diagnostics[0]
    assert d.code in ("E108", "E202")
    assert d.span is not None and (d.span.line, d.span.col) == (3, 30)
    assert a.exit_code() == 1


def test_mistake_in_a_block_body_is_reported_once() -> None:
    """A typo inside a block is one mistake at one place, however often the block is used;
    it was reported once per call and per repeat copy (4 identical diagnostics here)."""
    a = run("""\
        input: [3, 32, 32]
        blocks:
          cb:
            layers:
              - conv: {out_channels: 8, kernel_size: 3, strid: 1}
        layers:
          - cb
          - cb
          - {cb: {}, repeat: 2}
        """)
    assert where(a) == [("E105", 5, 49)]


def test_broken_block_definition_does_not_cascade() -> None:
    """A block whose definition was reported is not then "unknown" at every call (E104 with
    "did you mean 'bn'?" for a block the user did define)."""
    a = run("""\
        input: [3, 32, 32]
        blocks:
          b:
            params: [n]
        layers:
          - b: 4
          - relu
        """)
    assert codes(a) == ["E102"], [(d.code, d.message, d.hint) for d in a.diagnostics]


# ---------------------------------------------------------------- one run, all problems

def test_five_independent_mistakes_give_five_diagnostics() -> None:
    a = run("""\
        input: [3, 32, 32]
        outputs: 10
        layers:
          - conv: {out_channels: 16, kernel_size: 3, strid: 2}
          - {id: a, from: input, rleu: {}}
          - {from: input, maxpool: {kernel_size: 2, padding: 2}}
          - {from: nope, relu: {}}
        """)
    assert where(a) == [("E101", 2, 1), ("E105", 4, 46), ("E104", 5, 26), ("E206", 6, 54),
                        ("E109", 7, 12)]
    assert [d.hint for d in a.diagnostics][1:3] == ["did you mean 'stride'?",
                                                    "did you mean 'relu'?"]
    assert a.exit_code() == 1


def test_failed_layer_does_not_cascade() -> None:
    a = run("""\
        input: [3, 32, 32]
        layers:
          - {id: stem, conv: {out_channels: 8, kernel_size: 99}}
          - bn
          - relu
          - {id: side, from: stem, conv: [8, 1]}
          - add: [prev, stem]
          - {maxpool: 3, expect: [8, 10, 10]}
          - linear: 10
        expect: {params: 5}
        """)
    assert where(a) == [("E202", 3, 53)]
    assert a.diagnostics[0].path == "stem"
    assert a.exit_code() == 1


def test_failed_layer_before_a_block_does_not_cascade() -> None:
    a = run("""\
        input: [3, 32, 32]
        blocks:
          cb:
            params: [out]
            layers:
              - conv: {out_channels: $out, kernel_size: 3, padding: $(in_h // 16)}
              - relu
        layers:
          - conv: {out_channels: 8, kernel_size: 99}
          - cb: 8
          - {cb: 8, repeat: 3}
        """)
    assert codes(a) == ["E202"]


def test_diagnostics_are_in_file_order() -> None:
    a = run(net("conv: {out_channels: 8, kernel_size: 3, strid: 2}",
                "{from: input, conv: {out_channels: 0, kernel_size: 3}}",
                "{from: input, linear: 10}") + "colour: red\n")
    assert where(a) == [("E105", 3, 45), ("E108", 4, 40), ("E205", 5, 19), ("E101", 6, 1)]


# ---------------------------------------------------------------- the command line

BAD = net("conv: {out_channels: 8, kernel_size: 3}", "rleu")
W101 = net("conv: {out_channels: 8, kernel_size: 3, stride: 3}", input="[3, 7, 7]")


def cli(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS")}
    env["NO_COLOR"] = "1"
    result = subprocess.run([sys.executable, "-m", "cnncalc", *args], cwd=cwd, env=env,
                            input=stdin, capture_output=True, timeout=60, check=False)
    return subprocess.CompletedProcess(result.args, result.returncode,
                                       result.stdout.decode(), result.stderr.decode())


def assert_excerpt(output: str, header: str, source_line: str, column: int) -> None:
    lines = output.splitlines()
    assert header in lines, output
    i = lines.index(header)
    gutter, _, text = lines[i + 1].partition(" | ")
    assert text == source_line and gutter.strip().isdigit(), output
    caret = lines[i + 2]
    assert caret.strip().startswith("|") and caret.strip("| ^~") == "", output
    assert caret.index("^") == len(gutter) + len(" | ") + column - 1, output


def test_cli_reports_file_line_col_excerpt_and_hint(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    r = cli("show", "bad.yaml", cwd=tmp_path)
    assert r.returncode == 1
    assert_excerpt(r.stdout, "bad.yaml:4:5: error[E104]: unknown op or block 'rleu'",
                   "  - rleu", 5)
    assert "     |     ^~~~" in r.stdout.splitlines()
    assert "  = hint: did you mean 'relu'?" in r.stdout
    assert "1 error" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_cli_reads_stdin(tmp_path: Path) -> None:
    r = cli("show", "-", cwd=tmp_path, stdin=BAD.encode())
    assert r.returncode == 1
    assert_excerpt(r.stdout, "<stdin>:4:5: error[E104]: unknown op or block 'rleu'",
                   "  - rleu", 5)


def test_cli_stdin_not_utf8(tmp_path: Path) -> None:
    r = cli("show", "-", cwd=tmp_path, stdin=b"input: [3, 8, 8]\nlayers: [r\xe9lu]\n")
    assert r.returncode == 2
    assert "<stdin>:2:11: error[E002]: byte 0xe9 is not valid UTF-8" in r.stdout + r.stderr


def test_cli_missing_file(tmp_path: Path) -> None:
    r = cli("show", "nope.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "error[E001]" in r.stdout + r.stderr
    assert "no such file" in r.stdout + r.stderr


def test_cli_directory(tmp_path: Path) -> None:
    r = cli("show", ".", cwd=tmp_path)
    assert r.returncode == 2
    assert "error[E001]" in r.stdout + r.stderr


def test_cli_unknown_option(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    r = cli("show", "--bogus", "bad.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "No such option: --bogus" in r.stderr


def test_cli_bad_input_override(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(net("relu"))
    r = cli("show", "ok.yaml", "--input", "3x0x3", cwd=tmp_path)
    assert r.returncode == 2
    assert "is not a shape" in r.stderr


def test_cli_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(W101)
    plain = cli("show", "w.yaml", cwd=tmp_path)
    strict = cli("show", "w.yaml", "--strict", cwd=tmp_path)
    assert (plain.returncode, strict.returncode) == (0, 1)
    assert "w.yaml:3:5: warning[W101]: output H and W: (7 − 3 + 2·0)/3 + 1 = 2.33" in plain.stdout
    assert "  = hint: fits exactly with padding=1" in plain.stdout


def test_cli_json_diagnostics(tmp_path: Path) -> None:
    import json

    (tmp_path / "bad.yaml").write_text(BAD)
    r = cli("show", "bad.yaml", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    (d,) = json.loads(r.stdout)["diagnostics"]
    assert {k: d[k] for k in ("severity", "code", "file", "line", "column")} == {
        "severity": "error", "code": "E104", "file": "bad.yaml", "line": 4, "column": 5}
    assert d["hint"] == "did you mean 'relu'?"


@pytest.mark.parametrize(("text", "status"), [
    pytest.param(b"", 2, id="empty"),
    pytest.param(b"- relu\n", 2, id="not-a-mapping"),
    pytest.param(b"input: [3, 8\n", 2, id="syntax"),
    pytest.param(b"\x00\x01\x02", 2, id="binary"),
    pytest.param(b"input: " + b"[" * 5000 + b"]" * 5000 + b"\n", 2, id="deep"),
    pytest.param(b"input: &a [3, *a]\nlayers: [relu]\n", 2, id="recursive-anchor"),
    pytest.param(net("{relu: {}, repeat: 1000000000}").encode(), 1, id="huge-repeat"),
    pytest.param(net("upsample: {scale_factor: .inf}").encode(), 1, id="infinite-scale"),
    pytest.param(net("relu # \x01").encode(), 2, id="control-char"),
])
def test_cli_never_crashes(tmp_path: Path, text: bytes, status: int) -> None:
    (tmp_path / "bad.yaml").write_bytes(text)
    for args, stdin in ((("show", "bad.yaml"), None), (("show", "-"), text)):
        r = cli(*args, cwd=tmp_path, stdin=stdin)
        output = r.stdout + r.stderr
        assert "Traceback" not in output
        assert "internal error" not in output, output
        assert r.returncode == status, output
        assert "error[E" in output
