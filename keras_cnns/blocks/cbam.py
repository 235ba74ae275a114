"""CBAM, the Convolutional Block Attention Module (Woo, Park, Lee & Kweon, ECCV 2018,
arXiv:1807.06521), Sec. 3 / Fig. 2, as the attention kinds ``"cbam"`` and ``"channel"``.

Channel attention (Eq. 2): ``M_c(F) = sigmoid(MLP(AvgPool(F)) + MLP(MaxPool(F)))``, one
shared MLP ``C -> C/r -> C`` (ReLU between) applied to both pooled descriptors; spatial
attention (Eq. 3): ``M_s(F) = sigmoid(f7x7([AvgPool(F); MaxPool(F)]))``, the two maps
pooled across channels; CBAM applies them in sequence, channel first (Sec. 3, Table 3:
"channel-first order"): ``F' = M_c(F) * F``, ``F'' = M_s(F') * F'``. In a residual block
the module refines the branch before the addition (Fig. 3).

As in the authors' code (``Jongchan/attention-module``, ``MODELS/cbam.py``): the MLP's
linear layers have biases (``bias=False`` builds the bias-free MLP of other
implementations), the spatial 7x7 convolution has no bias and is followed by batch norm,
and the channel-pooled maps are stacked max first (``ChannelPool``). The channel module
alone with average pooling only is SE (Woo et al., Table 1, "SE-like"); ``pools`` selects
the descriptors.

Complexity: the MLP's multiply-adds (counted twice, once per descriptor, as the shared
layers run twice) and the 7x7 convolution's are MACs; the global pools, the channel
pooling, the sum of the two MLP outputs, the sigmoids and the two rescalings are counted
by the engine as other ops.
"""

from __future__ import annotations

import keras

from keras_cnns.arguments import check_bool, check_int, fail
from keras_cnns.blocks.attention import register_attention
from keras_cnns.blocks.conv import ConvPreset, batch_norm, conv
from keras_cnns.layers import ChannelPool

__all__ = ["POOLS", "cbam", "channel_attention", "spatial_attention"]

POOLS = ("avg", "max")


def _check_pools(pools) -> tuple:
    if isinstance(pools, str):
        pools = (pools,)
    if not isinstance(pools, (tuple, list)) or not pools or any(
            not isinstance(p, str) or p not in POOLS for p in pools) or len(set(pools)) != len(pools):
        fail("CBAM channel-attention pools must be a non-empty sequence of distinct 'avg' and "
             "'max'.", "pools", pools)
    return tuple(pools)


def _hidden(channels: int, ratio) -> int:
    """``C // r`` (the authors' ``gate_channels // reduction_ratio``), at least 1 (a
    narrow layer, e.g. MobileNet-0.25's 8 channels, keeps one hidden unit)."""
    check_int("ratio", ratio)
    return max(1, channels // ratio)


def channel_attention(x, ratio: int = 16, *, name: str, pools=POOLS, bias: bool = True):
    """``M_c(F) * F`` (Woo et al., Eq. 2); layers ``<name>_avg_pool``, ``<name>_max_pool``,
    ``<name>_mlp_reduce``, ``<name>_mlp_expand``, ``<name>_channel_gate``,
    ``<name>_channel_scale``."""
    pools = _check_pools(pools)
    check_bool("bias", bias)
    channels = x.shape[-1]
    hidden = _hidden(channels, ratio)
    reduce = keras.layers.Dense(hidden, activation="relu", use_bias=bias,
                                name=f"{name}_mlp_reduce")
    expand = keras.layers.Dense(channels, use_bias=bias, name=f"{name}_mlp_expand")
    logits = []
    for pool in pools:
        layer = (keras.layers.GlobalAveragePooling2D if pool == "avg"
                 else keras.layers.GlobalMaxPooling2D)
        logits.append(expand(reduce(layer(keepdims=True, name=f"{name}_{pool}_pool")(x))))
    s = logits[0] if len(logits) == 1 else keras.layers.Add(name=f"{name}_mlp_sum")(logits)
    s = keras.layers.Activation("sigmoid", name=f"{name}_channel_gate")(s)
    return keras.layers.Multiply(name=f"{name}_channel_scale")([x, s])


def spatial_attention(x, kernel: int = 7, *, name: str, norm: bool = True,
                      preset: str | ConvPreset = "keras"):
    """``M_s(F) * F`` (Woo et al., Eq. 3): channel max and mean maps, a ``kernel`` x
    ``kernel`` convolution to one map (batch norm after it with ``norm``, else a bias),
    sigmoid, rescaling; layers ``<name>_channel_pool``, ``<name>_spatial_conv``,
    ``<name>_spatial_bn``, ``<name>_spatial_gate``, ``<name>_spatial_scale``."""
    check_int("kernel", kernel)
    check_bool("norm", norm)
    m = ChannelPool(("max", "mean"), name=f"{name}_channel_pool")(x)
    m = conv(m, 1, kernel, name=f"{name}_spatial_conv", use_bias=not norm, preset=preset)
    if norm:
        m = batch_norm(m, name=f"{name}_spatial_bn", preset=preset)
    s = keras.layers.Activation("sigmoid", name=f"{name}_spatial_gate")(m)
    return keras.layers.Multiply(name=f"{name}_spatial_scale")([x, s])


def cbam(x, ratio: int = 16, kernel: int = 7, *, name: str = "cbam", pools=POOLS,
         bias: bool = True, spatial: bool = True, preset: str | ConvPreset = "keras"):
    """CBAM (Woo et al. 2018, Fig. 2): channel attention, then spatial attention."""
    check_bool("spatial", spatial)
    x = channel_attention(x, ratio, name=name, pools=pools, bias=bias)
    if spatial:
        x = spatial_attention(x, kernel, name=name, preset=preset)
    return x


@register_attention("cbam")
def _cbam(ratio: int = 16, kernel: int = 7, pools=POOLS, bias: bool = True,
          spatial: bool = True, preset: str | ConvPreset = "keras"):
    """CBAM with reduction ratio r (16 in the paper) and a 7x7 spatial kernel; layers
    ``<block>_cbam_*``."""
    check_int("ratio", ratio)
    check_int("kernel", kernel)
    _check_pools(pools)
    check_bool("bias", bias)
    check_bool("spatial", spatial)
    return lambda x, name: cbam(x, ratio, kernel, name=f"{name}_cbam", pools=pools, bias=bias,
                                spatial=spatial, preset=preset)


@register_attention("channel")
def _channel(ratio: int = 16, pools=("avg",), bias: bool = True):
    """CBAM's channel attention alone (Woo et al., Table 1); with the default average pool
    only it is SE (Hu et al. 2018) and ``bias=False`` is SE with bias-free fcs (the SE
    implementation the ECA-Net authors compare with). Layers ``<block>_se_*``."""
    check_int("ratio", ratio)
    _check_pools(pools)
    check_bool("bias", bias)
    return lambda x, name: channel_attention(x, ratio, name=f"{name}_se", pools=pools, bias=bias)
