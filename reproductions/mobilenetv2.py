"""MobileNetV2 (Sandler et al. 2018): Table 2 (the layout, regenerated from the built model),
Table 3 (the largest tensor to materialise per resolution for MobileNetV1, MobileNetV2 and
ShuffleNet, from the engine's activation memory), Table 4 (parameters and multiply-adds of
the compared networks) and the width x resolution grid of the reference implementation's
README.

Conventions: multiply-adds of the conv and fc layers, biases and batch norm not counted (the
reference folds batch norm into the convolutions); parameters are weights and biases (no
batch-norm parameters: the reference README's 3.47M for 1.0-224 is 3,470,760 of them, with
the 34,112 batch-norm gamma/beta it would be 3.50M).

NasNet-A (Zoph et al. 2018), a row of Table 4, is not built in this suite: its cells are
left out (the README lists it as published only).
"""

from __future__ import annotations

import re

import keras

from reproductions import spreads
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import MACS, WEIGHTS_AND_BIASES, measure

KEY = "mobilenetv2"
PAPER = ("Sandler, Howard, Zhu, Zhmoginov & Chen, MobileNetV2: Inverted Residuals and Linear "
         "Bottlenecks, CVPR 2018 (arXiv:1801.04381)")
_SRC = "Sandler et al. 2018 (arXiv:1801.04381v4)"
T2 = f"{_SRC}, Table 2 'MobileNetV2: Each line describes a sequence of 1 or more identical layers'"
T3 = (f"{_SRC}, Table 3 'The max number of channels/memory (in Kb) that needs to be "
      "materialized at each spatial resolution' (16-bit floats)")
T4 = f"{_SRC}, Table 4 'Performance on ImageNet, comparison for different networks'"
README = ("tensorflow/models research/slim/nets/mobilenet/README.md (the reference "
          "implementation), table 'Mobilenet V2 Imagenet Checkpoints'")

MADDS = MACS.described("multiply-adds of the conv and fc layers (batch norm folded, biases "
                       "not counted)")
PARAMS = WEIGHTS_AND_BIASES.described("weights and biases (batch-norm parameters not "
                                      "counted)")
#: The authors truncate their multiply-add counts (and the 3.47M of the 1.0 model).
TRUNCATED = ("the authors truncate: every one of the reference README's 22 MACs figures is "
             "the floor of the count (153.94 -> 153, 71.70 -> 71, 18.89 -> 18; rounding would "
             "miss 8 of them), and Sec. 4 and Table 4 print its 3.47M parameters as 3.4M; one "
             "unit of the last printed digit")

# --------------------------------------------------------------------------- Table 2

#: Table 2 as printed: input (size, channels), operator, t, c, n, s ("-" not printed).
_TABLE2 = [
    ((224, 3), "conv2d", "-", "32", "1", "2"),
    ((112, 32), "bottleneck", "1", "16", "1", "1"),
    ((112, 16), "bottleneck", "6", "24", "2", "2"),
    ((56, 24), "bottleneck", "6", "32", "3", "2"),
    ((28, 32), "bottleneck", "6", "64", "4", "2"),
    ((14, 64), "bottleneck", "6", "96", "3", "1"),
    ((14, 96), "bottleneck", "6", "160", "3", "2"),
    ((7, 160), "bottleneck", "6", "320", "1", "1"),
    ((7, 320), "conv2d 1x1", "-", "1280", "1", "1"),
    ((7, 1280), "avgpool 7x7", "-", "-", "1", "-"),
]
BASE = "mobilenetv2-1.0-224"


def _row_label(index: int, size: int, channels: int, operator: str) -> str:
    return f"row {index}: {size}²×{channels} {operator}"


