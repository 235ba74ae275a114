"""The Inception line after GoogLeNet: BN-Inception (Ioffe & Szegedy 2015, Figure 5 and Sec.
4.2), Inception-v3 (Szegedy et al. 2016, Table 1, the abstract's totals, Tables 3-4),
Inception-v4 / Inception-ResNet (Szegedy et al. 2017, Table 1's Reduction-A filters, Table 2)
and the Inception rows of EfficientNet's Table 2 (Tan & Le 2019). The survey rows of Khan et
al. 2020 are checked in :mod:`reproductions.survey`, with this module's conventions.
"""

from __future__ import annotations

import keras

from keras_cnns.inception import BN_INCEPTION
from keras_cnns.inception_v4 import REDUCTION_A
from reproductions._graph import path_depths
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import MACS, TRAINABLE, Metric, measure
from reproductions.spreads import IMAGENET_TOP1, IMAGENET_TOP5, Spread, accuracy

KEY = "inception"
PAPER = ("Ioffe & Szegedy, Batch Normalization, ICML 2015 (arXiv:1502.03167); Szegedy et al., "
         "Rethinking the Inception Architecture for Computer Vision, CVPR 2016 "
         "(arXiv:1512.00567); Szegedy et al., Inception-v4, Inception-ResNet and the Impact of "
         "Residual Connections on Learning, AAAI 2017 (arXiv:1602.07261)")

T_BN5 = "Ioffe & Szegedy 2015 (arXiv:1502.03167v3), Figure 5 (appendix, 'Inception architecture')"
T_BN42 = "Ioffe & Szegedy 2015 (arXiv:1502.03167v3), Sec. 4.2"
T_V3T1 = "Szegedy et al. 2016 (arXiv:1512.00567v3), Table 1 ('input size' column)"
T_V3ABS = "Szegedy et al. 2016 (arXiv:1512.00567v3), abstract and Sec. 10"
T_V3T3 = "Szegedy et al. 2016 (arXiv:1512.00567v3), Table 3 (single-crop, cumulative changes)"
T_V3T4 = "Szegedy et al. 2016 (arXiv:1512.00567v3), Table 4 (single model, multi-crop)"
T_V4T1 = "Szegedy et al. 2017 (arXiv:1602.07261v2), Table 1 (filters of Reduction-A, Fig. 7)"
T_V4T2 = "Szegedy et al. 2017 (arXiv:1602.07261v2), Table 2 (single crop, single model)"
T_V4ABS = "Szegedy et al. 2017 (arXiv:1602.07261v2), abstract"
T_EFF = ("Tan & Le, EfficientNet, ICML 2019 (arXiv:1905.11946v5), Table 2 (as in lecture notes "
         "002); FLOPS there are multiply-adds (EfficientNet-B0: 0.39B)")

# --- conventions ----------------------------------------------------------------------------

COUNTED = (keras.layers.Conv2D, keras.layers.SeparableConv2D, keras.layers.DepthwiseConv2D,
           keras.layers.Dense)


def weight_depth(model) -> dict[str, int]:
    """Weight layers (convolutions, a separable convolution counted once, fc) on the longest
    path to every layer."""
    return path_depths(model, lambda layer: isinstance(layer, COUNTED))


def keras_depth(model) -> int:
    """Keras' "topological depth" (the keras.applications documentation's Depth column):
    layers on the longest path, the input included, every layer counted, except the two
    kinds keras.applications does not build as layers of their own: dropout (its models
    have none) and the residual scaling (its Inception-ResNet-v2 scales and adds in one
    layer, ours in a Rescaling and an Add)."""
    skip = (keras.layers.Dropout, keras.layers.Rescaling)
    return max(path_depths(model, lambda layer: not isinstance(layer, skip)).values())


PARAMS = TRAINABLE.described("trainable parameters: weights, biases, batch-norm beta (and gamma "
                             "where the model has one); moving statistics not counted")
KERAS_DEPTH = Metric("Keras' topological depth: layers on the longest path, input included "
                     "(dropout and the separate residual-scaling layer not counted: "
                     "keras.applications builds neither)", lambda m: keras_depth(m.model))
