"""SENet (Hu et al. 2018/2019): the architecture table (ResNet-50, SE-ResNet-50,
SE-ResNeXt-50 32x4d), parameters and GFLOPs of ResNet-50 vs SE-ResNet-50, the lecture's
"Parameters: 2~10% extra", and the error tables (lecture notes 003 and 004).
"""

from __future__ import annotations

from reproductions._graph import stage_blocks
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import TRAINABLE, Metric, measure

KEY = "senet"
PAPER = ("Hu, Shen, Albanie, Sun & Wu, Squeeze-and-Excitation Networks, CVPR 2018 / TPAMI 2019 "
         "(arXiv:1709.01507)")
TARCH = "Hu et al., SENet table 'Example Architecture' (lecture 003, TABLE 1)"
TCOST = ("Hu et al., TPAMI 2019, as quoted in issue 4 ('25.6M/3.86 vs 28.1M/3.87'); Sec. 3.3 "
         "and Table 2 give the GFLOPs (3.86 vs 3.87, a 0.26% relative increase), the "
         "reduction-ratio ablation the parameter counts (r = 16)")
TLECTURE = "Lecture 004, slide 'SE-ResNet-50 vs. ResNet-50' ('Parameters: 2~10% extra')"
TERR = "Hu et al., Tables 1 and 2 as in lecture 004 (single-crop error, 'SE-module' columns)"

PARAMS = ("trainable parameters: conv/fc weights, fc and SE biases, batch-norm γ/β "
          "(moving statistics not counted)")
GFLOPS = ("multiply-adds of conv and fc layers plus the SE blocks' squeeze (average-pool "
          "additions) and scale (multiplications); stride on the first 1x1 of a "
          "downsampling block, as the released SE-ResNet models")


def _se_ops(stats) -> int:
    return sum(layer.other_ops for layer in stats.layers
               if layer.name.endswith(("_se_squeeze", "_se_scale")))


def _gflops(stats) -> int:
    return stats.macs + _se_ops(stats)


PARAMS_METRIC = TRAINABLE.described(PARAMS)
GFLOPS_METRIC = Metric(GFLOPS, lambda m: _gflops(m.profile))

STAGES = ("conv2", "conv3", "conv4", "conv5")
#: Registry name of each column of the architecture table.
_COLUMNS = {"ResNet-50": "resnet-50", "SE-ResNet-50": "se-resnet-50",
            "SE-ResNeXt-50 (32×4d)": "se-resnext-50-32x4d"}
_FIRST = {"ResNet-50": (64, 128, 256, 512), "SE-ResNet-50": (64, 128, 256, 512),
          "SE-ResNeXt-50 (32×4d)": (128, 256, 512, 1024)}
_FC = ((16, 256), (32, 512), (64, 1024), (128, 2048))
_REPEATS = (3, 4, 6, 3)


def _architecture() -> list[Published]:
    cells = []
    for column in _COLUMNS:
        for stage, first, repeats, (reduce, expand) in zip(STAGES, _FIRST[column], _REPEATS,
                                                          _FC):
            cells.append(Published(TARCH, f"{stage} blocks", column, str(repeats)))
            cells.append(Published(TARCH, f"{stage} 1st conv filters", column, str(first)))
            if column != "ResNet-50":
                cells.append(Published(TARCH, f"{stage} SE fc dims", f"{column} (1st fc)",
                                       str(reduce), convention="printed 'fc, [a, b]'"))
                cells.append(Published(TARCH, f"{stage} SE fc dims", f"{column} (2nd fc)",
                                       str(expand), convention="printed 'fc, [a, b]'"))
    return cells


COST = [
    Published(TCOST, "ResNet-50", "params", "25.6", "M", model="resnet-50",
              metric=PARAMS_METRIC),
    Published(TCOST, "SE-ResNet-50", "params", "28.1", "M", model="se-resnet-50",
              metric=PARAMS_METRIC),
    Published(TCOST, "ResNet-50", "GFLOPs", "3.86", "G", model="resnet-50",
              metric=GFLOPS_METRIC),
    Published(TCOST, "SE-ResNet-50", "GFLOPs", "3.87", "G", model="se-resnet-50",
              metric=GFLOPS_METRIC),
]


def _range_deviation(depth: int, extra: str, base: str, corrected: str) -> Deviation:
    return Deviation(
        "the upper end of '2~10%' is SE-ResNet-50's increase (Sec. 3.3: '~10%'); deeper "
        "ResNets put a larger share of their blocks in conv4 (1024 channels), where an SE "
        "block's 2·1024²/16 = 131,072 weights are 11.8% of the block's 1,114,112",
        f"SE weights and biases of ResNet-{depth}: {extra} over ResNet-{depth}'s {base} "
        "trainable parameters (the torchvision count)", corrected=corrected)


