"""All-CNN-C (Springenberg, Dosovitskiy, Brox & Riedmiller, "Striving for Simplicity: The All
Convolutional Net", ICLR 2015 workshop track, arXiv:1412.6806).

Model C of Table 1, with each 3x3 max-pooling of stride 2 replaced by a 3x3 convolution of
stride 2 as wide as the layer before it (Table 2, "All-CNN-C"):

========================================  =========================================
Table 2, All-CNN-C                        here
========================================  =========================================
Input 32x32 RGB image                     ``input_dropout`` (0.2)
3x3 conv. 96 ReLU                         ``conv1``
3x3 conv. 96 ReLU                         ``conv2``
3x3 conv. 96 ReLU with stride r = 2       ``conv3``, then ``dropout1`` (0.5)
3x3 conv. 192 ReLU                        ``conv4``
3x3 conv. 192 ReLU                        ``conv5``
3x3 conv. 192 ReLU with stride r = 2      ``conv6``, then ``dropout2`` (0.5)
3x3 conv. 192 ReLU                        ``conv7``, unpadded: 8x8 -> 6x6
1x1 conv. 192 ReLU                        ``conv8``
1x1 conv. 10 ReLU                         ``predictions`` (+ ``predictions_relu``)
global averaging over 6x6 spatial dims    ``avg_pool``
10 or 100-way softmax                     ``classifier_activation``
========================================  =========================================

Dropout, Sec. 3.2: "We applied dropout to the input image as well as after each pooling
layer (or after the layer replacing the pooling layer respectively)", 20% on the input and
50% elsewhere. Every convolution has a bias and a ReLU. The averaging "over 6x6 spatial
dimensions" fixes the padding of the third stage: ``conv7`` is unpadded (8 - 3 + 1 = 6);
the other 3x3 convolutions keep the size, the strided ones halve it (32 -> 16 -> 8).

The last 1x1 convolution (to ``classes`` maps) is a ``Dense`` layer applied at every
position (the same operation and parameters) named ``predictions``, followed by its ReLU
and the global average, as in :mod:`keras_cnns.nin`. Without the top the features end at
``conv8`` (192 maps, 6x6 at 32x32 inputs).

Departures, named: the paper does not print the padding of the strided convolutions; they
use Keras' ``"same"`` padding (one zero row and column after the image, windows centred on
the odd pixels), where a symmetric one-pixel padding would centre them on the even ones:
the output sizes and parameters are the same. ``classifier_activation`` is applied to the
averaged maps by its own layer (``predictions`` stays linear for the contract's logits).
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_rate
from keras_cnns.contract import Head, global_pooling
from keras_cnns.nin import conv_classifier

PAPER = ("Springenberg, Dosovitskiy, Brox & Riedmiller, Striving for Simplicity: The All "
         "Convolutional Net, ICLR 2015 workshop (arXiv:1412.6806)")

#: Table 2, All-CNN-C, below the input: (name, kernel, filters, stride, padding); "dropout"
#: rows end the two stages whose pooling a strided convolution replaces.
LAYERS = (
    ("conv1", 3, 96, 1, "same"), ("conv2", 3, 96, 1, "same"), ("conv3", 3, 96, 2, "same"),
    ("dropout1",),
    ("conv4", 3, 192, 1, "same"), ("conv5", 3, 192, 1, "same"), ("conv6", 3, 192, 2, "same"),
    ("dropout2",),
    ("conv7", 3, 192, 1, "valid"), ("conv8", 1, 192, 1, "valid"),
)


@registry.register(
    "all-cnn", paper=PAPER, reproduction="cifar-baselines", input_shape=(32, 32, 3), classes=10,
    min_size=9, names=["all-cnn-c"], models=["all-cnn-c"],
    aliases={"allcnn-c": "all-cnn-c", "all-cnn": "all-cnn-c"})
def AllCNN(dropout: float = 0.5, input_dropout: float = 0.2, *, include_top: bool = True,
           weights=None, input_tensor=None, input_shape=None, pooling=None, classes: int = 10,
           classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """All-CNN-C of Table 2 (strided 3x3 convolutions instead of max-pooling).

    Args:
        dropout: dropout rate after each strided convolution, in [0, 1) (50%, Sec. 3.2).
        input_dropout: dropout rate on the input image, in [0, 1) (20%, Sec. 3.2).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3; at least 9x9 (two stride-2 convolutions leave 3x3 for the unpadded
            ``conv7``).
    """
    check_rate("dropout", dropout)
    check_rate("input_dropout", input_dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((32, 32, 3), min_size=9, model_name="All-CNN-C")
    if input_dropout:
        x = keras.layers.Dropout(input_dropout, name="input_dropout")(x)
    for row in LAYERS:
        if len(row) == 1:
            if dropout:
                x = keras.layers.Dropout(dropout, name=row[0])(x)
            continue
        layer_name, kernel, filters, stride, padding = row
        x = keras.layers.Conv2D(filters, kernel, strides=stride, padding=padding,
                                activation="relu", name=layer_name)(x)
    x = conv_classifier(x, head) if include_top else global_pooling(x, pooling)
    return head.model(inputs, x, "all_cnn_c")


__all__ = ["AllCNN"]
