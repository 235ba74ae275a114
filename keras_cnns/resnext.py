"""ResNeXt (Xie, Girshick, Dollár, Tu & He, "Aggregated Residual Transformations for Deep
Neural Networks", CVPR 2017, arXiv:1611.05431).

ImageNet template (Table 1): the ResNet stem and stages of :mod:`keras_cnns.resnet`, with a
bottleneck whose 3x3 convolution is split into ``cardinality`` (C) groups of ``width`` (d)
channels. The bottleneck width is C*d in conv2 and doubles per stage (C*d*2^(stage-2)), the
output 256/512/1024/2048; the grouped 3x3 carries the stride of a downsampling block;
projection shortcuts (1x1 + BN) where the shape changes. C=1, d=64 is ResNet-50/101/152
with the stride on the 3x3 (the fb.resnet.torch models the paper compares with).

The block has the three equivalent forms of Fig. 3, selected by ``form``:

* ``"a"``: split-transform-merge: C paths of 1x1 (d) -> 3x3 (d) -> 1x1 (out), summed;
* ``"b"``: early concatenation: C paths of 1x1 (d) -> 3x3 (d), concatenated, one 1x1;
* ``"c"`` (default): one 1x1 (C*d) -> grouped 3x3 (C*d, C groups) -> 1x1 (out).

Batch norm, named: in (a) and (b) each path's 1x1 and 3x3 are followed by BN + ReLU on
their d channels (the per-channel slices of (c)'s BN on C*d), and the aggregated output
(the sum in (a), the last 1x1 in (b)) by one BN; this makes the forms equal, not just
equal in expectation. :func:`copy_weights` maps the weights of one form onto another.

Departures, named: convolutions have no bias (each is followed by batch norm). Depth 200
(blocks 3, 24, 36, 3) is accepted for Table 4's ResNet-200 reference (C=1, d=64).
``attention`` (e.g. ``"se"``) is applied to each block's branch before the addition, as
SE-ResNeXt does.

Padding of the strided layers (``padding``): the authors' code (``facebookresearch/ResNeXt``,
Torch, built on ``fb.resnet.torch``) pads the 3x3/2 max-pool and every strided 3x3 one pixel
on each side (``padding="symmetric"``, as torchvision's ``resnext50_32x4d`` does too); the
default ``"same"`` is TensorFlow's (nothing before, one pixel after on an even size), the
ResNet default of this suite. Counts are the same; outputs, and released weights, differ.

:func:`ResNeXtCIFAR` is the CIFAR template of Sec. 5.3 (ResNeXt-29: a 3x3 stem of 64, three
stages of 3 bottlenecks with outputs 256/512/1024, bottleneck width C*d doubling per stage).
"""

from __future__ import annotations

import functools
import re

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_depth, check_int, fail
from keras_cnns.blocks import (STRIDE_PADDINGS, bottleneck_block, check_padding, conv_norm_act,
                               get_attention, residual_merge, run_stages, shortcut, strided_3x3)
from keras_cnns.blocks.conv import batch_norm
from keras_cnns.blocks.residual import CAFFE_PADDING
from keras_cnns.contract import Head, variant
from keras_cnns.resnet import EXPANSION, imagenet_resnet, resnet_stem, stage_specs
from keras_cnns.resnet_cifar import cifar_stages

PAPER = ("Xie, Girshick, Dollár, Tu & He, Aggregated Residual Transformations for Deep Neural "
         "Networks, CVPR 2017 (arXiv:1611.05431)")

#: Blocks per stage conv2..conv5 (Table 1 of He et al. 2016; 200 from He et al. 2016b).
DEPTHS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3), 200: (3, 24, 36, 3)}
FORMS = ("a", "b", "c")
#: The stage base width a template's ``d`` refers to (conv2's ResNet width).
BASE = 64


def check_grouping(width: int, cardinality: int) -> None:
    """The bottleneck ``width`` (C*d channels) must split into ``cardinality`` equal groups."""
    check_int("cardinality", cardinality)
    check_int("width", width)
    if width % cardinality:
        fail("ResNeXt cardinality must divide the group width (the 3x3's "
             f"{width} channels).", "cardinality", cardinality)