def _table2_cells() -> list[Published]:
    cells = []
    for index, ((size, channels), operator, t, c, n, s) in enumerate(_TABLE2, start=1):
        row = _row_label(index, size, channels, operator)
        cells += [Published(T2, row, "input size", str(size)),
                  Published(T2, row, "input channels", str(channels))]
        for column, printed in (("t", t), ("c", c), ("n", n), ("s", s)):
            if printed != "-":
                cells.append(Published(T2, row, column, printed))
    return cells


def layout(name: str = BASE) -> list[dict]:
    """Table 2 regenerated from the built model: the stem, each sequence of identical
    bottleneck blocks (same t and c; Table 2's rows), the last 1x1 convolution and the pool,
    with their input size and channels, t, c, n and s."""
    model = measure(name).model
    layers = {layer.name: layer for layer in model.layers}

    def size(layer):
        shape = layer.input.shape
        return int(shape[1]), int(shape[-1])

    def count(kind):
        return sum(isinstance(layer, kind) for layer in model.layers)

    rows = [dict(operator="conv2d", input=size(layers["conv1"]), c=layers["conv1"].filters,
                 n=sum(layer.name == "conv1" for layer in model.layers),
                 s=layers["conv1"].strides[0])]
    number = 1
    while f"block{number}_dw" in layers:
        first = layers.get(f"block{number}_expand", layers[f"block{number}_dw"])
        channels = size(first)[1]
        expand = layers.get(f"block{number}_expand")
        t = 1 if expand is None else expand.filters / channels
        t = int(t) if float(t).is_integer() else t
        block = dict(operator="bottleneck", input=size(first), t=t,
                     c=layers[f"block{number}_project"].filters, n=1,
                     s=layers[f"block{number}_dw"].strides[0])
        last = rows[-1]
        if (last["operator"] == "bottleneck" and (last["t"], last["c"]) == (t, block["c"])
                and block["s"] == 1):
            last["n"] += 1
        else:
            rows.append(block)
        number += 1
    rows.append(dict(operator="conv2d 1x1", input=size(layers["conv_last"]),
                     c=layers["conv_last"].filters,
                     n=sum(layer.name == "conv_last" for layer in model.layers),
                     s=layers["conv_last"].strides[0]))
    rows.append(dict(operator="avgpool 7x7", input=size(layers["avg_pool"]),
                     n=count(keras.layers.GlobalAveragePooling2D)))
    return rows


def _table2() -> tuple[dict, str]:
    rows = layout()
    ours = {}
    for index, (((size, channels), operator, *_), row) in enumerate(zip(_TABLE2, rows),
                                                                   start=1):
        label = _row_label(index, size, channels, operator)
        ours[(label, "input size")], ours[(label, "input channels")] = row["input"]
        for column in ("t", "c", "n", "s"):
            if column in row:
                ours[(label, column)] = row[column]
    from tabulate import tabulate

    text = tabulate([[f"{r['input'][0]}²×{r['input'][1]}", r["operator"], r.get("t", "-"),
                      r.get("c", "-"), r["n"], r.get("s", "-")] for r in rows],
                    headers=["Input", "Operator", "t", "c", "n", "s"], tablefmt="github")
    return ours, (f"Table 2 regenerated from `keras_cnns.MobileNetV2()` (consecutive blocks "
                  f"with the same t and c form one row):\n\n{text}")


# --------------------------------------------------------------------------- Table 3

#: Table 3's columns: registry model and which layers' outputs are materialised.
#: MobileNetV1: every tensor. MobileNetV2 and ShuffleNet: the tensors between blocks (the
#: expanded/bottleneck tensors inside a block are streamed, Sec. 5.1; "the non-bottleneck
#: tensors still need to be materialized"), and the 1x1 convolution feeding the global pool
#: is accumulated into it pixel by pixel (Table 3 puts MobileNetV2's 1280 at 1x1, not 7x7).
NETWORKS = {
    "MobileNetV1": ("mobilenet-1.0-224", r"conv1_relu|conv_(dw|pw)_\d+_relu|avg_pool"),
    "MobileNetV2": (BASE, r"conv1_relu6|block\d+_(add|project_bn)|avg_pool"),
    "ShuffleNet (2x,g=3)": ("shufflenet-2.0x-g3", r"conv1_relu|pool1|stage\d_unit\d+_out|avg_pool"),
}
#: The g = 2 network whose widths Table 3's ShuffleNet column prints.
SHUFFLENET_G2 = ("shufflenet-2.0x-g2", NETWORKS["ShuffleNet (2x,g=3)"][1])
SIZES = (56, 28, 14, 7, 1)
BYTES = 2  # "We assume 16-bit floats for activations"