MULTIPLY_ADDS = MACS.described("multiply-adds of the conv and fc layers, at the model's "
                               "default input (299x299, BN-Inception and GoogLeNet 224x224)")
#: Accuracy cells: not run here; tolerance two run-to-run standard deviations on ImageNet
#: (reproductions.spreads: Goyal et al. 2017's 5-run ResNet-50 spread; no Inception paper
#: prints a spread of its own).


def _spread(column: str) -> Spread:
    return IMAGENET_TOP5 if "top-5" in column.lower() else IMAGENET_TOP1


def _error(source: str, row: str, column: str, printed: str, unit: str = "%", *,
           model: str | None = None, ensemble: bool = False, **kwargs) -> Published:
    """An ImageNet accuracy cell (an error or an accuracy, in % or as a fraction with
    ``unit=""``), within two run-to-run standard deviations; ``ensemble`` marks a combination
    of several models, which no single run reproduces."""
    spread = _spread(column)
    if unit == "%":
        return accuracy(source, row, column, printed, spread, model=model, ensemble=ensemble,
                        **kwargs)
    return Published(source, row, column, printed, unit, kind="accuracy", rounding="tolerance",
                     tolerance=spread.tolerance / 100, tolerance_reason=spread.reason + "; "
                     "printed as a fraction", model=model, ensemble=ensemble, **kwargs)


# --- BN-Inception, Figure 5 -----------------------------------------------------------------

BN_COLUMNS = ("#1x1", "#3x3 reduce", "#3x3", "double #3x3 reduce", "double #3x3", "pool proj")
#: Figure 5 as printed: row, our layer ending it, output size, depth, widths ("" blank).
BN_ROWS = [
    ("convolution* 7x7/2", "conv1_relu", (112, 112, 64), 1, ("",) * 6),
    ("max pool 3x3/2 (1)", "pool1", (56, 56, 64), 0, ("",) * 6),
    ("convolution 3x3/1", "conv2_relu", (56, 56, 192), 1, ("", "64", "192", "", "", "")),
    ("max pool 3x3/2 (2)", "pool2", (28, 28, 192), 0, ("",) * 6),
] + [
    (f"inception ({module})", f"inception_{module}", size, 3,
     tuple("" if (column == 0 and not row[0]) else str(value)
           for column, value in enumerate(row[:5])) + (str(row[6]) if row[6] else "",))
    for module, row, size in zip(BN_INCEPTION, BN_INCEPTION.values(), [
        (28, 28, 256), (28, 28, 320), (28, 28, 576), (14, 14, 576), (14, 14, 576),
        (14, 14, 576), (14, 14, 576), (14, 14, 1024), (7, 7, 1024), (7, 7, 1024)])
] + [("avg pool 7x7/1", "avg_pool", (1, 1, 1024), 0, ("",) * 6)]

_CAFFE = ("the released Caffe BN-Inception has the same channels (Cadene/pretrained-models."
          "pytorch bninception.py: inception_4d and inception_4e take 608 inputs, inception_5a "
          "1056); TF-slim's inception_v2 instead narrows 4c/4d's pool projections to 96, which "
          "keeps 576 but contradicts the printed 128")
_SHRINK = ("the module's 3x3/2 convolutions and 3x3/2 max-pool halve its input; the next row "
           "prints the halved size as its own output with no pooling in between")