def resnext_block(x, filters: int, strides: int = 1, *, name: str, cardinality: int = 32,
                  width: int = 128, form: str = "c", stride_at: str = "3x3", attention=None,
                  stride_padding: str = "same"):
    """One aggregated residual block (Fig. 3), ``width`` = C*d channels, output 4*filters;
    a strided 3x3 pads as ``stride_padding`` says (``"same"`` or ``"symmetric"``)."""
    check_grouping(width, cardinality)
    check_choice("form", form, FORMS, "ResNeXt form must be 'a', 'b' or 'c' (Fig. 3).")
    if form == "c":
        return bottleneck_block(x, filters, strides, name=name, stride_at=stride_at,
                                groups=cardinality, width=width, attention=attention,
                                stride_padding=stride_padding)
    check_choice("stride_padding", stride_padding, STRIDE_PADDINGS,
                 "`stride_padding` must be 'same' or 'symmetric'.")
    out = EXPANSION * filters
    d = width // cardinality
    skip = shortcut(x, out, strides, name=name)
    paths = []
    for index in range(1, cardinality + 1):
        path = f"{name}_path{index}"
        y = conv_norm_act(x, d, 1, name=f"{path}_1", strides=strides if stride_at == "1x1" else 1)
        y = strided_3x3(y, d, strides if stride_at == "3x3" else 1, name=f"{path}_2",
                        preset="keras", stride_padding=stride_padding)
        if form == "a":
            y = keras.layers.Conv2D(out, 1, use_bias=False, name=f"{path}_3_conv")(y)
        paths.append(y)
    if form == "a":
        y = keras.layers.Add(name=f"{name}_aggregate")(paths) if len(paths) > 1 else paths[0]
    else:
        y = (keras.layers.Concatenate(name=f"{name}_concat")(paths) if len(paths) > 1
             else paths[0])
        y = keras.layers.Conv2D(out, 1, use_bias=False, name=f"{name}_3_conv")(y)
    y = batch_norm(y, name=f"{name}_3_bn")
    attend = get_attention(attention)
    if attend is not None:
        y = attend(y, name)
    return residual_merge(skip, y, name=name)


