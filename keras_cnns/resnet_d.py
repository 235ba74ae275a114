"""ResNet-D (He, Zhang, Zhang, Zhang, Xie & Li, "Bag of Tricks for Image Classification with
Convolutional Neural Networks", CVPR 2019, arXiv:1812.01187), Sec. 4 / Fig. 2.

The paper's three tweaks of the ResNet of He et al. 2016 (Table 1 layout), taken together:

- ResNet-B: a downsampling bottleneck carries its stride on the 3x3 convolution, not the
  first 1x1 (no input pixel is skipped);
- ResNet-C: the 7x7 stem convolution is replaced by three 3x3 convolutions (output 32, 32,
  64; the first of stride 2), each with batch norm and ReLU, before the 3x3/2 max pool
  (:func:`deep_stem`, ``stem_width`` the first two's width);
- ResNet-D: a downsampling shortcut averages 2x2/2 before its 1x1 projection of stride 1
  (:data:`keras_cnns.blocks.AVG_DOWN`, shortcut option ``"D"``).

The deep stem and the average-pool shortcut are also ResNeSt's (Zhang et al. 2020), which
uses :func:`deep_stem`. Depths 18 and 34 have basic blocks (stride on their first 3x3, so
B changes nothing), as the 18/34-layer ResNet-D of GluonCV and timm.

``padding="symmetric"`` pads the stem's strided 3x3, its max-pool and the blocks' strided 3x3s
one pixel on each side, as timm's PyTorch code (``resnet50d``) does;
``attention`` puts a module on every block's branch before the addition: ``"eca"``
(``eca-resnet-<depth>-d``) is timm's ``ecaresnet50d``/``ecaresnet101d``, ECA (Wang et al.,
CVPR 2020, arXiv:1910.03151, adaptive kernel size of Eq. 12) on ResNet-D, a combination of
timm's, in neither paper, built so that its released weights load
(:mod:`keras_cnns.torch_weights`).

Departures, named: convolutions have no bias (batch norm follows each); the classifier is a
Dense layer after global average pooling.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_int
from keras_cnns.blocks import (AVG_DOWN, basic_block, bottleneck_block, check_padding,
                               conv_norm_act, get_attention, strided_3x3, strided_max_pool)
from keras_cnns.contract import Head, variant
from keras_cnns.resnet import DEPTHS, imagenet_resnet, stage_specs

PAPER = ("He, Zhang, Zhang, Zhang, Xie & Li, Bag of Tricks for Image Classification with "
         "Convolutional Neural Networks, CVPR 2019 (arXiv:1812.01187)")
#: ResNet-C's stem: 3x3 convolutions of 32, 32 and 64 channels (Fig. 2b).
STEM_WIDTH = 32


def deep_stem(x, stem_width: int = STEM_WIDTH, *, preset="keras", stride_padding="same"):
    """ResNet-C's stem (Fig. 2b): 3x3/2 (``stem_width``), 3x3 (``stem_width``), 3x3
    (``2 * stem_width``), each with BN and ReLU, then the 3x3/2 max pool; layers
    ``conv1_1``..``conv1_3`` and ``pool1_pool``. The strided convolution and the pool pad
    as ``stride_padding`` says (``"symmetric"``: ``conv1_1_pad`` and ``pool1_pad``, one pixel
    on each side, as PyTorch code pads; :data:`~keras_cnns.blocks.STRIDE_PADDINGS`)."""
    check_int("stem_width", stem_width)
    x = strided_3x3(x, stem_width, 2, name="conv1_1", preset=preset,
                    stride_padding=stride_padding)
    x = conv_norm_act(x, stem_width, 3, name="conv1_2", preset=preset)
    x = conv_norm_act(x, 2 * stem_width, 3, name="conv1_3", preset=preset)
    return strided_max_pool(x, stride_padding=stride_padding)


@registry.register(
    "resnet-d", paper=PAPER, reproduction="resnest", input_shape=(224, 224, 3), classes=1000,
    min_size=32,
    names=[registry.name("resnet-{depth}-d", where=lambda a: a["depth"] in DEPTHS),
           registry.name("eca-resnet-{depth}-d", attention="eca",
                         where=lambda a: a["depth"] in DEPTHS)],
    models=["resnet-50-d", "resnet-101-d", "resnet-152-d"],
    aliases={"resnetd-50": "resnet-50-d", "resnetd-101": "resnet-101-d",
             "resnet50d": "resnet-50-d", "resnet101d": "resnet-101-d"},
    smallest="resnet-18-d")
def ResNetD(depth: int = 50, stem_width: int = STEM_WIDTH, padding: str = "same",
            attention=None, *, include_top: bool = True,
            weights=None, input_tensor=None, input_shape=None, pooling=None,
            classes: int = 1000, classifier_activation="softmax",
            name: str | None = None) -> keras.Model:
    """ResNet-``depth``-D (Fig. 2): ResNet with tweaks B, C and D.

    Args:
        depth: 18, 34, 50, 101 or 152 (He et al. 2016, Table 1).
        stem_width: channels of the deep stem's first two 3x3 convolutions (the third has
            twice as many); 32 in the paper.
        padding: how the stem's strided 3x3, its 3x3/2 max-pool and the blocks' strided 3x3s
            pad: ``"same"`` (default, TensorFlow's) or ``"symmetric"`` (one pixel on each
            side: timm's ``resnet50d``, the PyTorch padding). No count changes.
        attention: a module on each block's branch after its last batch norm, before the
            addition (:func:`keras_cnns.blocks.get_attention`): ``None`` (default, the
            paper's) or e.g. ``"eca"``: ECA with the adaptive kernel size of Wang et al.
            2020, Eq. 12 (registered as ``eca-resnet-<depth>-d``; timm's ``ecaresnet50d``).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input (224,
            224, 3).
    """
    check_choice("depth", depth, DEPTHS, "ResNet-D depth must be one of 18, 34, 50, 101, 152.")
    check_int("stem_width", stem_width, 1, "ResNet-D stem_width must be an integer >= 1.")
    check_padding(padding, "ResNet-D")
    get_attention(attention)  # states the rule for a bad value before anything is built
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    blocks, bottleneck = DEPTHS[depth]
    options = {"shortcut_option": AVG_DOWN, "stride_padding": padding, "attention": attention}
    if bottleneck:
        options["stride_at"] = "3x3"
    prefix = f"{attention}_" if isinstance(attention, str) else ""
    return imagenet_resnet(head, stage_specs(blocks),
                           bottleneck_block if bottleneck else basic_block,
                           f"{prefix}resnet{depth}_d",
                           stem=lambda x: deep_stem(x, stem_width, stride_padding=padding),
                           **options)


ResNet50D = variant(ResNetD, "ResNet50D", "ResNet-50-D (Fig. 2c).", depth=50)

__all__ = ["STEM_WIDTH", "ResNet50D", "ResNetD", "deep_stem"]