#: Table 3 as printed (v4): "channels/memory" per size and network, then the max row. The
#: 112x112 row prints "1/O(1)" (the first layer streamed, Sec. 5) and is not a number.
_TABLE3 = {
    "MobileNetV1": ("128/800", "256/400", "512/200", "1024/199", "1024/2", "800K"),
    "MobileNetV2": ("32/200", "64/100", "160/62", "320/32", "1280/2", "200K"),
    "ShuffleNet (2x,g=3)": ("48/300", "400/600K", "800/310", "1600/156", "1600/3", "600K"),
}


def _memory_rounding(printed: str) -> dict:
    """Table 3 prints three-digit memory to two significant figures (802.8 -> 800, 401.4 ->
    400, 313.6 -> 310), smaller figures to the unit."""
    digits = printed.rstrip("K")
    if len(digits) >= 3 and digits.endswith("0"):
        return dict(rounding="tolerance", tolerance=5,
                    tolerance_reason="three-digit figures are printed to two significant "
                                     "figures (802.8 -> 800, 401.4 -> 400)")
    return {}


_V2_EVIDENCE = ("Table 2's rows whose *input* is at that resolution have c = 32 (56²×24, s=2), "
                "64 (28²×32, s=2) and 160 (14²×96, s=2): the printed figure is the output "
                "channels of the stride-2 sequence, which exist only at half the resolution "
                "(see the tensors listed below: at 56x56 the largest is the 24-channel "
                "output of the second sequence)")
_SHUFFLENET_EVIDENCE = ("the printed widths 400/800/1600 are Table 1's g = 2 column (200, 400, "
                        "800) at 2x; ShuffleNet 2x with g = 3 has 480/960/1920 (Zhang et al. "
                        "2018, Table 1 x 2); our 2x g = 2 gives the printed widths exactly "
                        "(listed below)")


def _v2_deviation(corrected: str) -> Deviation:
    return Deviation("MobileNetV2's 56, 28 and 14 rows print the output width of the stride-2 "
                     "sequence whose input is at that resolution (a tensor that exists only at "
                     "half of it)", _V2_EVIDENCE, corrected=corrected, kind="misread")


def _shufflenet_deviation(corrected: str) -> Deviation:
    return Deviation("the ShuffleNet column is ShuffleNet 2x with g = 2, not g = 3",
                     _SHUFFLENET_EVIDENCE, corrected=corrected, kind="other-network")


