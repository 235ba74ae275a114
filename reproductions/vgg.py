"""VGG (Simonyan & Zisserman 2015): Table 1 depths, Table 2 parameters, and the lecture's
VGG-16 memory/params table (lecture notes 003 and 004)."""

from __future__ import annotations

import math

import keras

import keras_cnns
from keras_cnns.vgg import CONFIGS
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import WEIGHTS, WEIGHTS_AND_BIASES, Metric, measure

KEY = "vgg"
PAPER = ("Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image "
         "Recognition, ICLR 2015 (arXiv:1409.1556)")

T1 = "Simonyan & Zisserman 2015, Table 1 (header row)"
T2 = "Simonyan & Zisserman 2015, Table 2 'Number of parameters (in millions)'"
LECTURE = "Lecture notes 004, slide 'VGG-16' (same figures in 003, 'Memory Usages and Parameters of VGGNet')"


def _model(config: str) -> str:
    return f"vgg-{config.lower()}"


TABLE1 = [Published(T1, config, "weight layers", str(n)) for config, n in
          [("A", 11), ("A-LRN", 11), ("B", 13), ("C", 16), ("D", 16), ("E", 19)]]

# Table 2 prints A and A-LRN in one merged column "A,A-LRN": 133.
TABLE2 = [Published(T2, config, "params", printed, "M", model=_model(config),
                    metric=WEIGHTS_AND_BIASES.described("weights and biases"))
          for config, printed in [("A", "133"), ("A-LRN", "133"), ("B", "133"), ("C", "134"),
                                  ("D", "138"), ("E", "144")]]

# The lecture's per-layer table of VGG-16 (configuration D): output volume, memory
# (elements) and parameters "not counting biases". Our layer name, lecture label, memory
# as printed, params as printed.
_LECTURE_ROWS = [
    ("input", "INPUT [224x224x3]", "150K", "0"),
    ("block1_conv1", "CONV3-64 [224x224x64]", "3.2M", "1,728"),
    ("block1_conv2", "CONV3-64 [224x224x64]", "3.2M", "36,864"),
    ("block1_pool", "POOL2 [112x112x64]", "800K", "0"),
    ("block2_conv1", "CONV3-128 [112x112x128]", "1.6M", "73,728"),
    ("block2_conv2", "CONV3-128 [112x112x128]", "1.6M", "147,456"),
    ("block2_pool", "POOL2 [56x56x128]", "400K", "0"),
    ("block3_conv1", "CONV3-256 [56x56x256]", "800K", "294,912"),
    ("block3_conv2", "CONV3-256 [56x56x256]", "800K", "589,824"),
    ("block3_conv3", "CONV3-256 [56x56x256]", "800K", "589,824"),
    ("block3_pool", "POOL2 [28x28x256]", "200K", "0"),
    ("block4_conv1", "CONV3-512 [28x28x512]", "400K", "1,179,648"),
    ("block4_conv2", "CONV3-512 [28x28x512]", "400K", "2,359,296"),
    ("block4_conv3", "CONV3-512 [28x28x512]", "400K", "2,359,296"),
    ("block4_pool", "POOL2 [14x14x512]", "100K", "0"),
    ("block5_conv1", "CONV3-512 [14x14x512]", "100K", "2,359,296"),
    ("block5_conv2", "CONV3-512 [14x14x512]", "100K", "2,359,296"),
    ("block5_conv3", "CONV3-512 [14x14x512]", "100K", "2,359,296"),
    ("block5_pool", "POOL2 [7x7x512]", "25K", "0"),
    ("fc1", "FC [1x1x4096]", "4096", "102,760,448"),
    ("fc2", "FC [1x1x4096]", "4096", "16,777,216"),
    ("predictions", "FC [1x1x1000]", "1000", "4,096,000"),
]


def _memory_cell(label: str, printed: str) -> Published:
    unit = printed[-1] if printed[-1] in "KM" else ""
    if not unit:
        return Published(LECTURE, label, "memory", printed, convention="output elements")
    # The slide rounds every abbreviated memory figure to two significant figures
    # (224*224*3 = 150,528 -> "150K", 56*56*256 = 802,816 -> "800K").
    value = float(printed[:-1])
    return Published(LECTURE, label, "memory", printed, unit, rounding="tolerance",
                     tolerance=0.5 * 10 ** (math.floor(math.log10(value)) - 1),
                     tolerance_reason="the slide rounds to 2 significant figures",
                     convention="output elements")


ACTIVATIONS = Metric("output elements", lambda m: m.profile.activations)

_MEMORY_EVIDENCE = ("the memory column of the same slide adds up to 15.24M elements "
                    "(150K + 2x3.2M + 800K + 2x1.6M + 400K + 3x800K + 200K + 3x400K + 100K "
                    "+ 3x100K + 25K + 4096 + 4096 + 1000 = 15,237,608 exactly)")

