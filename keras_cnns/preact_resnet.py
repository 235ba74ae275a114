"""Pre-activation ResNets of He et al., Identity Mappings in Deep Residual Networks,
ECCV 2016 (arXiv:1603.05027), CIFAR models of Sec. 5 / Table 3-4.

Every unit is ``x + F(x)`` with batch normalisation and ReLU *before* each conv (Fig. 1b,
"full pre-activation"), and nothing after the addition. ``bottleneck=False`` gives the
basic unit (two 3x3 convs; depth ``6n+2``, e.g. 110) with 16/32/64 filters;
``bottleneck=True`` gives the bottleneck unit (1x1, 3x3, 1x1; depth ``9n+2``, e.g. 164
and 1001) with 16/32/64 bottleneck and 64/128/256 output filters. Where the channels or
the resolution change, the unit's leading BN-ReLU is shared by the residual and a 1x1
projection shortcut (as the authors' ``resnet-pre-act.lua`` does); elsewhere the
shortcut is the identity. After the last unit: BN, ReLU, global average pooling and the
classifier. Convs have no biases (each feeds a batch normalisation): our convention.
Stages are nested models ``conv2``..``conv4`` so the 1001-layer net builds quickly.
"""

from __future__ import annotations

import keras

from keras_cnns import _common

STAGE_NAMES = ("conv2", "conv3", "conv4")
BASE_FILTERS = (16, 32, 64)


def _conv(filters, kernel, strides, name):
    return keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False,
                               kernel_initializer="he_normal", name=name)


def _bn_relu(x, name):
    x = keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name=f"{name}_bn")(x)
    return keras.layers.ReLU(name=f"{name}_relu")(x)


def preact_unit(x, convs: list[tuple[int, int]], filters: int, strides: int, name: str,
                dropout: float = 0.0):
    """Pre-activation residual unit: ``x + F(x)``, F = [BN-ReLU-conv] per ``(kernel, filters)``.

    ``dropout`` (Zagoruyko & Komodakis) goes between the convs, after the ReLU.
    """
    project = strides != 1 or x.shape[-1] != filters
    pre = _bn_relu(x, f"{name}_1")
    y = pre
    for index, (kernel, width) in enumerate(convs, start=1):
        if index > 1:
            y = _bn_relu(y, f"{name}_{index}")
            if dropout:
                y = keras.layers.Dropout(dropout, name=f"{name}_{index}_dropout")(y)
        y = _conv(width, kernel, strides if index == 1 else 1, f"{name}_{index}_conv")(y)
    shortcut = _conv(filters, 1, strides, f"{name}_0_conv")(pre) if project else x
    return keras.layers.Add(name=f"{name}_add")([shortcut, y])


def basic_unit(x, filters, strides, name, dropout=0.0):
    """B(3,3): two 3x3 convs of ``filters`` (stride on the first)."""
    return preact_unit(x, [(3, filters), (3, filters)], filters, strides, name, dropout)


def bottleneck_unit(x, filters, strides, name):
    """1x1 (filters/4, carries the stride), 3x3 (filters/4), 1x1 (filters)."""
    return preact_unit(x, [(1, filters // 4), (3, filters // 4), (1, filters)], filters, strides,
                       name)


def preact_network(inputs, x, stage_blocks, include_top, pooling, classes, classifier_activation,
                   name, stem_filters=16):
    """conv1, the stages (lists of block functions), final BN-ReLU and the head."""
    x = _conv(stem_filters, 3, 1, "conv1_conv")(x)
    for stage_name, blocks in zip(STAGE_NAMES, stage_blocks):
        x = _common.stage(x, blocks, stage_name)
    x = _bn_relu(x, "post")
    x = _common.pooled_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(inputs, x, name=name)


def PreActResNet(depth: int = 164, bottleneck: bool | None = None, include_top: bool = True,
                 input_tensor=None, input_shape=None, pooling=None, classes: int = 10,
                 classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """Pre-activation ResNet-``depth`` for CIFAR (He et al. 2016): 110, 164, 1001.

    Args:
        depth: ``6n+2`` with basic units, ``9n+2`` with bottleneck units.
        bottleneck: unit type; ``None`` picks the paper's: bottleneck from depth 164 on
            (164, 1001), basic below (110).
        include_top, input_tensor, input_shape, pooling, classes, classifier_activation:
            as in ``keras.applications``; the default input is 32x32x3.
    """
    if bottleneck is None:
        bottleneck = isinstance(depth, int) and depth >= 164
    if bottleneck:
        family, rule = "Pre-activation ResNet (bottleneck)", "9n+2"
        valid = isinstance(depth, int) and depth >= 11 and (depth - 2) % 9 == 0
    else:
        family, rule = "Pre-activation ResNet (basic)", "6n+2"
        valid = isinstance(depth, int) and depth >= 8 and (depth - 2) % 6 == 0
    _common.check_depth(family, depth, rule, valid)
    _common.check_head(include_top, pooling, classes, classifier_activation)
    inputs, x = _common.model_input(input_shape, input_tensor, (32, 32, 3), min_size=8,
                                    model_name=family)
    n = (depth - 2) // (9 if bottleneck else 6)
    stages = []
    for index, (stage_name, base) in enumerate(zip(STAGE_NAMES, BASE_FILTERS)):
        filters = base * 4 if bottleneck else base
        unit = bottleneck_unit if bottleneck else basic_unit
        stages.append([
            (lambda t, b=b, s=(2 if index and b == 1 else 1), sn=stage_name, f=filters, u=unit:
             u(t, f, s, f"{sn}_block{b}")) for b in range(1, n + 1)])
    return preact_network(inputs, x, stages, include_top, pooling, classes, classifier_activation,
                          name or f"preact_resnet{depth}")