#: Deviations per (network, size or "max", "channels" or "memory"): corrected figures.
_TABLE3_DEVIATIONS = {
    ("MobileNetV1", 7, "memory"): Deviation(
        "1024 channels at 7x7 are 1024 x 49 x 2 bytes = 100.4 Kb, not 199",
        "the same column's 512 x 14 x 14 x 2 = 200.7 Kb is printed 200; 199 is about twice "
        "the 7x7 tensor (an input and an output of 1024 channels, which the other rows do not "
        "add)", corrected="100", kind="arithmetic"),
    ("MobileNetV2", 56, "channels"): _v2_deviation("24"),
    ("MobileNetV2", 56, "memory"): _v2_deviation("151"),
    ("MobileNetV2", 28, "channels"): _v2_deviation("32"),
    ("MobileNetV2", 28, "memory"): _v2_deviation("50"),
    ("MobileNetV2", 14, "channels"): _v2_deviation("96"),
    ("MobileNetV2", 14, "memory"): _v2_deviation("38"),
    ("MobileNetV2", "max", "memory"): _v2_deviation("151"),
    ("MobileNetV2", 7, "memory"): Deviation(
        "320 x 7 x 7 x 2 bytes = 31.36 Kb is printed 32 (rounded up)",
        "the other rows round or truncate: 160 x 14 x 14 x 2 = 62.72 -> 62, 1280 x 2 = 2.56 "
        "-> 2", corrected="31", kind="rounding"),
    ("MobileNetV2", 1, "memory"): Deviation(
        "1280 x 2 bytes = 2.56 Kb is printed 2 (truncated)",
        "1024 x 2 = 2.048 -> 2 in the MobileNetV1 column; 320 x 49 x 2 = 31.36 is rounded up "
        "to 32", corrected="3", kind="rounding"),
    **{("ShuffleNet (2x,g=3)", size, kind): _shufflenet_deviation(corrected)
       for size, kind, corrected in ((28, "channels", "480"), (28, "memory", "753"),
                                     (14, "channels", "960"), (14, "memory", "376"),
                                     (7, "channels", "1920"), (7, "memory", "188"),
                                     (1, "channels", "1920"), (1, "memory", "4"),
                                     ("max", "memory", "753"))},
}


def _size_label(size) -> str:
    return "max" if size == "max" else f"{size}x{size}"


def _table3_cells() -> list[Published]:
    cells = []
    for network, printed in _TABLE3.items():
        for size, text in zip((*SIZES, "max"), printed):
            row = f"{network}, {_size_label(size)}"
            if size != "max":
                channels, memory = text.split("/")
                cells.append(Published(T3, row, "max channels", channels,
                                       convention="the widest tensor materialised at that "
                                                  "resolution",
                                       deviation=_TABLE3_DEVIATIONS.get(
                                           (network, size, "channels"))))
            else:
                memory = text
            cells.append(Published(T3, row, "memory (Kb)", memory, "K",
                                   convention="its elements x 2 bytes (16-bit floats), "
                                              "Kb = 1000 bytes",
                                   deviation=_TABLE3_DEVIATIONS.get((network, size, "memory")),
                                   **_memory_rounding(memory)))
    return cells


def materialised(name: str, pattern: str) -> dict[int, tuple[int, int, str]]:
    """Per spatial size, the widest materialised tensor of the model: ``(channels, bytes,
    layer)``, from the engine's per-layer activations (a pooled vector is 1x1)."""
    widest: dict[int, tuple[int, int, str]] = {}
    for layer in measure(name).profile.layers:
        if not re.fullmatch(pattern, layer.name):
            continue
        shape = layer.output_shape
        size = 1 if len(shape) == 1 else shape[0]
        entry = (shape[-1], layer.activations * BYTES, layer.name)
        if size not in widest or entry[0] > widest[size][0]:
            widest[size] = entry
    return widest


