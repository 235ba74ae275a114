"""The lecture's "Comparing complexity" table (lecture notes 004, section COMPLEXITY; the
figures of Sze et al., "Efficient Processing of Deep Neural Networks", 2017): AlexNet, VGG-16,
GoogLeNet (v1), ResNet-50."""

from __future__ import annotations

import math

import keras

from reproductions._graph import deepest
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import MACS, WEIGHTS, Metric, measure
from reproductions.spreads import IMAGENET_TOP5, accuracy

KEY = "complexity-lecture"
PAPER = ("Lecture notes 004, 'Accuracy vs. efficiency' complexity table (after Sze, Chen, "
         "Yang & Emer, Efficient Processing of Deep Neural Networks: A Tutorial and Survey, 2017)")
SOURCE = "Lecture notes 004, COMPLEXITY, 'Accuracy vs. efficiency' table"

#: Column -> registry name: AlexNet's 2.3M / 666M conv figures are the two-GPU net's.
MODELS = {
    "AlexNet": "alexnet-2gpu",
    "VGG-16": "vgg-d",
    "GoogLeNet (v1)": "googlenet",
    "ResNet-50": "resnet-50",
}

# The table as printed, one tuple per row, one entry per column (in MODELS' order).
TABLE = {
    "Accuracy (top-5 error)": ("19.8", "8.80", "10.7", "7.02"),
    "Input": ("227x227", "224x224", "224x224", "224x224"),
    "# of CONV Layers": ("5", "16", "21", "49"),
    "Filter Sizes": ("3, 5, 11", "3", "1, 3, 5, 7", "1, 3, 7"),
    "# of Channels": ("3 - 256", "3 - 512", "3 - 1024", "3 - 2048"),
    "# of Filters": ("96 - 384", "64 - 512", "64 - 384", "64 - 2048"),
    "Stride": ("1, 4", "1", "1, 2", "1, 2"),
    "CONV # of Weights": ("2.3M", "14.7M", "6.0M", "23.5M"),
    "CONV # of MACs": ("666M", "15.3G", "1.43G", "3.86G"),
    "# of FC layers": ("3", "3", "1", "1"),
    "FC # of Weights": ("58.6M", "124M", "1M", "2M"),
    "FC # of MACs": ("58.6M", "124M", "1M", "2M"),
    "Total Weights": ("61M", "138M", "7M", "25.5M"),
    "Total MACs": ("724M", "15.5G", "1.43G", "3.9G"),
}

CONVENTION = {
    "Input": "height = width",
    "# of CONV Layers": "convolutions on the deepest path (GoogLeNet has 57 in all, ResNet-50 "
                        "53 with its 4 projection shortcuts)",
    "# of Channels": "input channels each filter sees (per group in AlexNet's two-GPU form)",
    "# of Filters": "filters of a conv layer",
    "Stride": "conv strides",
    "Filter Sizes": "conv kernel sizes",
}
COUNTING = "weights only, no biases, no BN; GoogLeNet without auxiliary heads"


def _is_conv(layer) -> bool:
    return isinstance(layer, keras.layers.Conv2D)


def _total(kind: str, figure: str) -> Metric:
    """``figure`` summed over the ``kind`` layers of a measured model."""
    return Metric(COUNTING, lambda m: sum(getattr(layer, figure) for layer in m.profile.layers
                                          if layer.type == kind))


#: The whole-network rows, computed from each column's measured model.
METRICS = {
    "# of CONV Layers": Metric(CONVENTION["# of CONV Layers"],
                               lambda m: deepest(m.model, _is_conv)),
    "CONV # of Weights": _total("Conv2D", "weights"),
    "CONV # of MACs": _total("Conv2D", "macs"),
    "# of FC layers": Metric("", lambda m: sum(layer.type == "Dense"
                                               for layer in m.profile.layers)),
    "FC # of Weights": _total("Dense", "weights"),
    "FC # of MACs": _total("Dense", "macs"),
    "Total Weights": WEIGHTS.described(COUNTING),
    "Total MACs": MACS.described(COUNTING),
}

_GOOGLENET_MACS = Deviation(
    "does not follow from GoogLeNet's Table 1 with either first layer",
    "Table 1's ops column sums to 1,502M, the count of the network it describes, whose "
    "first layer is depthwise-separable (our GoogLeNet(stem='separable'): 1.50G); the plain "
    "7x7 first layer of the BVLC model counted here gives 1.58G (see results/googlenet.md)",
    corrected="1.58", kind="arithmetic")
