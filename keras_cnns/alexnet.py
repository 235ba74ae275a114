"""AlexNet (Krizhevsky, Sutskever & Hinton, NIPS 2012) and ZFNet (Zeiler & Fergus, ECCV 2014).

AlexNet follows the usual one-GPU reading of the paper's Fig. 2 (as CS231n's "full
(simplified) AlexNet architecture" lists it): 227x227x3 input, CONV1 96 11x11/4 pad 0 -> 55x55x96,
POOL1 3x3/2 -> 27x27x96, NORM1, CONV2 256 5x5 pad 2, POOL2, NORM2, CONV3 384 3x3,
CONV4 384 3x3, CONV5 256 3x3, POOL3 -> 6x6x256, FC6 4096, FC7 4096, FC8 classes, with
ReLU after every conv/FC layer and dropout 0.5 after FC6 and FC7 (paper Sec. 4.2).

``groups=2`` gives the paper's original two-GPU form (Fig. 2, Sec. 3.2): CONV2, CONV4 and
CONV5 only see the half of the previous layer's maps that lives on their GPU, i.e. grouped
convolutions with two groups; CONV3 and the FC layers connect across both.

Departures, named: the LRN layers come after the pooling layers, as in that reading (and
CaffeNet); the paper normalises before pooling (Sec. 3.5). This moves no parameters and
changes only the element count the LRN runs on. Biases are used everywhere, as in the paper.
The paper's 224x224 input cannot give its 55x55 CONV1 output with an 11x11/4 filter; a
224x224 input is zero-padded to 227x227 (1 pixel before, 2 after), the usual reading.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_rate
from keras_cnns.contract import Head, global_pooling
from keras_cnns.layers import LocalResponseNormalization, conv2d

PAPER = ("Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep Convolutional "
         "Neural Networks, NIPS 2012")
ZF_PAPER = "Zeiler & Fergus, Visualizing and Understanding Convolutional Networks, ECCV 2014"

#: (name, filters, kernel, stride, padding, groups used in the two-GPU form), then the
#: "pool"/"norm" rows, in order.
ALEXNET_LAYERS = (
    ("conv1", 96, 11, 4, "valid", 1), ("pool1",), ("norm1",),
    ("conv2", 256, 5, 1, "same", 2), ("pool2",), ("norm2",),
    ("conv3", 384, 3, 1, "same", 1), ("conv4", 384, 3, 1, "same", 2),
    ("conv5", 256, 3, 1, "same", 2), ("pool5",),
)

#: ZFNet: AlexNet with CONV1 7x7 stride 2 and CONV3,4,5 of 512, 1024, 512 filters, with the strides and paddings of Zeiler & Fergus Fig. 3 (224 -> 110 -> 55 ->
#: 26 -> 13 -> 6).
ZFNET_LAYERS = (
    ("conv1", 96, 7, 2, 1, 1), ("pool1",), ("norm1",),
    ("conv2", 256, 5, 2, "valid", 1), ("pool2",), ("norm2",),
    ("conv3", 512, 3, 1, "same", 1), ("conv4", 1024, 3, 1, "same", 1),
    ("conv5", 512, 3, 1, "same", 1), ("pool5",),
)


def _features(x, layers, groups: int, pool_padding: dict):
    for spec in layers:
        name = spec[0]
        if name.startswith("pool"):
            x = keras.layers.MaxPooling2D(3, strides=2, padding=pool_padding.get(name, "valid"),
                                          name=name)(x)
        elif name.startswith("norm"):
            x = LocalResponseNormalization(name=name)(x)
        else:
            _, filters, kernel, stride, padding, layer_groups = spec
            if isinstance(padding, int):
                x = keras.layers.ZeroPadding2D(padding, name=f"{name}_pad")(x)
                padding = "valid"
            x = conv2d(filters, kernel, strides=stride, padding=padding,
                       groups=layer_groups if groups == 2 else 1, activation="relu", name=name)(x)
    return x


def _classifier(x, head: Head, dropout):
    if not head.include_top:
        return global_pooling(x, head.pooling)
    x = keras.layers.Flatten(name="flatten")(x)
    for name in ("fc6", "fc7"):
        x = keras.layers.Dense(4096, activation="relu", name=name)(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return head.predictions(x)  # FC8


@registry.register(
    "alexnet", paper=PAPER, reproduction="alexnet", input_shape=(227, 227, 3), classes=1000,
    min_size=67, names=[registry.name("alexnet", groups=1), registry.name("alexnet-2gpu", groups=2)],
    models=["alexnet", "alexnet-2gpu"])
def AlexNet(groups: int = 1, dropout: float = 0.5, *, include_top: bool = True, weights=None,
            input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
            classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """Build AlexNet (``groups=2`` for the two-GPU original).

    Args:
        groups: 1 (one-GPU form) or 2 (CONV2, CONV4, CONV5 split over two GPUs).
        dropout: rate after FC6 and FC7, in [0, 1) (0.5 in the paper).
        include_top: add FC6-FC8; input must then be 227x227 (or 224x224, padded to 227).
        weights: ``None`` or the path of a ``.weights.h5`` file.
        input_tensor, input_shape: as in ``keras.applications``; default (227, 227, 3).
            Without the top any size of at least 67x67 works.
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: outputs of FC8 (the layer named ``predictions``).
        classifier_activation: activation of FC8 (``None`` for logits).
        name: the model's name (default ``alexnet`` or ``alexnet_2gpu``).
    """
    check_choice("groups", groups, (1, 2),
                 "AlexNet groups must be 1 (one GPU) or 2 (the paper's two GPUs).")
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    shape = head.shape((227, 227, 3))
    padded = include_top and tuple(shape[:2]) == (224, 224)
    inputs, x = head.inputs((227, 227, 3), min_size=67, fixed_size=None if padded else 227,
                            model_name="AlexNet")
    if padded:
        x = keras.layers.ZeroPadding2D(((1, 2), (1, 2)), name="input_pad")(x)
    x = _features(x, ALEXNET_LAYERS, groups, {})
    x = _classifier(x, head, dropout)
    return head.model(inputs, x, "alexnet" if groups == 1 else "alexnet_2gpu")


@registry.register("zfnet", paper=ZF_PAPER, reproduction="alexnet", input_shape=(224, 224, 3),
                   classes=1000, min_size=53, names=["zfnet"], models=["zfnet"])
def ZFNet(dropout: float = 0.5, *, include_top: bool = True, weights=None, input_tensor=None,
          input_shape=None, pooling=None, classes: int = 1000, classifier_activation="softmax",
          name: str | None = None) -> keras.Model:
    """Build ZFNet: AlexNet with CONV1 7x7/2 and CONV3-5 of 512, 1024, 512 filters.

    Zeiler & Fergus 2014, Fig. 3 (strides and sizes); input 224x224 with the FC top; LRN
    after POOL1 and POOL2 as in :func:`AlexNet`. Arguments as in :func:`AlexNet`.
    """
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((224, 224, 3), min_size=53, fixed_size=224, model_name="ZFNet")
    x = _features(x, ZFNET_LAYERS, 1, {"pool1": "same", "pool2": "same"})
    x = _classifier(x, head, dropout)
    return head.model(inputs, x, "zfnet")
