"""ResNet for ImageNet (He, Zhang, Ren & Sun, "Deep Residual Learning for Image
Recognition", CVPR 2016, arXiv:1512.03385), Table 1: depths 18, 34, 50, 101, 152.

conv1 7x7/2 (64) -> 3x3/2 max-pool -> stages conv2_x..conv5_x of basic blocks (3x3, 3x3;
depths 18/34) or bottleneck blocks (1x1, 3x3, 1x1 with 4x expansion; depths 50/101/152)
-> global average pool -> 1000-d fc -> soft-max. Stages 3-5 halve the size in their first
block. Shortcuts are identities, except where the shape changes: there a 1x1 projection
with batch norm (the paper's option B, Sec. 3.3). Batch norm follows every convolution and
precedes the ReLU; the last ReLU of a block comes after the addition (Fig. 2, Fig. 5).

Stride placement: ``stride_at="1x1"`` (the default) puts a downsampling block's stride on
its first 1x1 convolution, as the paper's released models and ``keras.applications`` do;
it is the placement that reproduces Table 1's FLOPs (3.8/7.6/11.3 x10^9 for 50/101/152).
``stride_at="3x3"`` is the later "ResNet v1.5" (Facebook/torchvision) form, which moves the
stride to the 3x3 convolution: more multiply-adds (4.1/7.8/11.5 x10^9), no more parameters.
Basic blocks have no 1x1, so the switch does not change depths 18 and 34.

Departures, named: convolutions have no bias (each is followed by batch norm, whose beta
plays that role; the paper's count and keras.applications' bias-carrying convs differ only
by these biases).

Extension points (ResNeXt, SE-ResNet): ``_resnet`` takes any ``block`` function with the
signature of :func:`bottleneck_block`; ``bottleneck_block`` has ``groups`` and ``width``
(the 3x3 convolution's channels) for grouped bottlenecks.
"""

from __future__ import annotations

from collections.abc import Callable

import keras

from keras_cnns import _common

#: Table 1: blocks per stage conv2_x..conv5_x, and whether the blocks are bottlenecks.
DEPTHS: dict[int, tuple[tuple[int, int, int, int], bool]] = {
    18: ((2, 2, 2, 2), False),
    34: ((3, 4, 6, 3), False),
    50: ((3, 4, 6, 3), True),
    101: ((3, 4, 23, 3), True),
    152: ((3, 8, 36, 3), True),
}

#: Table 1: the base width of each stage (a bottleneck's output is 4x this).
STAGE_WIDTHS = (64, 128, 256, 512)
EXPANSION = 4
STRIDE_PLACEMENTS = ("1x1", "3x3")
BN_EPSILON = 1.001e-5


def _conv_bn(x, filters, kernel, name, strides=1, groups=1, relu=True):
    x = keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", groups=groups,
                            use_bias=False, name=f"{name}_conv")(x)
    x = keras.layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_bn")(x)
    if relu:
        x = keras.layers.Activation("relu", name=f"{name}_relu")(x)
    return x


def _shortcut(x, filters, stride, name):
    if stride == 1 and x.shape[-1] == filters:
        return x
    return _conv_bn(x, filters, 1, f"{name}_0", strides=stride, relu=False)


def _merge(x, shortcut, name):
    x = keras.layers.Add(name=f"{name}_add")([shortcut, x])
    return keras.layers.Activation("relu", name=f"{name}_out")(x)


def basic_block(x, filters: int, stride: int = 1, name: str = "block", stride_at: str = "1x1"):
    """Two 3x3 convolutions (Fig. 2); output ``filters`` channels.

    ``stride_at`` is accepted for a common block signature; a basic block has no 1x1, so
    the stride is on its first 3x3 either way.
    """
    shortcut = _shortcut(x, filters, stride, name)
    y = _conv_bn(x, filters, 3, f"{name}_1", strides=stride)
    y = _conv_bn(y, filters, 3, f"{name}_2", relu=False)
    return _merge(y, shortcut, name)