_PAIRS = {  # extra-parameter row -> (SE model, plain model)
    "SE-ResNet-50 vs ResNet-50": ("se-resnet-50", "resnet-50"),
    "SE-ResNeXt-50 vs ResNeXt-50 (32×4d)": ("se-resnext-50-32x4d", "resnext-50-32x4d"),
    "SE-ResNet-101 vs ResNet-101": ("se-resnet-101", "resnet-101"),
    "SE-ResNet-152 vs ResNet-152": ("se-resnet-152", "resnet-152"),
}


def _extra(plain: str) -> Metric:
    """Trainable parameters of an SE model over those of its ``plain`` counterpart, in %."""
    return Metric("upper end of the printed '2~10%'; " + PARAMS,
                  lambda m: 100 * (TRAINABLE(m) / TRAINABLE(measure(plain)) - 1))


def _extra_cell(row: str, deviation: Deviation | None = None) -> Published:
    se, plain = _PAIRS[row]
    return Published(TLECTURE, row, "extra parameters (%)", "10", "%", model=se,
                     metric=_extra(plain), deviation=deviation)


EXTRA = [
    _extra_cell("SE-ResNet-50 vs ResNet-50"),
    _extra_cell("SE-ResNeXt-50 vs ResNeXt-50 (32×4d)"),
    _extra_cell("SE-ResNet-101 vs ResNet-101",
                deviation=_range_deviation(
                    101, "3·8,464 + 4·33,312 + 23·132,160 + 3·526,464 = 4,777,712",
                    "44,549,160", "10.7")),
    _extra_cell("SE-ResNet-152 vs ResNet-152",
                deviation=_range_deviation(
                    152, "3·8,464 + 8·33,312 + 36·132,160 + 3·526,464 = 6,629,040",
                    "60,192,808", "11.0")),
]

_ERRORS = [("SE-ResNet-50", "23.29", "6.62"), ("SE-ResNet-101", "22.38", "6.07"),
           ("SE-ResNet-152", "21.57", "5.73"), ("SE-ResNeXt-50", "21.10", "5.49"),
           ("SE-ResNeXt-101", "20.70", "5.01")]
ERRORS = [Published(TERR, row, column, printed, "%", kind="accuracy")
          for row, top1, top5 in _ERRORS
          for column, printed in (("top-1 err.", top1), ("top-5 err.", top5))]


def _architecture_figures(column: str, model, ours: dict) -> None:
    for index, stage in enumerate(STAGES, start=2):
        blocks = stage_blocks(model, index)
        ours[(f"{stage} blocks", column)] = len(blocks)
        first = {model.get_layer(f"conv{index}_{b}_1_conv").filters for b in blocks}
        ours[(f"{stage} 1st conv filters", column)] = first.pop() if len(first) == 1 else -1
        if column != "ResNet-50":
            for part, which in (("reduce", "1st fc"), ("expand", "2nd fc")):
                units = {model.get_layer(f"conv{index}_{b}_se_{part}").units for b in blocks}
                ours[(f"{stage} SE fc dims", f"{column} ({which})")] = (
                    units.pop() if len(units) == 1 else -1)


def _architecture_all() -> dict:
    arch = {}
    for column, name in _COLUMNS.items():
        _architecture_figures(column, measure(name).model, arch)
    return arch


def _extra_details() -> str:
    rows = []
    for row, (se_name, plain_name) in _PAIRS.items():
        se, plain = measure(se_name).profile, measure(plain_name).profile
        se_params, plain_params = se.total("trainable"), plain.total("trainable")
        rows.append(f"| {row} | {plain_params:,} | {se_params:,} | "
                    f"{100 * (se_params / plain_params - 1):.2f} | "
                    f"{plain.macs / 1e9:.3f} | {se.macs / 1e9:.3f} | {_gflops(se) / 1e9:.3f} |")
    return (
        "Our figures (params: trainable; GFLOPs: conv/fc multiply-adds, and for the SE net "
        "also with its squeeze/scale ops, the convention that gives the paper's 3.87):\n\n"
        "| pair | plain params | SE params | extra (%) | plain GFLOPs | SE GFLOPs (MACs) | "
        "SE GFLOPs (+ squeeze/scale) |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows))


TABLES = [
    TableSpec("architecture", "Architecture table: ResNet-50, SE-ResNet-50, "
              "SE-ResNeXt-50 (32×4d)", TARCH, _architecture(), _architecture_all),
    TableSpec("cost", "ResNet-50 vs SE-ResNet-50: parameters and GFLOPs", TCOST, COST),
    TableSpec("extra_params", "'Parameters: 2~10% extra'", TLECTURE, EXTRA,
              details=_extra_details),
    TableSpec("errors", "Single-crop ImageNet errors with SE blocks", TERR, ERRORS),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
