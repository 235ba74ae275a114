"""MobileNet (Howard et al. 2017): Tables 1-7, the separable-cost formula of Sec. 3.1 and its
"8 to 9 times" claim (lecture notes 003; width/resolution multipliers also in lecture notes
001), plus a plot of our mult-adds against the published accuracy.

Conventions of the paper, used for every cell: mult-adds count convolutions and the
fully-connected layer (biases, batch norm and ReLU are not counted); parameters are weights
only (no biases, no batch-norm gamma/beta or moving statistics). Table 2's parameter shares
pin this down: the FC share 24.33% is 1,024,000 / 4,209,088, i.e. without its 1,000 biases.
"""

from __future__ import annotations

import functools
import pathlib
import re

import keras

import keras_cnns
from keras_cnns.mobilenet import SEPARABLE_LAYERS, reduction_factor, separable_block
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import MACS, WEIGHTS, measure
from reproductions.spreads import IMAGENET_SMALL

KEY = "mobilenet"
PAPER = ("Howard et al., MobileNets: Efficient Convolutional Neural Networks for Mobile Vision "
         "Applications, 2017 (arXiv:1704.04861)")

_SRC = "Howard et al. 2017"
T1 = f"{_SRC}, Table 1 'MobileNet Body Architecture'"
T2 = f"{_SRC}, Table 2 'Resource Per Layer Type'"
T3 = (f"{_SRC}, Table 3 'Resource usage for modifications to standard convolution' "
      "(D_K=3, M=N=512, D_F=14; each row cumulative)")
T4 = f"{_SRC}, Table 4 'Depthwise Separable vs Full Convolution MobileNet'"
T5 = f"{_SRC}, Table 5 'Narrow vs Shallow MobileNet'"
T6 = f"{_SRC}, Table 6 'MobileNet Width Multiplier'"
T7 = f"{_SRC}, Table 7 'MobileNet Resolution'"
CLAIM = (f"{_SRC}, Sec. 3.1: 'MobileNet uses 3x3 depthwise separable convolutions which uses "
         "between 8 to 9 times less computation than standard convolutions'")

MADDS = "weights-layer mult-adds (conv + FC), biases not counted"
PARAMS = "weights only (no biases, no batch-norm parameters)"
REFERENCE = "tensorflow/models research/slim/nets/mobilenet_v1.py"
#: The two conventions as metrics of a whole model (Tables 4-7).
MADDS_METRIC = MACS.described(MADDS)
PARAMS_METRIC = WEIGHTS.described(PARAMS)

# --------------------------------------------------------------------------- Table 1

# Our layer name, then Table 1's row as printed: type / stride, filter shape, input size.
# The "5x" row stands for layers 7-11 (depthwise and pointwise); its pointwise half has no
# type printed. Softmax is the classifier's activation on the FC output.
_TABLE1_ROWS = [
    ("conv1", "Conv / s2", "3x3x3x32", "224x224x3"),
    ("conv_dw_1", "Conv dw / s1", "3x3x32 dw", "112x112x32"),
    ("conv_pw_1", "Conv / s1", "1x1x32x64", "112x112x32"),
    ("conv_dw_2", "Conv dw / s2", "3x3x64 dw", "112x112x64"),
    ("conv_pw_2", "Conv / s1", "1x1x64x128", "56x56x64"),
    ("conv_dw_3", "Conv dw / s1", "3x3x128 dw", "56x56x128"),
    ("conv_pw_3", "Conv / s1", "1x1x128x128", "56x56x128"),
    ("conv_dw_4", "Conv dw / s2", "3x3x128 dw", "56x56x128"),
    ("conv_pw_4", "Conv / s1", "1x1x128x256", "28x28x128"),
    ("conv_dw_5", "Conv dw / s1", "3x3x256 dw", "28x28x256"),
    ("conv_pw_5", "Conv / s1", "1x1x256x256", "28x28x256"),
    ("conv_dw_6", "Conv dw / s2", "3x3x256 dw", "28x28x256"),
    ("conv_pw_6", "Conv / s1", "1x1x256x512", "14x14x256"),
    *[row for block in range(7, 12) for row in (
        (f"conv_dw_{block}", "5x Conv dw / s1", "3x3x512 dw", "14x14x512"),
        (f"conv_pw_{block}", "5x (pointwise, no type printed)", "1x1x512x512", "14x14x512"))],
    ("conv_dw_12", "Conv dw / s2", "3x3x512 dw", "14x14x512"),
    ("conv_pw_12", "Conv / s1", "1x1x512x1024", "7x7x512"),
    ("conv_dw_13", "Conv dw / s2", "3x3x1024 dw", "7x7x1024"),
    ("conv_pw_13", "Conv / s1", "1x1x1024x1024", "7x7x1024"),
    ("avg_pool", "Avg Pool / s1", "Pool 7x7", "7x7x1024"),
    ("predictions", "FC / s1", "1024x1000", "1x1x1024"),
    ("softmax", "Softmax / s1", "Classifier", "1x1x1000"),
]