def _table3() -> tuple[dict, str]:
    ours, lines = {}, []
    for network, (name, pattern) in NETWORKS.items():
        widest = materialised(name, pattern)
        for size in SIZES:
            channels, memory, _ = widest[size]
            ours[(f"{network}, {_size_label(size)}", "max channels")] = channels
            ours[(f"{network}, {_size_label(size)}", "memory (Kb)")] = memory
        ours[(f"{network}, max", "memory (Kb)")] = max(widest[size][1] for size in SIZES)
        lines.append(f"| {network} (`{name}`) | " + " | ".join(
            f"{widest[s][0]} / {widest[s][1] / 1e3:.2f} (`{widest[s][2]}`)"
            for s in (112, *SIZES)) + " |")
    g2 = materialised(*SHUFFLENET_G2)
    lines.append(f"| ShuffleNet 2x g=2 (`{SHUFFLENET_G2[0]}`, evidence) | " + " | ".join(
        f"{g2[s][0]} / {g2[s][1] / 1e3:.2f} (`{g2[s][2]}`)" for s in (112, *SIZES)) + " |")
    header = ("| network | " + " | ".join(f"{s}x{s}" for s in (112, *SIZES))
              + " |\n|---|" + "---|" * (len(SIZES) + 1))
    return ours, (
        "The widest materialised tensor per resolution (channels / Kb at 16 bits, and the "
        "layer), from the engine's per-layer activations. MobileNetV1: every layer output. "
        "MobileNetV2 and ShuffleNet: the tensors between blocks (Sec. 5.1 streams the inside "
        "of a block); the conv feeding the global pool is accumulated into it. The 112x112 "
        "row, printed '1/O(1)' (the first layer streamed), is listed but not checked; an "
        "earlier arXiv version printed 64/1600, 16/400 and 32/800 there and max "
        "1600K/400K/600K.\n\n" + header + "\n" + "\n".join(lines))


# --------------------------------------------------------------------------- Table 4

#: Table 4's rows we build: registry model, Top 1, Params, MAdds as printed.
_TABLE4 = [
    ("MobileNetV1", "mobilenet-1.0-224", "70.6", "4.2M", "575M"),
    ("ShuffleNet (1.5)", "shufflenet-1.5x-g3", "71.5", "3.4M", "292M"),
    ("ShuffleNet (x2)", "shufflenet-2.0x-g3", "73.7", "5.4M", "524M"),
    ("MobileNetV2", BASE, "72.0", "3.4M", "300M"),
    ("MobileNetV2 (1.4)", "mobilenetv2-1.4-224", "74.7", "6.9M", "585M"),
]
#: Published only, not built here.
NOT_BUILT = {"NasNet-A": ("74.0", "5.3M", "564M", "Zoph et al. 2018; not built in this suite")}

_V1_DEVIATION = Deviation(
    "MobileNetV1's multiply-adds are 569M, as its own paper and reference count them",
    "Howard et al. 2017, Tables 1, 4 and 6: 569 (our count 568,740,352); tensorflow/models "
    "research/slim/nets/mobilenet_v1.md: MobileNet_v1_1.0_224 569 Million MACs; no counting "
    "convention of this table reaches 575 (adding one bias add per conv output, 5.04M, gives "
    "573.8M, and the same rule would put MobileNetV2 at 306M, not 300M)",
    corrected="569", kind="arithmetic")
_V14_EVIDENCE = ("the reference README lists mobilenet_v2_1.4_224 at 582 MACs and 6.06M "
                 "parameters, ours 582,195,824 and 6,060,840; no channel rounding of the 1.4 "
                 "multiplier gives 585M/6.9M (the reference _make_divisible: 582.2M/6.06M; "
                 "int(c*1.4): 562.2M/6.03M; round(c*1.4): 571.7M/6.05M), and scaling the "
                 "last layer by 1.4 twice gives 598.7M/7.10M")
_TABLE4_DEVIATIONS = {
    ("MobileNetV1", "MAdds"): _V1_DEVIATION,
    ("MobileNetV2 (1.4)", "MAdds"): Deviation(
        "not the figure of the 1.4 network the paper describes and released",
        _V14_EVIDENCE, corrected="582", kind="other-network"),
    ("MobileNetV2 (1.4)", "Params"): Deviation(
        "not the figure of the 1.4 network the paper describes and released",
        _V14_EVIDENCE, corrected="6.06", kind="other-network"),
}


def one_unit(printed: str, reason: str = TRUNCATED) -> dict:
    """A tolerance of one unit of the last printed digit of ``printed`` ("585M": 1, "3.4M":
    0.1), for tables that truncate (or mix truncation and rounding), with ``reason``."""
    digits = printed.rstrip("M")
    unit = 10.0 ** -len(digits.split(".")[1]) if "." in digits else 1.0
    return dict(rounding="tolerance", tolerance=unit, tolerance_reason=reason)


