"""Residual Attention Network (Wang, Jiang, Qian, Yang, Li, Zhang, Wang & Tang, "Residual
Attention Network for Image Classification", CVPR 2017, arXiv:1704.06904), Sec. 3-4.

Stages of pre-activation bottleneck residual units with attention modules
(:func:`keras_cnns.blocks.attention_module`: trunk and soft mask, ``(1 + M) * T``) between
them. ImageNet (Table 2, the authors' ``Attention-56-deploy.prototxt`` /
``Attention-92-deploy.prototxt``): conv 7x7/2 (64, BN, ReLU), 3x3/2 max pool; a residual
unit to 256 channels and ``m1`` attention modules at 56x56 (3 pooling levels in the mask),
a unit to 512 (stride 2) and ``m2`` modules at 28x28 (2 levels), a unit to 1024 (stride 2)
and ``m3`` modules at 14x14 (1 level), three units to 2048 (the first of stride 2) at 7x7,
BN-ReLU, 7x7 average pooling, fc. Attention-56 has ``(m1, m2, m3) = (1, 1, 1)``,
Attention-92 ``(1, 2, 3)``; with the paper's ``p = 1, t = 2, r = 1`` a module is 4 units
(12 layers) deep on the trunk, so the depth is ``12 * (m1 + m2 + m3) + 20``.

CIFAR (Sec. 4.1-4.2, Table 5: Attention-92, -236, -452): the same structure on 32x32
inputs: a 3x3 convolution (16 channels), units to 64, 128 (stride 2) and 256 (stride 2)
channels, each followed by its stage's ``m`` attention modules (2, 1 and 0 pooling levels,
so every mask reaches 8x8), three 256-channel units at 8x8, BN-ReLU, global average
pooling, fc. Attention-92 and -236 use ``p = 1, t = 2, r = 1`` with 2 and 6 modules per
stage; Attention-452 uses the paper's ``{p = 2, t = 4, r = 3}`` with 6 modules per stage
(depth ``24 * 18 + 20``). The authors released no CIFAR model: the widths are those of
the pre-activation ResNet-164 (He et al. 2016b), whose comparison row sits beside them in
Table 5. The parameter counts the paper gives (1.9M, 5.1M, 8.6M) therefore cannot check
these widths; ours are 1.8M, 4.8M and 9.4M (``reproductions.residual_attention`` prints them
unchecked, with the reason).

Departures, named: bilinear up-sampling with half-pixel centres (Caffe's ``Interp`` aligns
corners); the classifier is a Dense layer (the Caffe ``InnerProduct``).
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice
from keras_cnns.blocks import (attention_module, conv, conv_norm_act, nested, norm_act,
                               preact_bottleneck)
from keras_cnns.contract import Head

PAPER = ("Wang, Jiang, Qian, Yang, Li, Zhang, Wang & Tang, Residual Attention Network for "
         "Image Classification, CVPR 2017 (arXiv:1704.06904)")

#: ImageNet depth -> attention modules per stage (m1, m2, m3).
IMAGENET = {56: (1, 1, 1), 92: (1, 2, 3)}
IMAGENET_WIDTHS = (256, 512, 1024, 2048)
IMAGENET_LEVELS = (3, 2, 1)
#: CIFAR depth -> (modules per stage, (p, t, r)).
CIFAR = {92: ((2, 2, 2), (1, 2, 1)), 236: ((6, 6, 6), (1, 2, 1)),
         452: ((6, 6, 6), (2, 4, 3))}
CIFAR_WIDTHS = (64, 128, 256)
CIFAR_LEVELS = (2, 1, 0)
CIFAR_STEM = 16
#: Residual units after the last attention stage.
POST_UNITS = 3


#: Networks with more attention modules than this build each module as a nested model
#: (Attention-236 and -452 have thousands of layers; see keras_cnns.blocks.stages).
MAX_FLAT_MODULES = 6


def attention_stages(x, widths, strides, modules, levels, p, t, r):
    """Per stage: a residual unit to the stage's width (its stride), then its attention
    modules; units ``stage<i>_unit``, modules ``stage<i>_attention<j>`` (nested models
    named so when the network has more than :data:`MAX_FLAT_MODULES`)."""
    nest = sum(modules) > MAX_FLAT_MODULES
    for index, (width, stride, count, level) in enumerate(
            zip(widths, strides, modules, levels), start=1):
        x = preact_bottleneck(x, width, stride, name=f"stage{index}_unit")
        for number in range(1, count + 1):
            module = f"stage{index}_attention{number}"
            build = (lambda tensor, level=level, module=module:
                     attention_module(tensor, level, p, t, r, name=module))
            x = nested(x, build, module) if nest else build(x)
    return x


def _post(x, width, stride):
    for number in range(1, POST_UNITS + 1):
        x = preact_bottleneck(x, width, stride if number == 1 else 1, name=f"post{number}")
    return norm_act(x, name="post")


@registry.register(
    "residual-attention", paper=PAPER, reproduction="residual-attention",
    input_shape=(224, 224, 3), classes=1000, min_size=32,
    names=[registry.name("attention-{depth}", where=lambda a: a["depth"] in IMAGENET)],
    models=["attention-56", "attention-92"],
    aliases={"attention56": "attention-56", "attention92": "attention-92"})
def ResidualAttentionNet(depth: int = 56, *, include_top: bool = True, weights=None,
                         input_tensor=None, input_shape=None, pooling=None,
                         classes: int = 1000, classifier_activation="softmax",
                         name: str | None = None) -> keras.Model:
    """Attention-``depth`` for ImageNet (Table 2): 56 or 92.

    Args:
        depth: 56 (one attention module per stage) or 92 (1, 2, 3).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input (224,
            224, 3), at least 32x32.
    """
    check_choice("depth", depth, IMAGENET, "Residual Attention Network (ImageNet) depth must "
                 "be 56 or 92.")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name=f"Attention-{depth}")
    x = conv_norm_act(x, 64, 7, strides=2, name="conv1")
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1_pool")(x)
    x = attention_stages(x, IMAGENET_WIDTHS[:3], (1, 2, 2), IMAGENET[depth], IMAGENET_LEVELS,
                         1, 2, 1)
    x = _post(x, IMAGENET_WIDTHS[3], 2)
    return head.model(inputs, head.classifier(x), f"attention{depth}")


@registry.register(
    "residual-attention-cifar", paper=PAPER, reproduction="residual-attention",
    input_shape=(32, 32, 3), classes=10, min_size=8,
    names=[registry.name("attention-{depth}", where=lambda a: a["depth"] in CIFAR
                         and a["depth"] not in IMAGENET),
           registry.name("attention-cifar-{depth}", where=lambda a: a["depth"] in CIFAR)],
    models=["attention-cifar-92", "attention-236", "attention-452"],
    aliases={"attention-cifar-236": "attention-236", "attention-cifar-452": "attention-452"},
    smallest="attention-cifar-92")
def ResidualAttentionNetCIFAR(depth: int = 452, *, include_top: bool = True, weights=None,
                              input_tensor=None, input_shape=None, pooling=None,
                              classes: int = 10, classifier_activation="softmax",
                              name: str | None = None) -> keras.Model:
    """Attention-``depth`` for CIFAR (Table 5): 92, 236 or 452.

    Args:
        depth: 92 (2 modules per stage), 236 (6) or 452 (6, with p = 2, t = 4, r = 3).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input (32, 32,
            3), at least 8x8.
    """
    check_choice("depth", depth, CIFAR, "Residual Attention Network (CIFAR) depth must be "
                 "92, 236 or 452.")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    modules, (p, t, r) = CIFAR[depth]
    inputs, x = head.inputs((32, 32, 3), min_size=8, model_name=f"Attention-{depth}")
    x = conv(x, CIFAR_STEM, 3, name="conv1_conv")
    x = attention_stages(x, CIFAR_WIDTHS, (1, 2, 2), modules, CIFAR_LEVELS, p, t, r)
    x = _post(x, CIFAR_WIDTHS[-1], 1)
    return head.model(inputs, head.classifier(x), f"attention{depth}_cifar")


__all__ = ["CIFAR", "IMAGENET", "ResidualAttentionNet", "ResidualAttentionNetCIFAR",
           "attention_stages"]
