"""ResNeXt (Xie et al. 2017): the template table (ResNet-50 vs ResNeXt-50 32x4d), the
lecture's one-block parameter arithmetic, Table 3 (cardinality vs width), Table 4 (2x
complexity) and the CIFAR ResNeXt-29 rows (lecture notes 003, 004 and 002; Table 7 of the
paper for 8x64d).
"""

from __future__ import annotations

from reproductions._graph import stage_blocks
from reproductions.cells import Published, TableSpec, check_tables, published
from reproductions.measure import MACS, WEIGHTS_AND_BIASES, Metric, measure
from reproductions.spreads import CIFAR10, CIFAR100, IMAGENET_TOP1, IMAGENET_TOP5, accuracy

KEY = "resnext"
PAPER = ("Xie, Girshick, Dollár, Tu & He, Aggregated Residual Transformations for Deep Neural "
         "Networks, CVPR 2017 (arXiv:1611.05431)")
T1 = "Xie et al. 2017, Table 1 (lecture 004, 'ResNeXt-50 (32×4d)' template table)"
T3 = ("Xie et al. 2017 (arXiv:1611.05431), Table 3 and its caption ('~4.1 billion FLOPs', "
      "'~7.8 billion FLOPs'; lecture 004 and 003)")
FIG5 = ("Xie et al. 2017, Fig. 5 caption ('~4.1 billion FLOPs, ~25 million parameters', '~7.8 "
        "billion FLOPs, ~44 million parameters')")
T4 = "Xie et al. 2017, Table 4 and its caption (lecture 004)"
T7 = ("Xie et al. 2017, Table 7 (CIFAR; 'Our results are the average of 10 runs'); lecture 002 "
      "'Width based Multi-Connection CNNs' table")
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


#: "~" in the captions means approximately: the settings preserve the baseline's complexity
#: by equalising the conv2 block's parameters (about 70k, Table 2), with d rounded to an
#: integer and the first blocks of each stage differing; we read "~" as ±5%.
APPROX = 0.05


def _approx(printed: str, what: str, caption: str) -> dict:
    value = float(printed)
    return dict(rounding="tolerance", tolerance=round(APPROX * value, 4),
                tolerance_reason=f"'~' in the {caption} caption ({what} preserved "
                                 "approximately), read as ±5%")


def _table3() -> list[Published]:
    cells = []
    for depth, c, d, error in _TABLE3:
        row = _row(depth, c, d)
        flops, params = _CLASS[depth]
        cells.append(Published(T3, row, "cardinality C", str(c), convention="printed 'C × d'"))
        cells.append(Published(T3, row, "bottleneck width d", str(d),
                               convention="printed 'C × d'"))
        cells.append(accuracy(T3, row, "top-1 error (%)", error, IMAGENET_TOP1,
                              model=_model(depth, c, d)))
        cells.append(Published(T3, row, "FLOPs (~, Table 3 caption)", f"~{flops}", "G",
                               model=_model(depth, c, d), metric=FLOPS_METRIC,
                               **_approx(flops, "complexity", "Table 3")))
        cells.append(Published(FIG5, row, "params (~, Fig. 5 caption)", f"~{params}", "M",
                               model=_model(depth, c, d), metric=PARAMS_METRIC,
                               **_approx(params, "parameters", "Fig. 5")))
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
        model = _model(depth, c, d)
        cells.append(accuracy(T4, row, "top-1 err (%)", top1, IMAGENET_TOP1, model=model))
        cells.append(accuracy(T4, row, "top-5 err (%)", top5, IMAGENET_TOP5, model=model))
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
        model = _model(_CIFAR_DEPTH, c, _CIFAR_WIDTH)
        mean = "the mean of 10 runs (Table 7 caption)"
        cells.append(accuracy(T7, row, "CIFAR-10 error (%)", c10, CIFAR10, model=model,
                              convention=mean))
        cells.append(accuracy(T7, row, "CIFAR-100 error (%)", c100, CIFAR100, model=model,
                              convention=mean))
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
               if layer.name.startswith(f"{block}_") and layer.is_a("Conv2D"))


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
