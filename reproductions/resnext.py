"""ResNeXt (Xie et al. 2017): the template table (ResNet-50 vs ResNeXt-50 32x4d), the
lecture's one-block parameter arithmetic, Table 3 (cardinality vs width), Table 4 (2x
complexity) and the CIFAR ResNeXt-29 rows (lecture notes 003, 004 and 002; Table 7 of the
paper for 8x64d).
"""

from __future__ import annotations

from reproductions._graph import stage_blocks
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import MACS, WEIGHTS_AND_BIASES, Metric, measure

KEY = "resnext"
PAPER = ("Xie, Girshick, Dollár, Tu & He, Aggregated Residual Transformations for Deep Neural "
         "Networks, CVPR 2017 (arXiv:1611.05431)")
T1 = "Xie et al. 2017, Table 1 (lecture 004, 'ResNeXt-50 (32×4d)' template table)"
T3 = "Xie et al. 2017, Table 3 and its caption; Fig. 5 caption (lecture 004 and 003)"
T4 = "Xie et al. 2017, Table 4 and its caption (lecture 004)"
T7 = "Xie et al. 2017, Table 7 (CIFAR); lecture 002 'Width based Multi-Connection CNNs' table"
LECTURE = "Lecture 003, slide 'Model Capacity (# of parameters)'"

PARAMS = "conv and fc weights and biases; batch-norm γ/β and moving statistics not counted"
FLOPS = "multiply-adds of conv and fc layers; stride on the (grouped) 3x3, as the paper's models"
PARAMS_METRIC = WEIGHTS_AND_BIASES.described(PARAMS)
FLOPS_METRIC = MACS.described(FLOPS)


def _model(depth: int, c: int, d: int) -> str:
    """Registry name of the (depth, C, d) setting; C=1 is the ResNet baseline (1 × 64d)."""
    return f"resnext-{depth}-{c}x{d}d"


STAGES = ("conv2", "conv3", "conv4", "conv5")
_ORDINAL = ("1st", "2nd", "3rd")
# Table 1 as printed: per stage, (1x1, 3x3, 1x1) filters; ResNeXt's 3x3 also prints C=32.
_LAYOUT = {
    "ResNet-50": [(64, 64, 256), (128, 128, 512), (256, 256, 1024), (512, 512, 2048)],
    "ResNeXt-50 (32×4d)": [(128, 128, 256), (256, 256, 512), (512, 512, 1024),
                           (1024, 1024, 2048)],
}
_REPEATS = (3, 4, 6, 3)
_TEMPLATE_MODELS = {"ResNet-50": _model(50, 1, 64), "ResNeXt-50 (32×4d)": _model(50, 32, 4)}


def _template() -> list[Published]:
    cells = []
    for column, stages in _LAYOUT.items():
        for stage, filters, repeats in zip(STAGES, stages, _REPEATS):
            cells.append(Published(T1, f"{stage} blocks", column, str(repeats),
                                   convention="printed '×n' after the bracket"))
            for ordinal, value in zip(_ORDINAL, filters):
                cells.append(Published(T1, f"{stage} {ordinal} conv filters", column,
                                       str(value), convention="every block of the stage"))
            if column.startswith("ResNeXt"):
                cells.append(Published(T1, f"{stage} 3x3 groups", column, "32",
                                       convention="printed 'C=32' in the 3×3 row"))
    models = _TEMPLATE_MODELS
    cells += [
        Published(T1, "# params.", "ResNet-50", "25.5", "M", model=models["ResNet-50"],
                  metric=PARAMS_METRIC),
        Published(T1, "# params.", "ResNeXt-50 (32×4d)", "25.0", "M",
                  model=models["ResNeXt-50 (32×4d)"], metric=PARAMS_METRIC),
        Published(T1, "FLOPs", "ResNet-50", "4.1", "G", model=models["ResNet-50"],
                  metric=FLOPS_METRIC),
        Published(T1, "FLOPs", "ResNeXt-50 (32×4d)", "4.2", "G",
                  model=models["ResNeXt-50 (32×4d)"], metric=FLOPS_METRIC),
    ]
    return cells