_STRIDE_DEVIATION = Deviation(
    "Table 1 prints stride 2 for the last depthwise layer, but its own next row takes a "
    "7x7x1024 input (stride 2 would give 4x4) and the avg pool is 7x7",
    f"next rows 'Conv / s1 1x1x1024x1024, 7x7x1024' and 'Avg Pool 7x7'; {REFERENCE} "
    "MOBILENETV1_CONV_DEFS ends with DepthSepConv(stride=1, depth=1024); "
    "keras.applications.MobileNet conv_dw_13 has strides=(1, 1)",
    corrected="1", kind="typo")


def _row_label(layer: str, kind: str, filters: str, size: str) -> str:
    return f"{layer}: {kind}, {filters}, {size}"


def _table1_cells() -> list[Published]:
    cells = []
    for layer, kind, filters, size in _TABLE1_ROWS:
        row = _row_label(layer, kind, filters, size)
        stride = re.search(r"/ s(\d)", kind)
        # Strides are checked where they act: on convolutions (pool/FC/softmax print a
        # nominal "s1"); the 5x row's pointwise half prints none.
        if stride and layer.startswith("conv"):
            deviation = _STRIDE_DEVIATION if layer == "conv_dw_13" else None
            cells.append(Published(T1, row, "stride", stride.group(1), deviation=deviation))
        for index, number in enumerate(re.findall(r"\d+", filters), start=1):
            cells.append(Published(T1, row, f"filter shape [{index}]", number))
        for index, number in enumerate(re.findall(r"\d+", size), start=1):
            cells.append(Published(T1, row, f"input size [{index}]", number))
    return cells


# --------------------------------------------------------------------------- Table 2

_TABLE2 = [("Conv 1x1", "94.86", "74.59"), ("Conv DW 3x3", "3.06", "1.06"),
           ("Conv 3x3", "1.19", "0.02"), ("Fully Connected", "0.18", "24.33")]

_CONV3X3_DEVIATION = Deviation(
    "the Conv 3x3 mult-add share is printed with two digits swapped (1.19 for 1.91)",
    "the only full 3x3 conv is the first layer: 112*112*32*(3*3*3) = 10,838,016 of "
    "568,740,352 mult-adds = 1.906%; the printed column sums to 99.29% "
    "(94.86+3.06+1.19+0.18), with 1.91 it sums to 100.01%; the other three shares match; "
    f"{REFERENCE} lists Conv2d_0 at 10,838,016 MACs",
    corrected="1.91", kind="typo")


def _table2_cells() -> list[Published]:
    cells = []
    for row, madds, params in _TABLE2:
        cells.append(Published(T2, row, "Mult-Adds", madds, "%", convention=MADDS,
                               deviation=_CONV3X3_DEVIATION if row == "Conv 3x3" else None))
        cells.append(Published(T2, row, "Parameters", params, "%", convention=PARAMS))
    return cells


# --------------------------------------------------------------------------- Table 3

