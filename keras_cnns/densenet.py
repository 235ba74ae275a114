"""Densely Connected Convolutional Networks, Huang et al., CVPR 2017 (arXiv:1608.06993).

CIFAR/SVHN nets (Sec. 3 "Implementation Details", Table 2): a 3x3 conv (16 filters for
DenseNet, ``2k`` for DenseNet-BC), three dense blocks on 32x32, 16x16 and 8x8 maps, each
layer BN-ReLU-Conv3x3(k) (DenseNet) or BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k)
(DenseNet-B) concatenated to its input; between blocks a transition BN-ReLU-Conv1x1
(``floor(compression * m)`` filters)-AvgPool2x2; after the last block BN-ReLU-global
average pooling and the classifier. ``dropout`` follows every conv except the first, as
in the authors' code (0.2 in the paper without data augmentation). ImageNet nets (Table
1): a 7x7/2 conv of ``2k`` filters, 3x3/2 max-pool, four dense blocks of bottleneck
layers with compression 0.5. Convs have no biases; the classifier has one. Layers are named
as in keras.applications: dense layers ``conv<b>_block<i>_*``, transitions ``pool<b>_*``;
the dense blocks of nets with more than 100 layers in all (DenseNet-BC-250, DenseNet-264)
are nested models ``conv2``.. (see :mod:`keras_cnns.blocks.stages`).

Departures, named: the ImageNet stem pads with TensorFlow's ``"same"`` by default (the 7x7/2
conv 2 pixels before and 3 after, the 3x3/2 max-pool 0 before and 1 after);
``padding="symmetric"`` pads as the authors' Torch code (``models/densenet.lua`` of
liuzhuang13/DenseNet: ``SpatialConvolution(3, 2k, 7, 7, 2, 2, 3, 3)`` and
``SpatialMaxPooling(3, 3, 2, 2, 1, 1)``, "following ResNet") and keras.applications'
``DenseNet*`` (``ZeroPadding2D`` of 3 and 1): the same sizes and counts, the grid shifted by
one pixel; the released weights need it.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_depth, check_int, check_number, check_rate
from keras_cnns.blocks import (STRIDE_PADDINGS, StageSpec, conv, norm_act, run_stages,
                               strided_max_pool)
from keras_cnns.contract import Head, variant

PAPER = ("Huang, Liu, van der Maaten & Weinberger, Densely Connected Convolutional Networks, "
         "CVPR 2017 (arXiv:1608.06993)")
PRESET = "densenet"

#: Table 1: layers per dense block and growth rate of the ImageNet DenseNets.
IMAGENET = {121: ((6, 12, 24, 16), 32), 169: ((6, 12, 32, 32), 32),
            201: ((6, 12, 48, 32), 32), 264: ((6, 12, 64, 48), 32),
            161: ((6, 12, 36, 24), 48)}


def _conv(x, filters, kernel, name, dropout):
    x = conv(x, filters, kernel, name=f"{name}_conv", preset=PRESET)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return x


def dense_layer(x, k: int, strides: int = 1, *, name: str, bottleneck: bool, dropout: float):
    """H_l of Sec. 3 (with the 4k bottleneck of DenseNet-B), concatenated to its input."""
    y = x
    if bottleneck:
        y = _conv(norm_act(y, name=f"{name}_0", preset=PRESET), 4 * k, 1, f"{name}_0", dropout)
    y = _conv(norm_act(y, name=f"{name}_1", preset=PRESET), k, 3, f"{name}_1", dropout)
    return keras.layers.Concatenate(name=f"{name}_concat")([x, y])


def transition(x, compression: float, dropout: float, name: str):
    """BN-ReLU-Conv1x1(floor(compression * m))-AvgPool 2x2/2."""
    filters = int(compression * x.shape[-1])
    x = _conv(norm_act(x, name=name, preset=PRESET), filters, 1, name, dropout)
    return keras.layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def dense_blocks(x, blocks, k, bottleneck, compression, dropout):
    """The dense blocks ``conv2``.. with transitions ``pool2``.. between them."""
    stages = [StageSpec(f"conv{index}", layers, k) for index, layers in enumerate(blocks, 2)]
    x = run_stages(x, stages, dense_layer, bottleneck=bottleneck, dropout=dropout,
                   between=lambda t, spec: transition(t, compression, dropout,
                                                      spec.name.replace("conv", "pool")))
    return norm_act(x, name="post", preset=PRESET)


def _cifar(family, depth, k, compression, dropout, bottleneck, head: Head, model_name):
    inputs, x = head.inputs((32, 32, 3), min_size=8, model_name=family)
    stem = 2 * k if bottleneck and compression < 1 else 16
    x = conv(x, stem, 3, name="conv1_conv", preset=PRESET)
    n = (depth - 4) // (6 if bottleneck else 3)
    x = dense_blocks(x, (n, n, n), k, bottleneck, compression, dropout)
    return head.model(inputs, head.classifier(x), model_name)


@registry.register(
    "densenet", paper=PAPER, reproduction="densenet", input_shape=(32, 32, 3), classes=10,
    min_size=8,
    names=["densenet-{depth}-{k}"],
    models=["densenet-40-12", "densenet-100-12", "densenet-100-24"], smallest="densenet-7-4")
def DenseNet(depth: int = 40, k: int = 12, dropout: float = 0.0, *, include_top: bool = True,
             weights=None, input_tensor=None, input_shape=None, pooling=None,
             classes: int = 10, classifier_activation="softmax",
             name: str | None = None) -> keras.Model:
    """DenseNet (L = ``depth``, growth rate ``k``) for CIFAR/SVHN (Table 2): 40/12, 100/12, 100/24.

    Args:
        depth: ``3n+4`` (``n`` layers per dense block).
        k: growth rate (>= 1).
        dropout: rate after each conv but the first, in [0, 1).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3.
    """
    check_depth("DenseNet", depth, "3n+4 (n >= 1)", lambda d: d > 4 and (d - 4) % 3 == 0)
    check_int("k", k, 1, "DenseNet growth rate k must be an integer >= 1.")
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    return _cifar("DenseNet", depth, k, 1.0, dropout, False, head, f"densenet{depth}_k{k}")


@registry.register(
    "densenet-bc", paper=PAPER, reproduction="densenet", input_shape=(32, 32, 3), classes=10,
    min_size=8,
    names=["densenet-bc-{depth}-{k}"],
    models=["densenet-bc-100-12", "densenet-bc-250-24",
            "densenet-bc-190-40"], smallest="densenet-bc-10-4")
def DenseNetBC(depth: int = 100, k: int = 12, compression: float = 0.5, dropout: float = 0.0, *,
               include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
               pooling=None, classes: int = 10, classifier_activation="softmax",
               name: str | None = None) -> keras.Model:
    """DenseNet-BC (bottleneck + compression ``theta``) for CIFAR/SVHN (Table 2):
    100/12, 250/24, 190/40.

    Args:
        depth: ``6n+4`` (``n`` bottleneck layers per dense block).
        k: growth rate (>= 1).
        compression: theta in (0, 1] (0.5 in the paper); the stem has ``2k`` filters when
            ``theta < 1`` (DenseNet-BC) and 16 when ``theta = 1`` (DenseNet-B).
        dropout: rate after each conv but the first, in [0, 1).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3.
    """
    check_depth("DenseNet-BC", depth, "6n+4 (n >= 1)", lambda d: d > 4 and (d - 4) % 6 == 0)
    check_int("k", k, 1, "DenseNet growth rate k must be an integer >= 1.")
    check_number("compression", compression, 0.0, 1.0, low_open=True,
                 rule="DenseNet-BC compression theta must be in (0, 1].")
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    return _cifar("DenseNet-BC", depth, k, compression, dropout, True, head,
                  f"densenet_bc{depth}_k{k}")


@registry.register(
    "densenet-imagenet", paper=PAPER, reproduction="densenet", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("densenet-{depth}", where=lambda a: a["depth"] in IMAGENET)],
    models=[f"densenet-{d}" for d in IMAGENET],
    aliases={f"densenet{d}": f"densenet-{d}" for d in IMAGENET})
def DenseNetImageNet(depth: int = 121, padding: str = "same", *, include_top: bool = True, weights=None,
                     input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
                     classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """ImageNet DenseNet-``depth`` of Table 1 (121, 169, 201, 264; 161 with k=48).

    Args:
        depth: 121, 169, 201, 264 or 161.
        padding: how the stem's 7x7/2 convolution and 3x3/2 max-pool pad: ``"same"``
            (default, TensorFlow's) or ``"symmetric"`` (3 and 1 pixels on each side: the
            authors' Torch code and keras.applications). ``weights="imagenet"`` builds
            ``"symmetric"`` unless ``padding`` is given, and refuses ``"same"``.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input
            (224, 224, 3).
    """
    check_choice("depth", depth, IMAGENET,
                 "ImageNet DenseNet depth must be one of Table 1's 121, 169, 201, 264, 161.")
    check_choice("padding", padding, STRIDE_PADDINGS,
                 "DenseNet padding must be 'same' (TensorFlow's) or 'symmetric' (3 and 1 "
                 "pixels on each side of the stem's convolution and max-pool).")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name=f"DenseNet-{depth}")
    blocks, k = IMAGENET[depth]
    symmetric = padding == "symmetric"
    if symmetric:
        x = keras.layers.ZeroPadding2D(3, name="conv1_pad")(x)
    x = conv(x, 2 * k, 7, name="conv1_conv", strides=2, preset=PRESET,
             padding="valid" if symmetric else "same")
    x = norm_act(x, name="conv1", preset=PRESET)
    x = strided_max_pool(x, stride_padding=padding, name="pool1")
    x = dense_blocks(x, blocks, k, True, 0.5, 0.0)
    return head.model(inputs, head.classifier(x), f"densenet{depth}")


DenseNet121 = variant(DenseNetImageNet, "DenseNet121", "DenseNet-121 (k=32; 6, 12, 24, 16 layers).",
                      depth=121)
DenseNet169 = variant(DenseNetImageNet, "DenseNet169", "DenseNet-169 (k=32; 6, 12, 32, 32 layers).",
                      depth=169)
DenseNet201 = variant(DenseNetImageNet, "DenseNet201", "DenseNet-201 (k=32; 6, 12, 48, 32 layers).",
                      depth=201)
DenseNet264 = variant(DenseNetImageNet, "DenseNet264", "DenseNet-264 (k=32; 6, 12, 64, 48 layers).",
                      depth=264)
DenseNet161 = variant(DenseNetImageNet, "DenseNet161", "DenseNet-161 (k=48; 6, 12, 36, 24 layers).",
                      depth=161)