# The lecture's arithmetic for one conv2 block (input 256): weights of its three convolutions.
LECTURE_CELLS = [
    Published(LECTURE, "ResNet block: 256×64 + 3×3×64×64 + 64×256", "weights", "70k", "K",
              convention="conv weights of one conv2 block with a 256-channel input"),
    Published(LECTURE, "ResNeXt block: C×(256×d + 3×3×d×d + d×256), C=32, d=4", "weights",
              "70k", "K",
              convention="conv weights of one conv2 block with a 256-channel input"),
]

# Table 3: (depth, C, d, top-1 error as printed). Row labels as printed.
_TABLE3 = [(50, 1, 64, "23.9"), (50, 2, 40, "23.0"), (50, 4, 24, "22.6"), (50, 8, 14, "22.3"),
           (50, 32, 4, "22.2"), (101, 1, 64, "22.0"), (101, 2, 40, "21.7"),
           (101, 4, 24, "21.4"), (101, 8, 14, "21.3"), (101, 32, 4, "21.2")]
#: The preserved-complexity class of each depth, as the captions print it.
_CLASS = {50: ("4.1", "25"), 101: ("7.8", "44")}


def _row(depth: int, c: int, d: int) -> str:
    return f"{'ResNet' if c == 1 else 'ResNeXt'}-{depth} {c} × {d}d"


_CLASS_REASON = ("'~{p}' in the caption is the complexity class of the {depth}-layer "
                 "ResNet baseline, not this setting's count: the settings equalise the "
                 "conv2 block's parameters (C·(256d + 9d² + 256d) ≈ 70k, Table 2), not the "
                 "whole network's {what}")
_FLOPS_DEV = {
    (50, 4, 24): None, (50, 8, 14): None,
    (50, 32, 4): "4.2",  # the paper's own Table 1 figure for ResNeXt-50 (32x4d)
    (101, 4, 24): None, (101, 8, 14): None, (101, 32, 4): None,
}
_FLOPS_EVIDENCE = {
    (50, 32, 4): "the paper's Table 1 prints 4.2×10^9 for this very model (ResNeXt-50 32×4d)",
}
_DEFAULT_FLOPS_EVIDENCE = (
    "FLOPs are not what Table 2 equalises: with the stride on the 3x3, the first 1x1 of each "
    "downsampling block runs at the input resolution with C·d output channels (C·d = 64, 80, "
    "96, 112, 128 for the five settings, Table 2), and d is rounded to an integer (8×14d's "
    "blocks carry +2.6% weights); the paper's own Table 1 prints 4.1 and 4.2 for two members "
    "of the ~4.1 class")
_BLOCK_ARITHMETIC = (
    "Table 2 rounds d to an integer: 8×14d's conv2 block has 8·(256·14 + 9·14² + 14·256) = "
    "71,456 weights vs ResNet's 69,632 (+2.6%), and every later non-first block carries the "
    "same +2.6% (conv3 +7,296, conv4 +29,184, conv5 +116,736), while the four first blocks "
    "carry 370,272 fewer (their 1x1 reduce sees fewer input channels, so the grouped "
    "3x3's saving outweighs the wider 1x1s)")
#: (depth, C, d) -> (evidence, corrected) of the "~25"/"~44" parameter cells off by rounding.
_PARAMS_DEV = {
    (50, 1, 64): ("the paper's own Table 1 prints 25.5×10^6 for this very model (ResNet-50), "
                  "a member of the ~25M class", "25.5"),
    (50, 8, 14): (_BLOCK_ARITHMETIC + "; at depth 50: 2·1,824 + 3·7,296 + 5·29,184 + "
                  "2·116,736 − 370,272 = +34,656 over ResNet-50's 25.5M (Table 1)", "25.5"),
    (101, 8, 14): (_BLOCK_ARITHMETIC + "; at depth 101 the 17 extra conv4 blocks add "
                   "17·29,184 = 496,128: +530,784 in all, ≈ 44.4M + 0.53M", None),
}