def bottleneck_block(x, filters: int, stride: int = 1, name: str = "block",
                     stride_at: str = "1x1", groups: int = 1, width: int | None = None,
                     expansion: int = EXPANSION, excite: Callable | None = None):
    """1x1 (``width``) -> 3x3 (``width``, ``groups``) -> 1x1 (``expansion * filters``), Fig. 5.

    ``excite(y, name) -> y``, if given, recalibrates the residual branch before the addition
    (the SE block of :mod:`keras_cnns.senet`).
    """
    width = width or filters
    out = expansion * filters
    shortcut = _shortcut(x, out, stride, name)
    y = _conv_bn(x, width, 1, f"{name}_1", strides=stride if stride_at == "1x1" else 1)
    y = _conv_bn(y, width, 3, f"{name}_2", strides=stride if stride_at == "3x3" else 1,
                 groups=groups)
    y = _conv_bn(y, out, 1, f"{name}_3", relu=False)
    if excite is not None:
        y = excite(y, name)
    return _merge(y, shortcut, name)


def _resnet(stage_blocks, block: Callable, name: str, include_top=True, input_tensor=None,
            input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
            widths=STAGE_WIDTHS, **block_kwargs) -> keras.Model:
    """Generic ImageNet ResNet: stem, four stages of ``block``, head."""
    _common.check_head(include_top, pooling, classes, classifier_activation)
    inputs, x = _common.model_input(input_shape, input_tensor, (224, 224, 3), min_size=32,
                                    model_name=name)
    x = _conv_bn(x, 64, 7, "conv1", strides=2)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1_pool")(x)
    for stage, (blocks, filters) in enumerate(zip(stage_blocks, widths), start=2):
        for index in range(1, blocks + 1):
            stride = 2 if index == 1 and stage > 2 else 1
            x = block(x, filters, stride=stride, name=f"conv{stage}_block{index}",
                      **block_kwargs)
    x = _common.pooled_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(inputs, x, name=name)


def ResNet(depth: int = 50, include_top: bool = True, input_tensor=None, input_shape=None,
           pooling=None, classes: int = 1000, classifier_activation="softmax",
           stride_at: str = "1x1", name: str | None = None) -> keras.Model:
    """Build the ``depth``-layer ResNet of Table 1 (18, 34, 50, 101 or 152).

    Args:
        depth: weight layers on the deepest path (Table 1's column).
        include_top: add global average pooling and the ``classes``-way fc layer.
        input_tensor, input_shape: as in ``keras.applications``; default (224, 224, 3);
            any size of at least 32x32 works (global average pooling).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes, classifier_activation: the fc layer's outputs and activation.
        stride_at: ``"1x1"`` (paper, default) or ``"3x3"`` (v1.5): which convolution of a
            downsampling bottleneck carries the stride 2.
    """
    _common.check_choice("depth", depth, DEPTHS,
                         "ResNet depth must be one of Table 1's 18, 34, 50, 101, 152.")
    _common.check_choice("stride_at", stride_at, STRIDE_PLACEMENTS,
                         "ResNet stride_at must be '1x1' (paper) or '3x3' (v1.5).")
    stage_blocks, bottleneck = DEPTHS[depth]
    block = bottleneck_block if bottleneck else basic_block
    suffix = "_v1_5" if bottleneck and stride_at == "3x3" else ""
    return _resnet(stage_blocks, block, name or f"resnet{depth}{suffix}", include_top,
                   input_tensor, input_shape, pooling, classes, classifier_activation,
                   stride_at=stride_at)


def ResNet18(**kwargs) -> keras.Model:
    return ResNet(18, **kwargs)


def ResNet34(**kwargs) -> keras.Model:
    return ResNet(34, **kwargs)


def ResNet50(**kwargs) -> keras.Model:
    return ResNet(50, **kwargs)


def ResNet101(**kwargs) -> keras.Model:
    return ResNet(101, **kwargs)


def ResNet152(**kwargs) -> keras.Model:
    return ResNet(152, **kwargs)
