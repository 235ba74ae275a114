"""Densely Connected Convolutional Networks, Huang et al., CVPR 2017 (arXiv:1608.06993).

CIFAR/SVHN nets (Sec. 3 "Implementation Details", Table 2): a 3x3 conv (16 filters for
DenseNet, ``2k`` for DenseNet-BC), three dense blocks on 32x32, 16x16 and 8x8 maps, each
layer BN-ReLU-Conv3x3(k) (DenseNet) or BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k)
(DenseNet-B) concatenated to its input; between blocks a transition BN-ReLU-Conv1x1
(``floor(compression * m)`` filters)-AvgPool2x2; after the last block BN-ReLU-global
average pooling and the classifier. ``dropout`` follows every conv except the first, as
in the authors' code (0.2 in the paper without data augmentation). ImageNet nets (Table
1): a 7x7/2 conv of ``2k`` filters, 3x3/2 max-pool, four dense blocks of bottleneck
layers with compression 0.5. Convs have no biases; the classifier has one. Dense blocks
are nested models ``conv2``.. and transitions are ``pool2``.., as in keras.applications.
"""

from __future__ import annotations

import keras

from keras_cnns import _common

#: Table 1: layers per dense block and growth rate of the ImageNet DenseNets.
IMAGENET = {121: ((6, 12, 24, 16), 32), 169: ((6, 12, 32, 32), 32),
            201: ((6, 12, 48, 32), 32), 264: ((6, 12, 64, 48), 32),
            161: ((6, 12, 36, 24), 48)}


def _bn_relu(x, name):
    x = keras.layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_bn")(x)
    return keras.layers.ReLU(name=f"{name}_relu")(x)


def _conv(x, filters, kernel, name, dropout):
    x = keras.layers.Conv2D(filters, kernel, padding="same", use_bias=False,
                            kernel_initializer="he_normal", name=f"{name}_conv")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return x


def dense_layer(x, k: int, bottleneck: bool, dropout: float, name: str):
    """H_l of Sec. 3 (with the 4k bottleneck of DenseNet-B), concatenated to its input."""
    y = x
    if bottleneck:
        y = _conv(_bn_relu(y, f"{name}_0"), 4 * k, 1, f"{name}_0", dropout)
    y = _conv(_bn_relu(y, f"{name}_1"), k, 3, f"{name}_1", dropout)
    return keras.layers.Concatenate(name=f"{name}_concat")([x, y])


def transition(x, compression: float, dropout: float, name: str):
    """BN-ReLU-Conv1x1(floor(compression * m))-AvgPool 2x2/2."""
    filters = int(compression * x.shape[-1])
    x = _conv(_bn_relu(x, name), filters, 1, name, dropout)
    return keras.layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def _densenet(inputs, x, blocks, k, bottleneck, compression, dropout, include_top, pooling,
              classes, classifier_activation, name):
    for index, layers in enumerate(blocks):
        stage_name = f"conv{index + 2}"
        x = _common.stage(x, [
            (lambda t, j=j, sn=stage_name: dense_layer(t, k, bottleneck, dropout, f"{sn}_block{j}"))
            for j in range(1, layers + 1)], stage_name)
        if index < len(blocks) - 1:
            x = transition(x, compression, dropout, f"pool{index + 2}")
    x = _bn_relu(x, "post")
    x = _common.pooled_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(inputs, x, name=name)


def _check_k(k):
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"DenseNet growth rate k must be an integer >= 1. Received: k={k!r}")


def _cifar(family, depth, k, compression, dropout, bottleneck, include_top, input_tensor,
           input_shape, pooling, classes, classifier_activation, name):
    per = 6 if bottleneck else 3
    _common.check_depth(family, depth, f"{per}n+4",
                        isinstance(depth, int) and depth > 4 and (depth - 4) % per == 0)
    _check_k(k)
    _common.check_range("compression", compression, 0.0, 1.0, low_open=True, high_open=False)
    _common.check_range("dropout", dropout, 0.0, 1.0, low_open=False, high_open=True)
    _common.check_head(include_top, pooling, classes, classifier_activation)
    inputs, x = _common.model_input(input_shape, input_tensor, (32, 32, 3), min_size=8,
                                    model_name=family)
    stem = 2 * k if bottleneck and compression < 1 else 16
    x = keras.layers.Conv2D(stem, 3, padding="same", use_bias=False,
                            kernel_initializer="he_normal", name="conv1_conv")(x)
    n = (depth - 4) // per
    return _densenet(inputs, x, (n, n, n), k, bottleneck, compression, dropout, include_top,
                     pooling, classes, classifier_activation, name)


