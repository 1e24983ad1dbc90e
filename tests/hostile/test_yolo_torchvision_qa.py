"""Hostile TorchVision and Index rows (TV1-): every argument of the wrong type or size,
control characters, `from` lists, repeats, Index chains, split rows read as tensors, many
models, YAML tricks, and every command on them.

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the bounds are generous
(about ten times what the case takes on a loaded two-core machine). Every refusal names the
row, the value and, where there is one, the fix.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness import run

CLASSIFY = "head:\n  - [-1, 1, Classify, [nc]]\n"
SPLIT = "  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, 2, True]]\n"


def config(tmp_path: Path, rows: str, top: str = "nc: 5\n") -> Path:
    path = tmp_path / "tv.yaml"
    path.write_text(f"{top}backbone:\n{rows}", encoding="utf-8")
    return path


def refused(tmp_path: Path, rows: str, code: str, *said: str, top: str = "nc: 5\n") -> str:
    """`check` on the rows: exit 1 and one error, `code`, whose text holds each of `said`."""
    r = run(["check", str(config(tmp_path, rows, top)), "-f", "json"], seconds=10, mib=300)
    assert r.code == 1, r.text
    errors = [d for d in json.loads(r.out)["files"][0]["diagnostics"]
              if d["severity"] == "error"]
    assert len(errors) == 1, errors
    text = f"{errors[0]['message']} | {errors[0].get('hint')}"
    assert errors[0]["code"] == code and all(s in text for s in said), text
    return text


def tv(args: str) -> str:
    return f"  - [-1, 1, TorchVision, [{args}]]\n" + CLASSIFY


@pytest.mark.parametrize(("args", "code", "said"), [
    ("wide, resnet18", "E405", "c2 (the output channels) must be a positive integer"),
    ("[512], resnet18", "E405", "got [512]"),
    ("True, resnet18", "E405", "got True"),
    ("-512, resnet18", "E405", "got -512"),
    ("99999999999999999999999, resnet18", "E405", "got 99999999999999999999999"),
    ("512.0, resnet18", "E405", "got 512.0"),
    ("512", "E405", "needs the torchvision model's name after c2"),
    ("512, 18", "E407", "cnncalc does not read torchvision's 18"),
    ("512, None", "E407", "torchvision's None"),
    ("512, [resnet18]", "E407", "torchvision's ['resnet18']"),
    ("512, {model: resnet18}", "E407", "torchvision's {'model': 'resnet18'}"),
    ("512, ../../etc/passwd", "E407", "torchvision's '../../etc/passwd'"),
    ("512, /models/resnet18.pt", "E405", "write the model's name alone: 'resnet18'"),
    ("512, torchvision.models.resnet50", "E405", "write the model's name alone: 'resnet50'"),
    ("512, ResNet18", "E405", "did you mean 'resnet18'?"),
    ("512, __class__", "E407", "torchvision's '__class__'"),
    ("512, resnet18, [DEFAULT]", "E405", "weights must be a weights name"),
    ("512, resnet18, True", "E405", "weights must be a weights name"),
    ("512, resnet18, DEFAULT, yes", "E405", "unwrap must be True or False, got 'yes'"),
    ("512, resnet18, DEFAULT, [True]", "E405", "unwrap must be True or False, got [True]"),
    ("512, resnet18, DEFAULT, None", "E405", "unwrap must be True or False, got None"),
    ("512, resnet18, DEFAULT, True, True", "E405", "truncate is True"),
    ("512, resnet18, DEFAULT, True, 2.0", "E405", "got 2.0"),
    ("512, resnet18, DEFAULT, True, 99999999999999999999999", "E405",
     "truncate 99999999999999999999999 leaves none of resnet18's 10 children"),
    ("512, resnet18, DEFAULT, True, -99999999999999999999999", "E405", "0 or more"),
    ("512, resnet18, DEFAULT, True, '10**100'", "E405", "got '10**100'"),
    ("512, resnet18, DEFAULT, True, 2, maybe", "E405", "split must be True or False"),
    ("512, resnet18, DEFAULT, True, 2, True, 7", "E405", "takes at most 5 arguments after c2"),
    ("512, $(1+1)", "E405", "cnncalc would read it as its own $name or $(...) expression"),
])
def test_tv1_torchvision_args_of_every_wrong_kind(tmp_path: Path, args: str, code: str,
                                                  said: str) -> None:
    """TV1: each argument wrong in kind or size: one error at the row, naming the value
    (the quoted texts are the row's own, and a literal Python cannot read stays text)."""
    text = refused(tmp_path, tv(args), code, said)
    assert text.startswith("row 0 TorchVision")


@pytest.mark.parametrize("value", ['"res\\x1b[31mnet18\\u202e"', '"\\x07\\x9b2J"',
                                   '"resnet18\\u2028\\r\\n"'])
def test_tv2_control_characters_are_escaped(tmp_path: Path, value: str) -> None:
    """TV2: escapes, bidi overrides and line separators in a model name, an Index's index
    and a weights name: named escaped, never raw (run() checks), and refused."""
    for rows in (tv(f"512, {value}"), SPLIT + f"  - [0, 1, Index, [512, {value}]]\n" + CLASSIFY):
        r = run(["check", str(config(tmp_path, rows))], seconds=10, mib=300)
        assert r.code == 1 and ("\\x" in r.out or "\\u" in r.out), r.text
    # weights change no count: any name is taken, and none is printed
    r = run(["show", str(config(tmp_path, tv(f"512, resnet18, {value}")))], seconds=15,
            mib=300)
    assert r.code == 0, r.text


def test_tv2_a_long_model_name_is_cut_short(tmp_path: Path) -> None:
    text = refused(tmp_path, tv("512, " + "r" * 100_000), "E407", "…")
    assert len(text) < 1000


@pytest.mark.parametrize(("rows", "at"), [
    ("  - [[-1], 1, TorchVision, [512, resnet18]]\n" + CLASSIFY, "row 0 TorchVision"),
    ("  - [-1, 1, Conv, [3, 1]]\n  - [[-1, 0], 1, TorchVision, [512, resnet18]]\n" + CLASSIFY,
     "row 1 TorchVision"),
    (SPLIT + "  - [[0], 1, Index, [512, 8]]\n" + CLASSIFY, "row 1 Index"),
    (SPLIT + "  - [[0, 0, 0], 1, Index, [512, 8]]\n" + CLASSIFY, "row 1 Index"),
])
def test_tv3_a_from_list(tmp_path: Path, rows: str, at: str) -> None:
    """TV3: parse_model's `ch[f]` takes one index (a list is a TypeError there)."""
    refused(tmp_path, rows, "E402", f"{at} takes one input; `from` lists", "give one row index")


@pytest.mark.parametrize(("rows", "said"), [
    ("  - [-1, 3, TorchVision, [512, resnet18]]\n" + CLASSIFY, "3 copies of resnet18"),
    ("  - [-1, 99999999999, TorchVision, [512, resnet18]]\n" + CLASSIFY,
     "99999999999 copies of resnet18"),
    (SPLIT + "  - [0, 2, Index, [128, 6]]\n" + CLASSIFY, "2 copies of Index in sequence"),
    (SPLIT + "  - [0, 9223372036854775807, Index, [128, 6]]\n" + CLASSIFY,
     "copies of Index in sequence"),
])
def test_tv4_repeats(tmp_path: Path, rows: str, said: str) -> None:
    """TV4: copies in sequence: a second model would read the first's 512 channels, a
    second Index a tensor's batch."""
    refused(tmp_path, rows, "E403", said, "write 1 as the row's repeats")


def test_tv4_repeats_the_depth_rounds_to_one(tmp_path: Path) -> None:
    """TV4: 3 at depth 0.33 is max(round(0.99), 1) = 1 copy, and 2 is 1: built, as
    Ultralytics does."""
    r = run(["check", str(config(tmp_path, "  - [-1, 3, TorchVision, [512, resnet18, DEFAULT, "
                                 "True, 2, True]]\n  - [0, 2, Index, [512, 8]]\n" + CLASSIFY,
                                 "nc: 5\ndepth_multiple: 0.33\n"))], seconds=10, mib=300)
    assert r.code == 0, r.text


@pytest.mark.parametrize(("rows", "said"), [
    # an Index of an Index, of the input, of a tensor, of a whole model, of an unsplit one
    (SPLIT + "  - [0, 1, Index, [128, 6]]\n  - [-1, 1, Index, [128, 7]]\n" + CLASSIFY,
     "read row 0 TorchVision, whose split is True"),
    ("  - [-1, 1, Index, [3, 0]]\n" + CLASSIFY, "reads the input, one tensor"),
    ("  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, Index, [16, 0]]\n" + CLASSIFY,
     "reads row 0 Conv, which gives one tensor"),
    ("  - [-1, 1, TorchVision, [1000, resnet18, DEFAULT, False, 2, True]]\n"
     "  - [0, 1, Index, [1000, 1]]\n" + CLASSIFY, "give row 0 unwrap=True"),
    ("  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, 2, False]]\n"
     "  - [0, 1, Index, [512, 8]]\n" + CLASSIFY, "give row 0 split=True"),
    # a split list read as a tensor
    (SPLIT + "  - [[0, 0], 1, Concat, [1]]\n" + CLASSIFY, "pick one item with an Index row"),
    (SPLIT + CLASSIFY, "pick one item with an Index row"),
    (SPLIT + "head:\n  - [[0], 1, Detect, [nc]]\n", "pick one item with an Index row"),
    (SPLIT + "  - [0, 1, TorchVision, [512, resnet18]]\n" + CLASSIFY,
     "pick one item with an Index row"),
    # TorchVision reading an Index of other than RGB, or another model's features
    (SPLIT + "  - [0, 1, Index, [64, 1]]\n  - [-1, 1, TorchVision, [512, resnet18]]\n"
     + CLASSIFY, "takes 3 input channels (RGB), but row 1 gives [64, 320, 320]"),
    ("  - [-1, 1, TorchVision, [512, resnet18]]\n  - [-1, 1, TorchVision, [512, resnet18]]\n"
     + CLASSIFY, "but row 0 gives [512, 20, 20]"),
    # the whole model's class scores read as a feature map
    ("  - [-1, 1, TorchVision, [1000, resnet18, DEFAULT, False]]\nhead:\n"
     "  - [[0], 1, Detect, [nc]]\n", "whose output [1000] is the class scores"),
])
def test_tv5_chains_and_lists(tmp_path: Path, rows: str, said: str) -> None:
    """TV5: what a row reads from a TorchVision or Index row, said at the row."""
    refused(tmp_path, rows, "E402", said)


def test_tv5_an_index_after_a_broken_model_says_nothing_more(tmp_path: Path) -> None:
    """TV5: the model row's mistake, and no second error claiming its split is False."""
    refused(tmp_path, "  - [-1, 1, TorchVision, [1280, efficientnet_b0, DEFAULT, True, 0, "
            "True]]\n  - [0, 1, Index, [1000, -1]]\n" + CLASSIFY, "E405",
            "row 0 TorchVision: its children skip the flatten")


@pytest.mark.parametrize("rows", [
    SPLIT + "  - [0, 1, Index, [3, 0]]\n  - [-1, 1, TorchVision, [512, resnet34]]\n" + CLASSIFY,
    SPLIT + "head: []\n",
    SPLIT + "  - [0, 1, Index, [512, -1]]\n  - [0, 1, Index, [3]]\n  - [-1, 1, Conv, [8, 3, 2]]\n"
    + CLASSIFY,
    "  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, 1, 2, 2]]\n  - [0, 1, Index, [512, 8]]\n"
    + CLASSIFY,
    "  - [-1, 1, TorchVision, [1000, resnet18, DEFAULT, False, abc, maybe]]\nhead:\n"
    "  - [-1, 1, nn.Identity, []]\n",
])
def test_tv6_odd_rows_that_build(tmp_path: Path, rows: str) -> None:
    """TV6: rows Ultralytics builds: a model reading an Index of the input, a split row last,
    negative and default indices, switches written as integers, the whole model with text
    for the truncate and split it never reads."""
    r = run(["check", str(config(tmp_path, rows))], seconds=15, mib=300)
    assert r.code == 0, r.text


def test_tv7_two_hundred_resnet152_rows(tmp_path: Path) -> None:
    """TV7: 200 ResNet-152 rows (each reading the input through an Index): 103,000 layers
    and 11.6G params, measured at 2.6 s and 110 MiB."""
    rows = SPLIT + "  - [0, 1, Index, [3, 0]]\n" + "".join(
        "  - [1, 1, TorchVision, [2048, resnet152, DEFAULT, True, 2]]\n" for _ in range(200))
    r = run(["check", str(config(tmp_path, rows + CLASSIFY))], seconds=40, mib=600)
    assert r.code == 0 and "11,642,568,517 params" in r.out, r.text


def test_tv7_two_thousand_hit_the_layer_limit(tmp_path: Path) -> None:
    """TV7: ten times as many cross --max-layers: E116, its hint naming the rows."""
    rows = SPLIT + "  - [0, 1, Index, [3, 0]]\n" + "".join(
        "  - [1, 1, TorchVision, [2048, resnet152, DEFAULT, True, 2]]\n" for _ in range(2000))
    r = run(["check", str(config(tmp_path, rows + CLASSIFY))], seconds=40, mib=600)
    assert r.code == 1 and "E116" in r.out and "the TorchVision rows (2,001" in r.out, r.text


def test_tv8_yaml_tricks(tmp_path: Path) -> None:
    """TV8: an alias for the args, a Python tag (read as its value, never run), `!!str`
    numbers and quoted literals read as parse_model reads them."""
    top = "nc: 5\ntv: &tv [512, resnet18, DEFAULT, True, 2, True]\n"
    rows = ("  - [-1, 1, TorchVision, *tv]\n  - [0, 1, Index, [!!str 512, \"(8)\"]]\n"
            + CLASSIFY)
    r = run(["check", str(config(tmp_path, rows, top))], seconds=10, mib=300)
    assert r.code == 0, r.text
    refused(tmp_path, tv('512, !!python/object/apply:os.system ["echo PWNED"]'), "E407",
            "torchvision's ['echo PWNED']")


def test_tv8_billion_laughs_as_a_model_name(tmp_path: Path) -> None:
    """TV8: a model name aliasing 10^9 items: E116 at the value, read no further."""
    top = "nc: 5\na0: &a0 [" + ", ".join(["resnet18"] * 10) + "]\n" + "".join(
        f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 9))
    r = run(["check", str(config(tmp_path, tv("512, *a8"), top))], seconds=10, mib=300)
    assert r.code == 1 and "E116" in r.out, r.text


@pytest.mark.parametrize("command", [
    ["show"], ["explain"], ["sizes", "--max", "128"], ["export"], ["export", "--to", "mermaid"],
    ["convert"], ["report", "-o", "{tmp}/r.html"], ["diff", "{file}"]])
def test_tv9_every_command_on_a_broken_and_a_hostile_row(tmp_path: Path,
                                                         command: list[str]) -> None:
    """TV9: each command on a row with a control character and a bad index: exit 1, the
    row named, no traceback, nothing raw."""
    path = config(tmp_path, SPLIT + '  - [0, 1, Index, [512, "\\x1b]8;;x\\x07"]]\n' + CLASSIFY)
    args = [a.replace("{tmp}", str(tmp_path)).replace("{file}", str(path)) for a in command]
    r = run([args[0], str(path), *args[1:]], seconds=15, mib=400)
    assert r.code == 1, r.text
    if args[0] == "report":  # the page says it
        assert "row 1 Index" in (tmp_path / "r.html").read_text(encoding="utf-8")
    elif args[0] != "diff":  # (which counts the errors of each side)
        assert "row 1 Index" in r.text, r.text
