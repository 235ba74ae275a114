"""CBAM networks (Woo, Park, Lee & Kweon, "CBAM: Convolutional Block Attention Module",
ECCV 2018, arXiv:1807.06521), Sec. 4.1, Tables 4 and 5: ResNet, WideResNet-18, ResNeXt
and MobileNet with an attention module (CBAM, or SE for the comparison rows) in every
block.

The module is :mod:`keras_cnns.blocks.cbam` (``attention="cbam"``); SE is its channel
attention with average pooling only (``"channel"``, Woo et al. Table 1), here with biases
in its fcs as SE and the authors' code have them.

:func:`CBAMResNet`: ResNet (He et al. 2016, Table 1) with the module on each block's
branch before the addition (Fig. 3). Depths 18 and 34 have basic blocks with projection
shortcuts (option B, the authors' ``model_resnet.py``); 50, 101 and 152 bottlenecks.
``cardinality``/``width`` give ResNeXt (Xie et al. 2017, ``C x d``, grouped 3x3).
``widen`` multiplies every stage's width (WideResNet-18, ``widen=1.5`` and ``2.0`` in
Table 4; the 64-channel stem is kept). Stride placement: Table 4's FLOPs are those of the
stride on the first 1x1 of a downsampling bottleneck (ResNet-50 3.858 G, ResNeXt-50 3.768
G; the 3x3 placement gives 4.089 G and 4.230 G), so ``stride_at="1x1"`` is the default for
ResNets; the ResNeXt models keep ResNeXt's 3x3 placement by default (the SKNet paper's
ResNeXt + CBAM rows) and the ``-v1`` names put it on the 1x1 (Table 4's). The authors'
code (torchvision's layout) strides the 3x3: a named departure where it disagrees with
the table.

:func:`CBAMMobileNet`: MobileNet (Howard et al. 2017, Table 1) with the module after every
convolution's BN-ReLU, the first full convolution, each depthwise and each pointwise one
(27 modules): Table 5's parameter increase (4.23M -> 5.07M at width 1.0, 2.30M -> 2.71M at
0.7) is that of SE blocks of ratio 16 at these 27 places, and CBAM's 0.576 G needs the
first convolution's module too (0.575 G without it).

Departures, named: convolutions have no bias (batch norm follows each), the spatial
attention's convolution is followed by batch norm (the authors' code), the MobileNet
reproduces :mod:`keras_cnns.mobilenet`'s conventions (ReLU, ``max(8, int(alpha * N))``
channels).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_int, check_number, fail
from keras_cnns.blocks import (StageSpec, basic_block, batch_norm, bottleneck_block,
                               conv_norm_act, get_attention, run_stages)
from keras_cnns.contract import Head
from keras_cnns.mobilenet import FIRST_CONV, SEPARABLE_LAYERS, scaled_channels
from keras_cnns.mobilenet import PRESET as MOBILENET_PRESET
from keras_cnns.resnet import DEPTHS, STAGE_WIDTHS, imagenet_resnet, stage_specs
from keras_cnns.resnext import BASE, template_block

PAPER = ("Woo, Park, Lee & Kweon, CBAM: Convolutional Block Attention Module, ECCV 2018 "
         "(arXiv:1807.06521)")
#: The attention modules of Tables 4 and 5: none (the baselines), SE, CBAM.
ATTENTIONS = (None, "se", "cbam")
REDUCTION = 16


def attention_spec(attention: str | None, ratio: int = REDUCTION, bias: bool = True,
                   **extra) -> tuple | None:
    """The factory spec of a paper's module name: ``"se"`` is CBAM's channel attention with
    average pooling only (SE), ``"cbam"`` CBAM; others (``"eca"``) pass through."""
    if attention is None:
        return None
    if attention == "se":
        return ("channel", {"ratio": ratio, "bias": bias})
    if attention == "cbam":
        return ("cbam", {"ratio": ratio, "bias": bias})
    return (attention, dict(extra))


def check_attention_resnet(depth, cardinality, width, widen, stride_at, bias, ratio) -> None:
    check_choice("depth", depth, DEPTHS, "The ResNet depth must be one of 18, 34, 50, 101, 152.")
    check_int("cardinality", cardinality, 1, "ResNeXt cardinality C must be an integer >= 1.")
    check_int("width", width, 1, "The bottleneck width d must be an integer >= 1.")
    check_number("widen", widen, 0.0, low_open=True,
                 rule="The widening factor must be a positive number.")
    check_choice("stride_at", stride_at, (None, "1x1", "3x3"),
                 "stride_at must be None (the model's default), '1x1' or '3x3'.")
    check_bool("bias", bias)
    check_int("ratio", ratio, 1, "The reduction ratio r must be an integer >= 1.")
    bottleneck = DEPTHS[depth][1]
    if not bottleneck and (cardinality != 1 or width != BASE):
        fail("Basic-block ResNets (18, 34) have no grouped bottleneck: cardinality must be 1 "
             "and width 64.", "cardinality", cardinality)
    if bottleneck and widen != 1:
        fail("The widening factor applies to the basic-block ResNets (18, 34) of Table 4.",
             "widen", widen)


def attention_resnet(head: Head, depth: int, attention, model_name: str, *,
                     cardinality: int = 1, width: int = BASE, widen: float = 1.0,
                     stride_at: str = "1x1") -> keras.Model:
    """The ResNet/ResNeXt/WideResNet template with ``attention`` (a factory spec, or a
    sequence of four, one per stage) on every block's branch."""
    blocks, bottleneck = DEPTHS[depth]
    per_stage = (list(attention) if isinstance(attention, list) else [attention] * 4)
    widths = tuple(int(round(w * widen)) for w in STAGE_WIDTHS)
    specs = tuple(dataclasses.replace(spec, options={"attention": each})
                  for spec, each in zip(stage_specs(blocks, widths), per_stage))
    if not bottleneck:
        return imagenet_resnet(head, specs, basic_block, model_name, shortcut_option="B")
    if cardinality == 1 and width == BASE:
        return imagenet_resnet(head, specs, bottleneck_block, model_name, stride_at=stride_at)
    return imagenet_resnet(head, specs, template_block, model_name, cardinality=cardinality,
                           d=width, stride_at=stride_at)


