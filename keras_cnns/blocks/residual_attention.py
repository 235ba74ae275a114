"""The attention module of the Residual Attention Network (Wang, Jiang, Qian, Yang, Li,
Zhang, Wang & Tang, CVPR 2017, arXiv:1704.06904), Sec. 3 / Fig. 2, as the attention kind
``"residual-attention"``.

A module on ``x`` (``C`` channels, kept): ``p`` pre-processing residual units, then a
trunk branch ``T`` of ``t`` units and a soft mask branch ``M`` in parallel, combined by
attention residual learning ``H = (1 + M) * T`` (Eq. 3), then ``p`` units. The mask is a
bottom-up top-down structure (Sec. 3.3): ``levels`` times a 3x3/2 max pooling followed by
``r`` units (``2r`` at the lowest resolution), a skip connection (one unit) from each level
but the lowest to the matching up-sampling level, bilinear up-sampling back, and two 1x1
convolutions (each after BN-ReLU) and a sigmoid. The paper's setting is ``p = 1, t = 2, r =
1``; ImageNet's stages use 3, 2 and 1 pooling levels so that the mask reaches 7x7.

As in the authors' Caffe models (``fwang91/residual-attention-network``,
``Attention-56-deploy.prototxt``): the residual units are pre-activation bottlenecks
(BN-ReLU before each of 1x1 ``C/4``, 3x3 ``C/4``, 1x1 ``C``; a projection shortcut from
the shared pre-activation where the shape changes, the stride on the 3x3); the mask starts
from the output of the pre-processing unit; a skip unit is added to the up-sampled map
(no further sum). Departures, named: Caffe's ``Interp`` (bilinear, aligned corners) is
:class:`~keras_cnns.layers.ResizeTo` (bilinear, half-pixel centres); its pooling rounds
up (``ceil``) as "same" padding does.

Complexity: convolutions are MACs; pooling, resizing, the sigmoid, the product and the sum
of ``(1 + M) * T`` are other ops.
"""

from __future__ import annotations

import keras

from keras_cnns.arguments import check_int
from keras_cnns.blocks.attention import register_attention
from keras_cnns.blocks.conv import ConvPreset, conv, norm_act
from keras_cnns.blocks.residual import residual_merge
from keras_cnns.layers import ResizeTo

__all__ = ["attention_module", "preact_bottleneck", "soft_mask"]


def preact_bottleneck(x, filters: int, strides: int = 1, *, name: str,
                      preset: str | ConvPreset = "keras"):
    """Pre-activation bottleneck ``x + F(x)``: BN-ReLU, 1x1 (``filters/4``), BN-ReLU, 3x3
    (``filters/4``, stride), BN-ReLU, 1x1 (``filters``); a 1x1 projection (stride) of the
    first BN-ReLU where the shape changes (the authors' residual unit)."""
    check_int("filters", filters)
    width = filters // 4
    pre = norm_act(x, name=f"{name}_1", preset=preset)
    y = conv(pre, width, 1, name=f"{name}_1_conv", preset=preset)
    y = norm_act(y, name=f"{name}_2", preset=preset)
    y = conv(y, width, 3, strides=strides, name=f"{name}_2_conv", preset=preset)
    y = norm_act(y, name=f"{name}_3", preset=preset)
    y = conv(y, filters, 1, name=f"{name}_3_conv", preset=preset)
    project = strides != 1 or x.shape[-1] != filters
    skip = conv(pre, filters, 1, strides=strides, name=f"{name}_0_conv",
                preset=preset) if project else x
    return residual_merge(skip, y, name=name, activation=None)


def _units(x, count, name, preset):
    for index in range(1, count + 1):
        x = preact_bottleneck(x, x.shape[-1], name=f"{name}{index}", preset=preset)
    return x


def soft_mask(x, reference, levels: int, r: int = 1, *, name: str,
              preset: str | ConvPreset = "keras"):
    """The soft mask branch on ``x`` (Sec. 3.3), sized as ``reference`` (the trunk)."""
    check_int("levels", levels, 0)
    check_int("r", r)
    m, downs, skips = x, [], []
    for level in range(1, levels + 1):
        m = keras.layers.MaxPooling2D(3, strides=2, padding="same",
                                      name=f"{name}_down{level}_pool")(m)
        m = _units(m, r if level < levels else 2 * r, f"{name}_down{level}_unit", preset)
        if level < levels:
            downs.append(m)
            skips.append(preact_bottleneck(m, m.shape[-1], name=f"{name}_skip{level}",
                                           preset=preset))
    if levels == 0:
        m = _units(m, 2 * r, f"{name}_unit", preset)
    for level in range(levels - 1, 0, -1):
        m = ResizeTo(name=f"{name}_up{level}_resize")([m, downs[level - 1]])
        m = keras.layers.Add(name=f"{name}_up{level}_add")([skips[level - 1], m])
        m = _units(m, r, f"{name}_up{level}_unit", preset)
    if levels:
        m = ResizeTo(name=f"{name}_up0_resize")([m, reference])
    channels = reference.shape[-1]
    m = norm_act(m, name=f"{name}_linear1", preset=preset)
    m = conv(m, channels, 1, name=f"{name}_linear1_conv", preset=preset)
    m = norm_act(m, name=f"{name}_linear2", preset=preset)
    m = conv(m, channels, 1, name=f"{name}_linear2_conv", preset=preset)
    return keras.layers.Activation("sigmoid", name=f"{name}_sigmoid")(m)


def attention_module(x, levels: int, p: int = 1, t: int = 2, r: int = 1, *, name: str,
                     preset: str | ConvPreset = "keras"):
    """One attention module (Fig. 2): ``p`` units, trunk (``t`` units) and soft mask,
    ``(1 + M) * T``, ``p`` units; the channels of ``x`` are kept."""
    for key, value in (("p", p), ("t", t), ("r", r)):
        check_int(key, value, 0 if key == "p" else 1)
    x = _units(x, p, f"{name}_pre", preset)
    trunk = _units(x, t, f"{name}_trunk", preset)
    mask = soft_mask(x, trunk, levels, r, name=f"{name}_mask", preset=preset)
    masked = keras.layers.Multiply(name=f"{name}_masked")([trunk, mask])
    out = keras.layers.Add(name=f"{name}_attention")([trunk, masked])  # (1 + M) * T
    return _units(out, p, f"{name}_post", preset)


@register_attention("residual-attention")
def _residual_attention(levels: int = 1, p: int = 1, t: int = 2, r: int = 1,
                        preset: str | ConvPreset = "keras"):
    """An attention module on the tensor (``levels`` pooling levels in its mask); layers
    ``<block>_attention_*``."""
    check_int("levels", levels, 0)
    for key, value in (("p", p), ("t", t), ("r", r)):
        check_int(key, value, 0 if key == "p" else 1)
    return lambda x, name: attention_module(x, levels, p, t, r, name=f"{name}_attention",
                                            preset=preset)
