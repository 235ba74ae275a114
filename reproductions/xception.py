"""Xception (Chollet 2017): Fig. 5's flows, Table 3's exact parameter counts and the results
tables (Tables 1-2) as accuracy cells (Khan et al. 2020's survey row is checked in
:mod:`reproductions.survey`)."""

from __future__ import annotations

from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.inception import PARAMS, _error
from reproductions.measure import measure

KEY = "xception"
PAPER = ("Chollet, Xception: Deep Learning with Depthwise Separable Convolutions, CVPR 2017 "
         "(arXiv:1610.02357)")
T_FIG5 = "Chollet 2017 (arXiv:1610.02357v3), Figure 5 (the Xception architecture)"
T1 = "Chollet 2017 (arXiv:1610.02357v3), Table 1 (ImageNet, single crop, single model)"
T2 = "Chollet 2017 (arXiv:1610.02357v3), Table 2 (JFT, FastEval14k MAP@100)"
T3 = "Chollet 2017 (arXiv:1610.02357v3), Table 3 (size and training speed)"

#: Fig. 5 as printed: (row, column, printed, our layer, what to read).
FIG5 = [
    ("entry flow, conv 1", "filters", "32", "block1_conv1_conv", "filters"),
    ("entry flow, conv 1", "stride", "2", "block1_conv1_conv", "stride"),
    ("entry flow, conv 2", "filters", "64", "block1_conv2_conv", "filters"),
    ("entry flow, module 1", "separable filters", "128", "block2_sepconv2", "filters"),
    ("entry flow, module 2", "separable filters", "256", "block3_sepconv2", "filters"),
    ("entry flow, module 3", "separable filters", "728", "block4_sepconv2", "filters"),
    ("entry flow output", "size (H)", "19", "block4_add", "H"),
    ("entry flow output", "size (W)", "19", "block4_add", "W"),
    ("entry flow output", "size (C)", "728", "block4_add", "C"),
    ("middle flow", "repeats", "8", None, "repeats"),
    ("middle flow", "separable filters", "728", "block12_sepconv3", "filters"),
    ("middle flow output", "size (C)", "728", "block12_add", "C"),
    ("exit flow, module", "1st separable filters", "728", "block13_sepconv1", "filters"),
    ("exit flow, module", "2nd separable filters", "1024", "block13_sepconv2", "filters"),
    ("exit flow", "separable filters (1)", "1536", "block14_sepconv1", "filters"),
    ("exit flow", "separable filters (2)", "2048", "block14_sepconv2", "filters"),
    ("exit flow output", "dimensions", "2048", "avg_pool", "C"),
]
FIG5_CELLS = [Published(T_FIG5, row, column, printed,
                        convention="299x299x3 input; the module rows give the last separable "
                                   "convolution's width")
              for row, column, printed, *_ in FIG5]


def _fig5() -> tuple[dict, str]:
    built = measure("xception")
    model = built.model
    ours = {}
    for row, column, _, layer, what in FIG5:
        if what == "repeats":
            # only the middle flow's modules have a third separable convolution
            ours[(row, column)] = sum(layer.name.endswith("_sepconv3") for layer in model.layers)
            continue
        layer = model.get_layer(layer)
        if what == "filters":
            ours[(row, column)] = layer.filters
        elif what == "stride":
            ours[(row, column)] = layer.strides[0]
        else:
            shape = layer.output.shape[1:]
            ours[(row, column)] = shape[-1] if what == "C" else shape["HW".index(what)]
    details = (f"Our `{built.call}`: {built.profile.total('trainable'):,} trainable parameters, "
               f"{built.profile.macs / 1e9:.3f} G multiply-adds at 299x299, 36 convolutions "
               "(34 separable, the two entry convolutions; plus four 1x1 shortcut projections).")
    return ours, details


TABLE3 = [
    Published(T3, "Inception V3", "parameter count", "23,626,728", model="inception-v3",
              metric=PARAMS.described("'reported on ImageNet (1000 classes, no fully-connected "
                                      "layers)': trainable parameters, the logistic "
                                      "regression layer included"),
              deviation=Deviation(
                  "no counting of the released Inception-v3 gives it, under the convention "
                  "that gives Xception's 22,855,952 exactly or any other",
                  "the released Inception-v3 (TF-slim inception_v3.py, keras.applications "
                  "InceptionV3, whose weights copied into ours give equal outputs): 23,817,352 "
                  "trainable parameters (batch norm without gamma), 23,834,568 with a gamma per "
                  "channel, 23,799,136 weights, 23,851,784 with the moving statistics; the "
                  "differences to 23,626,728 (190,624; 207,840) are no layer's count, so "
                  "Chollet's Inception V3 is not the released network",
                  corrected="23,817,352", kind="other-network")),
    Published(T3, "Xception", "parameter count", "22,855,952", model="xception",
              metric=PARAMS.described("'reported on ImageNet (1000 classes, no fully-connected "
                                      "layers)': trainable parameters (weights, batch-norm "
                                      "gamma/beta, the logistic regression layer's biases)")),
]


def _table3_details() -> str:
    return ("The steps/second column (31 and 28, on 60 NVIDIA K80 GPUs, Sec. 4.2) is a "
            "measurement of their training setup, not of the network, and is not reproduced "
            f"here. Xception's total with batch-norm statistics: "
            f"{measure('xception').profile.params:,} (Keras' count_params).")


_MODELS = {"Inception V3": "inception-v3", "Xception": "xception"}
TABLE1 = [cell for network, top1, top5 in [
    ("VGG-16", "0.715", "0.901"), ("ResNet-152", "0.770", "0.933"),
    ("Inception V3", "0.782", "0.941"), ("Xception", "0.790", "0.945")]
    for cell in (_error(T1, network, "top-1 accuracy", top1, "", model=_MODELS.get(network)),
                 _error(T1, network, "top-5 accuracy", top5, "", model=_MODELS.get(network)))]

JFT = ("JFT is Google-internal, so these cells cannot be run outside Google; no run-to-run "
       "spread is published for it, so the tolerance is the printed rounding (half a unit)")
TABLE2 = [Published(T2, network, "FastEval14k MAP@100", value, kind="accuracy",
                    rounding="tolerance", tolerance=0.005, tolerance_reason=JFT)
          for network, value in [("Inception V3 - no FC layers", "6.36"),
                                 ("Xception - no FC layers", "6.70"),
                                 ("Inception V3 with FC layers", "6.50"),
                                 ("Xception with FC layers", "6.78")]]

TABLES = [
    TableSpec("fig5", "Figure 5: entry, middle and exit flows", T_FIG5, FIG5_CELLS, _fig5),
    TableSpec("table3", "Table 3: parameter count", T3, TABLE3, details=_table3_details),
    TableSpec("table1", "Table 1: ImageNet accuracy (single crop, single model)", T1, TABLE1),
    TableSpec("table2", "Table 2: JFT FastEval14k MAP@100", T2, TABLE2),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
