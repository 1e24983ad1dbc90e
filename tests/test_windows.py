"""Sliding-window sizes: cnncalc's formula against a brute-force count of window positions,
and against torch when it is installed."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import run
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.ops import Window

HAS_TORCH = importlib.util.find_spec("torch") is not None


def brute_force(w: Window) -> int:
    """Count windows by walking them over the padded input, as the definitions state them:
    floor mode keeps windows that fit entirely; ceil mode also keeps a last window that runs off
    the end by less than a stride, provided it starts inside the input or the left padding."""
    padded = w.size + w.pad_left + w.pad_right
    count, start = 0, 0
    while True:
        end = start + w.span
        fits = end <= padded
        partial = end - padded < w.stride
        # ceil mode: every window, even one that fits, must start before the right padding
        keep = (fits or partial) and start < w.size + w.pad_left if w.ceil else fits
        if not keep:
            break
        count += 1
        start += w.stride
    return count


def _window(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil: bool) -> Window:
    # PyTorch allows padding up to half the (dilated) window, so at most one window can start
    # in the right padding; its ceil-mode rule trims exactly that one
    pad = min(pad, ((kernel - 1) * dilation + 1) // 2)
    return Window(size, kernel, stride, pad, pad, dilation, ceil)


windows = st.builds(
    _window,
    st.integers(1, 64), st.integers(1, 9), st.integers(1, 6), st.integers(0, 4),
    st.integers(1, 3), st.booleans())


@given(windows)
@settings(max_examples=2000, deadline=None)
def test_output_size_equals_window_count(w: Window) -> None:
    assert max(w.out, 0) == brute_force(w)


@pytest.mark.skipif(not HAS_TORCH, reason="needs torch")
@given(size=st.integers(1, 40), kernel=st.integers(1, 7), stride=st.integers(1, 4),
       pad=st.integers(0, 3), dilation=st.integers(1, 3), ceil=st.booleans())
@settings(max_examples=300, deadline=None)
def test_maxpool_matches_torch(size: int, kernel: int, stride: int, pad: int, dilation: int,
                               ceil: bool) -> None:
    import torch

    yaml = f"""
    input: [2, {size}]
    layers:
      - maxpool: {{kernel_size: {kernel}, stride: {stride}, padding: {pad},
                   dilation: {dilation}, ceil_mode: {str(ceil).lower()}}}
    """
    a = run(yaml)
    try:
        out = torch.nn.MaxPool1d(kernel, stride, pad, dilation, ceil_mode=ceil)(
            torch.zeros(1, 2, size))
        expected: tuple[int, ...] | None = tuple(out.shape[1:])
    except RuntimeError:
        expected = None
    assert a.output_shape == expected, [d.message for d in a.diagnostics]


@pytest.mark.skipif(not HAS_TORCH, reason="needs torch")
@given(size=st.integers(1, 24), cin=st.integers(1, 4), cout=st.integers(1, 4),
       kernel=st.integers(1, 6), stride=st.integers(1, 4), pad=st.integers(0, 3),
       dilation=st.integers(1, 3), transpose=st.booleans(), out_pad=st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_conv_matches_torch(size: int, cin: int, cout: int, kernel: int, stride: int, pad: int,
                            dilation: int, transpose: bool, out_pad: int) -> None:
    import torch

    if transpose:
        layer = (f"conv_transpose: {{out_channels: {cout}, kernel_size: {kernel}, "
                 f"stride: {stride}, padding: {pad}, output_padding: {out_pad}, "
                 f"dilation: {dilation}}}")
    else:
        layer = (f"conv: {{out_channels: {cout}, kernel_size: {kernel}, stride: {stride}, "
                 f"padding: {pad}, dilation: {dilation}}}")
    a = run(f"input: [{cin}, {size}, {size}]\nlayers:\n  - {layer}\n")
    try:
        if transpose:
            module: torch.nn.Module = torch.nn.ConvTranspose2d(
                cin, cout, kernel, stride, pad, out_pad, dilation=dilation)
        else:
            module = torch.nn.Conv2d(cin, cout, kernel, stride, pad, dilation)
        with torch.no_grad():
            out = module(torch.zeros(1, cin, size, size))
        # torch returns an empty tensor for a zero-sized transposed output; cnncalc refuses it
        expected: tuple[int, ...] | None = tuple(out.shape[1:]) if out.numel() else None
        params = sum(p.numel() for p in module.parameters())
    except (RuntimeError, ValueError):
        expected, params = None, 0
    assert a.output_shape == expected, [d.message for d in a.diagnostics]
    if expected is not None:
        assert a.totals.params == params
