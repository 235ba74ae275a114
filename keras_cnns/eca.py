"""ECA-Net (Wang, Wu, Zhu, Li, Zuo & Hu, "ECA-Net: Efficient Channel Attention for Deep
Convolutional Neural Networks", CVPR 2020, arXiv:1910.03151), Sec. 4: ResNets and
MobileNetV2 with an ECA module (:mod:`keras_cnns.blocks.eca`) in every block.

:func:`ECAResNet`: ResNet-18..152 (He et al. 2016, Table 1) with ECA on each block's branch
after its last batch norm, before the addition, as the authors' code
(``BangguWu/ECANet``, ``models/eca_resnet.py``): torchvision's layout, i.e. the stride of a
downsampling bottleneck on its 3x3 convolution (``stride_at="3x3"``, ResNet "v1.5") and
projection shortcuts (option B) for the basic blocks. ``k`` is the 1-D kernel size: the
adaptive ``psi(C)`` of Eq. 12 (``None``), one odd size, or one per stage: the authors'
released models are ``k3557`` (ResNet-50: sizes 3, 5, 5, 7 in conv2..conv5, the "80
parameters" of the abstract) and ``k3357`` (ResNet-101/152).

:func:`ECAMobileNetV2`: MobileNetV2 (Sandler, Howard, Zhu, Zhmoginov & Chen, CVPR 2018, arXiv:1801.04381,
Table 2): the inverted-residual network, with ``attention`` after each block's linear
projection and its batch norm, before the residual addition (the authors'
``eca_mobilenetv2.py``); ``attention=None`` is the plain MobileNetV2, equal to
``keras.applications.MobileNetV2`` (:func:`keras_cnns.pretrained.copy_from_twin`). Channels ``c * alpha``
rounded to multiples of 8 (the reference ``_make_divisible``), ReLU6, the 1280-channel last
convolution, no bias in convolutions.

Departures, named: the ECA authors' MobileNetV2 fixes ``k`` by width (1 up to 96 channels,
else 3) and adds dropout 0.25 before the classifier; here ``k`` is adaptive unless given
and ``dropout`` defaults to 0 (keras.applications).
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_int, check_number, check_rate, fail, is_int
from keras_cnns.blocks import conv, conv_norm_act, get_attention, residual_merge
from keras_cnns.blocks.conv import batch_norm
from keras_cnns.cbam import attention_resnet, check_attention_resnet
from keras_cnns.contract import Head
from keras_cnns.resnet import DEPTHS

PAPER = ("Wang, Wu, Zhu, Li, Zuo & Hu, ECA-Net: Efficient Channel Attention for Deep "
         "Convolutional Neural Networks, CVPR 2020 (arXiv:1910.03151)")


def _check_k(k) -> tuple | int | None:
    rule = ("The ECA kernel size k must be None (adaptive, Eq. 12), a positive odd integer "
            "or one per stage (4 odd integers).")
    if k is None:
        return None
    if is_int(k):
        if k < 1 or k % 2 == 0:
            fail(rule, "k", k)
        return k
    if isinstance(k, (tuple, list)) and len(k) == 4 and all(
            is_int(v) and v >= 1 and v % 2 for v in k):
        return tuple(k)
    fail(rule, "k", k)


def _spell_k(k) -> str:
    return "".join(str(v) for v in k)


@registry.register(
    "eca-resnet", paper=PAPER, reproduction="eca", input_shape=(224, 224, 3), classes=1000,
    min_size=32,
    names=[registry.name("eca-resnet-{depth}", where=lambda a: a["depth"] in DEPTHS),
           registry.name("eca-resnet-{depth}-k{k}", patterns={"k": r"[1-9]{4}"},
                         convert={"k": lambda s: tuple(int(c) for c in s)},
                         spell={"k": _spell_k}, where=lambda a: a["depth"] in DEPTHS)],
    models=["eca-resnet-18", "eca-resnet-34", "eca-resnet-50", "eca-resnet-101",
            "eca-resnet-152", "eca-resnet-50-k3557", "eca-resnet-101-k3357",
            "eca-resnet-152-k3357"],
    aliases={"eca-net50": "eca-resnet-50-k3557", "eca-net101": "eca-resnet-101-k3357",
             "eca-net152": "eca-resnet-152-k3357"},
    smallest="eca-resnet-18")
def ECAResNet(depth: int = 50, k=None, stride_at: str = "3x3", *, include_top: bool = True,
              weights=None, input_tensor=None, input_shape=None, pooling=None,
              classes: int = 1000, classifier_activation="softmax",
              name: str | None = None) -> keras.Model:
    """ECA-Net on ResNet-``depth`` (Table 2 rows ECA-Net50/101/152).

    Args:
        depth: 18, 34, 50, 101 or 152.
        k: 1-D kernel size: ``None`` (adaptive, Eq. 12), an odd integer, or 4 odd integers,
            one per stage (the released ``k3557``: ``(3, 5, 5, 7)``).
        stride_at: ``"3x3"`` (the authors' code) or ``"1x1"``.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``.
    """
    check_attention_resnet(depth, 1, 64, 1.0, stride_at, True, 16)
    check_choice("stride_at", stride_at, ("1x1", "3x3"),
                 "ECA-Net stride_at must be '3x3' (the authors' code) or '1x1'.")
    k = _check_k(k)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    per_stage = k if isinstance(k, tuple) else (k,) * 4
    suffix = f"_k{_spell_k(k)}" if isinstance(k, tuple) else (f"_k{k}" if k else "")
    return _eca_resnet(head, depth, per_stage, stride_at, f"eca_resnet{depth}{suffix}")


def _eca_resnet(head, depth, per_stage, stride_at, model_name):
    return attention_resnet(head, depth, [("eca", {"k": size}) for size in per_stage],
                            model_name, stride_at=stride_at)


# --------------------------------------------------------------------------- MobileNetV2

#: Table 2 of Sandler et al.: (expansion t, output channels c, repeats n, first stride s).
INVERTED_RESIDUALS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                      (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
FIRST_FILTERS = 32
LAST_FILTERS = 1280
PRESET = "mobilenetv2"


def make_divisible(value: float, divisor: int = 8) -> int:
    """The reference implementation's channel rounding (nearest multiple of ``divisor``,
    never below 90% of ``value``)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def inverted_residual(x, filters: int, strides: int, expansion: int, *, name: str,
                      attend=None):
    """Expand 1x1 (``expansion`` x input, BN, ReLU6; absent for ``expansion == 1``),
    depthwise 3x3 (stride, BN, ReLU6), linear 1x1 projection (BN), ``attend``, and the
    identity addition where the shape is kept (Sandler et al., Table 1 / Fig. 4d)."""
    inputs = x
    if expansion != 1:
        x = conv_norm_act(x, expansion * x.shape[-1], 1, name=f"{name}_expand", preset=PRESET,
                          activation="relu6")
    x = keras.layers.DepthwiseConv2D(3, strides=strides, padding="same", use_bias=False,
                                     name=f"{name}_depthwise")(x)
    x = batch_norm(x, name=f"{name}_depthwise_bn", preset=PRESET)
    x = keras.layers.Activation("relu6", name=f"{name}_depthwise_relu6")(x)
    x = conv(x, filters, 1, name=f"{name}_project_conv", preset=PRESET)
    x = batch_norm(x, name=f"{name}_project_bn", preset=PRESET)
    if attend is not None:
        x = attend(x, name)
    if strides == 1 and inputs.shape[-1] == filters:
        return residual_merge(inputs, x, name=name, activation=None)
    return x


