"""ResNet (He et al. 2016), Table 1: the layer layout per stage (output sizes, block shapes,
repeat counts) and the FLOPs row (lecture notes 004, "Architectures for ImageNet").
"""

from __future__ import annotations

import math

from reproductions._graph import deepest, stage_blocks
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import MACS, TRAINABLE, Metric, measure
from reproductions.spreads import CIFAR10, IMAGENET_TOP1, IMAGENET_TOP5, accuracy

KEY = "resnet"
PAPER = ("He, Zhang, Ren & Sun, Deep Residual Learning for Image Recognition, CVPR 2016 "
         "(arXiv:1512.03385), Table 1 (architectures for ImageNet)")
T1 = "He et al. 2016, Table 1"
DEPTHS = (18, 34, 50, 101, 152)
STAGES = ("conv2_x", "conv3_x", "conv4_x", "conv5_x")

# Table 1 as printed: per stage, the bracketed block (kernel, filters) and "x repeats".
_BASIC = {"conv2_x": 64, "conv3_x": 128, "conv4_x": 256, "conv5_x": 512}
_REPEATS = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3),
            152: (3, 8, 36, 3)}
OUTPUT_SIZE = {"conv1": "112×112", "conv2_x": "56×56", "conv3_x": "28×28", "conv4_x": "14×14",
               "conv5_x": "7×7", "average pool, 1000-d fc": "1×1"}
FLOPS = {18: "1.8×10^9", 34: "3.6×10^9", 50: "3.8×10^9", 101: "7.6×10^9", 152: "11.3×10^9"}


def _block(depth: int, stage: str) -> list[tuple[str, str]]:
    width = _BASIC[stage]
    if depth < 50:
        return [("3×3", str(width)), ("3×3", str(width))]
    return [("1×1", str(width)), ("3×3", str(width)), ("1×1", str(4 * width))]


def _model(depth: int) -> str:
    """Registry name of Table 1's ``depth``-layer net (the stride on the 1x1, as in the paper)."""
    return f"resnet-{depth}"


_ORDINAL = ("1st", "2nd", "3rd")
FLOPS_CONVENTION = ("multiply-adds of all conv and fc layers; the paper's shortcuts (option A "
                    "for 18/34, B for 50/101/152, Sec. 4.1) and stride on the 1x1")
DEPTH = Metric("conv/fc layers on the deepest path", lambda m: deepest(m.model))

_FLOPS_DEVIATION = {
    50: Deviation(
        "printed 0.06 low: 3.86 rounds to 3.9 (the row rounds its other entries, "
        "e.g. 7.57 -> 7.6, 11.28 -> 11.3)",
        "the lecture's complexity table (Sze et al. 2017) gives ResNet-50 3.86G conv MACs and "
        "3.9G in total for the same network",
        corrected="3.86", kind="rounding"),
}


def _table1() -> list[Published]:
    cells = [Published(T1, f"{name} output size", "all depths", printed,
                       convention="printed HxW; the same for every depth")
             for name, printed in OUTPUT_SIZE.items()]
    cells += [
        Published(T1, "conv1", "kernel", "7×7"), Published(T1, "conv1", "filters", "64"),
        Published(T1, "conv1", "stride", "2"), Published(T1, "conv1 max pool", "window", "3×3"),
        Published(T1, "conv1 max pool", "stride", "2"),
    ]
    for depth in DEPTHS:
        column = f"{depth}-layer"
        cells.append(Published(T1, "weight layers", column, str(depth), model=_model(depth),
                               metric=DEPTH))
        for stage, repeats in zip(STAGES, _REPEATS[depth]):
            cells.append(Published(T1, f"{stage} blocks", column, str(repeats),
                                   convention="printed '×n' after the bracket"))
            for ordinal, (kernel, filters) in zip(_ORDINAL, _block(depth, stage)):
                cells.append(Published(T1, f"{stage} {ordinal} conv kernel", column, kernel,
                                       convention="every block of the stage"))
                cells.append(Published(T1, f"{stage} {ordinal} conv filters", column, filters,
                                       convention="every block of the stage"))
    flops = [Published(T1, "FLOPs", f"{depth}-layer", FLOPS[depth], "G", model=_model(depth),
                       metric=MACS.described(FLOPS_CONVENTION),
                       deviation=_FLOPS_DEVIATION.get(depth))
             for depth in DEPTHS]
    return cells, flops


