"""Selective Kernel convolution (Li, Wang, Hu & Yang, "Selective Kernel Networks", CVPR
2019, arXiv:1903.06586), Sec. 3.1 / Fig. 1, and ResNeSt's split-attention convolution
(Zhang et al., "ResNeSt: Split-Attention Networks", 2020, arXiv:2004.08955), Sec. 3 /
Fig. 2; attention kinds ``"sk"`` and ``"split-attention"``.

SK convolution, Split-Fuse-Select:

- split: ``M`` branches, grouped (``G`` groups) 3x3 convolutions with dilation 1..M (the
  paper's 5x5 kernel is "replaced with the dilated convolution with a 3x3 kernel and
  dilation size 2", Sec. 3.1), each followed by batch norm and ReLU;
- fuse: ``U = sum_m U_m``, global average pooling ``s``, ``z = ReLU(BN(W s))`` of
  ``d = max(C/r, L)`` units (Eq. 4);
- select: logits ``M x C`` (one fc per branch), softmax across the branches, ``V = sum_m
  a_m * U_m`` (Eq. 5-6).

As in the authors' Caffe models (``implus/SKNet``, ``sknet50.prototxt``): the two fcs are
1x1 convolutions without bias, batch norm follows the first; a downsampling SK unit has
the stride in every branch. A strided dilated convolution is computed as a 1x1/2
subsampling (``MaxPooling2D(1, 2)``, a copy) followed by the undilated 3x3 at stride 1:
``sum_k w_k X[2i + 2(k-1)]`` reads even positions only, so the two are equal and have the
same multiply-adds (TensorFlow refuses strides and dilation together); this is Caffe's
alignment (padding 2).

Split-attention (ResNeSt Fig. 2, radix-major as in the authors' code,
``zhanghang1989/ResNeSt``, ``splat.py``): one grouped 3x3 convolution of
``cardinality * radix`` groups gives ``radix`` splits of ``C`` channels each (BN, ReLU);
their sum is pooled, ``fc1`` (grouped by cardinality, with bias) to
``max(C_in * radix / 4, 32)`` units, BN, ReLU, ``fc2`` (grouped, with bias) to ``radix *
C`` logits, r-Softmax across the radix within each cardinal group (sigmoid for radix 1),
and the attention-weighted sum of the splits.

Complexity: convolutions and fcs are MACs; the branch sum, pooling, softmax and the
weighted sum are other ops (:class:`~keras_cnns.layers.RadixSum`,
:class:`~keras_cnns.layers.RadixSelect`).
"""

from __future__ import annotations

import keras

from keras_cnns.arguments import check_int, fail
from keras_cnns.blocks.attention import register_attention
from keras_cnns.blocks.conv import ConvPreset, batch_norm, conv, conv_norm_act
from keras_cnns.blocks.residual import _check_stride_padding, strided_3x3
from keras_cnns.layers import RadixSelect, RadixSum

__all__ = ["selective_kernel", "sk_hidden_units", "split_attention", "split_attention_hidden"]