def _depths(*allowed):
    return lambda a: a["depth"] in allowed


_BOTTLENECKS = (50, 101, 152)
_ATT = {"attention": "se|cbam"}
_RESNEXT = "{depth}-{cardinality}x{width}d"


@registry.register(
    "cbam-resnet", paper=PAPER, reproduction="cbam", input_shape=(224, 224, 3), classes=1000,
    min_size=32,
    names=[
        registry.name("cbam-resnet-{depth}", attention="cbam", where=_depths(*DEPTHS)),
        registry.name("cbam-resnet-{depth}-v1.5", attention="cbam", stride_at="3x3",
                      where=_depths(*_BOTTLENECKS)),
        registry.name("se-resnet-{depth}", attention="se", where=_depths(18, 34)),
        registry.name("{attention}-resnet-{depth}-v1.5-nobias", patterns=_ATT,
                      stride_at="3x3", bias=False, where=_depths(*_BOTTLENECKS)),
        registry.name("wideresnet-{depth}-{widen}", attention=None,
                      convert={"widen": float}, where=_depths(18, 34)),
        registry.name("{attention}-wideresnet-{depth}-{widen}", patterns=_ATT,
                      convert={"widen": float}, where=_depths(18, 34)),
        registry.name("cbam-resnext-" + _RESNEXT, attention="cbam", where=_depths(50, 101)),
        registry.name("resnext-" + _RESNEXT + "-v1", attention=None, stride_at="1x1",
                      where=_depths(50, 101)),
        registry.name("{attention}-resnext-" + _RESNEXT + "-v1", patterns=_ATT,
                      stride_at="1x1", where=_depths(50, 101)),
    ],
    models=["se-resnet-18", "se-resnet-34", "cbam-resnet-18", "cbam-resnet-34",
            "cbam-resnet-50", "cbam-resnet-101", "wideresnet-18-1.5", "wideresnet-18-2.0",
            "se-wideresnet-18-1.5", "se-wideresnet-18-2.0", "cbam-wideresnet-18-1.5",
            "cbam-wideresnet-18-2.0", "resnext-50-32x4d-v1", "resnext-101-32x4d-v1",
            "se-resnext-50-32x4d-v1", "se-resnext-101-32x4d-v1", "cbam-resnext-50-32x4d-v1",
            "cbam-resnext-101-32x4d-v1", "cbam-resnext-50-32x4d", "cbam-resnext-101-32x4d",
            "cbam-resnet-50-v1.5", "cbam-resnet-101-v1.5", "cbam-resnet-152-v1.5",
            "se-resnet-50-v1.5-nobias", "se-resnet-101-v1.5-nobias",
            "se-resnet-152-v1.5-nobias", "cbam-resnet-50-v1.5-nobias",
            "cbam-resnet-101-v1.5-nobias", "cbam-resnet-152-v1.5-nobias"],
    aliases={"resnet-50+cbam": "cbam-resnet-50", "resnext-101-32x4d+cbam":
             "cbam-resnext-101-32x4d-v1"},
    smallest="cbam-resnet-18")
