"""GoogLeNet (Szegedy et al. 2015), Table 1: per row, output size, depth, the six width
columns, params and ops (lecture notes 003 and 004), reproduced with the depthwise-separable
first layer Table 1 counts (Chollet 2017, Sec. 2; Ioffe & Szegedy 2015, appendix)."""

from __future__ import annotations

import keras

import keras_cnns
from keras_cnns.googlenet import inception_block
from reproductions._graph import path_depths
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import measure

KEY = "googlenet"
PAPER = ("Szegedy et al., Going Deeper with Convolutions, CVPR 2015 (arXiv:1409.4842), "
         "Table 1 (GoogLeNet incarnation of the Inception architecture)")
T1 = "Szegedy et al. 2015, Table 1"
WIDTH_COLUMNS = ("#1x1", "#3x3 reduce", "#3x3", "#5x5 reduce", "#5x5", "pool proj")

# Table 1 as printed: row, our layer that ends the row, output size, depth, the six widths
# ("" where blank), params, ops.
ROWS = [
    ("convolution 7x7/2", "conv1_7x7", (112, 112, 64), 1, ("",) * 6, "2.7K", "34M"),
    ("max pool 3x3/2 (1)", "pool1_norm", (56, 56, 64), 0, ("",) * 6, "", ""),
    ("convolution 3x3/1", "conv2_3x3", (56, 56, 192), 2, ("", "64", "192", "", "", ""),
     "112K", "360M"),
    ("max pool 3x3/2 (2)", "pool2_3x3", (28, 28, 192), 0, ("",) * 6, "", ""),
    ("inception (3a)", "inception_3a_output", (28, 28, 256), 2,
     ("64", "96", "128", "16", "32", "32"), "159K", "128M"),
    ("inception (3b)", "inception_3b_output", (28, 28, 480), 2,
     ("128", "128", "192", "32", "96", "64"), "380K", "304M"),
    ("max pool 3x3/2 (3)", "pool3_3x3", (14, 14, 480), 0, ("",) * 6, "", ""),
    ("inception (4a)", "inception_4a_output", (14, 14, 512), 2,
     ("192", "96", "208", "16", "48", "64"), "364K", "73M"),
    ("inception (4b)", "inception_4b_output", (14, 14, 512), 2,
     ("160", "112", "224", "24", "64", "64"), "437K", "88M"),
    ("inception (4c)", "inception_4c_output", (14, 14, 512), 2,
     ("128", "128", "256", "24", "64", "64"), "463K", "100M"),
    ("inception (4d)", "inception_4d_output", (14, 14, 528), 2,
     ("112", "144", "288", "32", "64", "64"), "580K", "119M"),
    ("inception (4e)", "inception_4e_output", (14, 14, 832), 2,
     ("256", "160", "320", "32", "128", "128"), "840K", "170M"),
    ("max pool 3x3/2 (4)", "pool4_3x3", (7, 7, 832), 0, ("",) * 6, "", ""),
    ("inception (5a)", "inception_5a_output", (7, 7, 832), 2,
     ("256", "160", "320", "32", "128", "128"), "1072K", "54M"),
    ("inception (5b)", "inception_5b_output", (7, 7, 1024), 2,
     ("384", "192", "384", "48", "128", "128"), "1388K", "71M"),
    ("avg pool 7x7/1", "pool5_7x7", (1, 1, 1024), 0, ("",) * 6, "", ""),
    ("dropout (40%)", "dropout", (1, 1, 1024), 0, ("",) * 6, "", ""),
    ("linear", "predictions", (1, 1, 1000), 1, ("",) * 6, "1000K", "1M"),
    ("softmax", "predictions", (1, 1, 1000), 0, ("",) * 6, "", ""),
]