def sk_hidden_units(channels: int, r: int = 16, L: int = 32) -> int:
    """Eq. 4: ``d = max(C / r, L)``."""
    return max(channels // r, L)


def split_attention_hidden(in_channels: int, radix: int, reduction: int = 4,
                           minimum: int = 32) -> int:
    """ResNeSt's ``inter_channels = max(C_in * radix // reduction, 32)``."""
    return max(in_channels * radix // reduction, minimum)


def _check_sk(filters, M, G, r, L) -> None:
    check_int("filters", filters)
    check_int("M", M)
    check_int("G", G)
    check_int("r", r)
    check_int("L", L)
    if filters % G:
        fail(f"SK groups G must divide the {filters} channels.", "G", G)


def _branch(x, filters, strides, dilation, groups, name, preset, stride_padding):
    if strides > 1 and dilation > 1:
        x = keras.layers.MaxPooling2D(1, strides=strides, name=f"{name}_subsample")(x)
        strides, dilation = 1, 1  # taps 2 apart in x are neighbours in the subsample
    if dilation > 1:
        return conv_norm_act(x, filters, 3, dilation=dilation, groups=groups, name=name,
                             preset=preset)
    return strided_3x3(x, filters, strides, name=name, preset=preset, groups=groups,
                       stride_padding=stride_padding)


def selective_kernel(x, filters: int | None = None, strides: int = 1, *, name: str = "sk",
                     M: int = 2, G: int = 32, r: int = 16, L: int = 32,
                     preset: str | ConvPreset = "keras", stride_padding: str = "same"):
    """SK convolution of ``x`` to ``filters`` channels (default: ``x``'s) at ``strides``;
    layers ``<name>_branch<m>_*``, ``<name>_fuse``, ``<name>_pool``, ``<name>_fc1_*``,
    ``<name>_fc2``, ``<name>_select``. A strided undilated branch pads as
    ``stride_padding`` says (``"symmetric"``: ``<name>_branch1_pad``, one pixel on each
    side); a strided dilated one reads the even positions (padding 2 on each side) either
    way."""
    filters = filters or x.shape[-1]
    _check_sk(filters, M, G, r, L)
    check_int("strides", strides)
    _check_stride_padding(stride_padding)
    branches = [_branch(x, filters, strides, m, G, f"{name}_branch{m}", preset, stride_padding)
                for m in range(1, M + 1)]
    u = keras.layers.Add(name=f"{name}_fuse")(branches) if M > 1 else branches[0]
    s = keras.layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}_pool")(u)
    z = conv_norm_act(s, sk_hidden_units(filters, r, L), 1, name=f"{name}_fc1", preset=preset)
    logits = conv(z, M * filters, 1, name=f"{name}_fc2", preset=preset)
    stacked = (keras.layers.Concatenate(name=f"{name}_splits")(branches) if M > 1
               else branches[0])
    return RadixSelect(M, 1, name=f"{name}_select")([stacked, logits])


def split_attention(x, filters: int | None = None, strides: int = 1, *,
                    name: str = "splat", radix: int = 2, cardinality: int = 1,
                    reduction: int = 4, preset: str | ConvPreset = "keras"):
    """ResNeSt's split-attention convolution (Fig. 2, radix-major); layers
    ``<name>_conv``/``_bn``/``_relu`` (the splits), ``<name>_sum``, ``<name>_pool``,
    ``<name>_fc1`` (+ ``_bn``, ``_relu``), ``<name>_fc2``, ``<name>_select``."""
    filters = filters or x.shape[-1]
    check_int("filters", filters)
    check_int("radix", radix)
    check_int("cardinality", cardinality)
    check_int("reduction", reduction)
    check_int("strides", strides)
    if filters % cardinality or x.shape[-1] % (cardinality * radix):
        fail(f"Split-attention cardinality must divide the {filters} output channels and "
             f"cardinality * radix the {x.shape[-1]} input channels.", "cardinality",
             cardinality)
    y = conv_norm_act(x, filters * radix, 3, strides=strides, groups=cardinality * radix,
                      name=name, preset=preset)
    g = RadixSum(radix, name=f"{name}_sum")(y) if radix > 1 else y
    g = keras.layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}_pool")(g)
    hidden = split_attention_hidden(x.shape[-1], radix, reduction)
    if hidden % cardinality:
        fail(f"Split-attention cardinality must divide the {hidden} fc1 units.",
             "cardinality", cardinality)
    z = conv(g, hidden, 1, groups=cardinality, use_bias=True, name=f"{name}_fc1",
             preset=preset)
    z = batch_norm(z, name=f"{name}_fc1_bn", preset=preset)
    z = keras.layers.Activation("relu", name=f"{name}_fc1_relu")(z)
    logits = conv(z, filters * radix, 1, groups=cardinality, use_bias=True,
                  name=f"{name}_fc2", preset=preset)
    return RadixSelect(radix, cardinality, name=f"{name}_select")([y, logits])


@register_attention("sk")
def _sk(M: int = 2, G: int = 32, r: int = 16, L: int = 32, preset: str | ConvPreset = "keras"):
    """An SK convolution on the tensor, keeping its channels; layers ``<block>_sk_*``."""
    for key, value in (("M", M), ("G", G), ("r", r), ("L", L)):
        check_int(key, value)
    return lambda x, name: selective_kernel(x, name=f"{name}_sk", M=M, G=G, r=r, L=L,
                                            preset=preset)


@register_attention("split-attention")
def _split_attention(radix: int = 2, cardinality: int = 1, reduction: int = 4,
                     preset: str | ConvPreset = "keras"):
    """A split-attention convolution on the tensor, keeping its channels; layers
    ``<block>_splat_*``."""
    for key, value in (("radix", radix), ("cardinality", cardinality), ("reduction", reduction)):
        check_int(key, value)
    return lambda x, name: split_attention(x, name=f"{name}_splat", radix=radix,
                                           cardinality=cardinality, reduction=reduction,
                                           preset=preset)