LECTURE_TABLE = (
    [cell for name, label, memory, params in _LECTURE_ROWS for cell in (
        _memory_cell(f"{label} ({name})", memory),
        Published(LECTURE, f"{label} ({name})", "params", params,
                  convention="weights only (not counting biases)"))]
    + [
        Published(LECTURE, "TOTAL", "memory", "24M", "M", model="vgg-d", metric=ACTIVATIONS,
                  deviation=Deviation(
                      "the total does not follow from the slide's own rows",
                      _MEMORY_EVIDENCE, corrected="15.24", kind="arithmetic")),
        Published(LECTURE, "TOTAL", "memory per image (float32, forward)", "96MB", "MB",
                  convention="4 bytes per element",
                  deviation=Deviation(
                      "carries the wrong 24M total (24M x 4 bytes); the rows give 15.24M x 4 bytes",
                      _MEMORY_EVIDENCE, corrected="60.95", kind="arithmetic")),
        Published(LECTURE, "TOTAL", "params", "138M", "M", model="vgg-d",
                  metric=WEIGHTS.described("weights only (not counting biases)")),
    ])


SEC23 = ("Simonyan & Zisserman 2015, Sec. 2.3 (three 3x3 layers vs one 7x7); also lecture 004, "
         "slide 'VGGNet: why smaller filters'")
LECTURE_5X5 = ("Lecture notes 003, slide 'VGGNet' ('Fewer parameters: 2 x (3x3xC) vs (5x5xC)', "
               "the weights of one output filter)")
STACK_TABLE = [
    Published(SEC23, "three 3x3 conv layers, C channels", "weights / C^2", "27",
              convention="no biases"),
    Published(SEC23, "one 7x7 conv layer, C channels", "weights / C^2", "49", convention="no biases"),
    Published(SEC23, "7x7 vs three 3x3", "extra weights", "81", "%"),
    Published(LECTURE_5X5, "two 3x3 conv layers, C channels: '2 x (3x3xC)'",
              "weights per output filter / C", "18",
              convention="no biases; the slide counts one filter: the stack has 18C^2 weights"),
    Published(LECTURE_5X5, "one 5x5 conv layer, C channels: '(5x5xC)'",
              "weights per output filter / C", "25",
              convention="no biases; the slide counts one filter: the layer has 25C^2 weights"),
]


def _stack_weights(kernel: int, layers: int, channels: int = 256) -> int:
    """Weights of ``layers`` stacked ``kernel`` x ``kernel`` convolutions with C in and out."""
    inputs = keras.Input((28, 28, channels))
    x = inputs
    for _ in range(layers):
        x = keras.layers.Conv2D(channels, kernel, padding="same", use_bias=False)(x)
    return keras_cnns.profile(keras.Model(inputs, x)).weights


def _weight_layers(model: keras.Model) -> int:
    return sum(isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)) for layer in model.layers)


def _table1() -> dict:
    return {(config, "weight layers"): _weight_layers(measure(_model(config)).model)
            for config in CONFIGS}


def _lecture() -> tuple[dict, str]:
    vgg16 = measure("vgg-d").profile
    layers = {layer.name: layer for layer in vgg16.layers}
    lecture = {}
    for name, label, _, _ in _LECTURE_ROWS:
        lecture[(f"{label} ({name})", "memory")] = layers[name].activations
        lecture[(f"{label} ({name})", "params")] = layers[name].weights
    lecture[("TOTAL", "memory per image (float32, forward)")] = vgg16.activation_bytes
    details = ("Per-layer profile of our `keras_cnns.VGG16()` (batch 1; memory in output "
               f"elements; params without biases). Mult-adds: {vgg16.macs:,} "
               f"(conv + FC); parameters with biases: {vgg16.params:,}.\n\n"
               + vgg16.table(biases=False))
    return lecture, details


def _stack() -> dict:
    c_squared = 256 ** 2
    three_3x3, one_7x7 = _stack_weights(3, 3), _stack_weights(7, 1)
    two_3x3, one_5x5 = _stack_weights(3, 2), _stack_weights(5, 1)
    return {
        ("three 3x3 conv layers, C channels", "weights / C^2"): three_3x3 / c_squared,
        ("one 7x7 conv layer, C channels", "weights / C^2"): one_7x7 / c_squared,
        ("7x7 vs three 3x3", "extra weights"): 100 * (one_7x7 - three_3x3) / three_3x3,
        # C filters of the same size: the weights of one filter are the total over C.
        (STACK_TABLE[3].row, "weights per output filter / C"): two_3x3 / c_squared,
        (STACK_TABLE[4].row, "weights per output filter / C"): one_5x5 / c_squared,
    }


TABLES = [
    TableSpec("table1", "Table 1: ConvNet configurations (weight layers)", T1, TABLE1, _table1),
    TableSpec("table2", "Table 2: Number of parameters (in millions)", T2, TABLE2),
    TableSpec("lecture_vgg16", "Lecture: VGG-16 memory and parameters per layer", LECTURE,
              LECTURE_TABLE, _lecture),
    TableSpec("sec2_3", "Sec. 2.3 and the lecture: stacks of 3x3 layers vs one 7x7 or 5x5 "
              "layer (C = 256 channels in and out)", SEC23, STACK_TABLE, _stack),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