def DenseNet(depth: int = 40, k: int = 12, dropout: float = 0.0, include_top: bool = True,
             input_tensor=None, input_shape=None, pooling=None, classes: int = 10,
             classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """DenseNet (L = ``depth``, growth rate ``k``) for CIFAR/SVHN (Table 2): 40/12, 100/12, 100/24.

    Args:
        depth: ``3n+4`` (``n`` layers per dense block).
        k: growth rate (>= 1).
        dropout: rate after each conv but the first, in [0, 1).
        include_top, input_tensor, input_shape, pooling, classes, classifier_activation:
            as in ``keras.applications``; the default input is 32x32x3.
    """
    return _cifar("DenseNet", depth, k, 1.0, dropout, False, include_top, input_tensor,
                  input_shape, pooling, classes, classifier_activation,
                  name or f"densenet{depth}_k{k}")


def DenseNetBC(k: int = 12, depth: int = 100, compression: float = 0.5, dropout: float = 0.0,
               include_top: bool = True, input_tensor=None, input_shape=None, pooling=None,
               classes: int = 10, classifier_activation="softmax",
               name: str | None = None) -> keras.Model:
    """DenseNet-BC (bottleneck + compression ``theta``) for CIFAR/SVHN (Table 2):
    100/12, 250/24, 190/40.

    Args:
        k: growth rate (>= 1).
        depth: ``6n+4`` (``n`` bottleneck layers per dense block).
        compression: theta in (0, 1] (0.5 in the paper); the stem has ``2k`` filters when
            ``theta < 1`` (DenseNet-BC) and 16 when ``theta = 1`` (DenseNet-B).
        dropout: rate after each conv but the first, in [0, 1).
        include_top, input_tensor, input_shape, pooling, classes, classifier_activation:
            as in ``keras.applications``; the default input is 32x32x3.
    """
    return _cifar("DenseNet-BC", depth, k, compression, dropout, True, include_top, input_tensor,
                  input_shape, pooling, classes, classifier_activation,
                  name or f"densenet_bc{depth}_k{k}")


def DenseNetImageNet(depth: int = 121, include_top: bool = True, input_tensor=None,
                     input_shape=None, pooling=None, classes: int = 1000,
                     classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """ImageNet DenseNet-``depth`` of Table 1 (121, 169, 201, 264; 161 with k=48)."""
    _common.check_choice("depth", depth, IMAGENET,
                         "ImageNet DenseNet depth must be one of Table 1's 121, 169, 201, 264, 161.")
    _common.check_head(include_top, pooling, classes, classifier_activation)
    inputs, x = _common.model_input(input_shape, input_tensor, (224, 224, 3), min_size=32,
                                    model_name=f"DenseNet-{depth}")
    blocks, k = IMAGENET[depth]
    x = keras.layers.Conv2D(2 * k, 7, strides=2, padding="same", use_bias=False,
                            kernel_initializer="he_normal", name="conv1_conv")(x)
    x = _bn_relu(x, "conv1")
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    return _densenet(inputs, x, blocks, k, True, 0.5, 0.0, include_top, pooling, classes,
                     classifier_activation, name or f"densenet{depth}")


def DenseNet121(**kwargs) -> keras.Model:
    """DenseNet-121 (k=32; 6, 12, 24, 16 layers)."""
    return DenseNetImageNet(121, **kwargs)


def DenseNet169(**kwargs) -> keras.Model:
    """DenseNet-169 (k=32; 6, 12, 32, 32 layers)."""
    return DenseNetImageNet(169, **kwargs)


def DenseNet201(**kwargs) -> keras.Model:
    """DenseNet-201 (k=32; 6, 12, 48, 32 layers)."""
    return DenseNetImageNet(201, **kwargs)


def DenseNet264(**kwargs) -> keras.Model:
    """DenseNet-264 (k=32; 6, 12, 64, 48 layers)."""
    return DenseNetImageNet(264, **kwargs)


def DenseNet161(**kwargs) -> keras.Model:
    """DenseNet-161 (k=48; 6, 12, 36, 24 layers)."""
    return DenseNetImageNet(161, **kwargs)