TABLE1, FLOPS_ROW = _table1()


def _same(values) -> float:
    """The common value of ``values``, or NaN (a mismatch) when they differ."""
    values = set(values)
    return values.pop() if len(values) == 1 else math.nan


def _blocks(depth: int, model, ours: dict) -> None:
    column = f"{depth}-layer"
    names = {layer.name for layer in model.layers}
    for index, stage in enumerate(STAGES, start=2):
        blocks = [f"conv{index}_{block}" for block in stage_blocks(model, index)]
        ours[(f"{stage} blocks", column)] = len(blocks)
        for conv, ordinal in enumerate(_ORDINAL, start=1):
            layers = [model.get_layer(f"{block}_{conv}_conv") for block in blocks
                      if f"{block}_{conv}_conv" in names]
            if layers:
                ours[(f"{stage} {ordinal} conv kernel", column)] = _same(
                    layer.kernel_size[0] for layer in layers)
                ours[(f"{stage} {ordinal} conv filters", column)] = _same(
                    layer.filters for layer in layers)


# Table 1's output-size rows and our layer that ends each.
_SIZE_LAYERS = [("conv1", "conv1_relu"), ("conv2_x", "conv2_block1_out"),
                ("conv3_x", "conv3_block1_out"), ("conv4_x", "conv4_block1_out"),
                ("conv5_x", "conv5_block1_out"), ("average pool, 1000-d fc", "avg_pool")]


def _layout() -> dict:
    layout, sizes = {}, {}
    for depth in DEPTHS:
        model = measure(_model(depth)).model
        _blocks(depth, model, layout)
        for stage, layer in _SIZE_LAYERS:
            shape = model.get_layer(layer).output.shape[1:]
            sizes.setdefault(stage, set()).add(1 if len(shape) == 1 else _same(shape[:2]))
    for stage, values in sizes.items():
        layout[(f"{stage} output size", "all depths")] = _same(values)
    model = measure(_model(50)).model
    conv1, pool = model.get_layer("conv1_conv"), model.get_layer("pool1_pool")
    layout[("conv1", "kernel")] = _same(conv1.kernel_size)
    layout[("conv1", "filters")] = conv1.filters
    layout[("conv1", "stride")] = _same(conv1.strides)
    layout[("conv1 max pool", "window")] = _same(pool.pool_size)
    layout[("conv1 max pool", "stride")] = _same(pool.strides)
    return layout


def _without_projections(stats) -> int:
    return stats.macs - sum(layer.macs for layer in stats.layers if layer.name.endswith("_0_conv"))


