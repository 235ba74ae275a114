"""ECA-Net (Wang et al. 2020): the abstract's "80 vs. 24.37M" parameters, the authors'
released models (ECA-Net50/101/152, ECA-MobileNetV2: parameters and ImageNet accuracy, the
README table of ``BangguWu/ECANet``), and Table 1's qualitative comparison (lecture 004)
checked on the modules as built.

Units: the authors print parameters with ``paras_flops.py``, whose ``clever_format``
divides by ``1024**2`` for "M" (and ``1024**3`` for "G"): ResNet-50's 25,557,032
parameters print as 24.37M. Those cells are ``unit`` deviations with the decimal figure as
their correction. FLOPs are not checked: they come from thop (``profile``), whose counting
rules for batch norm, ReLU and pooling changed between its 2019 releases, and no single
release's rules reproduce all four printed values (see the details under the table).
"""

from __future__ import annotations

import math

import keras

from reproductions._attention import THOP, TRAINABLE, accuracy
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import Metric, measure

KEY = "eca"
PAPER = ("Wang, Wu, Zhu, Li, Zuo & Hu, ECA-Net: Efficient Channel Attention for Deep "
         "Convolutional Neural Networks, CVPR 2020 (arXiv:1910.03151)")

ABSTRACT = ("Wang et al. 2020, abstract: 'the parameters and computations of our modules "
            "against backbone of ResNet50 are 80 vs. 24.37M'")
README = ("Wang et al., reference code BangguWu/ECANet, README 'Experiments / ImageNet' table "
          "(models eca_resnet50_k3557, eca_resnet101_k3357, eca_resnet152_k3357, "
          "eca_mobilenetv2)")
T1 = ("Wang et al. 2020, Table 1 'Comparison of existing attention modules', as in lecture "
      "004 slide 'ECANet' (No DR / Cross-channel Interaction / Lightweight = fewer parameters "
      "than SE)")

PARAMS = TRAINABLE.described("trainable parameters: weights, biases, batch-norm gamma/beta "
                             "(thop's count of model.parameters())")
ECA_WEIGHTS = Metric("weights of the ECA modules' 1-D convolutions",
                     lambda m: sum(layer.weights for layer in m.profile.layers
                                   if layer.type == "Conv1D"))

_THOP_SOURCE = ("the authors' paras_flops.py: clever_format(..., '%.3f') prints "
                "num / 1024**2 followed by 'M'")


def _unit(decimal: str, extra: str = "") -> Deviation:
    return Deviation("printed in units of 2^20 parameters, not 10^6" + extra,
                     _THOP_SOURCE, corrected=decimal, kind="unit")


ABSTRACT_CELLS = [
    Published(ABSTRACT, "ECA modules of ECA-Net50 (k3557)", "parameters", "80",
              model="eca-resnet-50-k3557", metric=ECA_WEIGHTS),
    Published(ABSTRACT, "ResNet-50 backbone", "parameters", "24.37", "M", model="resnet-50",
              metric=PARAMS, deviation=_unit("25.56")),
]

_MODELS = [("ECA-Net50", "eca-resnet-50-k3557", "24.37", _unit("25.56"), "77.48", "93.68"),
           ("ECA-Net101", "eca-resnet-101-k3357", "42.49", _unit("44.55"), "78.65", "94.34"),
           ("ECA-Net152", "eca-resnet-152-k3357", "57.41",
            _unit("60.19", "; and 60,193,042 / 2^20 = 57.404 rounds to 57.40 (ResNet-152's "
                  "60,192,808 parameters plus the 234 weights of k3357's ECA modules)"),
            "78.92", "94.55"),
           ("ECA-MobileNet_v2", "eca-mobilenetv2-1.0", "3.34", _unit("3.50"), "72.56",
            "90.81")]
README_CELLS = []
for row, model, params, deviation, top1, top5 in _MODELS:
    README_CELLS += [
        Published(README, row, "Param.", params, "M", model=model, metric=PARAMS,
                  deviation=deviation),
        accuracy(README, row, "Top-1 (%)", top1),
        accuracy(README, row, "Top-5 (%)", top5),
    ]

