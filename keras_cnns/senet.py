"""Squeeze-and-Excitation networks (Hu, Shen, Albanie, Sun & Wu, "Squeeze-and-Excitation
Networks", CVPR 2018 / TPAMI 2019, arXiv:1709.01507).

:func:`squeeze_excite` is the SE block of Fig. 1 / Fig. 3: squeeze = global average pooling
to one value per channel; excitation = fc (C/r) -> ReLU -> fc (C) -> sigmoid; scale = the
block's input multiplied channel-wise by those gates. It works on any tensor; the residual
builders take it through their ``excite`` hook, which applies it to the residual branch
before the identity addition (SE-ResNet module, Fig. 3).

:func:`SEResNet` and :func:`SEResNeXt` are the architectures of the SENet table (Table 1 of
the TPAMI paper): ResNet-50/101/152 and ResNeXt-50/101 (32x4d) with an SE block of
reduction r = 16 in every bottleneck, fc dims [16, 256], [32, 512], [64, 1024], [128, 2048].

Departures, named: the excitation fcs have biases, as in the released Caffe models; the
convolutions have none (batch norm follows each). SE-ResNet keeps the stride on the first
1x1 of a downsampling block (the released SE-ResNet models, like ResNet's); SE-ResNeXt on
the grouped 3x3 (as ResNeXt).
"""

from __future__ import annotations

import keras

from keras_cnns import _common, resnet, resnext

REDUCTION = 16


def check_reduction(channels: int, ratio: int) -> None:
    _common.check_positive_int("ratio", ratio)
    if channels % ratio:
        raise ValueError(f"SE reduction ratio r must divide the block's {channels} channels. "
                         f"Received: ratio={ratio}")


def squeeze_excite(x, ratio: int = REDUCTION, name: str = "se"):
    """Squeeze (GAP) -> fc C/r, ReLU -> fc C, sigmoid -> channel-wise scale of ``x``."""
    channels = x.shape[-1]
    check_reduction(channels, ratio)
    s = keras.layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}_squeeze")(x)
    s = keras.layers.Dense(channels // ratio, activation="relu", name=f"{name}_reduce")(s)
    s = keras.layers.Dense(channels, activation="sigmoid", name=f"{name}_expand")(s)
    return keras.layers.Multiply(name=f"{name}_scale")([x, s])


def excitation(ratio: int = REDUCTION):
    """The ``excite(y, name)`` hook for residual blocks: an SE block named ``<name>_se``."""
    _common.check_positive_int("ratio", ratio)
    return lambda y, name: squeeze_excite(y, ratio, name=f"{name}_se")


def SEResNet(depth: int = 50, ratio: int = REDUCTION, include_top: bool = True,
             input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
             classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """SE-ResNet-``depth`` (50, 101 or 152): ResNet (He et al., Table 1) + SE in every block."""
    _common.check_choice("depth", depth, (50, 101, 152),
                         "SE-ResNet depth must be one of 50, 101, 152.")
    check_reduction(256, ratio)
    stage_blocks, _ = resnet.DEPTHS[depth]
    return resnet._resnet(stage_blocks, resnet.bottleneck_block, name or f"se_resnet{depth}",
                          include_top, input_tensor, input_shape, pooling, classes,
                          classifier_activation, stride_at="1x1", excite=excitation(ratio))


def SEResNeXt(depth: int = 50, cardinality: int = 32, width: int = 4, ratio: int = REDUCTION,
              form: str = "c", include_top: bool = True, input_tensor=None, input_shape=None,
              pooling=None, classes: int = 1000, classifier_activation="softmax",
              name: str | None = None) -> keras.Model:
    """SE-ResNeXt-``depth`` (C x d; 50 or 101): the ResNeXt template + SE in every block."""
    resnext._check_template(depth, cardinality, width, form, depths=(50, 101),
                            family="SE-ResNeXt")
    check_reduction(256, ratio)
    return resnext._resnext(
        depth, cardinality, width, form, name or f"se_resnext{depth}_{cardinality}x{width}d",
        excite=excitation(ratio), include_top=include_top, input_tensor=input_tensor,
        input_shape=input_shape, pooling=pooling, classes=classes,
        classifier_activation=classifier_activation)


def SEResNet50(**kwargs) -> keras.Model:
    return SEResNet(50, **kwargs)


def SEResNeXt50(**kwargs) -> keras.Model:
    return SEResNeXt(50, **kwargs)
