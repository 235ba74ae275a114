"""CMPE-SE Wide Residual Networks (Hu, Wen, Luo, Dai, Ma & Yu, "Competitive Inner-Imaging
Squeeze and Excitation for Residual Network", 2018, arXiv:1807.08920), Sec. 4 / the WRN
table: WRN-d-k (Zagoruyko & Komodakis 2016) with a competitive SE module
(:func:`keras_cnns.blocks.cmpe_se`) in every residual block.

As in the authors' code (``scut-aitcm/CompetitiveSENet``, ``src/net/cmpese_wrn.py`` and
``src/block/cmpese_wrn_block.py``): conv 3x3 (16) followed by batch norm (no ReLU); three
groups of ``(d - 4) / 6`` pre-activation blocks (BN-ReLU, 3x3, BN-ReLU, 3x3) of ``16k``,
``32k``, ``64k`` channels, the first of groups 2 and 3 of stride 2, a 1x1 projection of the
block's pre-activated input where the width or resolution changes; in each block
``out = residual * s + identity`` with ``s`` from the residual branch and the identity
(``mode``: ``"double-fc"``, ``"2x1"`` or ``"1x1"`` pair-view, ``"3x3"`` folded
inner-imaging; ``"se"`` is the plain SE block of the same code, bias-free, for SE-WRN);
then BN, ReLU, global average pooling, fc. The squeeze ratio is 16 everywhere.

Departures, named: the reference network starts with a parameter-free batch norm of the
input (data normalisation), left to the input pipeline here; convolutions have no bias.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_depth, check_int, fail
from keras_cnns.blocks import batch_norm, channel_attention, cmpe_se, conv, norm_act
from keras_cnns.blocks.residual import residual_merge
from keras_cnns.contract import Head
from keras_cnns.preact_resnet import BASE_FILTERS
from keras_cnns.resnet_cifar import cifar_stages
from keras_cnns.blocks import run_stages

PAPER = ("Hu, Wen, Luo, Dai, Ma & Yu, Competitive Inner-Imaging Squeeze and Excitation for "
         "Residual Network, 2018 (arXiv:1807.08920)")
MODES = ("se", "double-fc", "2x1", "1x1", "3x3")
PRESET = "torch"
RATIO = 16


def cmpe_se_unit(x, filters: int, strides: int = 1, *, name: str, mode: str = "1x1",
                 fold: int = 10):
    """Pre-activation B(3,3) block with a CMPE-SE (or SE) module on its residual branch."""
    pre = norm_act(x, name=f"{name}_1", preset=PRESET)
    project = strides != 1 or x.shape[-1] != filters
    identity = conv(pre, filters, 1, strides=strides, name=f"{name}_0_conv",
                    preset=PRESET) if project else x
    y = conv(pre, filters, 3, strides=strides, name=f"{name}_1_conv", preset=PRESET)
    y = norm_act(y, name=f"{name}_2", preset=PRESET)
    y = conv(y, filters, 3, name=f"{name}_2_conv", preset=PRESET)
    if mode == "se":
        y = channel_attention(y, RATIO, name=f"{name}_se", bias=False)
    else:
        y = cmpe_se(y, identity, mode, RATIO, RATIO, fold, name=f"{name}_cmpe", preset=PRESET)
    return residual_merge(identity, y, name=name, activation=None)


@registry.register(
    "cmpe-se-wrn", paper=PAPER, reproduction="residual-attention", input_shape=(32, 32, 3),
    classes=10, min_size=8,
    names=[registry.name("cmpe-se-wrn-{depth}-{k}", mode="1x1"),
           registry.name("cmpe-se-wrn-{depth}-{k}-{mode}",
                         patterns={"mode": "double-fc|2x1|1x1|3x3"}),
           registry.name("se-wrn-{depth}-{k}", mode="se")],
    models=["cmpe-se-wrn-28-10", "cmpe-se-wrn-28-10-double-fc", "cmpe-se-wrn-28-10-2x1",
            "cmpe-se-wrn-28-10-3x3", "cmpe-se-wrn-16-8", "cmpe-se-wrn-22-10", "se-wrn-28-10",
            "se-wrn-22-10"],
    smallest="cmpe-se-wrn-10-2")
def CMPESEWideResNet(depth: int = 28, k: int = 10, mode: str = "1x1", *,
                     include_top: bool = True, weights=None, input_tensor=None,
                     input_shape=None, pooling=None, classes: int = 10,
                     classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """CMPE-SE-WRN-``depth``-``k`` (the paper's WRN table: CMPE-SE-WRN-16-8, -22-10, -28-10).

    Args:
        depth: ``6n+4``.
        k: widening factor (also the fold of the ``"3x3"`` inner-imaging mode).
        mode: ``"1x1"`` (pair-view, the paper's best), ``"2x1"``, ``"double-fc"``,
            ``"3x3"`` or ``"se"`` (SE-WRN).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; 32x32x3 by default.
    """
    check_depth("CMPE-SE-WRN", depth, "6n+4 (n >= 1)", lambda d: d >= 10 and (d - 4) % 6 == 0)
    check_int("k", k, 1, "WRN widening factor k must be an integer >= 1.")
    check_choice("mode", mode, MODES, "CMPE-SE mode must be 'double-fc', '2x1', '1x1', '3x3' "
                 "or 'se'.")
    if 16 * k < RATIO:
        fail(f"CMPE-SE-WRN needs 16k >= {RATIO} channels for its squeeze ratio.", "k", k)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((32, 32, 3), min_size=8, model_name="CMPE-SE-WRN")
    x = conv(x, BASE_FILTERS[0], 3, name="conv1_conv", preset=PRESET)
    x = batch_norm(x, name="conv1_bn", preset=PRESET)
    stages = cifar_stages((depth - 4) // 6, tuple(f * k for f in BASE_FILTERS))
    x = run_stages(x, stages, cmpe_se_unit, mode=mode, fold=k)
    x = norm_act(x, name="post", preset=PRESET)
    prefix = "se" if mode == "se" else f"cmpe_se_{mode.replace('-', '_')}"
    return head.model(inputs, head.classifier(x), f"{prefix}_wrn_{depth}_{k}")


__all__ = ["CMPESEWideResNet", "MODES", "cmpe_se_unit"]
