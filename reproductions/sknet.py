"""SKNet (Li et al. 2019): Table 2, ImageNet single-crop results with parameters and GFLOPs,
as the authors' reference code README prints it (``implus/SKNet``), and the SK unit's
structure (Table 1's SK[M=2, G=32, r=16], Eq. 4's fuse width) read from SKNet-50.

Two counting conventions meet in this table, and the note of each cell names its own:
SKNet's rows count conv/fc multiply-adds plus the SK units' weighted sum of branches
(SKNet-50 4.47 G, SKNet-101 8.46 G; multiply-adds alone give 4.46 and 8.45), and the
baseline rows, quoted from their papers (ResNeXt, SENet, CBAM), count multiply-adds plus
one op per batch-norm output (ResNeXt-50 4.24, where multiply-adds alone give 4.23). The
authors' ``sknet50.prototxt`` has exactly our SKNet-50's 27,479,784 parameters and
4.4627 G multiply-adds.

Not checked, with the reason: the parameters of the quoted baselines SENet-50 (27.7M),
ResNeXt-50 + CBAM (27.7M), ResNeXt-101 (44.3M), ResNeXt-101 + CBAM and SENet-101 (49.2M)
follow from none of their papers' architectures (SE-ResNeXt-50 has 27.56M, see
``reproductions.resnest``, which checks the same figures in ResNeSt's Table 3); BAM, DPN and
Inception rows are not built here.
"""

from __future__ import annotations

from reproductions._attention import (MACS_BN, SELECT_OPS, TRAINABLE,
                                      accuracy)
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import measure

KEY = "sknet"
PAPER = "Li, Wang, Hu & Yang, Selective Kernel Networks, CVPR 2019 (arXiv:1903.06586)"

T2 = ("Li et al. 2019, Table 2 'Single crop validation error on ImageNet-1k', as printed in "
      "the authors' reference code README (implus/SKNet)")
T1 = ("Li et al. 2019, Table 1 / Sec. 3: SKNet-50's SK units 'SK[M = 2, G = 32, r = 16]', "
      "fuse width d = max(C/r, L), L = 32 (Eq. 4)")

PARAMS = TRAINABLE.described("trainable parameters: weights, batch-norm gamma/beta (moving "
                             "statistics not counted), as SKNet-50's 27.5M")
SK_GFLOPS = SELECT_OPS
BASE_GFLOPS = MACS_BN

_ATT92 = Deviation(
    "not the released Attention-92: the authors' Attention-92-deploy.prototxt "
    "(fwang91/residual-attention-network) has 52,466,344 trainable parameters and 10.534 G "
    "multiply-adds (our attention-92 equals it layer for layer)",
    "parameters and multiply-adds counted from the prototxt's layers: conv weights + 2 per "
    "BN channel (the same count gives Attention-56 31,810,728, 31,883,432 with the BN "
    "statistics, and 6.271 G)",
    kind="other-network")


def _att92(corrected: str) -> Deviation:
    return Deviation(_ATT92.reason, _ATT92.evidence, corrected=corrected, kind=_ATT92.kind)


_SK101 = Deviation(
    "counts the batch-norm moving statistics, unlike SKNet-50's 27.5M in the same column",
    "sknet101.prototxt: 48,686,760 trainable parameters, 48,859,304 with the BN statistics; "
    "sknet50.prototxt: 27,479,784 trainable (27.5M), 27,564,328 with them (27.6M); our "
    "SKNet-101 keeps Eq. 4's d = 32 in conv3 where the prototxt has 16: 48,736,040",
    corrected="48.7", kind="arithmetic")

