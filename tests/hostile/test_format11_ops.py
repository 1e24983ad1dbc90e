"""Hostile inputs for the ops of format 1.1 (reshaping, layer scale, matmul, trainable),
through the real console script with time and memory bounds (harness.run).

Each case names its attack: R = reshaping sizes, O = the other new ops.
"""

from __future__ import annotations

from pathlib import Path

from harness import run


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def net(*layers: str, input: str = "[3, 8, 8]") -> str:
    return f"input: {input}\nlayers:\n" + "".join(f"  - {layer}\n" for layer in layers)


def test_r1_reshape_to_huge_sizes(tmp_path: Path) -> None:
    """R1: reshape sizes near and past int64, with and without -1: refused with a count
    message, never a huge product built or printed digit by digit."""
    big = "9" * 4000
    for shape in (f"[{big}, -1]", f"[-1, {big}]", "[9223372036854775807, 9223372036854775807]",
                  f"[{', '.join(['4294967296'] * 200)}]"):
        r = run(["show", write(tmp_path, net(f"reshape: {{shape: {shape}}}"))], seconds=30,
                mib=300)
        assert r.code == 1, r.out
        assert "E118" in r.out or "E220" in r.out, r.out


def test_r2_two_inferred_sizes_and_zero(tmp_path: Path) -> None:
    """R2: `-1` twice (E221) and a size 0 (an empty tensor, E202)."""
    r = run(["show", write(tmp_path, net("reshape: {shape: [-1, -1]}"))], seconds=30, mib=300)
    assert r.code == 1 and "E221" in r.out
    r = run(["show", write(tmp_path, net("reshape: {shape: [0, -1]}"))], seconds=30, mib=300)
    assert r.code == 1 and "E202" in r.out


def test_r3_permute_of_a_huge_dims_list(tmp_path: Path) -> None:
    """R3: a permute listing 100,000 dims (refused as a value too long, before any shape
    work), and one with a dim past int64: one error each."""
    dims = ", ".join(str(i) for i in range(100_000))
    r = run(["show", write(tmp_path, net(f"permute: {{dims: [{dims}]}}"))], seconds=60,
            mib=400)
    assert r.code == 1 and r.out.endswith("1 error\n")
    r = run(["show", write(tmp_path, net(f"transpose: [0, {'9' * 5000}]"))], seconds=30,
            mib=300)
    assert r.code == 1


def test_r4_a_long_chain_of_views(tmp_path: Path) -> None:
    """R4: 20,000 alternating permutes and reshapes (each reshape copies a permuted tensor):
    linear in the chain's length."""
    text = net("{permute: {dims: [0, 2, 1]}, repeat: 1}",
               *["{permute: {dims: [0, 2, 1]}}", "{reshape: {shape: [3, 8, 8]}}"] * 10_000)
    r = run(["show", write(tmp_path, text), "--format", "json"], seconds=120, mib=600)
    assert r.code == 0, r.out[-2000:]


def test_r5_unsqueeze_past_any_rank(tmp_path: Path) -> None:
    """R5: unsqueeze repeated to a rank of thousands (each adds a dim), then squeeze."""
    r = run(["show", write(tmp_path, net("{unsqueeze: 0, repeat: 3000}", "squeeze"))],
            seconds=120, mib=600)
    assert r.code in (0, 1), r.out[-2000:]


def test_o1_matmul_of_huge_matrices(tmp_path: Path) -> None:
    """O1: a matmul whose product count passes int64 (2^31 x 2^31 matrices): exact integers
    in every output, never a float or an overflow."""
    text = net("{id: a, reshape: {shape: [1, 2147483648, 2147483648]}}",
               "{id: b, transpose: [1, 2]}", "matmul: [a, b]",
               input="[4611686018427387904]")
    r = run(["show", write(tmp_path, text), "--count", "all", "--format", "json"],
            seconds=30, mib=300)
    assert r.code == 0, r.out
    assert str(2**62 * 2**31) in r.out