def _table3() -> list[Published]:
    cells = []
    for depth, c, d, error in _TABLE3:
        row = _row(depth, c, d)
        flops, params = _CLASS[depth]
        cells.append(Published(T3, row, "cardinality C", str(c), convention="printed 'C × d'"))
        cells.append(Published(T3, row, "bottleneck width d", str(d),
                               convention="printed 'C × d'"))
        cells.append(Published(T3, row, "top-1 error (%)", error, "%", kind="accuracy"))
        key = (depth, c, d)
        flops_dev = None
        if key in _FLOPS_DEV:
            flops_dev = Deviation(
                _CLASS_REASON.format(p=flops, depth=depth, what="FLOPs"),
                _FLOPS_EVIDENCE.get(key, _DEFAULT_FLOPS_EVIDENCE), corrected=_FLOPS_DEV[key])
        cells.append(Published(T3, row, "FLOPs (~, caption)", f"~{flops}", "G",
                               model=_model(*key), metric=FLOPS_METRIC, deviation=flops_dev))
        params_dev = None
        if key in _PARAMS_DEV:
            evidence, corrected = _PARAMS_DEV[key]
            params_dev = Deviation(
                _CLASS_REASON.format(p=params, depth=depth, what="parameters"), evidence,
                corrected=corrected)
        cells.append(Published(T3, row, "params (~, Fig. 5 caption)", f"~{params}", "M",
                               model=_model(*key), metric=PARAMS_METRIC, deviation=params_dev))
    return cells


# Table 4: row, (depth, C, d), top-1, top-5 as printed.
_TABLE4 = [("ResNet-101 1 × 64d", (101, 1, 64), "22.0", "6.0"),
           ("ResNeXt-101 32 × 4d", (101, 32, 4), "21.2", "5.6"),
           ("ResNet-200 1 × 64d", (200, 1, 64), "21.7", "5.8"),
           ("ResNet-101, wider 1 × 100d", (101, 1, 100), "21.3", "5.7"),
           ("ResNeXt-101 2 × 64d", (101, 2, 64), "20.7", "5.5"),
           ("ResNeXt-101 64 × 4d", (101, 64, 4), "20.4", "5.3")]
_TWO_X = _TABLE4[2:]
#: Table 4's baseline: ResNet-101 (1 × 64d).
_BASE4 = _model(101, 1, 64)
#: FLOPs of a model as a multiple of ResNet-101's.
TWO_X_METRIC = Metric("caption: 'FLOPs increased to 2× of ResNet-101's'; " + FLOPS,
                      lambda m: m.profile.macs / measure(_BASE4).profile.macs)


def _table4() -> list[Published]:
    cells = []
    for row, (depth, c, d), top1, top5 in _TABLE4:
        cells.append(Published(T4, row, "cardinality C", str(c), convention="printed 'C × d'"))
        cells.append(Published(T4, row, "bottleneck width d", str(d),
                               convention="printed 'C × d'"))
        cells.append(Published(T4, row, "top-1 err (%)", top1, "%", kind="accuracy"))
        cells.append(Published(T4, row, "top-5 err (%)", top5, "%", kind="accuracy"))
    for row, key, *_ in _TWO_X:
        cells.append(Published(T4, row, "FLOPs / ResNet-101's", "2", "x", model=_model(*key),
                               metric=TWO_X_METRIC))
    return cells


_CIFAR = [("ResNeXt-29, 8×64d", 8, "34.4", "3.65", "17.77"),
          ("ResNeXt-29, 16×64d", 16, "68.1", "3.58", "17.31")]
#: The CIFAR models are ResNeXt-29 with d = 64.
_CIFAR_DEPTH, _CIFAR_WIDTH = 29, 64


def _cifar() -> list[Published]:
    cells = []
    for row, c, params, c10, c100 in _CIFAR:
        cells.append(Published(T7, row, "params", params, "M",
                               model=_model(_CIFAR_DEPTH, c, _CIFAR_WIDTH), metric=PARAMS_METRIC))
        cells.append(Published(T7, row, "CIFAR-10 error (%)", c10, "%", kind="accuracy"))
        cells.append(Published(T7, row, "CIFAR-100 error (%)", c100, "%", kind="accuracy"))
    return cells