def CBAMResNet(depth: int = 50, attention: str | None = "cbam", cardinality: int = 1,
               width: int = BASE, widen: float = 1.0, stride_at: str | None = None,
               bias: bool = True, ratio: int = REDUCTION, *, include_top: bool = True,
               weights=None, input_tensor=None, input_shape=None, pooling=None,
               classes: int = 1000, classifier_activation="softmax",
               name: str | None = None) -> keras.Model:
    """ResNet-``depth`` (+ ``attention``) of Woo et al., Table 4.

    Args:
        depth: 18, 34 (basic blocks), 50, 101, 152 (bottlenecks).
        attention: ``"cbam"``, ``"se"`` or ``None`` (the baseline).
        cardinality, width: ResNeXt's C and d (1 and 64: ResNet).
        widen: widening factor of every stage of the basic-block ResNets (WideResNet-18).
        stride_at: ``"1x1"`` or ``"3x3"``; ``None``: 1x1 for ResNets, 3x3 for ResNeXts.
        bias: biases in the attention MLP (the authors' code has them).
        ratio: the MLP's reduction ratio r (16).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``.
    """
    check_choice("attention", attention, ATTENTIONS,
                 "CBAM's networks take attention 'cbam', 'se' or None (Tables 4-5).")
    check_attention_resnet(depth, cardinality, width, widen, stride_at, bias, ratio)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    resnext = cardinality != 1 or width != BASE
    stride_at = stride_at or ("3x3" if resnext else "1x1")
    base = (f"resnext{depth}_{cardinality}x{width}d" if resnext else f"resnet{depth}")
    if widen != 1:
        base += f"_widen{widen:g}".replace(".", "_")
    model_name = f"{attention}_{base}" if attention else base
    if DEPTHS[depth][1] and stride_at != ("3x3" if resnext else "1x1"):
        model_name += "_v1_5" if stride_at == "3x3" else "_v1"
    if not bias:
        model_name += "_nobias"
    return attention_resnet(head, depth, attention_spec(attention, ratio, bias), model_name,
                            cardinality=cardinality, width=width, widen=widen,
                            stride_at=stride_at)


def _attend(x, attend, name):
    return x if attend is None else attend(x, name)


