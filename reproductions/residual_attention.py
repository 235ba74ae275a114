"""Residual Attention Network (Wang et al. 2017) and the other rows of the lecture's
attention and feature-map tables (lecture 002): the attention networks' depths, the
released Attention-56/92 checked against the authors' prototxts, their ImageNet errors,
and CMPE-SE-WRN (Hu et al. 2018): its parameters (the authors' README table and the
lecture's "36.90 M"), and the lecture's depth column "152 152", which is SENet's, not a
WRN-28's.

Parameters of the RAN rows count what the authors' Caffe counts: their ``BN`` layers keep
the moving statistics as blobs, so "parameters" include them (Attention-56: 31,883,432,
31.9M); our ``attention-56``/``attention-92`` equal the released prototxts layer for layer
(31,810,728 and 52,466,344 trainable parameters; 6.271 and 10.534 G multiply-adds).

Not checked, with the reason: the CIFAR models' parameters (Table 5: Attention-92 1.9M,
-236 5.1M, -452 8.6M, the last also in lecture 002). The paper names their depth and
hyper-parameters (p, t, r; 6 modules per stage for 452) but not their widths, and the
authors released no CIFAR model; our reconstruction (the widths of pre-activation
ResNet-164) has the right depths but 1.8M, 4.8M and 9.4M parameters (see the details), so
the printed counts cannot be used to check it. The lecture's first CMPE-SE figure
"36.92 M" is no CMPE-SE-WRN-28-10 form's CIFAR-10 count under either convention; the 3x3
inner-imaging form with a CIFAR-100 head has 36,924,780 (see the details), unconfirmed.
"""

from __future__ import annotations

import keras

from reproductions._attention import DEPTH, MACS, TRAINABLE, accuracy
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import ALL_PARAMS, Metric, measure

KEY = "residual-attention"
PAPER = ("Wang et al., Residual Attention Network for Image Classification, CVPR 2017 "
         "(arXiv:1704.06904); Hu et al., Competitive Inner-Imaging Squeeze and Excitation for "
         "Residual Network, 2018 (arXiv:1807.08920)")

README = ("Wang et al. 2017, reference code README (fwang91/residual-attention-network), "
          "'Main Performance' on the ImageNet validation set")
PROTOTXT = ("Wang et al. 2017, released models Attention-56-deploy.prototxt and "
            "Attention-92-deploy.prototxt (fwang91/residual-attention-network): the depth in "
            "the name (Sec. 4.1: 'Attention-56', 'Attention-92')")
L002_ATT = ("Lecture 002, table '(7) Attention based CNNs', row 'Residual Attention Neural "
            "Network' (Wang et al. 2017a)")
L002_CMPE = ("Lecture 002, table '(4) Feature-Map (ChannelFMap) Exploitation based CNNs', row "
             "'Competitive Squeeze & Excitation Network CMPE-SE-WRN-28' (Hu et al. 2018b)")
CMPE_README = ("Hu et al. 2018, reference code README (scut-aitcm/CompetitiveSENet), table "
               "'Error rates (%) of Wide Residual Networks ... on CIFAR10/100' "
               "(pictures/cmpe_se_wrn_table.png)")

CAFFE_PARAMS = ALL_PARAMS.described("parameters as the authors' Caffe counts them: weights "
                                    "and the BN layers' scale, shift and moving statistics")
MXNET_PARAMS = ALL_PARAMS.described("parameters as the authors' MXNet collect_params() "
                                    "counts them: weights and every BatchNorm's gamma, beta, "
                                    "running mean and variance")


def _wrn_depth(m) -> int:
    """d of WRN-d-k as Zagoruyko & Komodakis count it: the convolutions of the network,
    the three 1x1 projections included, the attention modules' own layers excluded."""
    return sum(1 for layer in m.model.layers if isinstance(layer, keras.layers.Conv2D)
               and "_cmpe_" not in layer.name and "_se_" not in layer.name)


WRN_DEPTH = Metric("depth d of WRN-d-k: convolutions including the three 1x1 projection "
                   "shortcuts (Zagoruyko & Komodakis 2016, Table 1), attention layers "
                   "excluded", _wrn_depth)