def test_o2_layer_scale_and_trainable_garbage(tmp_path: Path) -> None:
    """O2: a layer scale shape past int64, `trainable` given a list, a mapping, a huge
    string: one located error each."""
    for layer in ("layer_scale: {shape: [99999999999999999999]}",
                  "{relu: {}, trainable: [1, 2]}", "{relu: {}, trainable: {a: 1}}",
                  f"{{relu: {{}}, trainable: {'x' * 100_000}}}"):
        r = run(["show", write(tmp_path, net(layer))], seconds=30, mib=300)
        assert r.code == 1 and r.out.endswith("1 error\n"), r.out[-500:]


def test_o3_frozen_repeat_of_a_hundred_thousand_blocks(tmp_path: Path) -> None:
    """O3: `trainable: false` on a 100,000-copy repeat: replayed like any repeat (the frozen
    flag is part of what makes calls alike), well within the bounds of the unfrozen one."""
    text = ("input: [4, 4, 4]\nblocks:\n  b:\n    layers:\n      - conv: [4, 1]\n"
            "      - relu\nlayers:\n  - {b: {}, repeat: 50000, trainable: false}\n")
    r = run(["show", write(tmp_path, text), "--format", "json"], seconds=60, mib=600)
    assert r.code == 0 and '"trainable_params": 0' in r.out


def test_s1_chunk_of_a_zero_size_dim(tmp_path: Path) -> None:
    """S1: a chunk of a 0-size dim (refused at the input: sizes are positive), and 3 chunks
    of a dim of 1 (one piece, as torch.chunk gives)."""
    r = run(["show", write(tmp_path, net("{id: y, chunk: 2}", input="[0, 8, 8]"))],
            seconds=30, mib=300)
    assert r.code == 1, r.out
    r = run(["show", write(tmp_path, net("{id: y, chunk: {chunks: 3, dim: 2}}",
                                         input="[1, 1, 1]"))],
            seconds=30, mib=300)
    assert r.code == 0, r.out


def test_s2_chunks_and_indices_past_any_count(tmp_path: Path) -> None:
    """S2: chunk into 10^18 pieces of a dim of 10^18, split into pieces of 1 of a huge dim,
    and `y[999999999]`: a located error each, in bounded memory (no list of pieces built)."""
    for layers, code in (
            (("{id: y, chunk: {chunks: 1000000000000000000, dim: 1}}",), "E222"),
            (("{id: y, split: {split_size_or_sections: 1, dim: 1}}",), "E222"),
            (("{id: y, chunk: 2}", '{from: "y[999999999]", relu: {}}'), "E141"),
            (("{id: y, chunk: 2}", '{from: "y[-999999999999999999999999999999999]", '
              'relu: {}}'), "E141")):
        text = net(*layers, input="[2, 1000000000000000000, 2]")
        r = run(["show", write(tmp_path, text)], seconds=30, mib=300)
        assert r.code == 1 and code in r.out, r.out[-1000:]


def test_s3_every_copy_of_a_huge_repeat(tmp_path: Path) -> None:
    """S3: `m[*]` of a 100,000-copy repeat into one concat: 100,000 inputs, within the work
    budget and bounds; and 30,000 repeated block calls that split and read both outputs
    (replayed: 120,000 nodes)."""
    text = net("{id: m, relu: {}, repeat: 100000}", 'concat: ["m[*]", "m[-1]"]',
               input="[1, 2, 2]")
    r = run(["show", write(tmp_path, text), "--format", "json"], seconds=120, mib=800)
    assert r.code in (0, 1), r.out[-1000:]
    body = "input: [2, 2, 2]\nblocks:\n  b:\n    layers:\n      - {id: y, chunk: 2}\n" \
           '      - concat: ["y[1]", "y[0]"]\nlayers:\n  - {b: {}, repeat: 30000}\n'
    r = run(["show", write(tmp_path, body), "--format", "json"], seconds=120, mib=800)
    assert r.code == 0, r.out[-1000:]