# (row, registry name, params printed, params deviation, GFLOPs printed, GFLOPs metric,
#  GFLOPs deviation, top-1 224, top-1 320); None = not checked / "-".
_ROWS = [
    ("ResNeXt-50", "resnext-50-32x4d", "25.0", None, "4.24", BASE_GFLOPS, None, "22.23",
     "21.05"),
    ("ResNeXt-50 + CBAM", "cbam-resnext-50-32x4d", None, None, "4.25", BASE_GFLOPS, None,
     "21.40", "20.38"),
    ("SENet-50", "se-resnext-50-32x4d", None, None, "4.25", BASE_GFLOPS, None, "21.12",
     "19.71"),
    ("SKNet-50", "sknet-50", "27.5", None, "4.47", SK_GFLOPS, None, "20.79", "19.32"),
    ("ResNeXt-101", "resnext-101-32x4d", None, None, "7.99", BASE_GFLOPS, None, "21.11",
     "19.86"),
    ("Attention-92", "attention-92", "51.3", _att92("52.5"), "10.43",
     BASE_GFLOPS.described("multiply-adds of conv and fc layers plus one op per batch-norm "
                           "output"), _att92("10.56"), None, "19.50"),
    ("ResNeXt-101 + CBAM", "cbam-resnext-101-32x4d", None, None, "8.00", BASE_GFLOPS, None,
     "20.60", "19.42"),
    ("SENet-101", "se-resnext-101-32x4d", None, None, "8.00", BASE_GFLOPS, None, "20.58",
     "18.61"),
    ("SKNet-101", "sknet-101", "48.9", _SK101, "8.46", SK_GFLOPS, None, "20.19", "18.40"),
]


def _table2():
    cells = []
    for row, model, params, p_dev, gflops, metric, g_dev, top224, top320 in _ROWS:
        if params is not None:
            cells.append(Published(T2, row, "#P", params, "M", model=model, metric=PARAMS,
                                   deviation=p_dev))
        cells.append(Published(T2, row, "GFLOPs", gflops, "G", model=model, metric=metric,
                               deviation=g_dev))
        for column, printed in (("Top-1 224x", top224), ("Top-1 320x", top320)):
            if printed is not None:
                cells.append(accuracy(T2, row, column, printed))
    return cells


TABLE2 = _table2()

#: Eq. 4's fuse width per stage of SKNet-50 (C = 128, 256, 512, 1024).
_D = (("conv2", "32"), ("conv3", "32"), ("conv4", "32"), ("conv5", "64"))
STRUCTURE = ([Published(T1, f"SKNet-50 {stage}", "fuse width d", printed,
                        convention="max(C/16, 32), every block of the stage")
              for stage, printed in _D]
             + [Published(T1, "SKNet-50", "M (paths)", "2"),
                Published(T1, "SKNet-50", "G (groups)", "32"),
                Published(T1, "SKNet-50", "r", "16",
                          convention="read back as C/d in conv5 (1024 / 64)")])


def _structure() -> dict:
    model = measure("sknet-50").model
    ours = {}
    for stage, _ in _D:
        widths = {layer.filters for layer in model.layers
                  if layer.name.startswith(f"{stage}_") and layer.name.endswith("_2_fc1_conv")}
        ours[(f"SKNet-50 {stage}", "fuse width d")] = widths.pop() if len(widths) == 1 else -1
    branches = {layer.name.split("_branch")[1].split("_")[0] for layer in model.layers
                if "_branch" in layer.name and layer.name.endswith("_conv")}
    groups = {layer.groups for layer in model.layers
              if "_branch" in layer.name and layer.name.endswith("_conv")}
    ours[("SKNet-50", "M (paths)")] = len(branches)
    ours[("SKNet-50", "G (groups)")] = groups.pop() if len(groups) == 1 else -1
    ours[("SKNet-50", "r")] = 1024 // ours[("SKNet-50 conv5", "fuse width d")]
    return ours


def _details() -> str:
    rows = []
    for row, model, *_ in _ROWS + [("SKNet-26", "sknet-26")]:
        m = measure(model)
        rows.append(f"| {row} | `{model}` | {TRAINABLE(m) / 1e6:.3f} | "
                    f"{m.profile.params / 1e6:.3f} | {m.profile.macs / 1e9:.4f} | "
                    f"{MACS_BN(m) / 1e9:.4f} | {SELECT_OPS(m) / 1e9:.4f} |")
    return ("Our figures under each convention (parameters in millions: trainable, and with "
            "the BN moving statistics; GFLOPs: multiply-adds, + BN outputs, + SK select):\n\n"
            "| row | registry name | trainable | all | MACs | MACs + BN | MACs + select |\n"
            "|---|---|---|---|---|---|---|\n" + "\n".join(rows))


TABLES = [
    TableSpec("table2", "Table 2: ImageNet results, parameters and GFLOPs", T2, TABLE2,
              details=_details),
    TableSpec("table1", "Table 1: SKNet-50's SK units", T1, STRUCTURE, _structure),
]
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
