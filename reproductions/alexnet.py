"""The lecture's AlexNet walkthrough (with ZFNet and LeNet-5) and the ILSVRC summary rows
(lecture notes 004, "AlexNet: Parameters", "Full (simplified) AlexNet architecture",
"ZFNet", "LeNet-5"; lecture notes 003, "ImageNet Classification Results")."""

from __future__ import annotations

from reproductions._graph import deepest
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.measure import WEIGHTS_AND_BIASES, Metric, measure

KEY = "alexnet"
PAPER = ("Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep Convolutional "
         "Neural Networks, NIPS 2012; with ZFNet (Zeiler & Fergus 2014) and LeNet-5 "
         "(LeCun et al. 1998) as the lecture presents them")
WALK = "Lecture notes 004, 'Full (simplified) AlexNet architecture' and 'AlexNet: Parameters'"
SUMMARY = "Lecture notes 003, 'ImageNet Classification Results'"
ZF = "Lecture notes 004, 'ZFNet: ILSVRC 2013 winner' (same in 003)"
LENET = "Lecture notes 004, 'LeNet-5 [LeCun et al., 1998]'"

# The lecture's layer list: label, our layer, output volume as printed, and the printed
# filter spec (filters, kernel, stride, pad) where the line gives one.
LAYERS = [
    ("INPUT", "input", (227, 227, 3), None),
    ("CONV1", "conv1", (55, 55, 96), (96, 11, 4, 0)),
    ("MAX POOL1", "pool1", (27, 27, 96), (None, 3, 2, None)),
    ("NORM1", "norm1", (27, 27, 96), None),
    ("CONV2", "conv2", (27, 27, 256), (256, 5, 1, 2)),
    ("MAX POOL2", "pool2", (13, 13, 256), (None, 3, 2, None)),
    ("NORM2", "norm2", (13, 13, 256), None),
    ("CONV3", "conv3", (13, 13, 384), (384, 3, 1, 1)),
    ("CONV4", "conv4", (13, 13, 384), (384, 3, 1, 1)),
    ("CONV5", "conv5", (13, 13, 256), (256, 3, 1, 1)),
    ("MAX POOL3", "pool5", (6, 6, 256), (None, 3, 2, None)),
    ("FC6", "fc6", (4096,), None),
    ("FC7", "fc7", (4096,), None),
    ("FC8", "predictions", (1000,), None),
]
_SPEC = ("filters", "filter size", "stride", "pad")

#: Weight layers on the deepest path of a measured model (the lecture's "layers").
DEPTH = Metric("weight layers on the deepest path", lambda m: deepest(m.model))
HIDDEN_LAYERS = Metric("weight layers before the output layer",
                       lambda m: deepest(m.model) - 1)
UNITS = Metric("outputs of the five conv layers (the 3 FC layers add 9,192 more)",
               lambda m: sum(layer.activations for layer in m.profile.layers
                             if layer.type == "Conv2D"))
CONV_PARAMS = Metric("'throw away fully connected layers': all but the linear layer, no "
                     "auxiliary heads, weights and biases",
                     lambda m: sum(layer.params for layer in m.profile.layers
                                   if layer.type != "Dense"))


def _walkthrough() -> list[Published]:
    cells = []
    for label, _, shape, spec in LAYERS:
        axes = ("H", "W", "C") if len(shape) == 3 else ("units",)
        for axis, value in zip(axes, shape):
            cells.append(Published(WALK, label, f"output volume ({axis})", str(value),
                                   convention="printed as [HxWxC] or [N]"))
        for column, value in zip(_SPEC, spec or ()):
            if value is not None:
                cells.append(Published(WALK, label, column, str(value)))
    cells += [
        Published(WALK, "CONV1 (AlexNet: Parameters)", "parameters", "35K", "K",
                  convention="(11*11*3)*96 weights, biases not counted"),
        Published(WALK, "POOL1 (AlexNet: Parameters)", "parameters", "0"),
        Published(WALK, "whole network", "hidden layers", "7", model="alexnet",
                  metric=HIDDEN_LAYERS),
        # 55x55x96 + 27x27x256 + 2x13x13x384 + 13x13x256 = 650,080 (659,272 with the FCs)
        Published(WALK, "whole network", "units", "650K", "K", model="alexnet", metric=UNITS),
        # The paper's "about 60 million parameters" (Sec. 1, Sec. 4) is its two-GPU network
        # (60.97M); the lecture's one-group list, whose CONV2/4/5 see all input maps, has
        # 62.4M (see the per-layer profile below).
        Published(WALK, "whole network", "params", "60M", "M", model="alexnet-2gpu",
                  metric=WEIGHTS_AND_BIASES.described(
                      "the paper's network (two GPUs: groups=2), weights and biases"),
                  rounding="tolerance", tolerance=3,
                  tolerance_reason="the paper's 'about 60 million' (Sec. 4), read as ±5%"),
    ]
    return cells


ZFNET = [
    Published(ZF, "CONV1", "filter size", "7x7"), Published(ZF, "CONV1", "stride", "2"),
    Published(ZF, "CONV3", "filters", "512"), Published(ZF, "CONV4", "filters", "1024"),
    Published(ZF, "CONV5", "filters", "512"),
    Published(SUMMARY, "ZFNet", "layers", "8", model="zfnet", metric=DEPTH),
]