# Row, printed mult-adds (M), printed params (M), our layer: (D_F, M=N, separable).
_TABLE3 = [("Convolution", "462", "2.36", (14, 512, False)),
           ("Depthwise Separable Conv", "52.3", "0.27", (14, 512, True)),
           ("alpha = 0.75", "29.6", "0.15", (14, 384, True)),
           ("rho = 0.714", "15.1", "0.15", (10, 384, True))]


def _table3_cells() -> list[Published]:
    return [cell for row, madds, params, _ in _TABLE3 for cell in (
        Published(T3, row, "Million Mult-Adds", madds, "M", convention=MADDS),
        Published(T3, row, "Million Parameters", params, "M", convention=PARAMS))]


# --------------------------------------------------------------------------- Tables 4-7

#: Registry name of every model row of Tables 4-7 (the row label as printed).
MODELS = {
    "Conv MobileNet": "conv-mobilenet-1.0-224",
    "MobileNet": "mobilenet-1.0-224",
    "0.75 MobileNet": "mobilenet-0.75-224",
    "Shallow MobileNet": "shallow-mobilenet-1.0-224",
    "1.0 MobileNet-224": "mobilenet-1.0-224",
    "0.75 MobileNet-224": "mobilenet-0.75-224",
    "0.5 MobileNet-224": "mobilenet-0.5-224",
    "0.25 MobileNet-224": "mobilenet-0.25-224",
    "1.0 MobileNet-192": "mobilenet-1.0-192",
    "1.0 MobileNet-160": "mobilenet-1.0-160",
    "1.0 MobileNet-128": "mobilenet-1.0-128",
}
#: The model of Tables 1 and 2 and of the Sec. 3.1 claim, and its full-convolution twin.
BASE = MODELS["MobileNet"]
CONV = MODELS["Conv MobileNet"]

_CONV_MOBILENET_DEVIATION = Deviation(
    "Conv MobileNet's mult-adds do not follow the convention of the same table's MobileNet row",
    "the full 3x3 convs give 10,838,016 (conv1) + 4,855,431,168 (13 layers, 9*M*N*D_F^2 each) "
    "+ 1,024,000 (FC) = 4,867,293,184; the printed 4866 is this total without the FC "
    "(4,866,269,184), while MobileNet's 569 includes it (568,740,352; without FC 567.7 -> 568)",
    corrected="4867", kind="arithmetic")

_RES160_DEVIATION = Deviation(
    "the 160x160 mult-adds are truncated, not rounded: 290.68M prints as 291",
    "conv1 80*80*32*27 = 5,529,600, separable layers 284,121,600, FC 1,024,000: total "
    f"290,675,200; the 192 and 128 rows round (418.1 -> 418, 186.4 -> 186); {REFERENCE} "
    "(mobilenet_v1.md, MobileNet_v1_1.0_160) prints 291 Million MACs",
    corrected="291", kind="rounding")

# Table id, source, rows (model, accuracy, mult-adds, params) exactly as printed.
_MODEL_TABLES = [
    ("table4", T4, "Table 4: Depthwise separable vs full convolution MobileNet",
     [("Conv MobileNet", "71.7%", "4866", "29.3"), ("MobileNet", "70.6%", "569", "4.2")]),
    ("table5", T5, "Table 5: Narrow vs shallow MobileNet",
     [("0.75 MobileNet", "68.4%", "325", "2.6"), ("Shallow MobileNet", "65.3%", "307", "2.9")]),
    ("table6", T6, "Table 6: MobileNet width multiplier",
     [("1.0 MobileNet-224", "70.6%", "569", "4.2"), ("0.75 MobileNet-224", "68.4%", "325", "2.6"),
      ("0.5 MobileNet-224", "63.7%", "149", "1.3"), ("0.25 MobileNet-224", "50.6%", "41", "0.5")]),
    ("table7", T7, "Table 7: MobileNet resolution",
     [("1.0 MobileNet-224", "70.6%", "569", "4.2"), ("1.0 MobileNet-192", "69.1%", "418", "4.2"),
      ("1.0 MobileNet-160", "67.2%", "290", "4.2"), ("1.0 MobileNet-128", "64.4%", "186", "4.2")]),
]

