"""DenseNet (Huang et al. 2017): the CIFAR/SVHN table of the lecture (``../shared/seeds/004_*.txt``,
slide "DenseNet", the paper's Table 2), every params cell of the DenseNet, DenseNet-BC and
buildable baseline rows, the depth of the DenseNet rows, and Table 1's ImageNet depths."""

from __future__ import annotations

from reproductions import cifar_nets
from reproductions.cells import Deviation, Published, check_table
from reproductions.resnet_evidence import PREACT1001_EVIDENCE, PREACT1001_REASON, RESNET1202_EVIDENCE

KEY = "densenet"
PAPER = "Huang et al., Densely Connected Convolutional Networks, CVPR 2017 (arXiv:1608.06993)"

T2 = ("Huang et al. 2017, Table 2 'Error rates (%) on CIFAR and SVHN', as in lecture 004 slide "
      "'DenseNet'")
T1 = "Huang et al. 2017, Table 1 'DenseNet architectures for ImageNet' (layer names DenseNet-121..264)"
PARAMS = ("trainable parameters: conv/FC weights, FC bias, batch-norm gamma/beta "
          "(moving statistics not counted), 10-class head")
DEPTH = "weight layers: Conv2D and Dense layers of our model"
COLUMNS = ("C10", "C10+", "C100", "C100+", "SVHN")

_DEVIATION_1202 = Deviation(
    "ResNet-1202 with stochastic depth is given 10.2M, the pre-activation ResNet-1001 figure; "
    "the 6n+2 net with n=200 has 19.4M", RESNET1202_EVIDENCE, corrected="19.4")
_DEVIATION_1001 = Deviation(PREACT1001_REASON, PREACT1001_EVIDENCE, corrected="10.3")

# (row, net key or None if we do not build it, depth, params, deviation, five errors as printed)
_ROWS = [
    ("ResNet [11] 110", "resnet110", "110", "1.7M", None, ("-", "6.61", "-", "-", "-")),
    ("ResNet (reported by [13]) 110", "resnet110", "110", "1.7M", None,
     ("13.63", "6.41", "44.74", "27.22", "2.01")),
    ("ResNet with Stochastic Depth 110", "sd_resnet110", "110", "1.7M", None,
     ("11.66", "5.23", "37.80", "24.58", "1.75")),
    ("ResNet with Stochastic Depth 1202", "sd_resnet1202", "1202", "10.2M", _DEVIATION_1202,
     ("-", "4.91", "-", "-", "-")),
    ("Wide ResNet with Dropout 16 (WRN-16-8)", "wrn_16_8", "16", "11.0M", None,
     ("-", "4.81", "-", "22.07", "-")),
    ("Wide ResNet with Dropout 28 (WRN-28-10)", "wrn_28_10", "28", "36.5M", None,
     ("-", "4.17", "-", "20.50", "-")),
    ("Wide ResNet with Dropout 16 (WRN-16-4)", "wrn_16_4", "16", "2.7M", None,
     ("-", "-", "-", "-", "1.64")),
    ("ResNet (pre-activation) 164", "preact164", "164", "1.7M", None,
     ("11.26*", "5.46", "35.58*", "24.33", "-")),
    ("ResNet (pre-activation) 1001", "preact1001", "1001", "10.2M", _DEVIATION_1001,
     ("10.56*", "4.62", "33.47*", "22.71", "-")),
    ("DenseNet (k = 12) 40", "densenet40_k12", "40", "1.0M", None,
     ("7.00", "5.24", "27.55", "24.42", "1.79")),
    ("DenseNet (k = 12) 100", "densenet100_k12", "100", "7.0M", None,
     ("5.77", "4.10", "23.79", "20.20", "1.67")),
    ("DenseNet (k = 24) 100", "densenet100_k24", "100", "27.2M", None,
     ("5.83", "3.74", "23.42", "19.25", "1.59")),
    ("DenseNet-BC (k = 12) 100", "densenet_bc100_k12", "100", "0.8M", None,
     ("5.92", "4.51", "24.15", "22.27", "1.76")),
    ("DenseNet-BC (k = 24) 250", "densenet_bc250_k24", "250", "15.3M", None,
     ("5.19", "3.62", "19.64", "17.60", "1.74")),
    ("DenseNet-BC (k = 40) 190", "densenet_bc190_k40", "190", "25.6M", None,
     ("-", "3.46", "-", "17.18", "-")),
]


def _table2_cells():
    cells = []
    for row, net, depth, params, deviation, errors in _ROWS:
        if net.startswith("densenet"):
            cells.append(Published(T2, row, "Depth", depth, convention=DEPTH))
        cells.append(Published(T2, row, "Params", params.rstrip("M"), "M", convention=PARAMS,
                               deviation=deviation))
        for column, printed in zip(COLUMNS, errors):
            if printed != "-":
                cells.append(Published(T2, row, column, printed, "%", kind="accuracy",
                                       convention="* = the paper's own run"
                                       if printed.endswith("*") else ""))
    return cells


_IMAGENET = [("DenseNet-121", "densenet121", "121", None),
             ("DenseNet-169", "densenet169", "169", None),
             ("DenseNet-201", "densenet201", "201", None),
             ("DenseNet-264", "densenet264", "264", Deviation(
                 "the name does not follow from Table 1's own rows: its blocks of 6, 12, 64 and 48 "
                 "bottleneck layers give 265 weight layers",
                 "2*(6+12+64+48) = 260 convs in the dense blocks, + the 7x7 stem conv, + 3 "
                 "transition convs, + the classifier = 265; the same count gives 121, 169 and "
                 "201 for the other columns (2*58+5, 2*82+5, 2*98+5)", corrected="265"))]

PUBLISHED = {
    "table2": _table2_cells(),
    "table1": [Published(T1, name, "weight layers", depth, convention=DEPTH, deviation=deviation)
               for name, _, depth, deviation in _IMAGENET],
}


def tables():
    table2 = {}
    for row, net, *_ in _ROWS:
        table2[(row, "Params")] = cifar_nets.trainable(net)
        if net.startswith("densenet"):
            table2[(row, "Depth")] = cifar_nets.weight_layers(net)
    table1 = {(name, "weight layers"): cifar_nets.weight_layers(net) for name, net, *_ in _IMAGENET}
    nets = "\n".join(f"- {row}: `{cifar_nets.describe(net)}`" for row, net, *_ in _ROWS)
    return [
        check_table(KEY, "table2", "Table 2: error rates (%) on CIFAR and SVHN, depth and params",
                    T2, PUBLISHED["table2"], table2,
                    details=("Nets counted (FractalNet and the rows without a depth are not "
                             "built):\n\n" + nets)),
        check_table(KEY, "table1", "Table 1: ImageNet DenseNets (weight layers)", T1,
                    PUBLISHED["table1"], table1),
    ]
