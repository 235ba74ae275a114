"""DenseNet (Huang et al. 2017): the CIFAR/SVHN table of the lecture (lecture notes 004,
slide "DenseNet", the paper's Table 2), every params cell of the DenseNet, DenseNet-BC and
buildable baseline rows, the depth of the DenseNet rows, and Table 1's ImageNet depths."""

from __future__ import annotations

import keras_cnns
from reproductions._graph import deepest
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.evidence import CONV_FC_WEIGHTS, RESNET1202_PARAMS
from reproductions.measure import TRAINABLE, Metric
from reproductions.spreads import (CIFAR10, CIFAR10_PLAIN, CIFAR100, CIFAR100_PLAIN, SVHN,
                                   accuracy)

KEY = "densenet"
PAPER = "Huang et al., Densely Connected Convolutional Networks, CVPR 2017 (arXiv:1608.06993)"

T2 = ("Huang et al. 2017 (arXiv:1608.06993), Table 2 'Error rates (%) on CIFAR and SVHN' "
      "('The test errors were only evaluated once', Sec. 4.2), as in lecture 004 slide "
      "'DenseNet'")
T1 = "Huang et al. 2017, Table 1 'DenseNet architectures for ImageNet' (layer names DenseNet-121..264)"
PARAMS = ("trainable parameters: conv/FC weights, FC bias, batch-norm gamma/beta "
          "(moving statistics not counted), 10-class head")
DEPTH = "weight layers: Conv2D and Dense layers of our model"
PARAMS_METRIC = TRAINABLE.described(PARAMS)
DEPTH_METRIC = Metric(DEPTH, lambda m: len(m.profile.select(("Conv2D", "Dense"))))
COLUMNS = ("C10", "C10+", "C100", "C100+", "SVHN")

_DEVIATION_1202 = RESNET1202_PARAMS
#: FractalNet's depth: the 20 convolutions of the deepest column plus the classifier.
FRACTAL_DEPTH = Metric("weight layers on the deepest path of our model: the deepest column's "
                       "2^(C-1) = 4 convs in each of the B = 5 blocks, plus the classifier "
                       "(20 + 1 = 21; FractalNet's own name counts the 20 convs)",
                       lambda m: deepest(m.model))
_DEPTH_METRICS = {"fractalnet-20": FRACTAL_DEPTH}
FRACTAL_PARAMS = Deviation(
    "the count does not follow from the net FractalNet's Sec. 4 describes (and Table 1 names "
    "'20 layers'); DenseNet's table copies it from FractalNet's Table 1. No variant reaches it: "
    "conv biases or batch-norm parameters change it by under 0.05M, 100 classes by 46K, and "
    "the 4-column (40-layer) net of the same widths has 76.1M; the cause is not printed",
    "C = 3 columns hold 1 + 2 + 4 = 7 3x3 convs per block, C = 3 of them on the block's "
    "input: 9*(3*3*64 + 4*64*64) + 9*(3*64*128 + 4*128*128) + 9*(3*128*256 + 4*256*256) "
    "+ 9*(3*256*512 + 4*512*512) + 9*7*512*512 = 33,698,880 conv weights, + 2*7*1,472 "
    "batch-norm gamma/beta (20,608) + the 512x10 classifier with bias (5,130) = 33,724,618 = "
    "33.7M; "
    "an independent implementation (osmr/imgclsmob, fractalnet_cifar10) asserts 33,724,618 "
    "trainable parameters", corrected="33.7", kind="unexplained")
#: The spread of each column: without augmentation (C10, C100), with it (C10+, C100+), SVHN.
SPREADS = dict(zip(COLUMNS, (CIFAR10_PLAIN, CIFAR10, CIFAR100_PLAIN, CIFAR100, SVHN)))
_EARLY_SD = ("as printed by the first arXiv version of Huang et al. 2016 "
             "(arXiv:1603.09382v1); the later versions print 5.25 (C10+) and 24.98 (C100+)")