def template_block(x, filters: int, strides: int = 1, *, name: str, cardinality: int = 32,
                   d: int = 4, **kwargs):
    """:func:`resnext_block` with the template's width C*d*filters/64 (doubling per stage)."""
    return resnext_block(x, filters, strides, name=name, cardinality=cardinality,
                         width=cardinality * d * filters // BASE, **kwargs)


def check_template(depth, cardinality, width, form, depths=DEPTHS, family="ResNeXt",
                   padding="same") -> None:
    """Arguments of a ResNeXt template: depth, C, d, the block form and the padding."""
    if depths is not None:
        check_choice("depth", depth, depths,
                     f"{family} depth must be one of {', '.join(map(str, depths))}.")
    check_int("cardinality", cardinality)
    check_int("width", width)
    check_choice("form", form, FORMS, "ResNeXt form must be 'a', 'b' or 'c' (Fig. 3).")
    check_padding(padding, family)


def resnext_network(head: Head, depth: int, cardinality: int, width: int, form: str,
                    model_name: str, attention=None, padding: str = "same") -> keras.Model:
    """The ImageNet ResNeXt template (Table 1) on :func:`keras_cnns.resnet.imagenet_resnet`;
    ``padding`` pads the max-pool and the strided 3x3s (``"same"``, ``"symmetric"``, or
    ``"caffe"``: the 3x3s symmetric, the pool in Caffe's ceil mode; see
    :data:`keras_cnns.blocks.residual.CAFFE_PADDING`)."""
    pool, strided = split_padding(padding)
    return imagenet_resnet(head, stage_specs(DEPTHS[depth]), template_block, model_name,
                           stem=functools.partial(resnet_stem, pool_padding=pool),
                           cardinality=cardinality, d=width, form=form, stride_at="3x3",
                           attention=attention, stride_padding=strided)


def split_padding(padding: str) -> tuple[str, str]:
    """A network's ``padding`` as (the stem max-pool's, the strided 3x3s'): ``"caffe"`` is
    ``("ceil", "symmetric")``, any other value both."""
    return ("ceil", "symmetric") if padding == CAFFE_PADDING else (padding, padding)


_SETTING = "{cardinality}x{width}d"


@registry.register(
    "resnext", paper=PAPER, reproduction="resnext", input_shape=(224, 224, 3), classes=1000,
    min_size=32, names=[registry.name("resnext-{depth}-" + _SETTING, where=lambda a: a["depth"] in DEPTHS)],
    models=["resnext-50-32x4d", "resnext-101-32x4d", "resnext-101-64x4d", "resnext-101-2x64d",
            "resnext-50-2x40d", "resnext-50-4x24d", "resnext-50-8x14d", "resnext-101-2x40d",
            "resnext-101-4x24d", "resnext-101-8x14d", "resnext-50-1x64d", "resnext-101-1x64d",
            "resnext-101-1x100d", "resnext-200-1x64d"],
    smallest="resnext-50-2x4d")
def ResNeXt(depth: int = 50, cardinality: int = 32, width: int = 4, form: str = "c",
            padding: str = "same", *,
            include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
            pooling=None, classes: int = 1000, classifier_activation="softmax",
            name: str | None = None) -> keras.Model:
    """ResNeXt-``depth`` (C x d) of Xie et al., Table 1 template (Tables 3 and 4 settings).

    Args:
        depth: 50, 101, 152 (200: ResNet-200 of Table 4).
        cardinality: C, the number of paths (groups of the 3x3 convolution).
        width: d, the bottleneck width of one path in conv2 (doubled per stage).
        form: ``"a"``, ``"b"`` or ``"c"`` (default): the equivalent blocks of Fig. 3.
        padding: how the 3x3/2 max-pool and the strided 3x3 convolutions pad: ``"same"``
            (default, TensorFlow's) or ``"symmetric"`` (one pixel on each side: the authors'
            Torch code, fb.resnet.torch, and torchvision). No count changes.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input
            (224, 224, 3).
    """
    check_template(depth, cardinality, width, form, padding=padding)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    return resnext_network(head, depth, cardinality, width, form,
                           f"resnext{depth}_{cardinality}x{width}d", padding=padding)


ResNeXt50 = variant(ResNeXt, "ResNeXt50", "ResNeXt-50 of Table 1 (32x4d by default).", depth=50)
ResNeXt101 = variant(ResNeXt, "ResNeXt101", "ResNeXt-101 (32x4d by default).", depth=101)


#: CIFAR template (Sec. 5.3): stage base widths (output 4x) and the stem's channels.
CIFAR_WIDTHS = (64, 128, 256)
CIFAR_STEM = 64


@registry.register(
    "resnext-cifar", paper=PAPER, reproduction="resnext", input_shape=(32, 32, 3), classes=10,
    min_size=8, names=[registry.name("resnext-{depth}-" + _SETTING, where=lambda a: a["depth"] not in DEPTHS),
           registry.name("resnext-cifar-{depth}-" + _SETTING),
           registry.name("resnext-{depth}-" + _SETTING + "-{form}", patterns={"form": "a|b|c"},
                         where=lambda a: a["depth"] not in DEPTHS)],
    models=["resnext-29-8x64d", "resnext-29-16x64d"], smallest="resnext-11-2x4d")
def ResNeXtCIFAR(depth: int = 29, cardinality: int = 8, width: int = 64, form: str = "c", *,
                 include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
                 pooling=None, classes: int = 10, classifier_activation="softmax",
                 name: str | None = None) -> keras.Model:
    """ResNeXt-``depth`` (C x d) for CIFAR, Xie et al. Sec. 5.3 and Table 7.

    3x3 conv (64) -> three stages of (depth - 2) / 9 bottlenecks (outputs 256, 512, 1024;
    bottleneck width C*d, 2*C*d, 4*C*d; stride 2 on the grouped 3x3 of stages 2 and 3)
    -> global average pool -> fc. Default input (32, 32, 3), 10 classes.
    """
    check_depth("ResNeXt CIFAR", depth, "9n+2 (3 stages of n 3-layer blocks, n >= 1)",
                lambda d: d >= 11 and (d - 2) % 9 == 0)
    check_template(depth, cardinality, width, form, depths=None)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    model_name = f"resnext{depth}_{cardinality}x{width}d_cifar"
    inputs, x = head.inputs((32, 32, 3), min_size=8, model_name=model_name)
    x = conv_norm_act(x, CIFAR_STEM, 3, name="conv1")
    x = run_stages(x, cifar_stages((depth - 2) // 9, CIFAR_WIDTHS), template_block,
                   cardinality=cardinality, d=width, form=form, stride_at="3x3")
    return head.model(inputs, head.classifier(x), model_name)


_PATH = re.compile(r"^(?P<block>.+)_path(?P<index>\d+)_(?P<conv>[123])_(?P<kind>conv|bn)$")


def copy_weights(source: keras.Model, target: keras.Model) -> None:
    """Give ``target`` the weights of ``source``, two builds of the same net in other forms.

    ``source`` must be form (c); ``target`` any form. Layers with the same name copy as
    they are; the per-path layers of (a)/(b) (``<block>_path<i>_<k>_conv|bn``) take their
    slice of the grouped layer: path i owns channels (i-1)*d .. i*d of (c)'s 1x1 and 3x3
    outputs and, in form (a), the same input channels of its final 1x1.
    """
    own = {layer.name: layer for layer in source.layers}
    for layer in target.layers:
        if not layer.weights:
            continue
        if layer.name in own:
            layer.set_weights(own[layer.name].get_weights())
            continue
        match = _PATH.match(layer.name)
        if match is None:
            raise ValueError(f"No source for layer {layer.name!r} in {source.name}.")
        index, conv = int(match["index"]) - 1, match["conv"]
        whole = own[f"{match['block']}_{conv}_{match['kind']}"].get_weights()
        if match["kind"] == "bn" or conv in "12":
            size = layer.get_weights()[0].shape[-1]
            part = [w[..., index * size:(index + 1) * size] for w in whole]
        else:  # form (a)'s per-path last 1x1: a slice of the input channels
            size = layer.get_weights()[0].shape[2]
            part = [whole[0][:, :, index * size:(index + 1) * size, :]]
        layer.set_weights(part)
