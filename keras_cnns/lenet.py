"""LeNet-5 (LeCun, Bottou, Bengio & Haffner 1998, Fig. 2), in the lecture's
CONV-POOL-CONV-POOL-FC-FC form (``../shared/seeds/004_*.txt``, "LeNet-5").

C1: 6 filters 5x5, stride 1 -> 28x28x6; S2: 2x2 average pooling, stride 2 -> 14x14x6;
C3: 16 filters 5x5 -> 10x10x16; S4: 2x2/2 -> 5x5x16; C5: 120 units (a 5x5 convolution over
a 5x5 map, i.e. fully connected); F6: 84 units; output: ``classes`` units.

Departures from the paper, named: C3 connects to all six S2 maps (the paper's Table I
connects each C3 map to a subset); S2/S4 are plain average pooling (the paper's subsampling
units have a trainable coefficient and bias); the output is a dense soft-max layer instead of
Euclidean RBF units; the squashing function is a plain ``tanh`` (the paper scales it,
``1.7159 tanh(2a/3)``). With these, the model has 61,706 parameters (paper: "60,000").
"""

from __future__ import annotations

import keras

from keras_cnns import _common

ACTIVATIONS = ("tanh", "sigmoid", "relu")


def LeNet5(include_top: bool = True, input_tensor=None, input_shape=None, pooling=None,
           classes: int = 10, classifier_activation="softmax", activation: str = "tanh",
           name: str = "lenet5") -> keras.Model:
    """Build LeNet-5 for 32x32 images (MNIST digits padded to 32x32, as in the paper).

    Args:
        include_top: add C5, F6 and the output layer (they need a 32x32 input, or 28x28,
            which is zero-padded by 2 pixels on each side to 32x32 as the paper did).
        input_tensor, input_shape: as in ``keras.applications``; default (32, 32, 1).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: output units (10 digits).
        classifier_activation: activation of the output layer (``None`` for logits).
        activation: ``"tanh"`` (the paper's squashing function), ``"sigmoid"`` or ``"relu"``.
    """
    _common.check_choice("activation", activation, ACTIVATIONS,
                         "LeNet-5 activation must be 'tanh' or 'sigmoid' (or 'relu').")
    _common.check_head(include_top, pooling, classes, classifier_activation)
    shape = tuple(input_tensor.shape[1:]) if input_tensor is not None else tuple(
        (32, 32, 1) if input_shape is None else input_shape)
    size = shape[0] if len(shape) == 3 else None
    padded = size == 28
    fixed = None
    if include_top:
        fixed = 28 if padded else 32
    inputs, x = _common.model_input(input_shape, input_tensor, (32, 32, 1), min_size=28,
                                    fixed_size=fixed, model_name="LeNet-5")
    if padded:
        x = keras.layers.ZeroPadding2D(2, name="pad")(x)
    x = keras.layers.Conv2D(6, 5, activation=activation, name="c1")(x)
    x = keras.layers.AveragePooling2D(2, strides=2, name="s2")(x)
    x = keras.layers.Conv2D(16, 5, activation=activation, name="c3")(x)
    x = keras.layers.AveragePooling2D(2, strides=2, name="s4")(x)
    if include_top:
        x = keras.layers.Flatten(name="flatten")(x)
        x = keras.layers.Dense(120, activation=activation, name="c5")(x)
        x = keras.layers.Dense(84, activation=activation, name="f6")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.feature_pooling(x, pooling)
    return keras.Model(inputs, x, name=name)
