"""SKNet (Li, Wang, Hu & Yang, "Selective Kernel Networks", CVPR 2019, arXiv:1903.06586),
Sec. 3.2 / Table 1.

SKNet-50 is ResNeXt-50 (32x4d) with every grouped 3x3 convolution replaced by an SK unit
(:func:`keras_cnns.blocks.selective_kernel`) of ``M = 2`` kernels (3x3 and 3x3 with
dilation 2), ``G = 32`` groups, reduction ``r = 16`` and ``L = 32`` (Table 1: SK[M=2,
G=32, r=16]): per block 1x1 (``128 * 2^(stage-2)`` channels), SK unit, 1x1 (4x
``filters``); the stride of a downsampling block in the SK unit's branches; projection
shortcuts (1x1 + BN, stride). SKNet-26 has 2 blocks per stage, SKNet-101 the ResNet-101
stages (3, 4, 23, 3). Everything as in the authors' ``sknet50.prototxt`` /
``sknet101.prototxt`` (``implus/SKNet``).

Departures, named: the released SKNet-101 prototxt has ``d = 16`` fuse units in conv3
(``max(256/16, 32) = 32`` by Eq. 4, which SKNet-50's prototxt follows); Eq. 4 is used at
every depth. Convolutions have no bias (batch norm follows each); the classifier is a
Dense layer.
"""

from __future__ import annotations

import functools

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_int, fail
from keras_cnns.blocks import (check_padding, conv_norm_act, residual_merge, selective_kernel,
                               shortcut)
from keras_cnns.contract import Head, variant
from keras_cnns.resnet import EXPANSION, imagenet_resnet, resnet_stem, stage_specs

PAPER = "Li, Wang, Hu & Yang, Selective Kernel Networks, CVPR 2019 (arXiv:1903.06586)"

#: Blocks per stage conv2..conv5.
DEPTHS = {26: (2, 2, 2, 2), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3)}
#: Channels of the SK unit in conv2 (ResNeXt-50 32x4d's group width), doubling per stage.
BASE_WIDTH = 128


def sk_block(x, filters: int, strides: int = 1, *, name: str, M: int = 2, G: int = 32,
             r: int = 16, L: int = 32, width: int = BASE_WIDTH, stride_padding: str = "same"):
    """1x1 (``width * filters / 64``), SK unit (stride; its strided 3x3 branch padded as
    ``stride_padding`` says), 1x1 (``4 * filters``), BN after each; projection shortcut
    where the shape changes."""
    channels = width * filters // 64
    out = EXPANSION * filters
    skip = shortcut(x, out, strides, name=name)
    y = conv_norm_act(x, channels, 1, name=f"{name}_1")
    y = selective_kernel(y, channels, strides, name=f"{name}_2", M=M, G=G, r=r, L=L,
                         stride_padding=stride_padding)
    y = conv_norm_act(y, out, 1, name=f"{name}_3", activation=None)
    return residual_merge(skip, y, name=name)


@registry.register(
    "sknet", paper=PAPER, reproduction="sknet", input_shape=(224, 224, 3), classes=1000,
    min_size=32,
    names=[registry.name("sknet-{depth}", where=lambda a: a["depth"] in DEPTHS),
           registry.name("sknet-{depth}-m{M}-g{G}-r{r}", where=lambda a: a["depth"] in DEPTHS)],
    models=["sknet-26", "sknet-50", "sknet-101"],
    aliases={"sknet50": "sknet-50", "sknet101": "sknet-101", "sk-resnext-50-32x4d": "sknet-50",
             "sk-resnext-101-32x4d": "sknet-101"},
    smallest="sknet-26-m2-g8-r16")
def SKNet(depth: int = 50, M: int = 2, G: int = 32, r: int = 16, L: int = 32,
          padding: str = "same", *,
          include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
          pooling=None, classes: int = 1000, classifier_activation="softmax",
          name: str | None = None) -> keras.Model:
    """SKNet-``depth`` (26, 50, 101) with SK[M, G, r] units (Table 1).

    Args:
        depth: 26, 50 or 101.
        M: kernels (paths) per SK unit (2: 3x3 and dilated 3x3).
        G: groups of each path's convolution (32).
        r: reduction ratio of the fuse fc (16).
        L: its minimum width (32).
        padding: how the 3x3/2 max-pool and the strided undilated 3x3 branches pad:
            ``"same"`` (default, TensorFlow's) or ``"symmetric"`` (one pixel on each side,
            as PyTorch pads: timm's ``skresnext50_32x4d``). The dilated branch reads the
            same positions either way. No count changes.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``.
    """
    check_choice("depth", depth, DEPTHS, "SKNet depth must be one of 26, 50, 101.")
    for key, value in (("M", M), ("G", G), ("r", r), ("L", L)):
        check_int(key, value, 1, f"SKNet {key} must be an integer >= 1.")
    if BASE_WIDTH % G:
        fail(f"SKNet groups G must divide the first stage's {BASE_WIDTH} channels.", "G", G)
    check_padding(padding, "SKNet")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    setting = "" if (M, G, r, L) == (2, 32, 16, 32) else f"_m{M}_g{G}_r{r}_l{L}"
    return imagenet_resnet(head, stage_specs(DEPTHS[depth]), sk_block,
                           f"sknet{depth}{setting}",
                           stem=functools.partial(resnet_stem, pool_padding=padding),
                           M=M, G=G, r=r, L=L, stride_padding=padding)


SKNet50 = variant(SKNet, "SKNet50", "SKNet-50 (SK[2, 32, 16]).", depth=50)

__all__ = ["DEPTHS", "SKNet", "SKNet50", "sk_block"]