# "2x3 average pooling" in the slide is left out: LeNet-5 pools 2x2 (LeCun et al. 1998,
# Sec. II.B), and a pooling window printed as "2x3" has no single number to check.
LENET5 = [
    Published(LENET, "conv", "filter size", "5x5", convention="C1 and C3"),
    Published(LENET, "conv", "stride", "1", convention="C1 and C3"),
    Published(LENET, "average pooling", "stride", "2", convention="S2 and S4"),
]

_GOOGLENET_EVIDENCE = ("Table 1 without its linear row: 5,966,272 conv weights (5.97M, the "
                       "complexity table's 6.0M); the lecture's other figure, '12x less than "
                       "AlexNet', is 60M/12 = 5M, the same rounding down")

SUMMARY_ROWS = [
    Published(SUMMARY, "AlexNet", "layers", "8", model="alexnet-2gpu", metric=DEPTH),
    Published(SUMMARY, "AlexNet", "parameters", "61 million", "M", model="alexnet-2gpu",
              metric=WEIGHTS_AND_BIASES.described(
                  "the paper's two-GPU form (groups=2), weights and biases")),
    Published(SUMMARY, "VGGNet", "layers", "16", model="vgg-d",
              metric=DEPTH.described("weight layers, VGG-16 (config D)")),
    Published(SUMMARY, "VGGNet", "parameters", "138 million", "M", model="vgg-d",
              metric=WEIGHTS_AND_BIASES.described("weights and biases")),
    Published(SUMMARY, "GoogLeNet", "layers", "22", model="googlenet",
              metric=DEPTH.described("weight layers on the deepest path (Table 1's depth "
                                     "column)")),
    Published(SUMMARY, "GoogLeNet", "parameters", "5 million", "M", model="googlenet",
              metric=CONV_PARAMS,
              deviation=Deviation("rounded down: the conv part has 5.97M parameters",
                                  _GOOGLENET_EVIDENCE, corrected="6.0", kind="rounding")),
    Published(SUMMARY, "ResNet", "layers", "152", model="resnet-152", metric=DEPTH),
] + [Published(SUMMARY, name, "ILSVRC top-5 error", printed, "%", kind="accuracy",
               convention="ILSVRC test-set entry", ensemble=True)
     for name, printed in (("AlexNet", "15.4%"), ("ZFNet", "11.2%"), ("VGGNet", "7.3%"),
                           ("GoogLeNet", "6.7%"), ("ResNet", "3.57%"))]


def _padding(layer) -> int:
    return 0 if layer.padding == "valid" else (layer.kernel_size[0] - 1) // 2


def _spec(layer) -> dict[str, int]:
    if hasattr(layer, "pool_size"):
        return {"filter size": layer.pool_size[0], "stride": layer.strides[0]}
    return {"filters": layer.filters, "filter size": layer.kernel_size[0],
            "stride": layer.strides[0], "pad": _padding(layer)}


def _walk() -> tuple[dict, str]:
    alexnet = measure("alexnet")
    walk = {}
    for label, name, shape, _ in LAYERS:
        layer = alexnet.model.get_layer(name)
        axes = ("H", "W", "C") if len(shape) == 3 else ("units",)
        for axis, value in zip(axes, layer.output.shape[1:]):
            walk[(label, f"output volume ({axis})")] = value
        if name != "input" and not name.startswith(("norm", "fc", "predictions")):
            for column, value in _spec(layer).items():
                walk[(label, column)] = value
    layer_stats = {layer.name: layer for layer in alexnet.profile.layers}
    walk[("CONV1 (AlexNet: Parameters)", "parameters")] = layer_stats["conv1"].weights
    walk[("POOL1 (AlexNet: Parameters)", "parameters")] = layer_stats["pool1"].params
    two_gpu = measure("alexnet-2gpu").profile
    details = ("Per-layer profile of our `keras_cnns.AlexNet()` (the lecture's one-group list; "
               f"memory in output elements; params without biases). The two-GPU form "
               f"(`groups=2`) has {two_gpu.weights:,} weights and "
               f"{two_gpu.macs:,} multiply-adds.\n\n" + alexnet.profile.table(biases=False))
    return walk, details


def _zfnet() -> dict:
    zfnet = measure("zfnet").model
    conv1 = zfnet.get_layer("conv1")
    zf = {("CONV1", "filter size"): conv1.kernel_size[0], ("CONV1", "stride"): conv1.strides[0]}
    for name in ("conv3", "conv4", "conv5"):
        zf[(name.upper(), "filters")] = zfnet.get_layer(name).filters
    return zf


def _lenet5() -> dict:
    lenet = measure("lenet-5").model
    convs = [lenet.get_layer(name) for name in ("c1", "c3")]
    pools = [lenet.get_layer(name) for name in ("s2", "s4")]
    same = lambda values: values[0] if len(set(values)) == 1 else float("nan")  # noqa: E731
    return {
        ("conv", "filter size"): same([c.kernel_size[0] for c in convs] + [c.kernel_size[1] for c in convs]),
        ("conv", "stride"): same([c.strides[0] for c in convs]),
        ("average pooling", "stride"): same([p.strides[0] for p in pools]),
    }


TABLES = [
    TableSpec("walkthrough", "Lecture: AlexNet layer list and parameters", WALK,
              _walkthrough(), _walk),
    TableSpec("zfnet", "Lecture: ZFNet (AlexNet but ...)", ZF, ZFNET, _zfnet),
    TableSpec("lenet5", "Lecture: LeNet-5", LENET, LENET5, _lenet5),
    TableSpec("ilsvrc_summary", "Lecture: ImageNet classification results (summary rows)",
              SUMMARY, SUMMARY_ROWS),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
