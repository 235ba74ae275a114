"""Wide Residual Networks, Zagoruyko & Komodakis, BMVC 2016 (arXiv:1605.07146), Table 1.

WRN-d-k: conv1 3x3 with 16 filters, then groups conv2/conv3/conv4 of ``N = (d-4)/6``
pre-activation B(3,3) blocks with ``16k``, ``32k``, ``64k`` filters on 32x32, 16x16 and
8x8 maps, then BN, ReLU, 8x8 average pooling and the classifier. As in the authors' code
(``szagoruyko/wide-residual-networks``): dropout (Sec. 2.4) sits between the two convs of a
block after BN-ReLU; a block whose width or resolution changes shares its leading BN-ReLU
with a 1x1 projection shortcut; convs have no biases; the classifier has one.

ImageNet (:func:`WideResNetImageNet`, registered ``wrn-{depth}-{k}-bottleneck``): the paper's
"ImageNet and COCO experiments" widen ResNet-50's bottleneck ("we took the ResNet-50, and
tried to make it wider by increasing inner 3x3 layer width"; WRN-50-2-bottleneck, 68.9M
parameters, Table 8 of arXiv:1605.07146v4). As the authors' released model builds it
(``pretrained/wide-resnet.lua`` and its printout in ``pretrained/README.md``;
``functional-zoo`` ``wide-resnet-50-2-export``): He et al. 2016's post-activation bottleneck
ResNet (Table 1: 7x7/2 stem and 3x3/2 max-pool, stages of 3, 4, 6, 3 units for depth 50)
whose inner 1x1 and 3x3 convolutions have ``k`` times the widths (128, 256, 512, 1024 for
k = 2) while the outer widths stay 256, 512, 1024, 2048; the stride sits on the 3x3
convolution (``fb.resnet.torch``); shortcuts are option B (1x1 projection with BN where the
shape changes); convs have no biases; BN follows every conv; ReLU after the addition.

Padding of the strided layers (``WideResNetImageNet(padding=...)``): the authors' Torch model
(``fb.resnet.torch``'s ``SpatialMaxPooling(3,3,2,2,1,1)`` and strided 3x3 convolutions with
``1,1`` padding) pads one pixel on each side, ``padding="symmetric"``, as torchvision's
``wide_resnet50_2`` also does; the default ``"same"`` is TensorFlow's (nothing before, one
pixel after on an even size). Counts are the same; outputs, and released weights, differ.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_depth, check_int, check_rate
from keras_cnns.contract import Head
from keras_cnns.blocks import (StageSpec, bottleneck_block, check_padding, conv_norm_act,
                               strided_max_pool)
from keras_cnns.preact_resnet import BASE_FILTERS, PRESET, basic_unit, preact_network, torch_stem
from keras_cnns.resnet import DEPTHS as RESNET_DEPTHS
from keras_cnns.resnet import STAGE_WIDTHS, imagenet_resnet
from keras_cnns.resnet_cifar import cifar_stages

PAPER = "Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016 (arXiv:1605.07146)"

#: WRN-d-k of the papers' tables (WRN Tables 4-6, DenseNet Table 2).
MODELS = ((16, 4), (16, 8), (16, 10), (22, 8), (28, 10), (40, 4), (40, 8))


@registry.register(
    "wrn", paper=PAPER, reproduction="wrn", input_shape=(32, 32, 3), classes=10, min_size=8,
    names=["wrn-{depth}-{k}"], models=[f"wrn-{d}-{k}" for d, k in MODELS], smallest="wrn-10-1")
def WideResNet(depth: int = 28, k: int = 10, dropout: float = 0.0, *, include_top: bool = True,
               weights=None, input_tensor=None, input_shape=None, pooling=None,
               classes: int = 10, classifier_activation="softmax",
               name: str | None = None) -> keras.Model:
    """WRN-``depth``-``k`` (Table 1): e.g. WRN-40-4, WRN-16-8, WRN-28-10, WRN-16-4.

    Args:
        depth: ``6N+4`` as the paper counts it (conv1, the ``6N`` convs of the ``3N``
            blocks and the three 1x1 projection convs).
        k: widening factor (>= 1); ``k=1`` is the thin pre-activation ResNet.
        dropout: dropout rate between the convs of each block, in [0, 1) (0.3 in the paper's
            "with dropout" rows).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3.
    """
    check_depth("WRN", depth, "6n+4 (n >= 1)", lambda d: d >= 10 and (d - 4) % 6 == 0)
    check_int("k", k, 1, "WRN widening factor k must be an integer >= 1.")
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    stages = cifar_stages((depth - 4) // 6, tuple(f * k for f in BASE_FILTERS))
    return preact_network(head, stages, basic_unit, f"wrn_{depth}_{k}", "WRN", dropout=dropout)


def symmetric_torch_stem(x):
    """``torch_stem`` with the 3x3/2 max-pool padded one pixel on each side (``pool1_pad``),
    as ``fb.resnet.torch``'s ``SpatialMaxPooling(3,3,2,2,1,1)``; after a ReLU, the zeros
    never win a maximum."""
    x = keras.layers.ZeroPadding2D(3, name="conv1_pad")(x)
    x = conv_norm_act(x, 64, 7, name="conv1", strides=2, padding="valid", preset=PRESET)
    return strided_max_pool(x, stride_padding="symmetric")


#: The bottleneck depths of He et al. 2016's Table 1 that can be widened.
BOTTLENECK_DEPTHS = tuple(d for d, (_, bottleneck) in RESNET_DEPTHS.items() if bottleneck)
#: Widening factors whose inner widths ``k * 64`` are whole (0.25 gives the smallest member).
IMAGENET_K = (0.25, 0.5, 1, 1.5, 2, 3, 4)


@registry.register(
    "wrn-imagenet", paper=PAPER, reproduction="wrn", input_shape=(224, 224, 3), classes=1000,
    min_size=32,
    names=[registry.name("wrn-{depth}-{k}-bottleneck",
                         where=lambda a: a["depth"] in BOTTLENECK_DEPTHS)],
    models=["wrn-50-2-bottleneck"], aliases={"wrn-50-2": "wrn-50-2-bottleneck"},
    smallest="wrn-50-0.25-bottleneck")
def WideResNetImageNet(depth: int = 50, k=2, padding: str = "same", *, include_top: bool = True, weights=None,
                       input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
                       classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """WRN-``depth``-``k``-bottleneck for ImageNet (Sec. "ImageNet and COCO experiments",
    Table 8): ResNet-``depth`` with ``k`` times wider inner bottleneck convolutions.

    Args:
        depth: 50, 101 or 152 (He et al. 2016, Table 1's bottleneck nets).
        k: widening factor of the inner 1x1 and 3x3 convolutions, one of 0.25, 0.5, 1, 1.5,
            2, 3, 4 (2 in the paper; 1 is ResNet-``depth`` with the stride on the 3x3).
        padding: how the 3x3/2 max-pool and the strided 3x3 convolutions pad: ``"same"``
            (default, TensorFlow's) or ``"symmetric"`` (one pixel on each side: the authors'
            Torch model and torchvision's ``wide_resnet50_2``). No count changes.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input (224, 224,
            3); any size of at least 32x32 works (global average pooling).
    """
    check_depth("WRN (ImageNet, bottleneck)", depth, "one of 50, 101, 152",
                lambda d: d in BOTTLENECK_DEPTHS)
    check_choice("k", k, IMAGENET_K,
                 "WRN (ImageNet) widening factor k must be one of 0.25, 0.5, 1, 1.5, 2, 3, 4.")
    check_padding(padding, "WRN (ImageNet)")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    counts, _ = RESNET_DEPTHS[depth]
    stages = tuple(StageSpec(f"conv{index}", n, width, 1 if index == 2 else 2,
                             options={"width": int(k * width)})
                   for index, (n, width) in enumerate(zip(counts, STAGE_WIDTHS), start=2))
    return imagenet_resnet(head, stages, bottleneck_block, f"wrn_{depth}_{k:g}_bottleneck",
                           stem=torch_stem if padding == "same" else symmetric_torch_stem,
                           stride_at="3x3", shortcut_option="B", preset=PRESET,
                           stride_padding=padding)