MOBILENET_ATTENTIONS = (None, "eca", "se")


@registry.register(
    "eca-mobilenetv2", paper=PAPER, reproduction="eca", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("{attention}-mobilenetv2-{alpha}", patterns={"attention": "eca|se"},
                         convert={"alpha": float})],
    models=["eca-mobilenetv2-1.0"],
    aliases={"eca-mobilenetv2": "eca-mobilenetv2-1.0"},
    smallest="eca-mobilenetv2-0.35")
def ECAMobileNetV2(alpha: float = 1.0, attention: str | None = "eca", k=None, ratio: int = 16,
                dropout: float = 0.0, *, include_top: bool = True, weights=None,
                input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
                classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """MobileNetV2 (Sandler et al., Table 2) with ``attention`` in every inverted residual,
    as the ECA authors built it (``eca_mobilenetv2.py``; the plain network of the MobileNetV2
    paper, with its resolutions and reproduction, is :func:`keras_cnns.MobileNetV2`).

    Args:
        alpha: width multiplier (> 0); channels rounded to multiples of 8.
        attention: ``"eca"`` (ECA-MobileNetV2), ``"se"`` or ``None`` (MobileNetV2).
        k: ECA's kernel size (``None``: adaptive, Eq. 12).
        ratio: SE's reduction ratio r.
        dropout: dropout before the classifier.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``.
    """
    check_number("alpha", alpha, 0.0, 4.0, low_open=True,
                 rule="MobileNetV2's width multiplier alpha must be in (0, 4].")
    check_choice("attention", attention, MOBILENET_ATTENTIONS,
                 "MobileNetV2 attention must be 'eca', 'se' or None.")
    k = _check_k(k)
    if isinstance(k, tuple):
        fail("MobileNetV2 takes one ECA kernel size (or None).", "k", k)
    check_int("ratio", ratio, 1, "The SE reduction ratio r must be an integer >= 1.")
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    spec = ({"eca": ("eca", {"k": k}), "se": ("channel", {"ratio": ratio})}.get(attention)
            if attention else None)
    attend = get_attention(spec)
    model_name = f"{attention + '_' if attention else ''}mobilenetv2_{alpha:g}".replace(".", "_")
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name="MobileNetV2")
    x = conv_norm_act(x, make_divisible(FIRST_FILTERS * alpha), 3, strides=2, name="conv1",
                      preset=PRESET, activation="relu6")
    number = 0
    for expansion, channels, repeats, stride in INVERTED_RESIDUALS:
        for index in range(repeats):
            x = inverted_residual(x, make_divisible(channels * alpha),
                                  stride if index == 0 else 1, expansion,
                                  name=f"block{number}", attend=attend)
            number += 1
    last = make_divisible(LAST_FILTERS * alpha) if alpha > 1.0 else LAST_FILTERS
    x = conv_norm_act(x, last, 1, name="conv_last", preset=PRESET, activation="relu6")
    return head.model(inputs, head.classifier(x, dropout), model_name)


__all__ = ["ECAResNet", "INVERTED_RESIDUALS", "ECAMobileNetV2",
           "inverted_residual", "make_divisible"]
