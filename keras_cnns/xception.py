"""Xception (Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR
2017, arXiv:1610.02357), Fig. 5: entry flow, middle flow repeated eight times, exit flow.

Entry flow: conv 3x3/2 (32), conv 3x3 (64), then three residual modules of two separable
3x3 convolutions (128, 256, 728) and a 3x3/2 max-pool, each with a 1x1/2 convolution on the
shortcut. Middle flow: eight residual modules of three ReLU -> separable conv 728 with
identity shortcuts. Exit flow: a residual module (separable 728, separable 1024, max-pool;
1x1/2 conv 1024 shortcut), separable conv 1536 and 2048 each followed by ReLU, global
average pooling, (optional fully-connected layers: not built, as in the ImageNet models of
Table 3), dropout and logistic regression. "All Convolution and SeparableConvolution layers
are followed by batch normalization (not included in the diagram). All SeparableConvolution
layers use a depth multiplier of 1 (no depth expansion)." (Fig. 5 caption).

``dropout`` is 0.5: "a dropout layer of rate 0.5 is included before the logistic regression
layer" (Sec. 4.3, ImageNet). Departures, named: "same" padding except the two entry
convolutions, which the reference implementation (``keras.applications.Xception``, written
by the author) leaves unpadded (299 -> 149 -> 147), as we do; convolutions have no bias;
batch norm with Keras' defaults (epsilon 0.001), as the reference. keras.applications'
Xception has no dropout (no effect at inference); :func:`keras_cnns.pretrained.copy_from_twin`
copies its weights into ours.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_rate
from keras_cnns.blocks import batch_norm, conv_norm_act
from keras_cnns.contract import Head

PAPER = ("Chollet, Xception: Deep Learning with Depthwise Separable Convolutions, CVPR 2017 "
         "(arXiv:1610.02357)")
PRESET = "keras-default-bn"

#: Fig. 5: the entry flow's residual modules (their separable convolutions' widths).
ENTRY = ((128, 128), (256, 256), (728, 728))
#: The middle flow: "Repeated 8 times", three separable convolutions of 728.
MIDDLE_REPEATS = 8
MIDDLE_WIDTH = 728
#: The exit flow: the residual module's widths, then the two last separable convolutions.
EXIT_MODULE = (728, 1024)
EXIT_CONVS = (1536, 2048)


def separable(x, filters: int, name: str, relu_before: bool = True, relu_after: bool = False):
    """[ReLU ->] SeparableConv 3x3 (no bias) -> BN [-> ReLU], named ``<name>`` (the conv),
    ``<name>_bn``, ``<name>_act`` / ``<name>_out``."""
    if relu_before:
        x = keras.layers.Activation("relu", name=f"{name}_act")(x)
    x = keras.layers.SeparableConv2D(filters, 3, padding="same", use_bias=False, name=name)(x)
    x = batch_norm(x, name=f"{name}_bn", preset=PRESET)
    if relu_after:
        x = keras.layers.Activation("relu", name=f"{name}_out")(x)
    return x


def downsampling_module(x, widths, name: str, relu_first: bool = True):
    """An entry/exit-flow module: separable convs, 3x3/2 max-pool, plus a 1x1/2 conv + BN
    shortcut (``<name>_shortcut``)."""
    shortcut = conv_norm_act(x, widths[-1], 1, strides=2, name=f"{name}_shortcut",
                             preset=PRESET, activation=None)
    for index, width in enumerate(widths, start=1):
        x = separable(x, width, f"{name}_sepconv{index}", relu_before=relu_first or index > 1)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name=f"{name}_pool")(x)
    return keras.layers.Add(name=f"{name}_add")([x, shortcut])


def middle_module(x, name: str):
    """A middle-flow module: three ReLU -> separable 728 -> BN, identity shortcut."""
    y = x
    for index in range(1, 4):
        y = separable(y, MIDDLE_WIDTH, f"{name}_sepconv{index}")
    return keras.layers.Add(name=f"{name}_add")([y, x])


@registry.register(
    "xception", paper=PAPER, reproduction="xception", input_shape=(299, 299, 3), classes=1000,
    min_size=71, names=["xception"], models=["xception"])
def Xception(dropout: float = 0.5, *, include_top: bool = True, weights=None,
             input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
             classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """Xception (Fig. 5).

    Args:
        dropout: rate before the logistic regression layer, in [0, 1) (0.5, Sec. 4.3).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input
            (299, 299, 3); any size of at least 71x71.
    """
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((299, 299, 3), min_size=71, model_name="Xception")
    x = conv_norm_act(x, 32, 3, strides=2, padding="valid", name="block1_conv1", preset=PRESET)
    x = conv_norm_act(x, 64, 3, padding="valid", name="block1_conv2", preset=PRESET)
    for index, widths in enumerate(ENTRY, start=2):
        x = downsampling_module(x, widths, f"block{index}", relu_first=index > 2)
    for index in range(MIDDLE_REPEATS):
        x = middle_module(x, f"block{index + 5}")
    x = downsampling_module(x, EXIT_MODULE, f"block{MIDDLE_REPEATS + 5}")
    for index, width in enumerate(EXIT_CONVS, start=1):
        x = separable(x, width, f"block{MIDDLE_REPEATS + 6}_sepconv{index}",
                      relu_before=False, relu_after=True)
    return head.model(inputs, head.classifier(x, dropout), "xception")


__all__ = ["Xception", "downsampling_module", "middle_module",
           "separable"]
