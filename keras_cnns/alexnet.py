"""AlexNet (Krizhevsky, Sutskever & Hinton, NIPS 2012) and ZFNet (Zeiler & Fergus, ECCV 2014).

AlexNet follows the lecture's "Full (simplified) AlexNet architecture"
(``../shared/seeds/004_*.txt``): 227x227x3 input, CONV1 96 11x11/4 pad 0 -> 55x55x96,
POOL1 3x3/2 -> 27x27x96, NORM1, CONV2 256 5x5 pad 2, POOL2, NORM2, CONV3 384 3x3,
CONV4 384 3x3, CONV5 256 3x3, POOL3 -> 6x6x256, FC6 4096, FC7 4096, FC8 classes, with
ReLU after every conv/FC layer and dropout 0.5 after FC6 and FC7 (paper Sec. 4.2).

``groups=2`` gives the paper's original two-GPU form (Fig. 2, Sec. 3.2): CONV2, CONV4 and
CONV5 only see the half of the previous layer's maps that lives on their GPU, i.e. grouped
convolutions with two groups; CONV3 and the FC layers connect across both.

Departures, named: the LRN layers come after the pooling layers, as in the lecture (and
CaffeNet); the paper normalises before pooling (Sec. 3.5). This moves no parameters and
changes only the element count the LRN runs on. Biases are used everywhere, as in the paper.
The paper's 224x224 input cannot give its 55x55 CONV1 output with an 11x11/4 filter; a
224x224 input is zero-padded to 227x227 (1 pixel before, 2 after), the usual reading.
"""

from __future__ import annotations

import keras

from keras_cnns import _common
from keras_cnns.layers import LocalResponseNormalization

#: (name, filters, kernel, stride, padding, groups used in the two-GPU form); "pool"/"norm"
#: rows follow the lecture's layer list.
ALEXNET_LAYERS = (
    ("conv1", 96, 11, 4, "valid", 1), ("pool1",), ("norm1",),
    ("conv2", 256, 5, 1, "same", 2), ("pool2",), ("norm2",),
    ("conv3", 384, 3, 1, "same", 1), ("conv4", 384, 3, 1, "same", 2),
    ("conv5", 256, 3, 1, "same", 2), ("pool5",),
)

#: ZFNet as in the lecture ("AlexNet but CONV1 7x7 stride 2; CONV3,4,5: 512, 1024, 512
#: filters") with the strides and paddings of Zeiler & Fergus Fig. 3 (224 -> 110 -> 55 ->
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
            x = keras.layers.Conv2D(filters, kernel, strides=stride, padding=padding,
                                    groups=layer_groups if groups == 2 else 1,
                                    activation="relu", name=name)(x)
    return x


def _classifier(x, include_top, pooling, classes, classifier_activation, dropout):
    if not include_top:
        return _common.feature_pooling(x, pooling)
    x = keras.layers.Flatten(name="flatten")(x)
    for name in ("fc6", "fc7"):
        x = keras.layers.Dense(4096, activation="relu", name=name)(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return keras.layers.Dense(classes, activation=classifier_activation, name="fc8")(x)


def _check_dropout(dropout):
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1). Received: dropout={dropout!r}")


def AlexNet(include_top: bool = True, input_tensor=None, input_shape=None, pooling=None,
            classes: int = 1000, classifier_activation="softmax", groups: int = 1,
            dropout: float = 0.5, name: str | None = None) -> keras.Model:
    """Build AlexNet (the lecture's layer list; ``groups=2`` for the two-GPU original).

    Args:
        include_top: add FC6-FC8; input must then be 227x227 (or 224x224, padded to 227).
        input_tensor, input_shape: as in ``keras.applications``; default (227, 227, 3).
            Without the head any size of at least 67x67 works.
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: outputs of FC8.
        classifier_activation: activation of FC8 (``None`` for logits).
        groups: 1 (one-GPU / lecture form) or 2 (CONV2, CONV4, CONV5 split over two GPUs).
        dropout: rate after FC6 and FC7 (0.5 in the paper).
    """
    _common.check_choice("groups", groups, (1, 2),
                         "AlexNet groups must be 1 (one GPU) or 2 (the paper's two GPUs).")
    _common.check_head(include_top, pooling, classes, classifier_activation)
    _check_dropout(dropout)
    shape = tuple(input_tensor.shape[1:]) if input_tensor is not None else tuple(
        (227, 227, 3) if input_shape is None else input_shape)
    if include_top and len(shape) == 3 and tuple(shape[:2]) not in ((227, 227), (224, 224)):
        raise ValueError("AlexNet with include_top=True needs 227x227 inputs (or 224x224, "
                         f"zero-padded to 227x227). Received: input_shape={shape}")
    inputs, x = _common.model_input(input_shape, input_tensor, (227, 227, 3), min_size=67,
                                    model_name="AlexNet")
    if include_top and tuple(shape[:2]) == (224, 224):
        x = keras.layers.ZeroPadding2D(((1, 2), (1, 2)), name="input_pad")(x)
    x = _features(x, ALEXNET_LAYERS, groups, {})
    x = _classifier(x, include_top, pooling, classes, classifier_activation, dropout)
    return keras.Model(inputs, x, name=name or ("alexnet" if groups == 1 else "alexnet_2gpu"))


def ZFNet(include_top: bool = True, input_tensor=None, input_shape=None, pooling=None,
          classes: int = 1000, classifier_activation="softmax", dropout: float = 0.5,
          name: str = "zfnet") -> keras.Model:
    """Build ZFNet: AlexNet with CONV1 7x7/2 and CONV3-5 of 512, 1024, 512 filters.

    Zeiler & Fergus 2014, Fig. 3 (strides and sizes) and the lecture's "ZFNet" slide
    (widths). Input 224x224 with the FC head; LRN after POOL1 and POOL2 as in ``AlexNet``.
    Arguments as in :func:`AlexNet`.
    """
    _common.check_head(include_top, pooling, classes, classifier_activation)
    _check_dropout(dropout)
    inputs, x = _common.model_input(input_shape, input_tensor, (224, 224, 3), min_size=53,
                                    fixed_size=224 if include_top else None, model_name="ZFNet")
    x = _features(x, ZFNET_LAYERS, 1, {"pool1": "same", "pool2": "same"})
    x = _classifier(x, include_top, pooling, classes, classifier_activation, dropout)
    return keras.Model(inputs, x, name=name)
