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

:func:`ResNeXtCIFAR` is the CIFAR template of Sec. 5.3 (ResNeXt-29: a 3x3 stem of 64, three
stages of 3 bottlenecks with outputs 256/512/1024, bottleneck width C*d doubling per stage).
"""

from __future__ import annotations

import re

import keras

from keras_cnns import _common, resnet

#: Blocks per stage conv2..conv5 (Table 1 of He et al. 2016; 200 from He et al. 2016b).
DEPTHS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3), 200: (3, 24, 36, 3)}
FORMS = ("a", "b", "c")
#: The stage base width a template's ``d`` refers to (conv2's ResNet width).
BASE = 64


def check_grouping(width: int, cardinality: int) -> None:
    """The bottleneck ``width`` (C*d channels) must split into ``cardinality`` equal groups."""
    _common.check_positive_int("cardinality", cardinality)
    _common.check_positive_int("width", width)
    if width % cardinality:
        raise ValueError("ResNeXt cardinality must divide the group width (the 3x3's "
                         f"{width} channels). Received: cardinality={cardinality}")


def resnext_block(x, filters: int, stride: int = 1, name: str = "block", cardinality: int = 32,
                  width: int = 128, form: str = "c", stride_at: str = "3x3", excite=None):
    """One aggregated residual block (Fig. 3), ``width`` = C*d channels, output 4*filters."""
    check_grouping(width, cardinality)
    _common.check_choice("form", form, FORMS,
                         "ResNeXt form must be 'a', 'b' or 'c' (Fig. 3).")
    if form == "c":
        return resnet.bottleneck_block(x, filters, stride, name, stride_at=stride_at,
                                       groups=cardinality, width=width, excite=excite)
    out = resnet.EXPANSION * filters
    d = width // cardinality
    shortcut = resnet._shortcut(x, out, stride, name)
    paths = []
    for index in range(1, cardinality + 1):
        path = f"{name}_path{index}"
        y = resnet._conv_bn(x, d, 1, f"{path}_1", strides=stride if stride_at == "1x1" else 1)
        y = resnet._conv_bn(y, d, 3, f"{path}_2", strides=stride if stride_at == "3x3" else 1)
        if form == "a":
            y = keras.layers.Conv2D(out, 1, use_bias=False, name=f"{path}_3_conv")(y)
        paths.append(y)
    if form == "a":
        y = keras.layers.Add(name=f"{name}_aggregate")(paths) if len(paths) > 1 else paths[0]
    else:
        y = (keras.layers.Concatenate(name=f"{name}_concat")(paths) if len(paths) > 1
             else paths[0])
        y = keras.layers.Conv2D(out, 1, use_bias=False, name=f"{name}_3_conv")(y)
    y = keras.layers.BatchNormalization(epsilon=resnet.BN_EPSILON, name=f"{name}_3_bn")(y)
    if excite is not None:
        y = excite(y, name)
    return resnet._merge(y, shortcut, name)


def template_block(x, filters: int, stride: int = 1, name: str = "block", cardinality: int = 32,
                   d: int = 4, **kwargs):
    """:func:`resnext_block` with the template's width C*d*filters/64 (doubling per stage)."""
    return resnext_block(x, filters, stride, name, cardinality,
                         cardinality * d * filters // BASE, **kwargs)


def _check_template(depth, cardinality, width, form, depths=DEPTHS, family="ResNeXt"):
    if depths is not None:
        _common.check_choice("depth", depth, depths,
                             f"{family} depth must be one of {', '.join(map(str, depths))}.")
    _common.check_positive_int("cardinality", cardinality)
    _common.check_positive_int("width", width)
    _common.check_choice("form", form, FORMS, "ResNeXt form must be 'a', 'b' or 'c' (Fig. 3).")


def _resnext(depth, cardinality, width, form, name, stride_at="3x3", excite=None, **head):
    return resnet._resnet(DEPTHS[depth], template_block, name, **head, cardinality=cardinality,
                          d=width, form=form, stride_at=stride_at, excite=excite)


def ResNeXt(depth: int = 50, cardinality: int = 32, width: int = 4, form: str = "c",
            include_top: bool = True, input_tensor=None, input_shape=None, pooling=None,
            classes: int = 1000, classifier_activation="softmax",
            name: str | None = None) -> keras.Model:
    """ResNeXt-``depth`` (C x d) of Xie et al., Table 1 template (Tables 3 and 4 settings).

    Args:
        depth: 50, 101, 152 (200: ResNet-200 of Table 4).
        cardinality: C, the number of paths (groups of the 3x3 convolution).
        width: d, the bottleneck width of one path in conv2 (doubled per stage).
        form: ``"a"``, ``"b"`` or ``"c"`` (default): the equivalent blocks of Fig. 3.
        include_top, input_tensor, input_shape, pooling, classes, classifier_activation:
            as in ``keras.applications``; default input (224, 224, 3).
    """
    _check_template(depth, cardinality, width, form)
    name = name or f"resnext{depth}_{cardinality}x{width}d"
    return _resnext(depth, cardinality, width, form, name, include_top=include_top,
                    input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
                    classes=classes, classifier_activation=classifier_activation)


def ResNeXt50(**kwargs) -> keras.Model:
    return ResNeXt(50, **kwargs)


def ResNeXt101(**kwargs) -> keras.Model:
    return ResNeXt(101, **kwargs)


#: CIFAR template (Sec. 5.3): stage base widths (output 4x) and the stem's channels.
CIFAR_WIDTHS = (64, 128, 256)
CIFAR_STEM = 64


def ResNeXtCIFAR(depth: int = 29, cardinality: int = 8, width: int = 64, form: str = "c",
                 include_top: bool = True, input_tensor=None, input_shape=None, pooling=None,
                 classes: int = 10, classifier_activation="softmax",
                 name: str | None = None) -> keras.Model:
    """ResNeXt-``depth`` (C x d) for CIFAR, Xie et al. Sec. 5.3 and Table 7.

    3x3 conv (64) -> three stages of (depth - 2) / 9 bottlenecks (outputs 256, 512, 1024;
    bottleneck width C*d, 2*C*d, 4*C*d; stride 2 on the grouped 3x3 of stages 2 and 3)
    -> global average pool -> fc. Default input (32, 32, 3), 10 classes.
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 11 or (depth - 2) % 9:
        raise ValueError("ResNeXt CIFAR depth must be 9n+2 (3 stages of n 3-layer blocks, "
                         f"n >= 1). Received: depth={depth}")
    _check_template(depth, cardinality, width, form, depths=None)
    _common.check_head(include_top, pooling, classes, classifier_activation)
    name = name or f"resnext{depth}_{cardinality}x{width}d_cifar"
    inputs, x = _common.model_input(input_shape, input_tensor, (32, 32, 3), min_size=8,
                                    model_name=name)
    x = resnet._conv_bn(x, CIFAR_STEM, 3, "conv1")
    for stage, filters in enumerate(CIFAR_WIDTHS, start=2):
        for index in range(1, (depth - 2) // 9 + 1):
            stride = 2 if index == 1 and stage > 2 else 1
            x = template_block(x, filters, stride, f"conv{stage}_block{index}", cardinality,
                               width, form=form)
    x = _common.pooled_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(inputs, x, name=name)


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
