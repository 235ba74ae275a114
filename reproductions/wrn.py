"""Wide Residual Networks (Zagoruyko & Komodakis 2016): the CIFAR comparison table of the
lecture (lecture notes 004 slide "Wide Residual Network", same table in lecture notes 002
"Wide ResNet"), every params cell including the baseline rows, and the lecture's
identity-mapping shortcut study (He et al. 2016, lecture notes 004)."""

from __future__ import annotations

from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import TRAINABLE, measure
from reproductions.resnet_evidence import (PREACT1001_EVIDENCE, PREACT1001_REASON,
                                           RESNET1202_EVIDENCE)

KEY = "wrn"
PAPER = ("Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016 (arXiv:1605.07146); "
         "He et al., Identity Mappings in Deep Residual Networks, ECCV 2016 (arXiv:1603.05027)")

WRN_SOURCE = ("Zagoruyko & Komodakis 2016, CIFAR test error vs. other methods, as in lecture 004 "
              "slide 'Wide Residual Network' (and 002 'Wide ResNet')")
STUDY_SOURCE = ("Lecture 004 slide 'what if shortcut mapping h != identity?' (He et al. 2016, "
                "Table 1 / Fig. 2), ResNet-110 on CIFAR-10")
PARAMS = ("trainable parameters: conv/FC weights, FC bias, batch-norm gamma/beta "
          "(moving statistics not counted), CIFAR-10 head")
PARAMS_METRIC = TRAINABLE.described(PARAMS)

_DEVIATION_1202 = Deviation(
    "ResNet-1202 is given the 10.2M of the 1001-layer pre-activation ResNet; the 6n+2 net "
    "with n=200 has 19.4M", RESNET1202_EVIDENCE, corrected="19.4")
_DEVIATION_1001 = Deviation(PREACT1001_REASON, PREACT1001_EVIDENCE, corrected="10.3")

# (row label, registry name, printed params, deviation, CIFAR-10 error, CIFAR-100 error);
# None = "-".
_ROWS = [
    ("original-ResNet 110", "resnet-110", "1.7M", None, "6.43", "25.16"),
    ("original-ResNet 1202", "resnet-1202", "10.2M", _DEVIATION_1202, "7.93", "27.82"),
    ("stoc-depth 110", "stochastic-depth-resnet-110", "1.7M", None, "5.23", "24.58"),
    ("stoc-depth 1202", "stochastic-depth-resnet-1202", "10.2M", _DEVIATION_1202, "4.91", None),
    ("pre-act-ResNet 110", "preact-resnet-110", "1.7M", None, "6.37", None),
    ("pre-act-ResNet 164", "preact-resnet-164", "1.7M", None, "5.46", "24.33"),
    ("pre-act-ResNet 1001", "preact-resnet-1001", "10.2M", _DEVIATION_1001, "4.92(4.64)", "22.71"),
    ("WRN-40-4", "wrn-40-4", "8.9M", None, "4.53", "21.18"),
    ("WRN-16-8", "wrn-16-8", "11.0M", None, "4.27", "20.43"),
    ("WRN-28-10", "wrn-28-10", "36.5M", None, "4.00", "19.25"),
]


def _wrn_cells():
    cells = []
    for row, model, params, deviation, c10, c100 in _ROWS:
        cells.append(Published(WRN_SOURCE, row, "# params", params.rstrip("M"), "M",
                               deviation=deviation, model=model, metric=PARAMS_METRIC))
        for column, printed in (("CIFAR-10 error", c10), ("CIFAR-100 error", c100)):
            if printed is not None:
                cells.append(Published(WRN_SOURCE, row, column, printed, "%", kind="accuracy"))
    return cells


#: The study's variants: (lecture label, ``ResNetCIFAR(shortcut_mapping=...)``, printed error).
STUDY = [
    ("h(x) = x", "identity", "6.6"),
    ("h(x) = 0.5x", "scaled", "12.4"),
    ("h(x) = gate * x (exclusive gating)", "gated", "8.7"),
    ("h(x) = conv(x)", "conv", "12.2"),
    ("h(x) = gate * x (shortcut-only gating)", "shortcut_gated", "12.9"),
    ("h(x) = dropout(x)", "dropout", "> 20"),
]

STUDY_CELLS = [
    Published(STUDY_SOURCE, label, "CIFAR-10 error", printed, "%", kind="accuracy",
              convention=f"keras_cnns.ResNetCIFAR(110, shortcut_mapping={mapping!r})")
    for label, mapping, printed in STUDY]


def _nets() -> str:
    return "Nets counted:\n\n" + "\n".join(f"- {row}: `{measure(model).call}`"
                                           for row, model, *_ in _ROWS)


def _study_details() -> str:
    return ("Each variant is `keras_cnns.ResNetCIFAR(110, shortcut_mapping=...)`; "
            "the mapping replaces every identity shortcut, while the three "
            "downsampling shortcuts stay option A.")


TABLES = [
    TableSpec("wrn_table", "CIFAR-10/100 test error (%) with depth-k and parameters",
              WRN_SOURCE, _wrn_cells(), details=_nets),
    TableSpec("identity_mappings", "Shortcut mappings h(x) of ResNet-110 on CIFAR-10 (error %)",
              STUDY_SOURCE, STUDY_CELLS, details=_study_details),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