_MADDS_DEVIATIONS = {"Conv MobileNet": _CONV_MOBILENET_DEVIATION,
                     "1.0 MobileNet-160": _RES160_DEVIATION}


def _model_cells(source: str, rows) -> list[Published]:
    cells = []
    for model, accuracy, madds, params in rows:
        cells += [
            Published(source, model, "ImageNet Accuracy", accuracy.rstrip("%"), "%",
                      kind="accuracy", convention="top-1, printed as " + accuracy,
                      rounding="tolerance", tolerance=IMAGENET_SMALL.tolerance,
                      tolerance_reason=IMAGENET_SMALL.reason, model=MODELS[model]),
            Published(source, model, "Million Mult-Adds", madds, "M", model=MODELS[model],
                      metric=MADDS_METRIC, deviation=_MADDS_DEVIATIONS.get(model)),
            Published(source, model, "Million Parameters", params, "M", model=MODELS[model],
                      metric=PARAMS_METRIC),
        ]
    return cells


# --------------------------------------------------------------------------- Sec. 3.1 claim

_CLAIM_CELLS = [
    Published(CLAIM, "fewest times less computation over the 13 separable layers of MobileNet-224",
              "reduction (x)", "8", "x",
              convention="the claim's lower end as printed ('8 to 9'), to its whole-number "
                         "precision; standard 3x3 conv mult-adds / separable mult-adds"),
    Published(CLAIM, "most times less computation over the 13 separable layers of MobileNet-224",
              "reduction (x)", "9", "x",
              convention="the claim's upper end as printed ('8 to 9'), to its whole-number "
                         "precision; standard 3x3 conv mult-adds / separable mult-adds"),
]

# --------------------------------------------------------------------------- measuring


def _dims(shape) -> tuple[int, ...]:
    """Height, width, channels of a layer input; a flat vector is 1x1xC as Table 1 prints."""
    shape = tuple(int(d) for d in shape[1:])
    return shape if len(shape) == 3 else (1, 1) + shape


def _describe(model: keras.Model) -> list[dict]:
    """Table 1 regenerated from the built model: one dict per row, in graph order."""
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.DepthwiseConv2D):
            size = _dims(layer.input.shape)
            rows.append(dict(layer=layer.name, kind=f"Conv dw / s{layer.strides[0]}",
                             filter=(*layer.kernel_size, size[2]), dw=True, input=size))
        elif isinstance(layer, keras.layers.Conv2D):
            size = _dims(layer.input.shape)
            rows.append(dict(layer=layer.name, kind=f"Conv / s{layer.strides[0]}",
                             filter=(*layer.kernel_size, size[2], layer.filters), input=size))
        elif isinstance(layer, keras.layers.GlobalAveragePooling2D):
            size = _dims(layer.input.shape)
            rows.append(dict(layer=layer.name, kind="Avg Pool / s1", filter=size[:2], pool=True,
                             input=size))
        elif isinstance(layer, keras.layers.Dense):
            size = _dims(layer.input.shape)
            rows.append(dict(layer=layer.name, kind="FC / s1", filter=(size[2], layer.units),
                             input=size))
            rows.append(dict(layer="softmax", kind="Softmax / s1", filter=(), input=(1, 1, layer.units)))
    return rows


def _filter_text(row: dict) -> str:
    if row.get("pool"):
        return "Pool " + "x".join(map(str, row["filter"]))
    if not row["filter"]:
        return "Classifier"
    return "x".join(map(str, row["filter"])) + (" dw" if row.get("dw") else "")


def _category(layer: keras.layers.Layer) -> str | None:
    """Table 2's layer types."""
    if isinstance(layer, keras.layers.DepthwiseConv2D):
        return "Conv DW 3x3"
    if isinstance(layer, keras.layers.Conv2D):
        return f"Conv {layer.kernel_size[0]}x{layer.kernel_size[1]}"
    if isinstance(layer, keras.layers.Dense):
        return "Fully Connected"
    return None


