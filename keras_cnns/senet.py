"""Squeeze-and-Excitation networks (Hu, Shen, Albanie, Sun & Wu, "Squeeze-and-Excitation
Networks", CVPR 2018 / TPAMI 2019, arXiv:1709.01507).

The SE block itself is :func:`keras_cnns.blocks.squeeze_excite` (Fig. 1 / Fig. 3), available
to every residual block as ``attention="se"``, which applies it to the residual branch
before the identity addition (SE-ResNet module, Fig. 3).

:func:`SEResNet` and :func:`SEResNeXt` are the architectures of the SENet table (Table 1 of
the TPAMI paper): ResNet-50/101/152 and ResNeXt-50/101 (32x4d) with an SE block of
reduction r = 16 in every bottleneck, fc dims [16, 256], [32, 512], [64, 1024], [128, 2048].

Departures, named: the excitation fcs have biases, as in the released Caffe models; the
convolutions have none (batch norm follows each). SE-ResNet keeps the stride on the first
1x1 of a downsampling block by default (the released Caffe SE-ResNet models, like ResNet's);
``stride_at="3x3"`` moves it to the 3x3 ("v1.5", as timm's ``seresnet50``); SE-ResNeXt has
it on the grouped 3x3 (as ResNeXt). ``padding="symmetric"`` pads the 3x3/2 max-pool and the
strided 3x3s one pixel on each side, as PyTorch code does (see :func:`keras_cnns.ResNet`);
``padding="caffe"`` pads as the released Caffe models: the strided 3x3s one pixel on each
side, the max-pool not at all with Caffe's rounding up of its output size.
"""

from __future__ import annotations

import functools

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice
from keras_cnns.blocks import (STRIDE_PLACEMENTS, bottleneck_block, check_padding,
                               squeeze_excite)
from keras_cnns.blocks.attention import check_se_ratio
from keras_cnns.contract import Head, variant
from keras_cnns.resnet import DEPTHS, imagenet_resnet, resnet_stem, stage_specs
from keras_cnns.resnext import check_template, resnext_network, split_padding

PAPER = ("Hu, Shen, Albanie, Sun & Wu, Squeeze-and-Excitation Networks, CVPR 2018 / TPAMI "
         "2019 (arXiv:1709.01507)")
REDUCTION = 16


@registry.register(
    "se-resnet", paper=PAPER, reproduction="senet", input_shape=(224, 224, 3), classes=1000,
    min_size=32,
    names=[registry.name("se-resnet-{depth}", where=lambda a: a["depth"] in (50, 101, 152)),
           registry.name("se-resnet-{depth}-r{ratio}",
                         where=lambda a: a["depth"] in (50, 101, 152))],
    models=["se-resnet-50", "se-resnet-101", "se-resnet-152"])
def SEResNet(depth: int = 50, ratio: int = REDUCTION, stride_at: str = "1x1",
             padding: str = "same", *, include_top: bool = True,
             weights=None, input_tensor=None, input_shape=None, pooling=None,
             classes: int = 1000, classifier_activation="softmax",
             name: str | None = None) -> keras.Model:
    """SE-ResNet-``depth`` (50, 101 or 152): ResNet (He et al., Table 1) + SE in every block.

    Args:
        depth: 50, 101 or 152.
        ratio: the SE reduction ratio r (16 in the paper); it must divide 256.
        stride_at: ``"1x1"`` (default; the released Caffe models) or ``"3x3"`` (ResNet
            "v1.5", timm's ``seresnet50``): which convolution of a downsampling block
            carries the stride 2. No count changes.
        padding: ``"same"`` (default, TensorFlow's), ``"symmetric"`` (one pixel on each
            side of the 3x3/2 max-pool and the strided 3x3s, as PyTorch pads) or
            ``"caffe"`` (the released Caffe models': strided 3x3s one pixel on each side,
            the max-pool unpadded with the output size rounded up, which is ``"same"``'s
            on an even size). No count changes.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``.
    """
    check_choice("depth", depth, (50, 101, 152), "SE-ResNet depth must be one of 50, 101, 152.")
    check_se_ratio(256, ratio)
    check_choice("stride_at", stride_at, STRIDE_PLACEMENTS,
                 "SE-ResNet stride_at must be '1x1' (the released Caffe models) or '3x3' "
                 "(v1.5).")
    check_padding(padding, "SE-ResNet", caffe=True)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    suffix = "_v1_5" if stride_at == "3x3" else ""
    pool, strided = split_padding(padding)
    return imagenet_resnet(head, stage_specs(DEPTHS[depth][0]), bottleneck_block,
                           f"se_resnet{depth}{suffix}",
                           stem=functools.partial(resnet_stem, pool_padding=pool),
                           stride_at=stride_at, stride_padding=strided,
                           attention=("se", {"ratio": ratio}))


@registry.register(
    "se-resnext", paper=PAPER, reproduction="senet", input_shape=(224, 224, 3), classes=1000,
    min_size=32, names=[registry.name("se-resnext-{depth}-{cardinality}x{width}d",
                         where=lambda a: a["depth"] in (50, 101))],
    models=["se-resnext-50-32x4d", "se-resnext-101-32x4d"], smallest="se-resnext-50-2x4d")
def SEResNeXt(depth: int = 50, cardinality: int = 32, width: int = 4, ratio: int = REDUCTION,
              form: str = "c", padding: str = "same", *, include_top: bool = True,
              weights=None, input_tensor=None, input_shape=None, pooling=None,
              classes: int = 1000, classifier_activation="softmax",
              name: str | None = None) -> keras.Model:
    """SE-ResNeXt-``depth`` (C x d; 50 or 101): the ResNeXt template + SE in every block.

    Args:
        depth: 50 or 101.
        cardinality, width, form: C, d and the block form of :func:`keras_cnns.ResNeXt`.
        ratio: the SE reduction ratio r (16 in the paper); it must divide 256.
        padding: ``"same"`` (default), ``"symmetric"`` or ``"caffe"``, as :func:`SEResNet`
            (``"caffe"``: the released Caffe SE-ResNeXt, timm's ``legacy_seresnext*``).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``.
    """
    check_template(depth, cardinality, width, form, depths=(50, 101), family="SE-ResNeXt")
    check_se_ratio(256, ratio)
    check_padding(padding, "SE-ResNeXt", caffe=True)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    return resnext_network(head, depth, cardinality, width, form,
                           f"se_resnext{depth}_{cardinality}x{width}d",
                           attention=("se", {"ratio": ratio}), padding=padding)


SEResNet50 = variant(SEResNet, "SEResNet50", "SE-ResNet-50 (r = 16).", depth=50)
SEResNeXt50 = variant(SEResNeXt, "SEResNeXt50", "SE-ResNeXt-50 (32x4d, r = 16).", depth=50)

__all__ = ["REDUCTION", "SEResNeXt", "SEResNeXt50", "SEResNet", "SEResNet50", "squeeze_excite"]