def attention_mobilenet(head: Head, alpha: float, attention, model_name: str,
                        dropout: float = 1e-3) -> keras.Model:
    """MobileNet (Table 1) with ``attention`` (a factory spec) after every convolution."""
    attend = get_attention(attention)
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name=model_name)
    stride, filters = FIRST_CONV
    x = conv_norm_act(x, scaled_channels(filters, alpha), 3, strides=stride, name="conv1",
                      conv_name="conv1", preset=MOBILENET_PRESET)
    x = _attend(x, attend, "conv1")

    def block(t, filters, strides, *, name):
        t = keras.layers.DepthwiseConv2D(3, strides=strides, padding="same", use_bias=False,
                                         name=f"conv_dw_{name}")(t)
        t = batch_norm(t, name=f"conv_dw_{name}_bn", preset=MOBILENET_PRESET)
        t = keras.layers.Activation("relu", name=f"conv_dw_{name}_relu")(t)
        t = _attend(t, attend, f"conv_dw_{name}")
        t = conv_norm_act(t, filters, 1, name=f"conv_pw_{name}", conv_name=f"conv_pw_{name}",
                          preset=MOBILENET_PRESET)
        return _attend(t, attend, f"conv_pw_{name}")

    stages = tuple(StageSpec(str(number), 1, scaled_channels(f, alpha), s)
                   for number, (s, f) in enumerate(SEPARABLE_LAYERS, start=1))
    x = run_stages(x, stages, block, block_name=lambda spec, index, number: spec.name)
    return head.model(inputs, head.classifier(x, dropout), model_name)


@registry.register(
    "cbam-mobilenet", paper=PAPER, reproduction="cbam", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("{attention}-mobilenet-{alpha}", patterns=_ATT,
                         convert={"alpha": float})],
    models=["se-mobilenet-0.7", "cbam-mobilenet-0.7", "se-mobilenet-1.0", "cbam-mobilenet-1.0"],
    smallest="cbam-mobilenet-0.25")
def CBAMMobileNet(alpha: float = 1.0, attention: str | None = "cbam", ratio: int = REDUCTION,
                  *, include_top: bool = True, weights=None, input_tensor=None,
                  input_shape=None, pooling=None, classes: int = 1000,
                  classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """MobileNet (width ``alpha``) with ``attention`` after every convolution (Table 5).

    Args:
        alpha: width multiplier in (0, 1] (Table 5: 0.7 and 1.0).
        attention: ``"cbam"``, ``"se"`` or ``None`` (= :func:`keras_cnns.MobileNet`).
        ratio: the MLP's reduction ratio r (16); ``max(1, C // r)`` hidden units.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; 224x224 by default.
    """
    check_number("alpha", alpha, 0.0, 1.0, low_open=True,
                 rule="MobileNet's width multiplier alpha must be in (0, 1].")
    check_choice("attention", attention, ATTENTIONS,
                 "CBAM's networks take attention 'cbam', 'se' or None (Tables 4-5).")
    check_int("ratio", ratio, 1, "The reduction ratio r must be an integer >= 1.")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    model_name = f"{attention or 'plain'}_mobilenet_{alpha:g}".replace(".", "_")
    return attention_mobilenet(head, alpha, attention_spec(attention, ratio), model_name)


def copy_weights_by_name(source: keras.Model, target: keras.Model,
                         renames: Mapping[str, str] | None = None) -> None:
    """Give ``target`` the weights of ``source`` layer by layer name (``renames`` maps a
    target layer name to the source's); every target layer with weights must be found."""
    own = {layer.name: layer for layer in source.layers}
    renames = dict(renames or {})
    for layer in target.layers:
        if not layer.weights:
            continue
        key = renames.get(layer.name, layer.name)
        if key not in own:
            raise ValueError(f"No source for layer {layer.name!r} in {source.name}.")
        layer.set_weights(own[key].get_weights())


__all__ = ["ATTENTIONS", "CBAMMobileNet", "CBAMResNet", "attention_mobilenet",
           "attention_resnet", "attention_spec", "copy_weights_by_name"]