DEVIATIONS = {
    ("# of CONV Layers", "VGG-16"): Deviation(
        "16 counts VGG-16's weight layers: 13 convolutions + 3 FC layers (the FC row of the "
        "same table lists the 3)", "Simonyan & Zisserman 2015, Table 1, column D", corrected="13",
        kind="copied-row"),
    ("# of Channels (max)", "GoogLeNet (v1)"): Deviation(
        "1024 is inception 5b's output depth, which only the average pool and the linear "
        "layer see; no convolution has more than 832 input channels",
        "Table 1: the widest input of a conv is inception 5a/5b's 832", corrected="832",
        kind="misread"),
    ("# of Filters (min)", "GoogLeNet (v1)"): Deviation(
        "the smallest conv layers are inception 3a/4a's 16-filter 5x5 reduces",
        "Table 1, '#5x5 reduce' column: 16 in rows 3a and 4a", corrected="16", kind="misread"),
    ("CONV # of MACs", "GoogLeNet (v1)"): _GOOGLENET_MACS,
    ("Total MACs", "GoogLeNet (v1)"): _GOOGLENET_MACS,
}


def _unit(printed: str) -> str:
    return printed[-1] if printed[-1] in "KMG" else ""


def _split(printed: str) -> list[str]:
    return [part.strip() for part in printed.replace(" - ", ",").split(",")]


def _published() -> list[Published]:
    cells = []
    for row, values in TABLE.items():
        for column, printed in zip(MODELS, values):
            note = CONVENTION.get(row, COUNTING if "Weights" in row or "MACs" in row else "")
            if row.startswith("Accuracy"):
                cells.append(accuracy(SOURCE, row, column, printed, IMAGENET_TOP5,
                                      model=MODELS[column],
                                      convention="single crop, cnn-benchmarks"))
            elif row in ("Filter Sizes", "Stride"):
                parts = _split(printed)
                for index, part in enumerate(parts, start=1):
                    cells.append(Published(SOURCE, f"{row} [{index} of {len(parts)}]", column,
                                           part, convention=f"{note}; printed '{printed}'"))
            elif row in ("# of Channels", "# of Filters"):
                for end, part in zip(("min", "max"), _split(printed)):
                    name = f"{row} ({end})"
                    cells.append(Published(SOURCE, name, column, part,
                                           convention=f"{note}; printed '{printed}'",
                                           deviation=DEVIATIONS.get((name, column))))
            elif row in METRICS:
                cells.append(Published(SOURCE, row, column, printed, _unit(printed),
                                       model=MODELS[column], metric=METRICS[row],
                                       deviation=DEVIATIONS.get((row, column))))
            else:
                cells.append(Published(SOURCE, row, column, printed, _unit(printed),
                                       convention=note,
                                       deviation=DEVIATIONS.get((row, column))))
    return cells


def _ours(column: str, model) -> dict[tuple[str, str], float]:
    convs = [layer for layer in model.layers if _is_conv(layer)]
    height, width = model.input.shape[1:3]
    ours = {
        "Input": height if height == width else math.nan,
        "# of Channels (min)": min(c.input.shape[-1] // c.groups for c in convs),
        "# of Channels (max)": max(c.input.shape[-1] // c.groups for c in convs),
        "# of Filters (min)": min(c.filters for c in convs),
        "# of Filters (max)": max(c.filters for c in convs),
    }
    for row, values in (("Filter Sizes", {c.kernel_size[0] for c in convs}),
                        ("Stride", {c.strides[0] for c in convs})):
        values = sorted(values)
        printed = len(_split(TABLE[row][list(MODELS).index(column)]))
        for index in range(1, printed + 1):
            # a different number of distinct values is a mismatch in every element cell
            ours[f"{row} [{index} of {printed}]"] = (
                values[index - 1] if len(values) == printed else math.nan)
    return {(row, column): value for row, value in ours.items()}


def _figures() -> dict:
    ours = {}
    for column, name in MODELS.items():
        ours.update(_ours(column, measure(name).model))
    return ours


TABLES = [TableSpec("comparing_complexity", "Lecture: Comparing complexity (AlexNet, VGG-16, "
                    "GoogLeNet, ResNet-50)", SOURCE, _published(), _figures)]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