def table1_rows() -> list[dict]:
    """Table 1 regenerated from MobileNet-224 (:data:`BASE`): one dict per row, graph order."""
    return _describe(measure(BASE).model)


def layer_types() -> dict[str, str | None]:
    """Table 2's layer type of every layer of MobileNet-224 (``None``: not counted)."""
    return {layer.name: _category(layer) for layer in measure(BASE).model.layers}


@functools.cache
def _single_layer(size: int, channels: int, separable: bool):
    """Table 3's internal layer: a D_F x D_F x M input, N = M outputs, D_K = 3."""
    inputs = keras.Input((size, size, channels))
    if separable:
        outputs = separable_block(inputs, channels, 1, name="0")
    else:
        outputs = keras.layers.Conv2D(channels, 3, padding="same", use_bias=False)(inputs)
    result = keras_cnns.profile(keras.Model(inputs, outputs))
    # Layer names start afresh; no full garbage collection (it walks every model the process
    # keeps: about 1 s each time late in `python -m reproductions all`).
    keras.backend.clear_session(free_memory=False)
    return result


def reductions() -> list[dict]:
    """Per separable layer of MobileNet-224: full-conv mult-adds / separable mult-adds, measured
    from Conv MobileNet and MobileNet, beside Sec. 3.1's 1 / (1/N + 1/D_K^2)."""
    separable = {layer.name: layer for layer in measure(BASE).profile.layers}
    full = {layer.name: layer for layer in measure(CONV).profile.layers}
    rows = []
    for block, (stride, _) in enumerate(SEPARABLE_LAYERS, start=1):
        dw, pw = separable[f"conv_dw_{block}"], separable[f"conv_pw_{block}"]
        standard = full[f"conv_full_{block}"].macs
        n = pw.output_shape[-1]
        rows.append(dict(layer=block, stride=stride, output=pw.output_shape, N=n,
                         standard=standard, separable=dw.macs + pw.macs,
                         measured=standard / (dw.macs + pw.macs), formula=reduction_factor(n)))
    return rows


# --------------------------------------------------------------------------- tables


def _table1() -> tuple[dict, str]:
    rows = table1_rows()
    reproduced = {}
    by_layer = {row["layer"]: row for row in rows}
    for layer, kind, filters, size in _TABLE1_ROWS:
        label = _row_label(layer, kind, filters, size)
        row = by_layer[layer]
        stride = re.search(r"/ s(\d)", row["kind"])
        reproduced[(label, "stride")] = int(stride.group(1))
        for index, value in enumerate(row["filter"], start=1):
            reproduced[(label, f"filter shape [{index}]")] = value
        for index, value in enumerate(row["input"], start=1):
            reproduced[(label, f"input size [{index}]")] = value
    from tabulate import tabulate

    text = tabulate([[r["layer"], r["kind"], _filter_text(r), "x".join(map(str, r["input"]))]
                     for r in rows], headers=["our layer", "Type / Stride", "Filter Shape",
                                              "Input Size"], tablefmt="github")
    return reproduced, "Table 1 regenerated from `keras_cnns.MobileNet()`:\n\n" + text


def _table2() -> tuple[dict, str]:
    result, categories = measure(BASE).profile, layer_types()
    totals = {"macs": result.macs, "weights": result.weights}
    sums = {}
    for layer in result.layers:
        category = categories.get(layer.name)
        if category is None:
            continue
        macs, weights = sums.get(category, (0, 0))
        sums[category] = (macs + layer.macs, weights + layer.weights)
    reproduced = {}
    for category, (macs, weights) in sums.items():
        reproduced[(category, "Mult-Adds")] = 100 * macs / totals["macs"]
        reproduced[(category, "Parameters")] = 100 * weights / totals["weights"]
    detail = "\n".join(f"- {category}: {macs:,} mult-adds, {weights:,} weights"
                       for category, (macs, weights) in sums.items())
    return reproduced, (f"Totals of `MobileNet()`: {totals['macs']:,} mult-adds, "
                        f"{totals['weights']:,} weights.\n\n{detail}")


