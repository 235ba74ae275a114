"""Convolutional highway networks for CIFAR-10 (Srivastava, Greff & Schmidhuber, "Training
Very Deep Networks", NeurIPS 2015, arXiv:1507.06228; "Highway Networks", arXiv:1505.00387).

A highway layer is ``y = H(x) T(x) + x (1 - T(x))`` (:class:`keras_cnns.layers.HighwayConv2D`:
ReLU block state ``H``, sigmoid transform gate ``T`` with its bias initialised to
``transform_bias``, -2 in the authors' configs).

**highway-19** is the authors' released CIFAR-10 network, layer for layer
(github.com/flukeskywalker/highway-networks, ``examples/highways/cifar10-19layers/
cifar10_network.prototxt`` at commit 246c720, "Minor fix in cifar-10 example", which sets
the classifier to 10 outputs): dropout 0.2 on the input; a plain 3x3 convolution (ReLU)
and four highway 3x3 layers of 32 maps; 2x2 max-pooling and dropout 0.2; a plain 3x3
convolution and five highway 3x3 layers of 80 maps; pooling and dropout again; a plain 3x3
convolution and five highway 3x3 layers of 128 maps; a 1x1 convolution to 100 maps (ReLU);
8x8 average pooling (global at 32x32), dropout 0.2 and the fully-connected classifier: 18
convolutions and one fully-connected layer, 2,256,838 parameters. This is the network of
Sec. 3.3.2 ("we replaced the fully connected layer used in the networks in the previous
section with a convolutional layer with a receptive field of size one and a global average
pooling layer"); Table 2's "Highway B (Fitnet B)", 19 layers, "~2.3M", has the fully
connected top of the previous section instead, whose size the paper does not print.

**highway-32** is a reading, not the paper's network: "a 32-layer highway network
consisting of alternating receptive fields of size 3x3 and 1x1 with ~1.25M parameters"
(Sec. 3.3.1, Table 2 "Highway C") is all the paper says of it, and no configuration of it
was released. Departures, named (assumptions of the reading): the skeleton, widths (32, 80,
128 maps), poolings, dropout and top of the released 19-layer network, with nine highway
layers per stage alternating 3x3 and 1x1 (3x3 first and last): 3 plain convolutions + 27
highway layers + the 1x1 convolution + the classifier = 32 layers. Its parameter count
(about 2.47M) is not the paper's ~1.25M: the widths of Highway C are thinner than these,
and by how much is not printed, so no width is fitted to the number.

Initialisation: the authors' "xavier" filler (in their Caffe fork a normal distribution of
standard deviation sqrt(2 / fan_in)) for the convolutions, a Gaussian of std 0.05 for the
classifier, biases 0 and transform-gate biases -2, as released. Other departures, named:
the first convolution gets the same filler, where the released one is a Gaussian with an
unused ``value: 0.05`` (Caffe's Gaussian filler then draws with its default std of 1).
Caffe's 8x8 average pooling of stride 8 is global average pooling here (the same at 32x32
inputs, any size otherwise).
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_number, check_rate
from keras_cnns.contract import Head, global_pooling
from keras_cnns.layers.highway import XAVIER_FILLER, HighwayConv2D

PAPER = ("Srivastava, Greff & Schmidhuber, Training Very Deep Networks, NeurIPS 2015 "
         "(arXiv:1507.06228); Highway Networks (arXiv:1505.00387)")

#: Stage widths of the released 19-layer network.
WIDTHS = (32, 80, 128)
#: Kernel sizes of the highway layers of each stage, per depth (see the module docstring).
HIGHWAY_KERNELS = {19: ((3,) * 4, (3,) * 5, (3,) * 5),
                   32: ((3, 1) * 4 + (3,),) * 3}
#: Maps of the 1x1 convolution before the global average (conv18 of the released network).
TOP_MAPS = 100


@registry.register(
    "highway", paper=PAPER, reproduction="cifar-baselines", input_shape=(32, 32, 3), classes=10,
    min_size=4,
    names=[registry.name("highway-{depth}", where=lambda a: a["depth"] in HIGHWAY_KERNELS)],
    models=["highway-19", "highway-32"])
def HighwayNet(depth: int = 19, transform_bias: float = -2.0, dropout: float = 0.2, *,
               include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
               pooling=None, classes: int = 10, classifier_activation="softmax",
               name: str | None = None) -> keras.Model:
    """The CIFAR-10 convolutional highway network of ``depth`` layers (19 or 32).

    Args:
        depth: 19 (the authors' released network) or 32 (a reading of Table 2's Highway C;
            see the module docstring).
        transform_bias: initial bias of every transform gate (negative: carry first).
        dropout: dropout rate on the input, after each pooling and before the classifier,
            in [0, 1) (0.2 released).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3; at least 4x4 (two 2x2 poolings).
    """
    check_choice("depth", depth, tuple(HIGHWAY_KERNELS),
                 "Highway depth must be 19 (released network) or 32 (Table 2's Highway C).")
    check_number("transform_bias", transform_bias,
                 rule="`transform_bias` must be a finite number (negative in the papers).")
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((32, 32, 3), min_size=4, model_name=f"Highway-{depth}")
    if dropout:
        x = keras.layers.Dropout(dropout, name="drop1")(x)
    index = 0
    for stage, (width, kernels) in enumerate(zip(WIDTHS, HIGHWAY_KERNELS[depth]), start=1):
        if stage > 1:
            x = keras.layers.MaxPooling2D(2, strides=2, name=f"pool{stage - 1}")(x)
            if dropout:
                x = keras.layers.Dropout(dropout, name=f"drop{stage}")(x)
        index += 1
        x = keras.layers.Conv2D(width, 3, padding="same", activation="relu",
                                kernel_initializer=XAVIER_FILLER, name=f"conv{index}")(x)
        for kernel in kernels:
            index += 1
            x = HighwayConv2D(width, kernel, transform_bias=transform_bias,
                              name=f"conv{index}")(x)
    index += 1
    x = keras.layers.Conv2D(TOP_MAPS, 1, activation="relu", kernel_initializer=XAVIER_FILLER,
                            name=f"conv{index}")(x)
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name="dropout")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions",
                               kernel_initializer=keras.initializers.RandomNormal(stddev=0.05))(x)
    else:
        x = global_pooling(x, pooling)
    return head.model(inputs, x, f"highway_{depth}")


__all__ = ["HighwayNet"]
