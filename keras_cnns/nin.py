"""Network in Network for CIFAR-10 (Lin, Chen & Yan, ICLR 2014, arXiv:1312.4400).

Sec. 4.1-4.2 of the paper: "three stacked mlpconv layers", each "followed by a spatial max
pooling layer which downsamples the input image by a factor of two", dropout "applied on
the outputs of all but the last mlpconv layers", and global average pooling over one
feature map per class (Sec. 3.2) in place of fully-connected layers. The paper prints no
widths; they are those of the authors' released Caffe model of the CIFAR-10 net (the
"cifar10" NIN model of the Caffe model zoo, gist mavenlin/e56253735ef32c3c296d, which the
model zoo's Lasagne port ``modelzoo/cifar10_nin.py`` reproduces layer for layer):

====== ========================= ===================================================
block  mlpconv (each + ReLU)     then
====== ========================= ===================================================
1      5x5-192 (pad 2), 1x1-160,  3x3 max-pool, stride 2; dropout 0.5
       1x1-96
2      5x5-192 (pad 2), 1x1-192,  3x3 average-pool, stride 2; dropout 0.5
       1x1-192
3      3x3-192 (pad 1), 1x1-192,  8x8 global average pooling, softmax
       1x1-10
====== ========================= ===================================================

Caffe rounds pooled sizes up (32 -> 16 -> 8), which is Keras' ``"same"`` padding for these
windows exactly: the last window starts at the last even row and is cut by the border, and
the average of a cut window counts only its pixels in both. Every convolution has a bias
and a ReLU, the last 1x1 convolution included (the released model rectifies its ``cccp6``
maps before averaging them).

The last mlpconv layer's 1x1 convolution to ``classes`` maps is the classifier: it is a
``Dense`` layer applied at every position (the same operation and parameters as a 1x1
convolution) named ``predictions``, followed by the released model's ReLU, the global
average (``avg_pool``) and ``classifier_activation``. Without the top the features end at
the 192 maps of block 3.

Departures, named: the second pooling is average pooling and the first mlpconv layer's
last 1x1 convolution has 96 maps, as the released model has them (the paper's text says
max pooling after every mlpconv layer); ``classifier_activation`` is applied to the
averaged maps by its own layer (the ``predictions`` layer stays linear, as the builder
contract's logits need).
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_rate
from keras_cnns.contract import Head, global_pooling

PAPER = "Lin, Chen & Yan, Network In Network, ICLR 2014 (arXiv:1312.4400)"

#: The released CIFAR-10 model, block by block: (kernel, filters) of each mlpconv layer's
#: convolutions (the last 1x1 of block 3 is ``classes`` wide), then the pooling that ends it.
BLOCKS = (
    (((5, 192), (1, 160), (1, 96)), "max"),
    (((5, 192), (1, 192), (1, 192)), "avg"),
    (((3, 192), (1, 192), (1, None)), "global"),
)
#: Caffe layer names of the released model, in order.
CONV_NAMES = ("conv1", "cccp1", "cccp2", "conv2", "cccp3", "cccp4", "conv3", "cccp5", "cccp6")


def conv_classifier(x, head: Head):
    """The NIN classifier (Sec. 3.2): a 1x1 convolution to one map per class (a per-position
    ``Dense`` named ``predictions``), ReLU, global average pooling, then
    ``classifier_activation``."""
    x = keras.layers.Dense(head.classes, name="predictions")(x)
    x = keras.layers.Activation("relu", name="predictions_relu")(x)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if head.classifier_activation is not None:
        x = keras.layers.Activation(head.classifier_activation, name="classifier_activation")(x)
    return x


@registry.register(
    "nin", paper=PAPER, reproduction="cifar-baselines", input_shape=(32, 32, 3), classes=10,
    min_size=4, names=["nin-cifar10"], models=["nin-cifar10"],
    aliases={"nin": "nin-cifar10", "network-in-network": "nin-cifar10"})
def NIN(dropout: float = 0.5, *, include_top: bool = True, weights=None, input_tensor=None,
        input_shape=None, pooling=None, classes: int = 10, classifier_activation="softmax",
        name: str | None = None) -> keras.Model:
    """The CIFAR-10 Network in Network (three mlpconv layers, global average pooling).

    Args:
        dropout: dropout rate after the first two mlpconv layers, in [0, 1) (0.5 released).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3 and any size of at least 4x4 works (two stride-2 poolings, global
            averaging).
    """
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((32, 32, 3), min_size=4, model_name="NIN")
    names = iter(CONV_NAMES)
    for block, (convs, pool) in enumerate(BLOCKS, start=1):
        for kernel, filters in convs:
            layer_name = next(names)
            if filters is None:  # the classifier: the top's, see conv_classifier
                break
            x = keras.layers.Conv2D(filters, kernel, padding="same", activation="relu",
                                    name=layer_name)(x)
        if pool == "global":
            break
        pool_layer = (keras.layers.MaxPooling2D if pool == "max"
                      else keras.layers.AveragePooling2D)
        x = pool_layer(3, strides=2, padding="same", name=f"pool{block}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"drop{block}")(x)
    x = conv_classifier(x, head) if include_top else global_pooling(x, pooling)
    return head.model(inputs, x, "nin_cifar10")


__all__ = ["NIN"]
