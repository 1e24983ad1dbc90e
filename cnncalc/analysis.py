"""The Python API: `analyze(path | Source | mapping)` and `analyze_text(text)` run load ->
expand -> passes and return the results (docs/api.md)."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import ANSWER_CODES, Diagnostic, FatalError, Severity, exit_code
from .expand import expand
from .format import DTYPES, LAYOUTS
from .frozen import frozen
from .graph import Graph, Shape
from .include import Origin
from .limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_LAYERS, MAX_INT
from .loader import YMap, YNode, YScalar, YSeq, load
from .passes import Memo, counts, depth, expectations, fractions, memory, receptive, statistics
from .passes import layout as layout_pass
from .passes.expectations import Verdict
from .passes.receptive import Field
from .replay import Shared
from .source import Source, Span, position

if TYPE_CHECKING:
    from .readers.ultralytics import Config, Row


@frozen
class LayerResult:
    """One layer as reported: computed numbers plus where it was written."""

    path: str
    parts: tuple[str, ...]  # the path split into levels: ("res3", "[0]", "conv2")
    op: str
    inputs: tuple[str, ...]
    output_shape: Shape | None  # None when the layer could not be computed
    params: int
    trainable_params: int
    buffers: int
    macs: int  # in the convention chosen (torchvision's by default), x batch
    activation_bytes: int  # what the layer allocates for its output (0 for views, in-place)
    receptive_field: Field | None  # None: flat output, or not defined (upsampling)
    line: int
    column: int
    output_shapes: tuple[Shape, ...] | None = None  # every output of a chunk or split


@frozen
class Totals:
    """Whole-network figures: sums over the layers, memory and the peak."""

    params: int = 0
    trainable_params: int = 0
    buffers: int = 0
    macs: int = 0  # x batch, in the convention chosen (COUNTS)
    param_bytes: int = 0
    buffer_bytes: int = 0
    activation_bytes: int = 0  # the input plus every output a layer allocates
    peak_activation_bytes: int = 0  # most activation memory live at once, at inference
    peak_at: str = ""  # the layer whose output allocation reaches the peak
    training_bytes: int = 0  # params + grads + optimizer state + buffers + activations
    depth: int = 0  # conv and linear layers on the longest path (passes/depth.py)

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def peak_bytes(self) -> int:
        """Peak inference memory: weights, buffers and the live activations."""
        return self.param_bytes + self.buffer_bytes + self.peak_activation_bytes


# MAC conventions, named in every output
COUNTS = {
    "torchvision": "multiplies of conv and linear layers (torchvision's published GFLOPS)",
    "all": "conv and linear multiplies plus one operation per bias add, normalisation step, "
           "activation, pooling element and merge",
}


@frozen
class Analysis:
    """Everything cnncalc computed for one input, and every problem it found."""

    name: str
    source: Source
    input: Shape | None = None
    output_shape: Shape | None = None
    batch: int = 1
    dtype: str = "float32"
    count: str = "torchvision"
    optimizer: str = "adam"
    layers: tuple[LayerResult, ...] = ()
    totals: Totals = field(default_factory=Totals)
    diagnostics: tuple[Diagnostic, ...] = ()
    expectations: tuple[Verdict, ...] = ()  # every `expect:` figure, right or wrong
    graph: Graph | None = None
    shapes: tuple[Shape | None, ...] = ()
    params: tuple[tuple[str, Any], ...] = ()  # the file parameters as used (after --set)
    format_version: str | None = None  # the file's `cnncalc:` (1, 1.1), None when absent
    library: tuple[str, ...] | None = None  # a block library (no `layers:`): its blocks
    # the file's `outputs:` as written (`id[*]` expanded), each with its shape; () when the
    # file names none (its output is the last layer's)
    outputs: tuple[tuple[str, Shape | None], ...] = ()
    layout: str = "chw"  # how shapes are shown: --layout, else the file's `layout:`
    # an Ultralytics YOLO config's: the scale it was read at ("n"; "" for a cnncalc file, or
    # a config without `scales:` whose name names none), and every scale it offers
    scale: str = ""
    scales: tuple[str, ...] = ()

    def tally(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    @property
    def incomplete(self) -> bool:
        """Whether the totals leave layers out: a layer failed, or the expansion could not make
        one (a failed `expect:` figure, E3xx, changes no number)."""
        return any(d.severity is Severity.ERROR and not d.code.startswith("E3")
                   and d.code not in ANSWER_CODES for d in self.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        """0 fine (warnings allowed unless strict), 1 architecture errors, 2 unreadable."""
        return exit_code(self.diagnostics, strict)


def read_bytes(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """At most `max_bytes` + 1 bytes of the file at `path` (one more than allowed tells that it
    is too large, without reading the rest: `/dev/zero` or a FIFO that never ends too), or
    FatalError E001 when it cannot be read."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as file:
            return file.read(max_bytes + 1)
    except IsADirectoryError:
        raise FatalError(Diagnostic("E001", "a directory, not a file", None,
                                    "give the path of a .yaml file")
                         ) from None
    except FileNotFoundError:
        from .zoo import missing_hint

        raise FatalError(Diagnostic("E001", "no such file", None, missing_hint(name))) from None
    except OSError as exc:
        raise FatalError(Diagnostic("E001", f"cannot be read: {exc.strerror}", None)
                         ) from None
    except ValueError:  # a NUL in the path: no file system has such a name
        raise FatalError(Diagnostic("E001", "not a valid path (it contains a NUL character)",
                                    None)) from None