# "patch size/stride" as printed, for the rows that have one, and our layer for the row.
PATCH = {
    "convolution 7x7/2": ("conv1_7x7", "7×7", "2"),
    "max pool 3x3/2 (1)": ("pool1_3x3", "3×3", "2"),
    "convolution 3x3/1": ("conv2_3x3", "3×3", "1"),
    "max pool 3x3/2 (2)": ("pool2_3x3", "3×3", "2"),
    "max pool 3x3/2 (3)": ("pool3_3x3", "3×3", "2"),
    "max pool 3x3/2 (4)": ("pool4_3x3", "3×3", "2"),
    "avg pool 7x7/1": ("pool5_7x7", "7×7", "1"),
}

# Our layer names of each width column of a row (for the convolution 3x3/1 row: the stem).
_WIDTH_LAYERS = ("1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool_proj")

PARAMS_CONVENTION = "weights only, no biases; K = 1024, the table's own unit (see below)"
OPS_CONVENTION = "multiply-adds of the row's convolutions / fc layer, in millions (10^6)"


def _input_channels(index: int) -> int:
    return 3 if index == 0 else ROWS[index - 1][2][2]


def _row_arithmetic(index: int) -> tuple[int, int, str]:
    """Weights, multiply-adds and the formula, from the row's own printed widths only."""
    label, _, (size, _, out), _, widths, _, _ = ROWS[index]
    c = _input_channels(index)
    if label == "convolution 7x7/2":  # the separable stem: 7x7 depthwise x8, then 1x1 to 64
        terms = [("7x7x3x8", 7 * 7 * 3 * 8), ("24x64", 24 * 64)]
    elif label == "convolution 3x3/1":
        terms = [(f"{c}x64", c * 64), ("3x3x64x192", 9 * 64 * 192)]
    elif label == "linear":
        terms = [("1024x1000", 1024 * 1000)]
    else:
        a, b, cc, d, e, f = (int(w) for w in widths)
        terms = [(f"{c}x{a}", c * a), (f"{c}x{b}", c * b), (f"3x3x{b}x{cc}", 9 * b * cc),
                 (f"{c}x{d}", c * d), (f"5x5x{d}x{e}", 25 * d * e), (f"{c}x{f}", c * f)]
    weights = sum(value for _, value in terms)
    positions = 1 if label == "linear" else size * size
    formula = " + ".join(text for text, _ in terms) + f" = {weights:,} weights"
    return weights, positions * weights, formula


def _ki(weights: int) -> str:
    return f"{weights / 1024:.3f}".rstrip("0").rstrip(".")


# Cells whose printed value does not follow from the row's own widths (checked by hand;
# the reasons are one line each). The corrected figures are the row arithmetic above.
_PARAM_REASON = {
    "inception (3b)": "printed 380K; the row's widths give 379.0K",
    "inception (4a)": "printed 364K; the row's widths give 2.75K more",
    "inception (4b)": "printed 437K; the row's widths give 438.0K",
    "inception (4c)": "printed 463K; the row's widths give 34.5K more",
    "inception (4d)": "printed 580K; the row's widths give 10.5K more",
    "inception (4e)": "printed 840K; the row's widths give 847.0K",
    "inception (5a)": "printed 1072K; the row's widths give 54K less",
    "inception (5b)": "printed 1388K; the row's widths give 21K more",
}
_OPS_REASON = {
    "inception (4a)": ("rounding", "14x14 x 375,552 = 73.61M, which rounds to 74M, not 73M"),
    "inception (5a)": ("arithmetic", "7x7 x 1,042,432 = 51.08M; the printed 54M is 7x7 x the "
                                     "row's wrong 1072K"),
}
#: conv1: Table 1 counts the depthwise-separable stem (7x7x3x8 + 24x64 = 2,712 weights,
#: 112x112 x 2,712 = 34.0M ops). Its params cell is the one row printed in K = 1000.
_STEM_UNIT = Deviation(
    "printed in K = 1000 where the rest of the column counts K = 1024 (2,712 weights are "
    "2.648 x 1024, which prints 2.6K in the column's unit)",
    "the column's unit is fixed by the rows it prints exactly: convolution 3x3/1 64x64 + "
    "3x3x64x192 = 114,688 = 112.0 x 1024 ('112K'; 114.7 in K = 1000), linear 1024x1000 = "
    "1000.0 x 1024 ('1000K'; 1024.0 in K = 1000), inception (3a) 163,328 = 159.5 x 1024 "
    "('159K'); only 2,712 / 1000 = 2.712 gives '2.7K'",
    corrected="2.648", kind="unit")


