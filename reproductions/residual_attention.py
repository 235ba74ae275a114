"""Residual Attention Network (Wang et al. 2017): the released Attention-56/92 checked
against the authors' prototxts, their ImageNet errors, and CMPE-SE-WRN (Hu et al. 2018): the
parameters and errors of the authors' README table. The survey rows of Khan et al. 2020
(Residual Attention Network, CMPE-SE-WRN-28) are checked in :mod:`reproductions.survey`,
with this module's conventions.

Parameters of the RAN rows count what the authors' Caffe counts: their ``BN`` layers keep
the moving statistics as blobs, so "parameters" include them (Attention-56: 31,883,432,
31.9M); our ``attention-56``/``attention-92`` equal the released prototxts layer for layer
(31,810,728 and 52,466,344 trainable parameters; 6.271 and 10.534 G multiply-adds).

Not checked, with the reason: the CIFAR models' parameters (Table 5: Attention-92 1.9M,
-236 5.1M, -452 8.6M, the last also in Khan et al.'s survey). The paper names their depth and
hyper-parameters (p, t, r; 6 modules per stage for 452) but not their widths, and the
authors released no CIFAR model; our reconstruction (the widths of pre-activation
ResNet-164) has the right depths but 1.8M, 4.8M and 9.4M parameters, so the printed counts
cannot be used to check it (results/survey.md lists them).
"""

from __future__ import annotations

from reproductions._attention import DEPTH, MACS, accuracy
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import ALL_PARAMS

KEY = "residual-attention"
PAPER = ("Wang et al., Residual Attention Network for Image Classification, CVPR 2017 "
         "(arXiv:1704.06904); Hu et al., Competitive Inner-Imaging Squeeze and Excitation for "
         "Residual Network, 2018 (arXiv:1807.08920)")

README = ("Wang et al. 2017, reference code README (fwang91/residual-attention-network), "
          "'Main Performance' on the ImageNet validation set")
PROTOTXT = ("Wang et al. 2017, released models Attention-56-deploy.prototxt and "
            "Attention-92-deploy.prototxt (fwang91/residual-attention-network): the depth in "
            "the name (Sec. 4.1: 'Attention-56', 'Attention-92')")
CMPE_README = ("Hu et al. 2018, reference code README (scut-aitcm/CompetitiveSENet), table "
               "'Error rates (%) of Wide Residual Networks ... on CIFAR10/100' "
               "(pictures/cmpe_se_wrn_table.png)")

CAFFE_PARAMS = ALL_PARAMS.described("parameters as the authors' Caffe counts them: weights "
                                    "and the BN layers' scale, shift and moving statistics")
MXNET_PARAMS = ALL_PARAMS.described("parameters as the authors' MXNet collect_params() "
                                    "counts them: weights and every BatchNorm's gamma, beta, "
                                    "running mean and variance")


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


TABLES = [
    TableSpec("released", "Attention-56/92: depth, complexity and ImageNet errors", PROTOTXT,
              RELEASED),
    TableSpec("cmpe_readme", "CMPE-SE: Wide ResNets on CIFAR (the authors' table)",
              CMPE_README, CMPE_TABLE),
]
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