def _params(stats) -> int:
    return stats.weights + stats.total("biases")


def _setting(model, ours: dict, row: str) -> None:
    conv = model.get_layer("conv2_block1_2_conv")
    ours[(row, "cardinality C")] = conv.groups
    ours[(row, "bottleneck width d")] = conv.filters // conv.groups


def _template_layout(column: str, model, ours: dict) -> None:
    for index, stage in enumerate(STAGES, start=2):
        blocks = stage_blocks(model, index)
        ours[(f"{stage} blocks", column)] = len(blocks)
        for conv, ordinal in enumerate(_ORDINAL, start=1):
            filters = {model.get_layer(f"conv{index}_{b}_{conv}_conv").filters for b in blocks}
            ours[(f"{stage} {ordinal} conv filters", column)] = (
                filters.pop() if len(filters) == 1 else float("nan"))
        groups = {model.get_layer(f"conv{index}_{b}_2_conv").groups for b in blocks}
        ours[(f"{stage} 3x3 groups", column)] = groups.pop() if len(groups) == 1 else float("nan")


def _block_weights(stats, block: str = "conv2_block2") -> int:
    return sum(layer.weights for layer in stats.layers
               if layer.name.startswith(f"{block}_") and layer.type == "Conv2D")


def _template_figures() -> dict:
    template = {}
    for column, name in _TEMPLATE_MODELS.items():
        _template_layout(column, measure(name).model, template)
    return template


def _lecture() -> dict:
    return {(cell.row, "weights"): _block_weights(measure(name).profile)
            for cell, name in zip(LECTURE_CELLS, _TEMPLATE_MODELS.values())}


def _table3_figures() -> tuple[dict, str]:
    table3, rows = {}, []
    for depth, c, d, _ in _TABLE3:
        row = _row(depth, c, d)
        measured = measure(_model(depth, c, d))
        stats = measured.profile
        _setting(measured.model, table3, row)
        rows.append(f"| {row} | {c * d} | {_block_weights(stats):,} | {_params(stats):,} | "
                    f"{stats.macs / 1e9:.3f} |")
    details3 = (
        "Our figures per setting (C·d: the 3x3's channels in conv2; block: conv weights of "
        "one conv2 block with a 256-channel input, the quantity Table 2 equalises):\n\n"
        "| setting | C·d | conv2 block weights | params | multiply-adds (10^9) |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows))
    return table3, details3


def _table4_figures() -> tuple[dict, str]:
    table4, rows4 = {}, []
    base = measure(_BASE4).profile.macs
    for row, key, *_ in _TABLE4:
        measured = measure(_model(*key))
        settings = {}
        _setting(measured.model, settings, "")
        for (_, column), value in settings.items():
            table4[(row, column)] = value
        params, count = _params(measured.profile), measured.profile.macs
        rows4.append(f"| {row} | {params:,} | {count / 1e9:.3f} | {count / base:.3f} |")
    details4 = ("| model | params | multiply-adds (10^9) | / ResNet-101's |\n|---|---|---|---|\n"
                + "\n".join(rows4) + "\n\nResNet-200 is built as the post-activation template "
                "(blocks 3, 24, 36, 3); the paper's ResNet-200 [14] is pre-activation, which "
                "has the same convolutions and so the same multiply-adds.")
    return table4, details4


TABLES = [
    TableSpec("table1_template", "Table 1: ResNet-50 vs ResNeXt-50 (32×4d)", T1, _template(),
              _template_figures),
    TableSpec("lecture_block_params", "Lecture: parameters of one block", LECTURE,
              LECTURE_CELLS, _lecture),
    TableSpec("table3_cardinality_vs_width",
              "Table 3: cardinality vs width at preserved complexity", T3, _table3(),
              _table3_figures),
    TableSpec("table4_2x_complexity", "Table 4: 2× complexity of ResNet-101", T4, _table4(),
              _table4_figures),
    TableSpec("table7_cifar", "Table 7: ResNeXt-29 on CIFAR", T7, _cifar()),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