def _table1() -> list[Published]:
    cells = []
    for index, (label, _, shape, depth, widths, params, ops) in enumerate(ROWS):
        for axis, value in zip(("H", "W", "C"), shape):
            cells.append(Published(T1, label, f"output size ({axis})", str(value),
                                   convention="printed as HxWxC; a flat vector is 1x1xC"))
        if label in PATCH:
            _, patch, stride = PATCH[label]
            cells.append(Published(T1, label, "patch size", patch, convention="printed KxK"))
            cells.append(Published(T1, label, "stride", stride))
        cells.append(Published(T1, label, "depth", str(depth),
                               convention="weight layers on the row's longest path"))
        for column, width in zip(WIDTH_COLUMNS, widths):
            if width:
                cells.append(Published(T1, label, column, width, convention="filters"))
        if params:
            weights, macs, formula = _row_arithmetic(index)
            reason = _PARAM_REASON.get(label)
            deviation = reason and Deviation(
                f"does not follow from the row's own widths: {reason}",
                f"{formula} = {_ki(weights)}K", corrected=_ki(weights), kind="arithmetic")
            if label == "convolution 7x7/2":
                deviation = _STEM_UNIT
            cells.append(Published(T1, label, "params", params, "Ki",
                                   convention=PARAMS_CONVENTION, deviation=deviation))
            kind, reason = _OPS_REASON.get(label, (None, None))
            cells.append(Published(
                T1, label, "ops", ops, "M", convention=OPS_CONVENTION,
                deviation=reason and Deviation(
                    "does not follow from the row's own widths",
                    f"{reason} ({formula})", corrected=f"{macs / 1e6:.2f}", kind=kind)))
    return cells


TABLE1 = _table1()


def _printed_sum(column: int) -> float:
    return sum(float(row[column][:-1]) for row in ROWS if row[column])


def _flat_shape(shape) -> tuple:
    return (1, 1, shape[0]) if len(shape) == 1 else tuple(shape)


def _figures() -> tuple[dict, str]:
    googlenet = measure("googlenet-separable")  # the stem Table 1 counts
    model, stats = googlenet.model, googlenet.profile
    depths = path_depths(model)
    ends = [end for _, end, *_ in ROWS]
    names = [layer.name for layer in stats.layers]
    layer_of = {layer.name: layer for layer in stats.layers}
    ours, start = {}, 0
    for index, (label, end, *_rest) in enumerate(ROWS):
        stop = names.index(end) + 1
        # a row owns the layers after the previous row's end, up to its own end
        members = stats.layers[start:stop] if stop > start else []
        start = max(start, stop)
        for axis, value in zip(("H", "W", "C"), _flat_shape(layer_of[end].output_shape)):
            ours[(label, f"output size ({axis})")] = value
        if label in PATCH:
            layer = model.get_layer(PATCH[label][0])
            size = getattr(layer, "kernel_size", None) or layer.pool_size
            ours[(label, "patch size")] = size[0] if size[0] == size[1] else float("nan")
            ours[(label, "stride")] = layer.strides[0]
        previous = depths[ends[index - 1]] if index else 0
        ours[(label, "depth")] = depths[end] - previous
        prefix = end.removesuffix("_output") + "_" if end.startswith("inception") else "conv2_"
        for column, layer_suffix in zip(WIDTH_COLUMNS, _WIDTH_LAYERS):
            if f"{prefix}{layer_suffix}" in layer_of:
                ours[(label, column)] = model.get_layer(f"{prefix}{layer_suffix}").filters
        ours[(label, "params")] = sum(layer.weights for layer in members)
        ours[(label, "ops")] = sum(layer.macs for layer in members)
    plain = measure("googlenet").profile
    details = ("Table 1 is reproduced with the depthwise-separable first layer it counts "
               "(`GoogLeNet(stem='separable')`: conv1 7x7x3x8 + 24x64 = 2,712 weights and "
               "34.0M multiply-adds); the plain 7x7 first layer of the paper's text and of the "
               f"BVLC model (`GoogLeNet()`) has 9,408 weights and 118.0M, for {plain.weights:,} "
               f"weights and {plain.macs:,} multiply-adds in all.\n\n"
               "The params column counts K = 1024 weights: the convolution 3x3/1 row's "
               "64x64 + 3x3x64x192 = 114,688 = 112.0K and the linear row's 1024x1000 = "
               "1000.0K are exact only in that unit (biases would add 0.25K and 1K).\n\n"
               f"Our `{googlenet.call}` (no auxiliary classifiers): "
               f"{stats.weights:,} weights, {stats.params:,} parameters with biases, "
               f"{stats.macs:,} multiply-adds; depth {max(depths.values())} weight layers. "
               f"Table 1's params column summed as printed: {_printed_sum(-2):,.1f}K; its ops "
               f"column: {_printed_sum(-1):,.0f}M.\n\n"
               + stats.table(biases=False))
    return ours, details