def _reduction_details(rows: list[dict]) -> str:
    from tabulate import tabulate

    table = tabulate(
        [[f"conv_dw_{r['layer']} + conv_pw_{r['layer']}", r["stride"],
          "x".join(map(str, r["output"])), r["N"], f"{r['standard']:,}", f"{r['separable']:,}",
          f"{r['measured']:.4f}", f"{r['formula']:.4f}"] for r in rows],
        headers=["separable layer", "stride", "output", "N", "full 3x3 conv mult-adds",
                 "separable mult-adds", "measured reduction (x)", "1/(1/N + 1/9) (x)"],
        tablefmt="github", disable_numparse=True)
    return ("Each separable layer of `MobileNet()` against the same layer of Conv MobileNet "
            "(`MobileNet(separable=False)`); the formula of Sec. 3.1 is exact for every layer "
            "(stride included). Only the first layer (N = 64) falls below 8x.\n\n" + table)


def _table3() -> dict:
    table3 = {}
    for row, _, _, (size, channels, separable) in _TABLE3:
        result = _single_layer(size, channels, separable)
        table3[(row, "Million Mult-Adds")] = result.macs
        table3[(row, "Million Parameters")] = result.weights
    return table3


def _claim() -> tuple[dict, str]:
    steps = reductions()
    claim = {(_CLAIM_CELLS[0].row, "reduction (x)"): min(r["measured"] for r in steps),
             (_CLAIM_CELLS[1].row, "reduction (x)"): max(r["measured"] for r in steps)}
    return claim, _reduction_details(steps)


TABLES = [
    TableSpec("table1", "Table 1: MobileNet body architecture", T1, _table1_cells(), _table1),
    TableSpec("table2", "Table 2: Resource per layer type", T2, _table2_cells(), _table2),
    TableSpec("table3", "Table 3: One 14x14x512 layer under the modifications", T3,
              _table3_cells(), _table3),
    *[TableSpec(table_id, title, source, _model_cells(source, rows))
      for table_id, source, title, rows in _MODEL_TABLES],
    TableSpec("sec3_1_reduction", "Sec. 3.1: separable vs standard convolution, per layer",
              CLAIM, _CLAIM_CELLS, _claim),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)


# --------------------------------------------------------------------------- plot

PLOT = "mobilenet_accuracy_vs_madds.png"


def plot_points() -> list[tuple[str, float, float]]:
    """(model, our mult-adds in millions, published top-1 %) for the Table 6/7 models."""
    points = {}
    for table_id in ("table6", "table7"):
        for cell in PUBLISHED[table_id]:
            if cell.kind == "accuracy" and cell.row not in points:
                points[cell.row] = (cell.row, measure(MODELS[cell.row]).profile.macs / 1e6,
                                    cell.value)
    return list(points.values())


def artifacts(results_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write the accuracy-vs-mult-adds plot (as the paper's Fig. 4); deterministic PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    points = plot_points()
    figure, axes = plt.subplots(figsize=(6, 4.5), dpi=100)
    axes.scatter([p[1] for p in points], [p[2] for p in points], color="tab:blue")
    for name, madds, accuracy in points:
        axes.annotate(name, (madds, accuracy), textcoords="offset points", xytext=(4, -10),
                      fontsize=7)
    axes.set_xscale("log")
    axes.set_xlim(30, 900)
    axes.set_xticks([40, 100, 200, 400, 600])
    axes.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    axes.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.set_xlabel("mult-adds (millions, ours, log scale)")
    axes.set_ylabel("ImageNet top-1 accuracy (%, published)")
    axes.set_title("MobileNet: Tables 6-7, computation vs accuracy")
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / PLOT
    figure.savefig(path, metadata={"Software": None})
    plt.close(figure)
    return [path]
