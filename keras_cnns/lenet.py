"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, "Gradient-Based Learning Applied to Document
Recognition", Proc. IEEE 1998, Fig. 2), in the common CONV-POOL-CONV-POOL-FC-FC form.

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

from keras_cnns import registry
from keras_cnns.arguments import check_choice
from keras_cnns.contract import Head, global_pooling

PAPER = ("LeCun, Bottou, Bengio & Haffner, Gradient-Based Learning Applied to Document "
         "Recognition, Proc. IEEE 1998")
ACTIVATIONS = ("tanh", "sigmoid", "relu")


@registry.register("lenet", paper=PAPER, reproduction="alexnet", input_shape=(32, 32, 1),
                   classes=10, min_size=28, names=["lenet-5"], models=["lenet-5"],
                   aliases={"lenet5": "lenet-5", "lenet": "lenet-5"})
def LeNet5(activation: str = "tanh", *, include_top: bool = True, weights=None,
           input_tensor=None, input_shape=None, pooling=None, classes: int = 10,
           classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """Build LeNet-5 for 32x32 images (MNIST digits padded to 32x32, as in the paper).

    Args:
        activation: ``"tanh"`` (the paper's squashing function), ``"sigmoid"`` or ``"relu"``.
        include_top: add C5, F6 and the output layer (they need a 32x32 input, or 28x28,
            which is zero-padded by 2 pixels on each side to 32x32 as the paper did).
        weights: ``None`` or the path of a ``.weights.h5`` file.
        input_tensor, input_shape: as in ``keras.applications``; default (32, 32, 1).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: output units (10 digits).
        classifier_activation: activation of the output layer (``None`` for logits).
        name: the model's name (default ``lenet5``).
    """
    check_choice("activation", activation, ACTIVATIONS,
                 "LeNet-5 activation must be 'tanh' or 'sigmoid' (or 'relu').")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    padded = head.shape((32, 32, 1))[0] == 28
    inputs, x = head.inputs((32, 32, 1), min_size=28, fixed_size=28 if padded else 32,
                            model_name="LeNet-5")
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
        x = head.predictions(x)
    else:
        x = global_pooling(x, pooling)
    return head.model(inputs, x, "lenet5")