#: Notes on the cells of some rows (where they come from).
_ROW_NOTES = {
    "ResNet (reported by [13]) 110": "the constant-depth ResNet of Huang et al. 2016 (their "
                                     "reproduction of He et al.)",
    "ResNet with Stochastic Depth 110": _EARLY_SD,
    "Wide ResNet with Dropout 16 (WRN-16-8)": "C10+/C100+ are WRN Table 4's (ZCA "
                                              "preprocessing, no dropout named)",
    "Wide ResNet with Dropout 28 (WRN-28-10)": "C10+/C100+ are WRN Table 4's (ZCA "
                                               "preprocessing, no dropout named)",
    "Wide ResNet with Dropout 16 (WRN-16-4)": "WRN Table 6, with dropout 0.4",
    "FractalNet [17] 21": "FractalNet Table 1's 20-layer net without dropout and drop-path: "
                          "FractalNet(depth=20, dropout=0.0, drop_path=0.0, global_rate=0.0)",
    "with Dropout/Drop-path 21": "FractalNet Table 1's 20-layer net with dropout (0-40% per "
                                 "block) and drop-path (local 0.15, half the batches global)",
}
#: Cells with their paper's own spread.
_OWN = {("ResNet (pre-activation) 1001", "C10+"): CIFAR10.own(
            0.20, "He et al. 2016b Table 4: ResNet-1001 at batch 64, 4.62 (4.69±0.20), median "
                  "(mean±std) of 5 runs"),
        ("ResNet (pre-activation) 1001", "C100+"): CIFAR100.own(
            0.22, "He et al. 2016b Table 4: ResNet-1001 22.71 (22.68±0.22)"),
        ("ResNet [11] 110", "C10+"): CIFAR10.own(
            0.16, "He et al. 2016 Table 6: ResNet-110 6.43 (6.61±0.16), best (mean±std) of 5 "
                  "runs; 6.61 is the mean")}

# (row, registry name, depth, params, deviation, five errors as printed)
_ROWS = [
    ("ResNet [11] 110", "resnet-110", "110", "1.7M", None, ("-", "6.61", "-", "-", "-")),
    ("ResNet (reported by [13]) 110", "resnet-110", "110", "1.7M", None,
     ("13.63", "6.41", "44.74", "27.22", "2.01")),
    ("ResNet with Stochastic Depth 110", "stochastic-depth-resnet-110", "110", "1.7M", None,
     ("11.66", "5.23", "37.80", "24.58", "1.75")),
    ("ResNet with Stochastic Depth 1202", "stochastic-depth-resnet-1202", "1202", "10.2M",
     _DEVIATION_1202, ("-", "4.91", "-", "-", "-")),
    ("Wide ResNet with Dropout 16 (WRN-16-8)", "wrn-16-8", "16", "11.0M", None,
     ("-", "4.81", "-", "22.07", "-")),
    ("Wide ResNet with Dropout 28 (WRN-28-10)", "wrn-28-10", "28", "36.5M", None,
     ("-", "4.17", "-", "20.50", "-")),
    ("Wide ResNet with Dropout 16 (WRN-16-4)", "wrn-16-4", "16", "2.7M", None,
     ("-", "-", "-", "-", "1.64")),
    ("ResNet (pre-activation) 164", "preact-resnet-164", "164", "1.7M", None,
     ("11.26*", "5.46", "35.58*", "24.33", "-")),
    ("ResNet (pre-activation) 1001", "preact-resnet-1001", "1001", "10.2M", CONV_FC_WEIGHTS,
     ("10.56*", "4.62", "33.47*", "22.71", "-")),
    ("FractalNet [17] 21", "fractalnet-20", "21", "38.6M", FRACTAL_PARAMS,
     ("10.18", "5.22", "35.34", "23.30", "2.01")),
    ("with Dropout/Drop-path 21", "fractalnet-20", "21", "38.6M", FRACTAL_PARAMS,
     ("7.33", "4.60", "28.20", "23.73", "1.87")),
    ("DenseNet (k = 12) 40", "densenet-40-12", "40", "1.0M", None,
     ("7.00", "5.24", "27.55", "24.42", "1.79")),
    ("DenseNet (k = 12) 100", "densenet-100-12", "100", "7.0M", None,
     ("5.77", "4.10", "23.79", "20.20", "1.67")),
    ("DenseNet (k = 24) 100", "densenet-100-24", "100", "27.2M", None,
     ("5.83", "3.74", "23.42", "19.25", "1.59")),
    ("DenseNet-BC (k = 12) 100", "densenet-bc-100-12", "100", "0.8M", None,
     ("5.92", "4.51", "24.15", "22.27", "1.76")),
    ("DenseNet-BC (k = 24) 250", "densenet-bc-250-24", "250", "15.3M", None,
     ("5.19", "3.62", "19.64", "17.60", "1.74")),
    ("DenseNet-BC (k = 40) 190", "densenet-bc-190-40", "190", "25.6M", None,
     ("-", "3.46", "-", "17.18", "-")),
]