def display_name(path: str) -> str:
    """`path` as text that any output can write: the bytes of a file name that are not UTF-8
    (which os.fsdecode keeps as lone surrogates, and no encoder writes) as `\\xNN`."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an undecodable byte
        return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def read_source(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """The text of the file at `path`, or FatalError E001 (unreadable), E002 (not UTF-8 text)
    or E007 (larger than `max_bytes`)."""
    name = os.fspath(path)
    return decode(display_name(name), read_bytes(name, max_bytes), max_bytes)


def decode(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """`data` (read with read_bytes or another bounded read) as the Source `name`."""
    if len(data) > max_bytes:
        raise FatalError(Diagnostic(
            "E007", f"the input is larger than {_bytes(max_bytes)}; reading stopped here",
            _position(name, data, max_bytes),
            "an architecture file is kilobytes: check that this is the file you meant "
            "(raise the limit with --max-bytes if it is)"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        # what PowerShell's `>` writes: text, but not text the YAML parser reads
        raise FatalError(Diagnostic("E002", "the file is UTF-16 or UTF-32 text (it starts with "
                                    "that byte-order mark), not UTF-8",
                                    Span(name, 1, 1), "save the file as UTF-8"))
    if b"\0" in data:
        offset = data.index(b"\0")
        raise FatalError(Diagnostic("E002", "the file is binary (it contains NUL bytes), not "
                                    "YAML text", _position(name, data, offset)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + len(data) - len(exc.object)  # utf-8-sig counts after the BOM
        raise FatalError(Diagnostic("E002", f"byte 0x{data[start]:02x} is not valid UTF-8",
                                    _position(name, data, start),
                                    "save the file as UTF-8")) from None
    return Source(name, text)


def _bytes(n: int) -> str:
    """`16 MiB (16,777,216 bytes)`; just the bytes when not a whole number of MiB."""
    mib = f"{n // 2**20} MiB (" if n % 2**20 == 0 and n else ""
    return f"{mib}{n:,} bytes{')' if mib else ''}"


def _position(name: str, data: bytes, offset: int) -> Span:
    # lines and columns as in the text the YAML parser would read: characters, the BOM
    # dropped, its line breaks (\r and \r\n too)
    before = data[:offset].decode("utf-8-sig", "replace")
    return Span(name, *position(before, len(before)))


def analyze(what: str | os.PathLike[str] | Source | Mapping[Any, Any],
            input: Sequence[int] | None = None, *, batch: int | None = None,
            dtype: str | None = None, count: str = "torchvision", optimizer: str = "adam",
            max_layers: int = DEFAULT_MAX_LAYERS, max_bytes: int = DEFAULT_MAX_BYTES,
            params: Mapping[str, Any] | None = None, layout: str | None = None,
            scale: str | None = None, input_layout: str | None = "chw") -> Analysis:
    """Analyze an architecture: the file at a path (`str` or `os.PathLike`), a Source (text
    with the name diagnostics give), or a mapping as `yaml.safe_load` or `json.load` gives it.

    A `str` is always a path, never guessed to be YAML text from what it contains (a file
    can be named like YAML): for text use analyze_text, or pass a Source.

    `layout` ("chw" or "hwc") is how the caller writes shapes: it decides how they are shown,
    and whether an input looks written in the other order (W130); None: the file's `layout:`.
    `input` overrides the file's input shape ([C, H, W], no batch; written [H, W, C] with
    `input_layout="hwc"`, or in the file's `layout:` with None, as the CLI reads `--input`
    when no `--layout` is given); `batch` and `dtype`
    override the file's; `params` sets file parameters (`--set`: {"width": 0.5}). An
    Ultralytics YOLO config is read at `scale` (`"n"`; default: the one its file name names,
    else its first), `params` setting its class count ({"nc": 3}); docs/yolo.md.
    `count` picks the MAC convention (COUNTS); `optimizer` (sgd,
    momentum, adam) the state the training-memory estimate includes; a file over `max_bytes`
    is refused (E007). Never raises for a bad architecture: every problem is in
    `Analysis.diagnostics`. Raises ValueError for an option out of its range and TypeError for
    a mapping holding something YAML cannot (a set, an object): those are the caller's.
    """
    shape = _options(input, batch, dtype, count, optimizer)
    if params is not None and not (isinstance(params, Mapping)
                                   and all(isinstance(k, str) for k in params)):
        raise TypeError(f"params must be a mapping of parameter names to values, got "
                        f"{params!r}"[:200])
    for name, value in (("layout", layout), ("input_layout", input_layout)):
        if value not in (None, *LAYOUTS):
            raise ValueError(f"{name} must be one of {', '.join(LAYOUTS)}, got {value!r}")
    if scale is not None and not isinstance(scale, str):
        raise TypeError(f"scale must be a str such as 'n', got {scale!r}"[:200])
    loaded = (_routed(_from_mapping(what), scale, params) if isinstance(what, Mapping)
              else read_and_load(what, max_bytes, scale=scale, params=params))
    return _analyze(loaded, shape, batch=batch, dtype=dtype, count=count, optimizer=optimizer,
                    max_layers=max_layers, file_params=params, layout=layout,
                    input_layout=input_layout)


def analyze_text(text: str, name: str = "<string>", input: Sequence[int] | None = None, *,
                 batch: int | None = None, dtype: str | None = None,
                 count: str = "torchvision", optimizer: str = "adam",
                 max_layers: int = DEFAULT_MAX_LAYERS,
                 params: Mapping[str, Any] | None = None,
                 scale: str | None = None) -> Analysis:
    """Analyze YAML text; `name` is the file name diagnostics give. Otherwise as analyze()."""
    return analyze(Source(name, text), input, batch=batch, dtype=dtype, count=count,
                   optimizer=optimizer, max_layers=max_layers, params=params, scale=scale)


def _options(input: Sequence[int] | None, batch: int | None, dtype: str | None, count: str,
             optimizer: str) -> Shape | None:
    """The API's options checked (the CLI checks its own before they get here): a wrong one
    is the caller's mistake, and silently analysing something else would hide it."""
    def positive(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_INT

    if input is not None and (isinstance(input, (str, bytes)) or not input
                              or not all(positive(n) for n in input)):
        raise ValueError(f"input must be a shape of positive sizes like (3, 224, 224), "
                         f"got {input!r}")
    if batch is not None and not positive(batch):
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    choices: list[tuple[str, str | None, Collection[str]]] = [
        ("dtype", dtype, DTYPES), ("count", count, COUNTS),
        ("optimizer", optimizer, memory.OPTIMIZER_STATE)]
    for option, value, allowed in choices:
        if value is not None and value not in allowed:
            raise ValueError(f"{option} must be one of {', '.join(allowed)}, got {value!r}")
    return None if input is None else tuple(input)


def analyze_source(src: Source, input: Shape | None = None, *, batch: int | None = None,
                   dtype: str | None = None, count: str = "torchvision",
                   optimizer: str = "adam", max_layers: int = DEFAULT_MAX_LAYERS,
                   params: Mapping[str, Any] | None = None, path: str | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES, layout: str | None = None,
                   scale: str | None = None, shared: Shared | None = None) -> Analysis:
    """`src` read from the file at `path` (its `include:` paths are relative to it; None:
    to the working directory). `shared`: memos the files of one run share (`check`), see
    replay.Shared."""
    loaded = read_and_load(src, max_bytes, scale=scale, params=params)
    loaded = replace(loaded, origin=Origin(path, src.name, max_bytes))
    return _analyze(loaded, input, batch=batch, dtype=dtype, count=count,
                    optimizer=optimizer, max_layers=max_layers, file_params=params,
                    layout=layout, shared=shared)


@frozen
class Loaded:
    """A file read and parsed (the front end every command shares); `root` is None when it
    could not be, and `diagnostics` then holds why."""

    stem: str  # names the network when the file has no `name:`
    source: Source
    root: YNode | None
    diagnostics: tuple[Diagnostic, ...]
    origin: Origin | None = None  # where the file is, for its `include:` (None: here)
    # "ultralytics" when `root` is the document the Ultralytics reader wrote from a YOLO
    # config: the config took --set (nc) and --scale itself, and the notes located in its
    # block library are dropped (docs/yolo.md, "Routing")
    reader: str = ""
    config: Config | None = None  # the YOLO config as read, for errors in its rows' terms


def read_and_load(path: str | os.PathLike[str] | Source,
                  max_bytes: int = DEFAULT_MAX_BYTES, *, scale: str | None = None,
                  params: Mapping[str, Any] | None = None) -> Loaded:
    """Read the file at `path` (or take the Source) and parse its YAML; an Ultralytics YOLO
    config is read at `scale` with `params` (nc) and translated into the cnncalc document it
    means (docs/yolo.md). Never raises for bad input."""
    return _routed(_read_and_load(path, max_bytes), scale, params)


def _read_and_load(path: str | os.PathLike[str] | Source, max_bytes: int) -> Loaded:
    if isinstance(path, Source):
        src = path
    else:
        name = os.fspath(path)
        try:
            src = read_source(name, max_bytes)
        except FatalError as exc:
            problem = exc.diagnostic
            if "\n" in name and problem.message == "no such file":
                # a caller of the old API that passed YAML text as a str
                problem = Diagnostic("E001", problem.message, problem.span,
                                     "this is a path; to analyze YAML text, use "
                                     "cnncalc.analyze_text(text)")
            shown = display_name(name)
            return Loaded(Path(shown).stem, Source(shown, ""), None, (problem,))
    origin = Origin(os.fspath(path), src.name, max_bytes) if not isinstance(path, Source) \
        else Origin(None, src.name, max_bytes)
    try:
        root, diagnostics = load(src)
    except FatalError as exc:
        return Loaded(_stem(src), src, None, (exc.diagnostic,))
    return Loaded(_stem(src), src, root, tuple(diagnostics), origin)


def _routed(loaded: Loaded, scale: str | None, params: Mapping[str, Any] | None) -> Loaded:
    """`loaded` itself, or, when its root is an Ultralytics YOLO config, the document the
    reader writes from it: every node of it spans the user's row, so each problem found while
    expanding or analysing it points at the row (file:line:col)."""
    root = loaded.root
    if root is None:
        return loaded
    # a mapping with `backbone:` or `head:` and no `layers:` (what ultralytics.recognise()
    # asks, less its well-formed rows and one of the two) is read as a config: the reader says
    # what is wrong with a malformed one in the config's terms (E400, E401), not that
    # `layers:` is missing and `nc:` unknown. A cnncalc file never imports the reader.
    yolo_like = (isinstance(root, YMap) and root.get("layers") is None
                 and (root.get("backbone") is not None or root.get("head") is not None))
    if not yolo_like:
        if scale is None:
            return loaded
        from .render.safe import clean

        problem = Diagnostic(
            "E406", f"--scale {clean(scale)[:40]}: this is not an Ultralytics "
            "YOLO config (no `backbone:` and `head:` lists of [from, repeats, module, args] "
            "rows), and a cnncalc file has no scales", Span(loaded.source.name, 1, 1),
            "leave out --scale (a cnncalc file's own parameters are set with --set)")
        return replace(loaded, root=None, diagnostics=(*loaded.diagnostics, problem))
    from .readers import ultralytics

    src = loaded.source
    config, problems = ultralytics.read(root, src.name, scale, params, src)
    doc = None
    if config is not None:
        name = _yolo_name(loaded.stem, config.scale)
        doc, more = ultralytics.document(config, name)
        loaded = replace(loaded, stem=name)
        problems += more
        if doc is not None and isinstance(root, YMap):
            # the config's own keys of how to analyse it (`expect:` totals, `input:`, `batch:`,
            # ...) hold the document it means, as in a cnncalc file: dropped, `expect:` let
            # `check` pass whatever the figures, and `batch:` gated the memory of batch 1
            own = {k.value: (k, v) for k, v in root.items if k.value in ultralytics.ANALYSIS_KEYS}
            layout = own.get("layout", (None, None))[1]
            if (isinstance(layout, YScalar) and layout.value == "hwc" and "input" not in own
                    and isinstance(given := doc.get("input"), YSeq)):
                # the reader's input is [3, 640, 640]: in the config's H×W×C, [640, 640, 3]
                c, h, w = given.items
                own["input"] = (YScalar("input", given.span), YSeq((h, w, c), given.span))
            items = [own.pop(k.value) if k.value in own else (k, v) for k, v in doc.items]
            doc = YMap((*items, *own.values()), doc.span)
    return replace(loaded, root=doc, diagnostics=(*loaded.diagnostics, *problems),
                   reader="ultralytics", config=config)


def _yolo_name(stem: str, scale: str) -> str:
    """The network's name: the file's, with the scale where Ultralytics writes it
    (`yolov8` at n: `yolov8n`, `yolov8-seg`: `yolov8n-seg`) when the name has none."""
    from .readers.ultralytics import scale_from_name

    if not scale or scale_from_name(stem) == scale:
        return stem
    found = re.match(r"(yolo(?:e-)?v?\d+)([a-z]*)", stem)
    if found and found.group(2) == scale:  # the version's own letter (yolov10b at b)
        return stem
    if found and not found.group(2):
        return f"{stem[:found.end()]}{scale}{stem[found.end():]}"
    # no version in the name, or a letter of its own after it (yolov9c, yolov8b at n)
    return f"{stem}-{scale}"


def _from_mapping(what: Mapping[Any, Any]) -> Loaded:
    """A mapping (as yaml.safe_load gives it) as the loader's node tree, without writing and
    parsing YAML text: its spans point into a listing of its entries (cnncalc/mapping.py)."""
    from .mapping import NAME, tree

    try:
        root, src, problems = tree(what)
    except FatalError as exc:
        return Loaded("network", Source(NAME, ""), None, (exc.diagnostic,))
    return Loaded(_stem(src), src, root, tuple(problems))


def _stem(src: Source) -> str:
    """What names the network when the file has no `name:`."""
    return Path(src.name).stem if src.name not in ("<string>", "<stdin>", "<mapping>") \
        else "network"


def analyze_tree(root: YNode, diagnostics: list[Diagnostic], src: Source,
                 input: Shape | None = None, *, batch: int | None = None,
                 dtype: str | None = None, count: str = "torchvision", optimizer: str = "adam",
                 max_layers: int = DEFAULT_MAX_LAYERS, layout: str | None = None) -> Analysis:
    """A loaded node tree (its spans point into `src`) expanded and run through the passes;
    `diagnostics` are the loader's."""
    return _analyze(Loaded(_stem(src), src, root, tuple(diagnostics)), input, batch=batch,
                    dtype=dtype, count=count, optimizer=optimizer, max_layers=max_layers,
                    layout=layout)


def _analyze(loaded: Loaded, input: Shape | None, *, batch: int | None, dtype: str | None,
             count: str, optimizer: str, max_layers: int,
             file_params: Mapping[str, Any] | None = None,
             layout: str | None = None, input_layout: str | None = "chw",
             shared: Shared | None = None) -> Analysis:
    """`layout`: how the caller writes shapes (`--layout`); None: as the file declares
    (`layout:`), else chw. `input_layout`: the order the input override is written in (None:
    the file's). `shared`: block calls replayed between the files of one run."""
    a = _analyzed(loaded, input, batch=batch, dtype=dtype, count=count, optimizer=optimizer,
                  max_layers=max_layers, file_params=file_params, layout=layout,
                  input_layout=input_layout, shared=shared)
    config = loaded.config
    return a if config is None else replace(a, scale=config.scale, scales=config.scales)


def _analyzed(loaded: Loaded, input: Shape | None, *, batch: int | None, dtype: str | None,
              count: str, optimizer: str, max_layers: int,
              file_params: Mapping[str, Any] | None = None,
              layout: str | None = None, input_layout: str | None = "chw",
              shared: Shared | None = None) -> Analysis:
    stem, src, root = loaded.stem, loaded.source, loaded.root
    if root is None:
        return Analysis(stem, src, diagnostics=loaded.diagnostics)
    diagnostics = list(loaded.diagnostics)
    if loaded.reader:  # the YOLO config took --set (its nc) when it was read
        file_params = None
        problem = _not_an_image(root, input, src)
        if problem is not None:
            return Analysis(stem, src, diagnostics=_ordered([*diagnostics, problem]))
    expansion = expand(root, stem, input, max_layers, file_params, loaded.origin, input_layout,
                       shared)
    diagnostics += expansion.diagnostics
    graph, shapes = expansion.graph, expansion.shapes
    d = expansion.declarations
    version = d.version if d else None
    if d is not None and d.sources:  # diagnostics may quote the included files
        src = Source(src.name, src.text, d.sources)
    if graph is None:
        if loaded.config is not None:
            diagnostics = library_problems_at_rows(loaded.config, diagnostics)
        return Analysis(d.name if d and d.library is not None else stem, src,
                        diagnostics=_ordered(diagnostics), format_version=version,
                        library=d.library if d else None)
    batch = batch or graph.batch
    dtype = dtype if dtype in DTYPES else graph.dtype
    itemsize = DTYPES[dtype]
    # the passes' answers are kept for the next files once a world has a second file (most
    # worlds are a file's own: keeping its answers would be work for nothing)
    world = expansion.world
    rules = Memo(graph.nodes, shapes,
                 world.answers if world is not None and world.files > 1 else None)
    node_counts = rules.each(counts.count)
    if any(not node.trainable for node in graph.nodes):  # `trainable: false`
        node_counts = [c if node.trainable else replace(c, trainable=0)
                       for node, c in zip(graph.nodes, node_counts)]
    if any(not node.inference for node in graph.nodes):  # `inference: false`: never run
        node_counts = [c if node.inference else replace(c, macs=0, extra_ops=0)
                       for node, c in zip(graph.nodes, node_counts)]
    for node, c in zip(graph.nodes, node_counts):
        if c.params > MAX_INT:  # one layer's weights past int64: PyTorch cannot make them
            diagnostics.append(Diagnostic(
                "E118", f"{c.params:,} parameters in one layer: more than 2^63 - 1, past what "
                "PyTorch's int64 sizes hold", node.span, "shrink its channels or features",
                node.name))
    for node, unfit in zip(graph.nodes, rules.each(fractions.unfit)):
        if unfit:
            diagnostics.extend(fractions.report(node, unfit))
    diagnostics.extend(statistics.check(graph, rules, batch))
    # the order the input was written in: --layout's, else the override's, else the file's
    written = layout or (input_layout if input is not None else None) or graph.layout
    diagnostics.extend(layout_pass.check(graph, shapes, written, input is not None))
    # with a layer missing, whole-network figures would only repeat that error
    failed = any(d.severity is Severity.ERROR and d.code not in ANSWER_CODES for d in diagnostics)
    rfs, notes = receptive.fields(graph, shapes, rules)
    diagnostics += notes
    sizes, storage = memory.allocations(graph, shapes, rules, batch, itemsize)
    peak = memory.peak(graph, sizes, storage)
    layers_deep = depth.depth(graph)
    computed = expectations.Computed(shapes, node_counts, sizes, itemsize, rfs, layers_deep,
                                     [node.op for node in graph.nodes])
    verdicts = tuple(v for expect in graph.expects if not (failed and expect.path == "network")
                     for v in expectations.check(expect, computed))
    diagnostics += [expectations.diagnostic(v, graph.layout) for v in verdicts if not v.ok]

    def macs(c: counts.NodeCounts) -> int:
        return (c.macs + (c.extra_ops if count == "all" else 0)) * batch

    names = [node.name for node in graph.nodes]
    layers = tuple([
        LayerResult(node.name, node.path, node.op, tuple([names[i] for i in node.inputs]),
                    shapes[node.index], c.params, c.trainable, c.buffers, macs(c),
                    sizes[node.index], rfs[node.index], node.span.line, node.span.col,
                    graph.pieces.get(node.index))
        for node, c in zip(graph.nodes[1:], node_counts[1:])])
    params = sum(c.params for c in node_counts)
    param_bytes = params * itemsize
    buffer_bytes = sum((c.buffers - c.int64_buffers) * itemsize + c.int64_buffers * 8
                       for c in node_counts)
    activations = sum(sizes)
    trainable = sum(c.trainable for c in node_counts)
    # gradients and optimizer state only for the parameters that are trained
    training = (param_bytes + trainable * itemsize * (1 + memory.OPTIMIZER_STATE[optimizer])
                + buffer_bytes + activations)
    totals = Totals(params, trainable,
                    sum(c.buffers for c in node_counts), sum(macs(c) for c in node_counts),
                    param_bytes, buffer_bytes, activations, peak.bytes,
                    graph.nodes[peak.node].name, training, layers_deep)
    output = shapes[graph.output] if graph.output >= 0 else None
    if loaded.config is not None:
        diagnostics = in_row_terms(loaded.config, graph, shapes, library_problems_at_rows(
            loaded.config, library_notes_dropped(diagnostics)))
    result = Analysis(graph.name, src, shapes[0], output, batch, dtype, count,
                      optimizer, layers, totals, _ordered(diagnostics), verdicts, graph,
                      tuple(shapes), tuple(expansion.params.items()), version,
                      outputs=tuple(zip(expansion.result_names,
                                        [shapes[i] for i in graph.results])),
                      layout=layout or graph.layout)
    return _mistakes_named(result) if any(not v.ok for v in verdicts) else result


def _mistakes_named(a: Analysis) -> Analysis:
    """A wrong answer that equals a common mistake (mistakes.py) says so in its E301 hint."""
    from dataclasses import replace

    from .mistakes import name  # only a wrong answer needs the rules

    named = {v.span: found for v in a.expectations if not v.ok
             for found in [name(a, v)] if found}
    if not named:
        return a
    diagnostics = tuple(replace(d, hint=f"that is {named[d.span]}; {d.hint}")
                        if d.code == "E301" and d.span in named else d for d in a.diagnostics)
    return replace(a, diagnostics=diagnostics)


def _not_an_image(root: YNode, input: Shape | None, src: Source) -> Diagnostic | None:
    """A YOLO config's input of other than 3 dims: Ultralytics' models take images [C, H, W]
    (their convs are nn.Conv2d), and cnncalc's layers would follow the input's rank into 1-D
    or 3-D convolutions no Ultralytics model has."""
    given = root.get("input") if isinstance(root, YMap) else None
    if input is not None:
        rank, where, span = len(input), "--input", Span(src.name, 1, 1)
    elif isinstance(given, YSeq):
        rank, where, span = len(given.items), "`input:`", given.span
    else:  # the reader's own [channels, imgsz, imgsz], or `input:` as {c, h, w}
        return None
    if rank == 3:
        return None
    return Diagnostic("E412", f"{where} has {rank} dim{'s' if rank != 1 else ''}; an "
                      "Ultralytics model takes an image [C, H, W] (its convolutions are 2-D)",
                      span, "give channels, height and width: --input 3x640x640")


def library_notes_dropped(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A YOLO config's diagnostics without the notes located in the reader's block library:
    they are about Ultralytics' own modules (N101 on every stride-2 3x3 conv: "only padding
    is left unread"), true of every config and nothing its author can change. Errors and
    warnings there stay (library_problems_at_rows moves them to the row)."""
    from .readers.ultralytics import package_file

    return [d for d in diagnostics
            if not (d.severity is Severity.NOTE and package_file(d.span) is not None)]


def library_problems_at_rows(config: Config | None, diagnostics: list[Diagnostic]
                             ) -> list[Diagnostic]:
    """A YOLO config's errors and warnings located in the reader's block library, moved to
    the row they come from (the `l<row>` their layer path starts with), the library's line
    kept in the message: a row's argument reaches the library's arithmetic (`k: 'abc'`, a
    width that rounds to 0 channels), and the config is the file its author edits, where a
    CI annotation must point. The layer limit's E116 gets a hint in the config's terms."""
    from .readers.ultralytics import TORCHVISION, package_file

    rows = {row.index: row for row in config.rows} if config is not None else {}
    moved = []
    for d in diagnostics:
        found = re.match(r"l(\d+)(?:[._\[]|\Z)", d.path or "")
        row = rows.get(int(found.group(1))) if found else None
        library = package_file(d.span)
        if d.span is not None and library is not None and config is not None:
            # at its row; a problem of no one row (the layer limit crossed inside a block) at
            # the config's first line: never in a file its author does not have
            where = row.span if row is not None else Span(config.rows[0].span.file, 1, 1)
            what = ("cnncalc's torchvision models" if library == TORCHVISION
                    else "cnncalc's block library")
            d = replace(d, span=where, message=f"{d.message} ({what}, "
                        f"{library}:{d.span.line})")
        if d.code == "E116" and config is not None:
            d = replace(d, hint=_limit_hint(config, d))
        moved.append(d)
    return moved


def _limit_hint(config: Config, d: Diagnostic) -> str:
    """The layer limit's hint in a config's terms: its rows' repeats are the written n times
    the scale's depth (`repeat` is cnncalc's word for what the config never writes)."""
    for row in config.rows:
        if row.span == d.span and row.repeats > 1:
            return (f"row {row.index} {row.module} is built with {row.repeats:,} repeats (the "
                    f"row's n times the depth {config.depth:g}, rounded): lower them or the "
                    "scale's depth, or raise the limit with --max-layers")
    models = sum(1 for row in config.rows if row.module == "TorchVision")
    built = (f", or the TorchVision rows ({models:,}, each a torchvision model's layers)"
             if models else "")
    return (f"lower the rows' repeats or the scale's depth ({config.depth:g}), or the levels a "
            f"head reads{built}; or raise the limit with --max-layers")


def row_shapes(graph: Graph, shapes: Sequence[Shape | None]) -> dict[int, Shape]:
    """A YOLO config's rows' outputs: the last layer of each row's id `l<row>`."""
    rows: dict[int, Shape] = {}
    row_of: dict[str, int | None] = {}  # a row's nodes share their id: each read once
    for node in graph.nodes[1:]:
        shape = shapes[node.index]
        top = node.path[0]
        if top not in row_of:
            found = re.fullmatch(r"l(\d+)", top)
            row_of[top] = int(found.group(1)) if found else None
        row = row_of[top]
        if row is not None and shape is not None:
            rows[row] = shape
    return rows


def in_row_terms(config: Config, graph: Graph, shapes: Sequence[Shape | None],
                  diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A YOLO config's shape errors at a Concat, a head or a row reading the network's result
    said in its rows' terms (rows and their shapes, the row probably meant) in place of the
    layer-level error at that row."""
    from .readers import ultralytics as u

    rows = row_shapes(graph, shapes)
    base = shapes[0]
    said: dict[Span, Diagnostic] = {}
    erring = {d.span for d in diagnostics if d.severity is Severity.ERROR}
    for row in config.rows:
        problem = u.reads_a_result(config, row, rows)
        if problem is None and row.span in erring:  # (nn.Identity takes a vector)
            problem = u.reads_a_vector(config, row, rows)
        if problem is not None:
            pass
        elif row.module == "Concat":
            problem = u.concat_mismatch(config, row, rows)
        elif u.MODULES[row.module].kind in (u.HEAD, u.V10HEAD) and base and len(base) == 3:
            problem = (_built_for(config, row, rows) if base[0] == 3 else None) \
                or u.detect_strides(config, row, rows, base[1])
        elif row.module == "TorchVision":
            problem = u.torchvision_input(row, rows, base)
        elif (u.MODULES[row.module].kind in (u.BASE, u.REPEAT, u.CLASSIFY) and base
              and base[0] == 3 and row.source[0] >= 0):  # the reader counts from 3 channels
            problem = _built_for(config, row, rows)
        else:
            continue
        if problem is not None:
            if config.renumbered:  # a row removed above: the indices may point one off
                problem = replace(problem, hint=u.with_note(problem.hint, config.renumbered))
            said[row.span] = problem
    if not said:
        return diagnostics
    # the row's own message replaces the errors located at the row (E204 of its concat)
    kept = [d for d in diagnostics if not (d.severity is Severity.ERROR and d.span in said)]
    return kept + list(said.values())


def _built_for(config: Config, row: Row, rows: Mapping[int, Shape]) -> Diagnostic | None:
    """A row Ultralytics builds for other input channels than its input has: parse_model
    gives it the channel count it keeps per row (a Concat's is the sum of its inputs',
    whatever its dimension; a TorchVision or Index row's is its c2 as written), for each
    level of a head too, and its forward pass then fails; cnncalc, which takes the
    input's own channels, would count another model."""
    if row.many:  # a head: parse_model's count for each level it reads
        claims = row.args[-1] if row.args and isinstance(row.args[-1], list) else []
    else:
        claims = [row.args[0]] if row.args else []
    for source, c1 in zip(row.source, claims):
        shape = rows.get(source)
        if not isinstance(c1, int) or not shape or shape[0] == c1:
            continue
        before = config.rows[source].module if 0 <= source < len(config.rows) else ""
        if before in ("TorchVision", "Index"):  # its c2 is taken as written
            hint: str | None = f"write {shape[0]} as row {source}'s c2 (its first argument)"
        elif before == "Concat":
            hint = _concat_hint(config, config.rows[source], rows)
        else:
            hint = None
        return Diagnostic("E402", f"row {row.index} {row.module}: Ultralytics builds it for "
                          f"{c1} input channels (parse_model's count for row {source}), but row "
                          f"{source} gives {list(shape)}: the model cannot run", row.span, hint)
    return None


def _concat_hint(config: Config, concat: Row, rows: Mapping[int, Shape]) -> str:
    """Why parse_model's count for a Concat is not its output's channels: an input whose c2
    is taken as written (a TorchVision or Index row) other than its output's, else a join
    along another dimension than the channels (parse_model adds up the counts whatever it)."""
    for source in concat.source:
        row = config.rows[source] if 0 <= source < len(config.rows) else None
        shape = rows.get(source)
        if (row is not None and row.module in ("TorchVision", "Index") and shape
                and row.channels != shape[0]):
            return (f"write {shape[0]} as row {source}'s c2 (its first argument): parse_model "
                    f"adds up the counts of row {concat.index}'s inputs")
    return ("parse_model adds up a Concat's input channels whatever its dimension: "
            "concatenate along the channels (1)")


def _ordered(diagnostics: list[Diagnostic]) -> tuple[Diagnostic, ...]:
    """File order, so a long report reads top to bottom like the file; a mistake in a block
    body is reported once, not once per call."""
    def key(d: Diagnostic) -> tuple[int, int]:
        return (d.span.line, d.span.col) if d.span else (0, 0)
    unique = {(d.code, d.message, d.span): d for d in reversed(diagnostics)}
    return tuple(sorted(reversed(unique.values()), key=key))
