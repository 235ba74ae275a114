"""Competitive squeeze-excitation, CMPE-SE (Hu, Wen, Luo, Dai, Ma & Yu, "Competitive
Inner-Imaging Squeeze and Excitation for Residual Network", 2018, arXiv:1807.08920),
Sec. 3, as the attention kind ``"cmpe-se"``.

SE rescales a residual block's branch from the branch alone; CMPE-SE squeezes both the
residual branch ``u_r`` and the identity mapping ``u_id`` (global average pooling of each)
and lets them compete for the rescaling of the branch: ``out = u_r * s + u_id``. The
excitation ``s`` comes from one of the paper's forms, as in the authors' code
(``scut-aitcm/CompetitiveSENet``, ``src/block/cmpese_wrn_block.py``):

- ``"double-fc"``: each squeezed vector through its own fc ``C -> C/r`` + ReLU, the two
  concatenated, fc ``2C/r -> C`` + sigmoid;
- ``"1x1"`` (1x1 pair-view): the two vectors stacked as a ``C x 2`` image, a 1x1
  convolution to ``C/16`` maps + batch norm, their mean ("one map"), flattened (``2C``),
  fc ``C/r`` + ReLU, fc ``C`` + sigmoid;
- ``"2x1"`` (2x1 pair-view): the same with a 1x2 convolution over each pair (``C`` inputs
  to the fcs);
- ``"3x3"`` (folded inner-imaging): the ``C x 2`` pairs folded into a ``2k x C/k`` image
  (``k = fold``, the WRN widening factor), a 3x3 convolution to ``C/16`` maps + batch norm,
  their mean, fc ``C/r`` + ReLU, fc ``C`` + sigmoid.

The fcs and convolutions have no biases. Complexity: fcs and convolutions are MACs;
pooling, the channel mean, the sigmoid and the rescaling are other ops.
"""

from __future__ import annotations

import keras

from keras_cnns.arguments import check_choice, check_int, fail
from keras_cnns.blocks.attention import register_attention
from keras_cnns.blocks.conv import ConvPreset, batch_norm, conv
from keras_cnns.layers import ChannelPool

__all__ = ["MODES", "cmpe_se"]

MODES = ("double-fc", "1x1", "2x1", "3x3")


def _pooled(x, name):
    return keras.layers.GlobalAveragePooling2D(name=name)(x)


def cmpe_se(residual, identity, mode: str = "1x1", ratio: int = 16, map_ratio: int = 16,
            fold: int = 10, *, name: str = "cmpe", preset: str | ConvPreset = "keras"):
    """``residual * s(residual, identity)`` (Hu et al. 2018, Fig. 1); add ``identity``
    afterwards."""
    check_choice("mode", mode, MODES, "CMPE-SE mode must be 'double-fc', '1x1', '2x1' or "
                 "'3x3' (the paper's forms).")
    check_int("ratio", ratio)
    check_int("map_ratio", map_ratio)
    check_int("fold", fold)
    channels = residual.shape[-1]
    if identity.shape[-1] != channels:
        fail("CMPE-SE needs the identity mapping and the residual branch to have the same "
             "channels.", "identity", tuple(identity.shape))
    hidden = channels // ratio
    if hidden < 1 or channels // map_ratio < 1:
        fail(f"CMPE-SE ratios must leave at least one unit for {channels} channels.",
             "ratio", ratio)
    u_r = _pooled(residual, f"{name}_squeeze_residual")
    u_id = _pooled(identity, f"{name}_squeeze_identity")
    if mode == "double-fc":
        a = keras.layers.Dense(hidden, activation="relu", use_bias=False,
                               name=f"{name}_fc_residual")(u_r)
        b = keras.layers.Dense(hidden, activation="relu", use_bias=False,
                               name=f"{name}_fc_identity")(u_id)
        z = keras.layers.Concatenate(name=f"{name}_concat")([a, b])
        s = keras.layers.Dense(channels, activation="sigmoid", use_bias=False,
                               name=f"{name}_excite")(z)
    else:
        a = keras.layers.Reshape((channels, 1, 1), name=f"{name}_residual_column")(u_r)
        b = keras.layers.Reshape((channels, 1, 1), name=f"{name}_identity_column")(u_id)
        pair = keras.layers.Concatenate(axis=2, name=f"{name}_pair")([a, b])  # C x 2 image
        kernel = {"1x1": (1, 1), "2x1": (1, 2), "3x3": (3, 3)}[mode]
        if mode == "3x3":
            if channels % fold:
                fail(f"CMPE-SE fold k must divide the {channels} channels.", "fold", fold)
            pair = keras.layers.Reshape((fold, channels // fold, 2), name=f"{name}_fold")(pair)
            pair = keras.layers.Permute((1, 3, 2), name=f"{name}_fold_transpose")(pair)
            pair = keras.layers.Reshape((2 * fold, channels // fold, 1),
                                        name=f"{name}_reimage")(pair)
        maps = conv(pair, channels // map_ratio, kernel, padding="valid",
                    name=f"{name}_pair_conv", preset=preset)
        maps = batch_norm(maps, name=f"{name}_pair_bn", preset=preset)
        one = ChannelPool(("mean",), name=f"{name}_one_map")(maps)
        z = keras.layers.Flatten(name=f"{name}_flatten")(one)
        z = keras.layers.Dense(hidden, activation="relu", use_bias=False,
                               name=f"{name}_reduce")(z)
        s = keras.layers.Dense(channels, activation="sigmoid", use_bias=False,
                               name=f"{name}_excite")(z)
    s = keras.layers.Reshape((1, 1, channels), name=f"{name}_gate")(s)
    return keras.layers.Multiply(name=f"{name}_scale")([residual, s])


@register_attention("cmpe-se")
def _cmpe_se(mode: str = "1x1", ratio: int = 16, map_ratio: int = 16, fold: int = 10,
             preset: str | ConvPreset = "keras"):
    """CMPE-SE; the module also needs the block's identity mapping, so it is called as
    ``attend(branch, name, identity=shortcut)``; layers ``<block>_cmpe_*``."""
    check_choice("mode", mode, MODES, "CMPE-SE mode must be 'double-fc', '1x1', '2x1' or '3x3'.")

    def attend(x, name, identity=None):
        if identity is None:
            fail("CMPE-SE rescales a residual branch from the branch and the identity "
                 "mapping: call it with identity=<the block's shortcut> (blocks that pass "
                 "only the branch cannot use it).", "identity", identity)
        return cmpe_se(x, identity, mode, ratio, map_ratio, fold, name=f"{name}_cmpe",
                       preset=preset)

    return attend