SKNET_T2 = ("Li et al. 2019 (SKNet), Table 2, row 'Attention-92' (Wang et al.'s figures, as "
            "printed in the SKNet authors' README)")
_ATT92 = ("not the released Attention-92: the authors' Attention-92-deploy.prototxt has "
          "52,466,344 trainable parameters (52,599,976 with the BN statistics) and 10.534 G "
          "multiply-adds; our attention-92 equals it layer for layer (tests/test_attention.py)")
_ATT92_EVIDENCE = ("parameters and multiply-adds counted from the prototxt's layers; the same "
                   "count gives Attention-56 31,810,728 trainable (31,883,432 with the BN "
                   "statistics: 31.9M) and 6.271 G")

RELEASED = [
    Published(PROTOTXT, "Attention-56", "depth", "56", model="attention-56", metric=DEPTH),
    Published(PROTOTXT, "Attention-92", "depth", "92", model="attention-92", metric=DEPTH),
    Published(SKNET_T2, "Attention-92", "#P", "51.3", "M", model="attention-92",
              metric=CAFFE_PARAMS, deviation=Deviation(_ATT92, _ATT92_EVIDENCE,
                                                       corrected="52.6", kind="other-network")),
    Published(SKNET_T2, "Attention-92", "GFLOPs", "10.43", "G", model="attention-92",
              metric=MACS, deviation=Deviation(_ATT92, _ATT92_EVIDENCE, corrected="10.53",
                                               kind="other-network")),
    accuracy(README, "Attention-56 (224x224)", "top-1 error", "21.76"),
    accuracy(README, "Attention-56 (224x224)", "top-5 error", "5.9"),
    accuracy(README, "Attention-92 (320x320)", "top-1 error", "19.5"),
    accuracy(README, "Attention-92 (320x320)", "top-5 error", "4.8"),
]

LECTURE_ATT = [
    Published(L002_ATT, "Residual Attention Neural Network", "Depth", "452",
              model="attention-452", metric=DEPTH),
    accuracy(L002_ATT, "Residual Attention Neural Network", "CIFAR-10 error", "3.90"),
    accuracy(L002_ATT, "Residual Attention Neural Network", "CIFAR-100 error", "20.4"),
    accuracy(L002_ATT, "Residual Attention Neural Network", "ImageNet error", "4.8"),
]

_SENET_DEPTH = Deviation(
    "the depth column repeats the row above it (Squeeze & Excitation Networks, 152: SENet "
    "is SE-ResNeXt-152); a WRN-28-10 is 28 layers deep",
    "Hu et al. 2018 name the network CMPE-SE-WRN-28-10 (the authors' code: "
    "cmpe_se_1x1_wrn28_10, num_layers=28, width_factor=10); the lecture's own row label "
    "says WRN-28", corrected="28", kind="copied-row")

LECTURE_CMPE = [
    Published(L002_CMPE, "CMPE-SE-WRN-28", "Parameters (second figure)", "36.90", "M",
              model="cmpe-se-wrn-28-10", metric=MXNET_PARAMS),
    Published(L002_CMPE, "CMPE-SE-WRN-28", "Depth (first figure)", "152",
              model="cmpe-se-wrn-28-10", metric=WRN_DEPTH, deviation=_SENET_DEPTH),
    Published(L002_CMPE, "CMPE-SE-WRN-28", "Depth (second figure)", "152",
              model="cmpe-se-wrn-28-10", metric=WRN_DEPTH, deviation=_SENET_DEPTH),
    accuracy(L002_CMPE, "CMPE-SE-WRN-28", "CIFAR-10 error", "3.58"),
    accuracy(L002_CMPE, "CMPE-SE-WRN-28", "CIFAR-100 error", "18.47"),
]