LECTURE = ("Lecture notes 004, slides 'GoogLeNet: Problems of Naive Inception Module' and "
           "'Inception module with dimension reduction' (after CS231n 2017, lecture 9): a "
           "module on a 28x28x256 input with 128 1x1, 192 3x3 and 96 5x5 filters")
#: The bottleneck slide's six terms (its 1x1 reduces have 64 filters, as has the pool
#: projection): 12,845,056 x 3 + 25,690,112 + 86,704,128 + 120,422,400 = 271,351,808.
_BOTTLENECK = Deviation(
    "the total does not follow from the six terms the slide lists",
    "28x28x64x256 (x3: the two reduces and the pool projection) + 28x28x128x256 + "
    "28x28x192x3x3x64 + 28x28x96x5x5x64 = 38,535,168 + 25,690,112 + 86,704,128 + "
    "120,422,400 = 271,351,808; 358M is that sum plus the 3x3 term (86.7M) once more",
    corrected="271.35", kind="arithmetic")
OPS = "multiply-adds of the module's convolutions"
LECTURE_CELLS = [
    Published(LECTURE, "naive inception module", "conv ops", "854M", "M", convention=OPS),
    Published(LECTURE, "inception module with 1x1 bottlenecks (64)", "conv ops", "358M", "M",
              convention=OPS, deviation=_BOTTLENECK),
]


def _module_ops(bottleneck: bool) -> int:
    inputs = keras.Input((28, 28, 256))
    if bottleneck:  # GoogLeNet's own module: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, proj
        outputs = inception_block(inputs, (128, 64, 192, 64, 96, 64), "bottleneck")
    else:
        branches = [keras.layers.Conv2D(n, k, padding="same")(inputs)
                    for n, k in ((128, 1), (192, 3), (96, 5))]
        pool = keras.layers.MaxPooling2D(3, strides=1, padding="same")(inputs)
        outputs = keras.layers.Concatenate()([*branches, pool])
    return keras_cnns.profile(keras.Model(inputs, outputs)).macs


def _lecture() -> dict:
    return {(LECTURE_CELLS[0].row, "conv ops"): _module_ops(False),
            (LECTURE_CELLS[1].row, "conv ops"): _module_ops(True)}


TABLES = [TableSpec("table1", "Table 1: GoogLeNet incarnation of the Inception architecture",
                    T1, TABLE1, _figures),
          TableSpec("lecture_inception_ops", "Lecture: naive vs bottleneck inception module "
                    "(conv ops)", LECTURE, LECTURE_CELLS, _lecture)]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