def _flops_details() -> str:
    rows, v15s = [], []
    for depth in DEPTHS:
        stats = measure(_model(depth)).profile
        v15 = measure(f"{_model(depth)}-v1.5").profile.macs if depth >= 50 else stats.macs
        if depth >= 50:
            v15s.append(f"{v15 / 1e9:.2f}")
        rows.append(f"| {depth} | {stats.macs / 1e9:.3f} | {v15 / 1e9:.3f} | "
                    f"{_without_projections(stats) / 1e9:.3f} | {stats.weights:,} | "
                    f"{stats.params:,} |")
    return (
        "Which stride placement reproduces the paper: the stride on the first 1x1 of a "
        "downsampling bottleneck (`stride_at='1x1'`, our default). The v1.5 placement on the "
        f"3x3 gives {'/'.join(v15s)} x10^9 for 50/101/152, which Table 1's 3.8/7.6/11.3 rule "
        "out. Multiply-adds in 10^9:\n\n"
        "| depth | stride on 1x1 (paper) | stride on 3x3 (v1.5) | 1x1 without projection "
        "shortcuts | weights | parameters (with BN) |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows))


def _flops_details_with_shortcuts() -> str:
    rows = []
    for option in "ABC":
        stats = measure(f"resnet-34-{option.lower()}").profile
        rows.append(f"| {option} | {stats.macs / 1e9:.3f} | {stats.total('trainable'):,} |")
    return (_flops_details() + "\n\nResNet-34 under the three shortcut options of Sec. 3.3 "
            "(Table 3): option A, the paper's for the 18/34-layer nets of Tables 1 and 2, adds "
            "no multiply-adds; B's three projections add 19.3M; C projects all 16 shortcuts.\n\n"
            "| shortcut | multiply-adds (10^9) | parameters (with BN) |\n|---|---|---|\n"
            + "\n".join(rows))


T3 = ("He et al. 2016, Table 3 'Error rates (%, 10-crop testing) on ImageNet validation'; "
      "ResNet-50/101/152 are of option B")
#: Table 3 rows we build: (row, registry model, top-1, top-5).
_TABLE3 = [("ResNet-34 A", "resnet-34", "25.03", "7.76"),
           ("ResNet-34 B", "resnet-34-b", "24.52", "7.46"),
           ("ResNet-34 C", "resnet-34-c", "24.19", "7.40"),
           ("ResNet-50", "resnet-50", "22.85", "6.71"),
           ("ResNet-101", "resnet-101", "21.75", "6.05"),
           ("ResNet-152", "resnet-152", "21.43", "5.71")]
TABLE3 = [cell for row, model, top1, top5 in _TABLE3 for cell in (
    accuracy(T3, row, "top-1 err. (10-crop)", top1, IMAGENET_TOP1, model=model),
    accuracy(T3, row, "top-5 err. (10-crop)", top5, IMAGENET_TOP5, model=model))]

T6 = ("He et al. 2016, Table 6 'Classification error on the CIFAR-10 test set' (option A "
      "shortcuts, Sec. 4.2)")
CIFAR_PARAMS = TRAINABLE.described(
    "trainable parameters: conv/FC weights, FC bias, batch-norm gamma/beta, 10-class head")
#: Table 6's ResNet rows: (depth, # params, error); ResNet-110 is "best (mean±std)" of 5 runs.
_TABLE6 = [(20, "0.27", "8.75"), (32, "0.46", "7.51"), (44, "0.66", "7.17"),
           (56, "0.85", "6.97"), (110, "1.7", "6.43 (6.61±0.16)"), (1202, "19.4", "7.93")]
_RESNET110 = CIFAR10.own(0.16, "the paper's own: ResNet-110 '6.43 (6.61±0.16)', best "
                               "(mean±std) of 5 runs")


def _table6() -> list[Published]:
    cells = []
    for depth, params, error in _TABLE6:
        row, model = f"ResNet-{depth}", f"resnet-{depth}"
        cells.append(Published(T6, row, "# params", params, "M", model=model,
                               metric=CIFAR_PARAMS))
        spread = _RESNET110 if depth == 110 else CIFAR10
        note = ("the best of 5 runs (their mean 6.61)" if depth == 110 else "")
        cells.append(accuracy(T6, row, "error (%)", error, spread, model=model,
                              convention=note))
    return cells


TABLES = [
    TableSpec("table1_layout", "Table 1: layer layout per stage", T1, TABLE1, _layout),
    TableSpec("table1_flops", "Table 1: FLOPs (multiply-adds)", T1, FLOPS_ROW,
              details=_flops_details_with_shortcuts),
    TableSpec("table3_shortcuts", "Table 3: ImageNet errors of the shortcut options and the "
              "deeper nets (10-crop testing)", T3, TABLE3),
    TableSpec("table6_cifar", "Table 6: CIFAR-10 ResNets (parameters and test error)", T6,
              _table6()),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