_QUALITATIVE = [("SENet", "No DR", "0 (✗)"), ("SENet", "Cross-channel Interaction", "1 (✓)"),
                ("CBAM", "No DR", "0 (✗)"), ("CBAM", "Cross-channel Interaction", "1 (✓)"),
                ("CBAM", "Lightweight", "0 (✗)"),
                ("ECA-Net (Ours)", "No DR", "1 (✓)"),
                ("ECA-Net (Ours)", "Cross-channel Interaction", "1 (✓)"),
                ("ECA-Net (Ours)", "Lightweight", "1 (✓)")]
TABLE1 = [Published(T1, row, column, printed,
                    convention="printed ✓/✗, here 1/0; read from the first block of conv2 of "
                               "SE-, CBAM- and ECA-ResNet-50 (C = 256)")
          for row, column, printed in _QUALITATIVE]

_MODULE_MODELS = {"SENet": ("se-resnet-50", "_se_"), "CBAM": ("cbam-resnet-50", "_cbam_"),
                  "ECA-Net (Ours)": ("eca-resnet-50", "_eca_")}


def _module(row: str):
    """(parameters, narrowest width, mixes channels) of the module in conv2_block1."""
    name, tag = _MODULE_MODELS[row]
    model = measure(name).model
    layers = [layer for layer in model.layers if layer.name.startswith(f"conv2_block1{tag}")]
    params = sum(math.prod(w.shape) for layer in layers for w in layer.trainable_weights)
    dense = [layer.units for layer in layers if isinstance(layer, keras.layers.Dense)]
    conv1d = [layer for layer in layers if isinstance(layer, keras.layers.Conv1D)]
    # a 1-D convolution over the C channels keeps all C of them
    widths = dense or [layer.output.shape[-2] for layer in conv1d]
    mixes = bool(dense) or any(layer.kernel_size[0] > 1 for layer in conv1d)
    return params, min(widths), mixes


def _table1() -> dict:
    channels = 256
    ours, se_params = {}, _module("SENet")[0]
    for row in _MODULE_MODELS:
        params, width, mixes = _module(row)
        ours[(row, "No DR")] = int(width == channels)
        ours[(row, "Cross-channel Interaction")] = int(mixes)
        if row != "SENet":
            ours[(row, "Lightweight")] = int(params < se_params)
    rows = "\n".join(f"| {row} | {_module(row)[0]:,} | {_module(row)[1]} |"
                     for row in _MODULE_MODELS)
    return ours, ("Extra parameters of one module at C = 256 (conv2_block1 of the ResNet-50 "
                  "variants) and its narrowest width:\n\n| module | parameters | narrowest "
                  "width |\n|---|---|---|\n" + rows)


def _flops_details() -> str:
    rows = []
    for row, model, *_ in _MODELS:
        m = measure(model)
        rows.append(f"| {row} | {m.profile.macs / 1e9:.4f} | {THOP(m) / 1e9:.4f} | "
                    f"{THOP(m) / 2 ** 30:.4f} |")
    return ("FLOPs, not checked (the README prints 3.86G, 7.35G, 10.83G and 319.9M with thop "
            "and 1024-based units): our conv/fc multiply-adds, and the 2019 thop rules "
            "(fc 2n-1, 4 ops per batch-norm output, average pools; ReLU not counted), "
            "decimal and in 2^30 units:\n\n| model | MACs (10^9) | thop-style (10^9) | "
            "thop-style (2^30) |\n|---|---|---|---|\n" + "\n".join(rows))


TABLES = [
    TableSpec("abstract", "Abstract: ECA modules vs. the ResNet-50 backbone", ABSTRACT,
              ABSTRACT_CELLS),
    TableSpec("readme", "Released models (reference code README): parameters and accuracy",
              README, README_CELLS, details=_flops_details),
    TableSpec("table1", "Table 1: which modules reduce dimensionality, interact across "
              "channels, are lighter than SE", T1, TABLE1, _table1),
]
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