# (row, registry name, params printed, CIFAR-10 error, CIFAR-100 error)
_CMPE_ROWS = [
    ("WRN-22-10", "wrn-22-10", "26.8", "4.44", "20.75"),
    ("WRN-28-10", "wrn-28-10", "36.5", "4.17", "20.50"),
    ("SE-WRN-22-10", "se-wrn-22-10", "27.0", "4.09", "19.52"),
    ("SE-WRN-28-10", "se-wrn-28-10", "36.8", "3.88", "19.05"),
    ("CMPE-SE-WRN-16-8 (1x1 pair-view)", "cmpe-se-wrn-16-8", "11.1", "4.20", "19.77"),
    ("CMPE-SE-WRN-22-10 (1x1 pair-view)", "cmpe-se-wrn-22-10", "27.1", "3.75", "18.86"),
    ("CMPE-SE-WRN-28-10 (double FC)", "cmpe-se-wrn-28-10-double-fc", "37.0", "3.66", "18.69"),
    ("CMPE-SE-WRN-28-10 (2x1 pair-view)", "cmpe-se-wrn-28-10-2x1", "36.8", "3.73", "18.71"),
    ("CMPE-SE-WRN-28-10 (1x1 pair-view)", "cmpe-se-wrn-28-10", "36.9", "3.58", "18.55"),
]
CMPE_TABLE = []
for _row, _model, _params, _c10, _c100 in _CMPE_ROWS:
    CMPE_TABLE += [Published(CMPE_README, _row, "# params", _params, "M", model=_model,
                             metric=MXNET_PARAMS),
                   accuracy(CMPE_README, _row, "C10 error", _c10),
                   accuracy(CMPE_README, _row, "C100 error", _c100)]


def _cifar_details() -> str:
    rows = []
    for name, printed in (("attention-cifar-92", "1.9"), ("attention-236", "5.1"),
                          ("attention-452", "8.6")):
        m = measure(name)
        rows.append(f"| `{name}` | {DEPTH(m)} | {printed} | {TRAINABLE(m) / 1e6:.2f} | "
                    f"{m.profile.params / 1e6:.2f} | {m.profile.macs / 1e9:.3f} |")
    return ("CIFAR networks (not checked: the paper gives no CIFAR widths; our "
            "reconstruction, see the module docstring):\n\n| model | depth | printed params "
            "(M) | ours trainable (M) | ours all (M) | GMACs |\n|---|---|---|---|---|---|\n"
            + "\n".join(rows))


def _cmpe_details() -> str:
    rows = []
    for name in ("cmpe-se-wrn-28-10", "cmpe-se-wrn-28-10-2x1", "cmpe-se-wrn-28-10-double-fc",
                 "cmpe-se-wrn-28-10-3x3", "se-wrn-28-10"):
        m, m100 = measure(name), measure(name, classes=100)
        rows.append(f"| `{name}` | {TRAINABLE(m) / 1e6:.3f} | {m.profile.params / 1e6:.3f} | "
                    f"{m100.profile.params / 1e6:.3f} |")
    return ("Every CMPE-SE-WRN-28-10 form in millions of parameters: CIFAR-10 head trainable "
            "and with the BN statistics (MXNet's count), and CIFAR-100 head with them. The "
            "lecture's first figure 36.92 is no CIFAR-10 form's count; it equals the 3x3 "
            "inner-imaging form with a CIFAR-100 head (36,924,780), which would pair it with the "
            "row's CIFAR-100 error, but the paper's own table could not be read to confirm "
            "it, so it stays unchecked:\n\n| model | C10 trainable | C10 all | C100 all |\n"
            "|---|---|---|---|\n" + "\n".join(rows))


TABLES = [
    TableSpec("released", "Attention-56/92: depth, complexity and ImageNet errors", PROTOTXT,
              RELEASED),
    TableSpec("lecture002_attention", "Lecture 002: Residual Attention Network row", L002_ATT,
              LECTURE_ATT, details=_cifar_details),
    TableSpec("lecture002_cmpe", "Lecture 002: CMPE-SE-WRN-28 row", L002_CMPE, LECTURE_CMPE,
              details=_cmpe_details),
    TableSpec("cmpe_readme", "CMPE-SE: Wide ResNets on CIFAR (the authors' table)",
              CMPE_README, CMPE_TABLE),
]
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