BN_DEVIATIONS = {
    **{(f"inception ({module})", f"output size ({axis})"): Deviation(
        f"a stride-2 module: the printed {size}x{size} repeats its input's size", _SHRINK,
        str(size // 2), kind="copied-row")
       for module, size in (("3c", 28), ("4e", 14)) for axis in "HW"},
    ("inception (4c)", "output size (C)"): Deviation(
        "the row's own widths add up to 608: 160 + 160 + 160 + 128", _CAFFE, "608",
        kind="arithmetic"),
    ("inception (4d)", "output size (C)"): Deviation(
        "the row's own widths add up to 608: 96 + 192 + 192 + 128", _CAFFE, "608",
        kind="arithmetic"),
    ("inception (4e)", "output size (C)"): Deviation(
        "192 + 256 + the 608 channels passed through = 1056; the printed 1024 passes through "
        "the misprinted 576", _CAFFE, "1056", kind="arithmetic"),
    ("convolution 3x3/1", "depth"): Deviation(
        "the row holds two convolutions, its #3x3 reduce (64) and #3x3 (192)",
        "Szegedy et al. 2015 (GoogLeNet) Table 1 prints depth 2 for the same row (#3x3 reduce "
        "64, #3x3 192)", "2", kind="typo"),
}


def _bn_cells() -> list[Published]:
    cells = []
    for label, _, shape, depth, widths in BN_ROWS:
        for axis, value in zip("HWC", shape):
            column = f"output size ({axis})"
            cells.append(Published(T_BN5, label, column, str(value),
                                   convention="printed HxWxC; a flat vector is 1x1xC",
                                   deviation=BN_DEVIATIONS.get((label, column))))
        cells.append(Published(T_BN5, label, "depth", str(depth),
                               convention="weight layers on the row's longest path (the "
                                          "separable convolution* counted once)",
                               deviation=BN_DEVIATIONS.get((label, "depth"))))
        for column, width in zip(BN_COLUMNS, widths):
            if width:
                cells.append(Published(T_BN5, label, column, width, convention="filters"))
    return cells


def _same(values) -> float:
    values = set(values)
    return values.pop() if len(values) == 1 else float("nan")


def _bn_widths(model, module: str, row) -> dict[str, int]:
    """The six width columns of a module, read from the built layers."""
    def filters(name):
        return model.get_layer(f"inception_{module}_{name}_conv").filters
    first = 0 if row[0] else -1
    widths = {"#3x3 reduce": filters(f"branch{first + 1}_1"),
              "#3x3": filters(f"branch{first + 1}_2"),
              "double #3x3 reduce": filters(f"branch{first + 2}_1"),
              "double #3x3": _same([filters(f"branch{first + 2}_2"),
                                   filters(f"branch{first + 2}_3")])}
    if row[0]:
        widths["#1x1"] = filters("branch0_1")
    if row[6]:
        widths["pool proj"] = filters(f"branch{first + 3}_1")
    return widths


def _bn_figures() -> tuple[dict, str]:
    built = measure("bn-inception")
    model = built.model
    depths = weight_depth(model)
    ours = {}
    previous = 0
    for label, end, _, _, _ in BN_ROWS:
        shape = model.get_layer(end).output.shape[1:]
        shape = (1, 1, shape[0]) if len(shape) == 1 else tuple(shape)
        for axis, value in zip("HWC", shape):
            ours[(label, f"output size ({axis})")] = value
        ours[(label, "depth")] = depths[end] - previous
        previous = depths[end]
    for module, row in BN_INCEPTION.items():
        for column, value in _bn_widths(model, module, row).items():
            ours[(f"inception ({module})", column)] = value
    stem = model.get_layer("conv2_reduce_conv").filters, model.get_layer("conv2_conv").filters
    ours[("convolution 3x3/1", "#3x3 reduce")], ours[("convolution 3x3/1", "#3x3")] = stem
    conv = measure("bn-inception-conv-stem").profile
    details = (f"Our `{built.call}`: {built.profile.total('trainable'):,} trainable parameters, "
               f"{built.profile.macs / 1e9:.3f} G multiply-adds at 224x224; with a full 7x7 "
               f"first convolution (`bn-inception-conv-stem`, the released Caffe model): "
               f"{conv.total('trainable'):,} and {conv.macs / 1e9:.3f} G. Pooling kinds as "
               "printed: 'avg + n' (average pool, 1x1 projection), 'max + n', 'max + pass "
               "through' (3c, 4e: no projection).")
    return ours, details


BN_TEXT = [Published(
    T_BN42, "BN-Inception ('Inception', the network of Figure 5)", "parameters", "13.6", "M",
    model="bn-inception", metric=PARAMS,
    deviation=Deviation(
        "does not follow from Figure 5's widths, which the text says it describes ('More "
        "details are given in the Appendix'); the same sentence describes the double 3x3 "
        "convolutions as having 'up to 128 filters' while Figure 5 gives up to 256, so the "
        "text counts another version of the network",
        "Figure 5 built as printed: 11,257,496 weights, 11,278,528 with batch norm's gamma/"
        "beta and the classifier's biases; with a full 7x7 first layer 11,285,224; a "
        "GoogLeNet-style auxiliary classifier (Szegedy et al. 2015, Sec. 5) on 4a adds 3.2M "
        "(14.5M), on 4a and 4d 6.4M (17.7M); TF-slim's inception_v2 has 11.2M (Zoph et al. "
        "2018, Table 2)", corrected="11.28", kind="other-network"))]


# --- Inception-v3 -----------------------------------------------------------------------------

#: Table 1 as printed: row, our layer whose output is the row's input, input size, and
#: (kernel, stride) of the rows that print a patch size, with our layer.
V3_ROWS = [
    ("conv (1)", "input", (299, 299, 3), ("stem_1_conv", 3, 2)),
    ("conv (2)", "stem_1_relu", (149, 149, 32), ("stem_2_conv", 3, 1)),
    ("conv padded", "stem_2_relu", (147, 147, 32), ("stem_3_conv", 3, 1)),
    ("pool (1)", "stem_3_relu", (147, 147, 64), ("stem_4_maxpool", 3, 2)),
    ("conv (3)", "stem_4_maxpool", (73, 73, 64), ("stem_5_conv", 3, 1)),
    ("conv (4)", "stem_5_relu", (71, 71, 80), ("stem_6_conv", 3, 2)),
    ("conv (5)", "stem_6_relu", (35, 35, 192), ("stem_7_conv", 3, 1)),
    ("3 x Inception (Fig. 5)", "stem_7_relu", (35, 35, 288), None),
    ("5 x Inception (Fig. 6)", "mixed_6a", (17, 17, 768), None),
    ("2 x Inception (Fig. 7)", "mixed_7a", (8, 8, 1280), None),
    ("pool 8x8", "mixed_7c", (8, 8, 2048), None),
    ("linear (logits)", "avg_pool", (1, 1, 2048), None),
    ("softmax (classifier)", "predictions", (1, 1, 1000), None),
]
V3_TABLE1_MODEL = "inception-v3-table1-stem"


def _v3_cells() -> list[Published]:
    cells = []
    for label, _, shape, patch in V3_ROWS:
        for axis, value in zip("HWC", shape):
            cells.append(Published(T_V3T1, label, f"input size ({axis})", str(value),
                                   convention=f"printed HxWxC; `{V3_TABLE1_MODEL}`, Table 1's "
                                              "stem as printed"))
        if patch:
            cells.append(Published(T_V3T1, label, "patch size", f"{patch[1]}×{patch[1]}",
                                   convention="printed KxK"))
            cells.append(Published(T_V3T1, label, "stride", str(patch[2])))
    return cells


def _released_sizes() -> str:
    model = measure("inception-v3").model
    rows = []
    released = {"3 x Inception (Fig. 5)": "stem_7_maxpool"}  # its stem ends in a pool
    for label, layer, shape, _ in V3_ROWS:
        ours = model.get_layer(released.get(label, layer)).output.shape[1:]
        rows.append(f"| {label} | {'x'.join(map(str, shape))} | {ours} |")
    return "\n".join(rows)


def _v3_figures() -> tuple[dict, str]:
    model = measure(V3_TABLE1_MODEL).model
    ours = {}
    for label, layer, _, patch in V3_ROWS:
        shape = model.get_layer(layer).output.shape[1:]
        shape = (1, 1, shape[0]) if len(shape) == 1 else tuple(shape)
        for axis, value in zip("HWC", shape):
            ours[(label, f"input size ({axis})")] = value
        if patch:
            layer = model.get_layer(patch[0])
            size = getattr(layer, "kernel_size", None) or layer.pool_size
            ours[(label, "patch size")] = _same(size)
            ours[(label, "stride")] = _same(layer.strides)
    released = measure("inception-v3").profile
    table1 = measure(V3_TABLE1_MODEL).profile
    details = (
        "Table 1 as printed (`inception-v3-table1-stem`: conv 3x3/1 80, conv 3x3/2 192, conv "
        "3x3/1 288 after the first pool) reproduces every input size; the released model "
        "(`inception-v3`, TF-slim and keras.applications) uses conv 1x1 80, conv 3x3 192, "
        "max-pool 3x3/2 instead and feeds 35x35x192 to the first module. Released: "
        f"{released.total('trainable'):,} trainable parameters, {released.macs / 1e9:.3f} G "
        f"multiply-adds; Table 1 stem: {table1.total('trainable'):,}, "
        f"{table1.macs / 1e9:.3f} G.\n\n| row | Table 1 input | released model |\n"
        "|---|---|---|\n" + _released_sizes())
    return ours, details


_V3_COST = Deviation(
    "the cost of the network the paper trained, whose module widths it does not print "
    "(Table 3: 4.8 billion ops, rounded to 5 in the abstract); the authors' released "
    "Inception-v3, which we build, costs more",
    "the released model (TF-slim inception_v3.py, keras.applications.InceptionV3) has "
    "5.71 G multiply-adds at 299x299, as Tan & Le 2019 (Table 2: 5.7B) and Zoph et al. 2018 "
    "(Table 2: 5.72B) count it; Table 1's stem as printed makes it costlier still (6.0 G, "
    "`inception-v3-table1-stem`)", corrected="5.71", kind="other-network")
_GOOGLENET_COST = Deviation(
    "GoogLeNet's Table 1 widths give 1.58 G multiply-adds; printed 1.5 is truncated",
    "Szegedy et al. 2015, Table 1 (reproduced in results/googlenet.md): 1,582,671,872 "
    "multiply-adds; its text says 'a computational budget of 1.5 billion multiply-adds'",
    corrected="1.58", kind="rounding")

V3_TOTALS = [
    Published(T_V3ABS, "Inception-v3", "parameters", "<25", "M",
              model="inception-v3", metric=PARAMS),
    Published(T_V3ABS, "Inception-v3", "multiply-adds per inference", "5", "G",
              model="inception-v3", metric=MULTIPLY_ADDS, deviation=_V3_COST),
]

#: Table 3: row, top-1, top-5 ("" for "-"), cost (Bn ops), the model of the cost cell.
V3_TABLE3 = [
    ("GoogLeNet", "29", "9.2", "1.5", "googlenet"),
    ("BN-GoogLeNet", "26.8", "", "1.5", "googlenet"),
    ("BN-Inception", "25.2", "7.8", "2.0", "bn-inception-conv-stem"),
    ("Inception-v2", "23.4", "", "3.8", None),
    ("Inception-v2 RMSProp", "23.1", "6.3", "3.8", None),
    ("Inception-v2 Label Smoothing", "22.8", "6.1", "3.8", None),
    ("Inception-v2 Factorized 7x7", "21.6", "5.8", "4.8", "inception-v3"),
    ("Inception-v2 BN-auxiliary (Inception-v3)", "21.2", "5.6", "4.8", "inception-v3"),
]


def _v3_table3() -> list[Published]:
    cells = []
    for row, top1, top5, cost, model in V3_TABLE3:
        trained = {"googlenet": "googlenet", "bn-inception-conv-stem": "bn-inception"}.get(
            model, model)
        cells.append(_error(T_V3T3, row, "top-1 error", top1, model=trained))
        if top5:
            cells.append(_error(T_V3T3, row, "top-5 error", top5, model=trained))
        if model:
            deviation = (_GOOGLENET_COST if model == "googlenet" else
                         _V3_COST if model == "inception-v3" else None)
            cells.append(Published(T_V3T3, row, "cost (Bn ops)", cost, "G", model=model,
                                   metric=MULTIPLY_ADDS, deviation=deviation))
    return cells


V3_RESULTS = _v3_table3() + [
    _error(T_V3T4, "Inception-v3, 12 crops", "top-1 error", "19.47"),
    _error(T_V3T4, "Inception-v3, 12 crops", "top-5 error", "4.48"),
    _error(T_V3T4, "Inception-v3, 144 crops", "top-1 error", "18.77"),
    _error(T_V3T4, "Inception-v3, 144 crops", "top-5 error", "4.2"),
    _error(T_V3ABS, "Inception-v3, 4 models, multi-crop (validation)", "top-1 error", "17.3",
           ensemble=True),
    _error(T_V3ABS, "Inception-v3, 4 models, multi-crop (validation)", "top-5 error", "3.5",
           ensemble=True),
    _error(T_V3ABS, "Inception-v3, 4 models, multi-crop (test)", "top-5 error", "3.6",
           ensemble=True),
]


def _v3_results_details() -> str:
    return ("The Inception-v2 rows (3.8 Bn ops) are Table 1's network with its first 7x7 "
            "convolution unfactorised ('Factorized 7x7 includes a change that factorizes the "
            "first 7x7 convolutional layer into a sequence of 3x3 convolutional layers'); the "
            "paper does not print its widths, so their cost is not built. BN-auxiliary "
            "changes only the training-time auxiliary head, so the last two rows are one "
            "network at inference (`InceptionV3(aux_logits=True)` builds the head). "
            "BN-Inception's 2.0 is the full-7x7 first layer (`bn-inception-conv-stem`: "
            f"{measure('bn-inception-conv-stem').profile.macs / 1e9:.3f} G); the separable "
            f"first layer of the BN paper gives {measure('bn-inception').profile.macs / 1e9:.3f}"
            " G.")


# --- Inception-v4 / Inception-ResNet ----------------------------------------------------------

V4_MODELS = {"Inception-v4": "inception-v4", "Inception-ResNet-v1": "inception-resnet-v1",
             "Inception-ResNet-v2": "inception-resnet-v2"}
KLMN = ("k", "l", "m", "n")
V4_TABLE1 = [Published(T_V4T1, network, letter, str(value), convention="filters")
             for network, values in REDUCTION_A.items() for letter, value in zip(KLMN, values)]


def _v4_table1() -> tuple[dict, str]:
    ours = {}
    for network, name in V4_MODELS.items():
        model = measure(name).model
        layers = ("mixed_6a_branch1_1_conv", "mixed_6a_branch1_2_conv", "mixed_6a_branch1_3_conv",
                  "mixed_6a_branch0_1_conv")
        for letter, layer in zip(KLMN, layers):
            ours[(network, letter)] = model.get_layer(layer).filters
    released = measure("inception-resnet-v2-tf-slim").model
    check = [released.get_layer(f"mixed_6a_branch{b}_{c}_conv").filters
             for b, c in ((1, 1), (1, 2), (1, 3), (0, 1))]
    rows = []
    for name in ("inception-v3", "inception-v4", "inception-resnet-v1", "inception-resnet-v2",
                 "inception-resnet-v2-tf-slim"):
        stats = measure(name).profile
        rows.append(f"| `{name}` | {stats.total('trainable'):,} | {stats.macs / 1e9:.2f} |")
    details = (f"The released Inception-ResNet-v2 (`inception-resnet-v2-tf-slim`) has the same "
               f"k, l, m, n: {', '.join(map(str, check))}. Sec. 3.2: 'Inception-ResNet-v1 "
               "[has] roughly the computational cost of Inception-v3, while Inception-ResNet-v2 "
               "matches the raw cost of the newly introduced Inception-v4 network'; ours at "
               "299x299:\n\n| model | trainable parameters | G multiply-adds |\n|---|---|---|\n"
               + "\n".join(rows))
    return ours, details


_V4T2_MODELS = {"BN-Inception": "bn-inception", "Inception-v3": "inception-v3",
                "Inception-ResNet-v1": "inception-resnet-v1", "Inception-v4": "inception-v4",
                "Inception-ResNet-v2": "inception-resnet-v2"}
V4_RESULTS = [cell for network, top1, top5 in [
    ("BN-Inception", "25.2", "7.8"), ("Inception-v3", "21.2", "5.6"),
    ("Inception-ResNet-v1", "21.3", "5.5"), ("Inception-v4", "20.0", "5.0"),
    ("Inception-ResNet-v2", "19.9", "4.9")]
    for cell in (_error(T_V4T2, network, "top-1 error", top1, model=_V4T2_MODELS[network]),
                 _error(T_V4T2, network, "top-5 error", top5, model=_V4T2_MODELS[network]))] + [
    _error(T_V4ABS, "Inception-v4 + 3 x Inception-ResNet-v2, ensemble (test)", "top-5 error",
           "3.08", ensemble=True)]


# --- EfficientNet Table 2 ---------------------------------------------------------------------

_V4_EFF = ("no count of Inception-v4 as the paper and its reference code define it gives "
           "48M/13B", "TF-slim inception_v4.py / Figs. 3-9: 42,648,232 trainable parameters "
           "and 12.25 G multiply-adds at 299x299; the released checkpoint's auxiliary "
           "classifier adds 3.36M (46.0M) and 0.006 G; the same table's Inception-ResNet-v2 "
           "(56M, 13B) matches ours")
EFFNET = []
for _row, _model, _params, _flops, _top1, _top5 in [
        ("Inception-v3", "inception-v3", "24", "5.7", "78.8", "94.4"),
        ("Xception", "xception", "23", "8.4", "79.0", "94.5"),
        ("Inception-v4", "inception-v4", "48", "13", "80.0", "95.0"),
        ("Inception-resnet-v2", "inception-resnet-v2-tf-slim", "56", "13", "80.1", "95.1")]:
    _v4 = _row == "Inception-v4"
    EFFNET += [
        Published(T_EFF, _row, "#Params", _params, "M", model=_model, metric=PARAMS,
                  deviation=Deviation(*_V4_EFF, corrected="42.6", kind="other-network")
                  if _v4 else None),
        Published(T_EFF, _row, "#FLOPS", _flops, "G", model=_model, metric=MULTIPLY_ADDS,
                  deviation=Deviation(*_V4_EFF, corrected="12.3", kind="other-network")
                  if _v4 else None),
        _error(T_EFF, _row, "top-1 accuracy", _top1, model=_model),
        _error(T_EFF, _row, "top-5 accuracy", _top5, model=_model),
    ]


# --- SENet Table 2: BN-Inception and Inception-ResNet-v2, with and without SE blocks -----------

T_SE = ("Hu, Shen, Albanie, Sun & Wu, Squeeze-and-Excitation Networks, TPAMI 2019 "
        "(arXiv:1709.01507v4), Table 2 (single crop; the error columns are also in lecture "
        "004, 'Incorporation with Modern Architectures')")
_IR_V2_COST = (
    "SENet's re-implemented Inception-ResNet-v2, whose input size and layout the paper does "
    "not print, costs less than the released network the row cites ([5], Szegedy et al. 2017)",
    "under the Table 2 convention that reproduces the BN-Inception rows (2.03, 2.04) and the "
    "ResNet rows (results/senet.md), the released Inception-ResNet-v2 (TF-slim, "
    "keras.applications' twin, whose weights give equal outputs in ours) has 13.17 G at "
    "299x299, as EfficientNet Table 2 counts it (13B); the figures' layout has 9.26 G; the "
    "released layout at inputs of 291-298 (34x34 grid at mixed_5b) 11.70-11.74 G and at 283-"
    "290 (33x33) 11.48-11.52 G: no input size gives 11.75")
#: (row, plain model, SE model, original top-1/top-5, re-implementation top-1/top-5,
#: GFLOPs, SENet top-1/top-5, SE GFLOPs), as printed; the original Inception-ResNet-v2
#: errors carry the paper's dagger (crop size unclear, non-blacklisted validation subset).
SE_TABLE2 = [
    ("BN-Inception", "bn-inception-conv-stem", "se-bn-inception", "25.2", "7.82", "25.38",
     "7.89", "2.03", "24.23", "7.14", "2.04"),
    ("Inception-ResNet-v2", "inception-resnet-v2-tf-slim", "se-inception-resnet-v2", "19.9",
     "4.9", "20.37", "5.21", "11.75", "19.80", "4.79", "11.76"),
]


def _se_table2() -> list[Published]:
    from reproductions.senet import GFLOPS_METRIC

    cells = []
    for row, plain, se, o1, o5, r1, r5, flops, s1, s5, se_flops in SE_TABLE2:
        for column, printed, model, corrected in (("GFLOPs", flops, plain, "13.17"),
                                                  ("SENet GFLOPs", se_flops, se, "13.20")):
            deviation = (Deviation(*_IR_V2_COST, corrected=corrected, kind="other-network")
                         if row == "Inception-ResNet-v2" else None)
            cells.append(Published(T_SE, row, column, printed, "G", model=model,
                                   metric=GFLOPS_METRIC, deviation=deviation))
        for column, printed, model in (
                ("original top-1 err.", o1, plain), ("original top-5 err.", o5, plain),
                ("re-implementation top-1 err.", r1, plain),
                ("re-implementation top-5 err.", r5, plain),
                ("SENet top-1 err.", s1, se), ("SENet top-5 err.", s5, se)):
            cells.append(_error(T_SE, row, column, printed, model=model))
    return cells


def _se_details() -> str:
    from reproductions.senet import _gflops

    rows = []
    for name in ("bn-inception-conv-stem", "se-bn-inception", "bn-inception",
                 "se-bn-inception-separable-stem", "inception-resnet-v2-tf-slim",
                 "se-inception-resnet-v2", "inception-resnet-v2"):
        stats = measure(name).profile
        rows.append(f"| `{name}` | {stats.total('trainable'):,} | {stats.macs / 1e9:.4f} | "
                    f"{_gflops(stats) / 1e9:.4f} |")
    return ("GFLOPs under SENet Table 2's convention (multiply-adds plus residual additions and "
            "SE squeeze/scale operations, results/senet.md); multiply-adds alone give 2.03 for "
            "SE-BN-Inception, the convention 2.04 as printed. SE-BN-Inception has the released "
            "Caffe stem (a full 7x7 first convolution, Hu et al.'s released SE-BN-Inception); "
            "SE blocks follow every Inception module (Fig. 2), and in SE-Inception-ResNet-v2 "
            "sit on the residual branch before the scaling (Fig. 3). Parameters are not "
            "printed in Table 2; ours:\n\n| model | trainable parameters | multiply-adds (G) | "
            "Table 2 convention (G) |\n|---|---|---|---|\n" + "\n".join(rows))


TABLES = [
    TableSpec("bn_inception_fig5", "BN-Inception, Figure 5: output size, depth and widths per "
              "row", T_BN5, _bn_cells(), _bn_figures),
    TableSpec("bn_inception_params", "BN-Inception, Sec. 4.2: parameters", T_BN42, BN_TEXT),
    TableSpec("v3_table1", "Inception-v3, Table 1: input size per row (299x299 input)", T_V3T1,
              _v3_cells(), _v3_figures),
    TableSpec("v3_totals", "Inception-v3: parameters and multiply-adds (abstract, Sec. 10)",
              T_V3ABS, V3_TOTALS),
    TableSpec("v3_results", "Inception-v3, Tables 3-4 and abstract: errors and cost", T_V3T3,
              V3_RESULTS, details=_v3_results_details),
    TableSpec("v4_table1", "Inception-v4 / Inception-ResNet, Table 1: Reduction-A filters "
              "k, l, m, n", T_V4T1, V4_TABLE1, _v4_table1),
    TableSpec("v4_results", "Inception-v4 / Inception-ResNet, Table 2 and abstract: errors",
              T_V4T2, V4_RESULTS),
    TableSpec("efficientnet_table2", "EfficientNet Table 2: the Inception rows and Xception",
              T_EFF, EFFNET),
    TableSpec("senet_table2", "SENet Table 2: BN-Inception and Inception-ResNet-v2 with and "
              "without SE blocks (GFLOPs and errors)", T_SE, _se_table2(), details=_se_details),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