def _table2_cells():
    cells = []
    for row, model, depth, params, special, errors in _ROWS:
        if model.startswith(("densenet", "fractalnet")):
            cells.append(Published(T2, row, "Depth", depth, model=model,
                                   metric=_DEPTH_METRICS.get(model, DEPTH_METRIC)))
        metric = special if isinstance(special, Metric) else PARAMS_METRIC
        deviation = special if isinstance(special, Deviation) else None
        cells.append(Published(T2, row, "Params", params.rstrip("M"), "M", deviation=deviation,
                               model=model, metric=metric))
        for column, printed in zip(COLUMNS, errors):
            if printed != "-":
                notes = [_ROW_NOTES.get(row, "")]
                if printed.endswith("*"):
                    notes.append("* = the DenseNet authors' own run")
                cells.append(accuracy(T2, row, column, printed.rstrip("*"),
                                      _OWN.get((row, column), SPREADS[column]), model=model,
                                      convention="; ".join(n for n in notes if n)))
    return cells


_IMAGENET = [("DenseNet-121", "densenet-121", "121", None),
             ("DenseNet-169", "densenet-169", "169", None),
             ("DenseNet-201", "densenet-201", "201", None),
             ("DenseNet-264", "densenet-264", "264", Deviation(
                 "the name does not follow from Table 1's own rows: its blocks of 6, 12, 64 and 48 "
                 "bottleneck layers give 265 weight layers",
                 "2*(6+12+64+48) = 260 convs in the dense blocks, + the 7x7 stem conv, + 3 "
                 "transition convs, + the classifier = 265; the same count gives 121, 169 and "
                 "201 for the other columns (2*58+5, 2*82+5, 2*98+5)", corrected="265",
                 kind="arithmetic"))]


def _call(model: str) -> str:
    """The builder call of a registry model as the details have always printed it.

    The registry gives ``DenseNetBC(depth=100, k=12)`` (depth first since the builder
    contract); the details print the growth rate first, ``DenseNetBC(k=12, depth=100)``.
    """
    info = keras_cnns.model_info(model)
    if info.builder_name == "keras_cnns.DenseNetBC":
        kwargs = dict(info.kwargs)
        return f"keras_cnns.DenseNetBC(k={kwargs['k']!r}, depth={kwargs['depth']!r})"
    return info.call


def _nets() -> str:
    nets = "\n".join(f"- {row}: `{_call(model)}`" for row, model, *_ in _ROWS)
    return ("Nets counted (the rows without a depth are not built; both FractalNet rows "
            "are FractalNet-20, trained with and without dropout and drop-path):\n\n" + nets)


TABLES = [
    TableSpec("table2", "Table 2: error rates (%) on CIFAR and SVHN, depth and params", T2,
              _table2_cells(), details=_nets),
    TableSpec("table1", "Table 1: ImageNet DenseNets (weight layers)", T1,
              [Published(T1, name, "weight layers", depth, deviation=deviation, model=model,
                         metric=DEPTH_METRIC)
               for name, model, depth, deviation in _IMAGENET]),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