def _table4_cells() -> list[Published]:
    cells = []
    for row, model, top1, params, madds in _TABLE4:
        cells += [
            spreads.accuracy(T4, row, "Top 1", top1, spreads.IMAGENET_SMALL, model=model,
                             convention=f"ImageNet top-1 accuracy of {model}"),
            Published(T4, row, "Params", params, "M", model=model, metric=PARAMS,
                      deviation=_TABLE4_DEVIATIONS.get((row, "Params")), **one_unit(params)),
            Published(T4, row, "MAdds", madds, "M", model=model, metric=MADDS,
                      deviation=_TABLE4_DEVIATIONS.get((row, "MAdds")), **one_unit(madds)),
        ]
    return cells


def _table4_details() -> str:
    return ("Not built (published only): " + "; ".join(
        f"{row}: Top 1 {top1}, {params} params, {madds} MAdds ({why})"
        for row, (top1, params, madds, why) in NOT_BUILT.items()) + ".")


# --------------------------------------------------------------------------- README grid

#: The reference README's table: multiplier, resolution, MACs (M), parameters (M).
_GRID = [
    ("1.4", 224, "582", "6.06"), ("1.3", 224, "509", "5.34"),
    ("1.0", 224, "300", "3.47"), ("1.0", 192, "221", "3.47"), ("1.0", 160, "154", "3.47"),
    ("1.0", 128, "99", "3.47"), ("1.0", 96, "56", "3.47"),
    ("0.75", 224, "209", "2.61"), ("0.75", 192, "153", "2.61"), ("0.75", 160, "107", "2.61"),
    ("0.75", 128, "69", "2.61"), ("0.75", 96, "39", "2.61"),
    ("0.5", 224, "97", "1.95"), ("0.5", 192, "71", "1.95"), ("0.5", 160, "50", "1.95"),
    ("0.5", 128, "32", "1.95"), ("0.5", 96, "18", "1.95"),
    ("0.35", 224, "59", "1.66"), ("0.35", 192, "43", "1.66"), ("0.35", 160, "30", "1.66"),
    ("0.35", 128, "20", "1.66"), ("0.35", 96, "11", "1.66"),
]


def _grid_cells() -> list[Published]:
    cells = []
    for alpha, size, macs, params in _GRID:
        model = f"mobilenetv2-{alpha}-{size}"
        row = f"mobilenet_v2_{alpha}_{size}"
        cells += [Published(README, row, "MACs (M)", macs, "M", model=model, metric=MADDS,
                            **one_unit(macs)),
                  Published(README, row, "Parameters (M)", params, "M", model=model,
                            metric=PARAMS)]
    return cells


def _grid_details() -> str:
    rows = []
    for alpha, size, macs, params in _GRID:
        stats = measure(f"mobilenetv2-{alpha}-{size}").profile
        rows.append(f"| {alpha} | {size} | {macs} | {stats.macs / 1e6:.3f} | {params} | "
                    f"{(stats.weights + stats.total('biases')) / 1e6:.4f} |")
    return ("The grid with our exact counts (the README's MACs are their floor):\n\n"
            "| multiplier | resolution | README MACs | ours (M) | README params | ours (M) |\n"
            "|---|---|---|---|---|---|\n" + "\n".join(rows))


TABLES = [
    TableSpec("table2", "Table 2: MobileNetV2 layout", T2, _table2_cells(), _table2),
    TableSpec("table3", "Table 3: max channels / memory to materialise per resolution", T3,
              _table3_cells(), _table3),
    TableSpec("table4", "Table 4: ImageNet comparison (params, multiply-adds)", T4,
              _table4_cells(), details=_table4_details),
    TableSpec("readme_grid", "Reference README: width multiplier x resolution", README,
              _grid_cells(), details=_grid_details),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
