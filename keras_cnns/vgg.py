"""VGG ConvNet configurations A-E (Simonyan & Zisserman, ICLR 2015, arXiv:1409.1556).

Table 1 of the paper, written in its own notation: ``conv<receptive field>-<channels>``;
``LRN`` is local response normalisation; every stage ends with a 2x2 max-pool of stride 2.
All convolutions have stride 1 and "same" padding (1 pixel for 3x3) and are followed by
ReLU; the head is FC-4096, FC-4096, FC-1000, soft-max, with dropout 0.5 after the first two
fully-connected layers (Sec. 3.1). Biases are used everywhere, as in the paper.

Later variant, named: ``batch_norm=True`` (registered ``vgg-{config}-bn``) puts batch
normalisation (Ioffe & Szegedy 2015, arXiv:1502.03167) after every convolution, before its
ReLU, as torchvision's ``vgg11_bn`` .. ``vgg19_bn`` do (the convolutions keep their biases; BN
epsilon 1e-5 and momentum 0.1 in Torch's convention, PyTorch's defaults). Simonyan &
Zisserman had no batch norm: the variant is not the paper's and no table of it is checked.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_rate
from keras_cnns.contract import Head, global_pooling, variant
from keras_cnns.layers import LocalResponseNormalization

PAPER = ("Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image "
         "Recognition, ICLR 2015 (arXiv:1409.1556)")

#: Table 1 of the paper, one list per stage (between max-pools).
CONFIGS: dict[str, tuple[tuple[str, ...], ...]] = {
    "A": (("conv3-64",), ("conv3-128",), ("conv3-256", "conv3-256"),
          ("conv3-512", "conv3-512"), ("conv3-512", "conv3-512")),
    "A-LRN": (("conv3-64", "LRN"), ("conv3-128",), ("conv3-256", "conv3-256"),
              ("conv3-512", "conv3-512"), ("conv3-512", "conv3-512")),
    "B": (("conv3-64", "conv3-64"), ("conv3-128", "conv3-128"), ("conv3-256", "conv3-256"),
          ("conv3-512", "conv3-512"), ("conv3-512", "conv3-512")),
    "C": (("conv3-64", "conv3-64"), ("conv3-128", "conv3-128"),
          ("conv3-256", "conv3-256", "conv1-256"), ("conv3-512", "conv3-512", "conv1-512"),
          ("conv3-512", "conv3-512", "conv1-512")),
    "D": (("conv3-64", "conv3-64"), ("conv3-128", "conv3-128"),
          ("conv3-256", "conv3-256", "conv3-256"), ("conv3-512", "conv3-512", "conv3-512"),
          ("conv3-512", "conv3-512", "conv3-512")),
    "E": (("conv3-64", "conv3-64"), ("conv3-128", "conv3-128"),
          ("conv3-256", "conv3-256", "conv3-256", "conv3-256"),
          ("conv3-512", "conv3-512", "conv3-512", "conv3-512"),
          ("conv3-512", "conv3-512", "conv3-512", "conv3-512")),
}

#: The usual depth names of the four configurations keras.applications and torchvision build.
DEPTHS = {"A": 11, "B": 13, "D": 16, "E": 19}
#: Batch norm of the ``batch_norm=True`` variant: PyTorch's ``BatchNorm2d`` defaults
#: (epsilon 1e-5, momentum 0.1, i.e. Keras' 0.9), as torchvision's ``vgg*_bn``.
BN_EPSILON, BN_MOMENTUM = 1e-5, 0.9


def _parse_conv(spec: str) -> tuple[int, int]:
    kernel, filters = spec.removeprefix("conv").split("-")
    return int(kernel), int(filters)


@registry.register(
    "vgg", paper=PAPER, reproduction="vgg", input_shape=(224, 224, 3), classes=1000, min_size=32,
    names=[registry.name("vgg-{config}", patterns={"config": r"a-lrn|[a-e]"},
                         convert={"config": str.upper}),
           registry.name("vgg-{config}-bn", patterns={"config": r"[a-e]"},
                         convert={"config": str.upper}, batch_norm=True)],
    models=["vgg-a", "vgg-a-lrn", "vgg-b", "vgg-c", "vgg-d", "vgg-e"],
    aliases={alias: f"vgg-{config.lower()}" for config, depth in DEPTHS.items()
             for alias in (f"vgg-{depth}", f"vgg{depth}")})
def VGG(config: str = "D", dropout: float = 0.5, batch_norm: bool = False, *,
        include_top: bool = True, weights=None,
        input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
        classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """Build VGG configuration ``config`` (one of A, A-LRN, B, C, D, E) of Table 1.

    Args:
        config: column of Table 1. D is VGG-16 and E is VGG-19.
        dropout: dropout rate after the FC-4096 layers, in [0, 1) (0.5 in the paper).
        batch_norm: ``False`` (the paper) or ``True``: the later variant with batch norm
            after every convolution, before its ReLU (``block<s>_bn<i>``; torchvision's
            ``vgg*_bn``).
        include_top: add the three fully-connected layers; they need 224x224 inputs.
        weights: ``None`` or the path of a ``.weights.h5`` file.
        input_tensor, input_shape: as in ``keras.applications``; default (224, 224, 3).
            Without the top any size of at least 32x32 works (five 2x2 max-pools).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: outputs of the last fully-connected layer.
        classifier_activation: activation of the last layer (``None`` for logits).
        name: the model's name (default ``vgg_<config>``).
    """
    check_choice("config", config, CONFIGS,
                 "VGG config must be one of Table 1's columns A, A-LRN, B, C, D, E.")
    check_rate("dropout", dropout)
    check_bool("batch_norm", batch_norm)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((224, 224, 3), min_size=32, fixed_size=224,
                            model_name=f"VGG config {config}")
    for stage, layers in enumerate(CONFIGS[config], start=1):
        conv_index = 0
        for spec in layers:
            if spec == "LRN":
                x = LocalResponseNormalization(name=f"block{stage}_lrn")(x)
                continue
            conv_index += 1
            kernel, filters = _parse_conv(spec)
            x = keras.layers.Conv2D(filters, kernel, padding="same",
                                    activation=None if batch_norm else "relu",
                                    name=f"block{stage}_conv{conv_index}")(x)
            if batch_norm:
                x = keras.layers.BatchNormalization(
                    epsilon=BN_EPSILON, momentum=BN_MOMENTUM,
                    name=f"block{stage}_bn{conv_index}")(x)
                x = keras.layers.Activation("relu", name=f"block{stage}_relu{conv_index}")(x)
        x = keras.layers.MaxPooling2D(2, strides=2, name=f"block{stage}_pool")(x)
    if include_top:
        x = keras.layers.Flatten(name="flatten")(x)
        for index in (1, 2):
            x = keras.layers.Dense(4096, activation="relu", name=f"fc{index}")(x)
            if dropout:
                x = keras.layers.Dropout(dropout, name=f"fc{index}_dropout")(x)
        x = head.predictions(x)
    else:
        x = global_pooling(x, pooling)
    return head.model(inputs, x, f"vgg_{config.lower().replace('-', '_')}"
                      + ("_bn" if batch_norm else ""))


VGG11 = variant(VGG, "VGG11", "VGG configuration A (11 weight layers).", config="A")
VGG13 = variant(VGG, "VGG13", "VGG configuration B (13 weight layers).", config="B")
VGG16 = variant(VGG, "VGG16", "VGG configuration D (16 weight layers, 3x3 convolutions "
                "throughout).", config="D")
VGG19 = variant(VGG, "VGG19", "VGG configuration E (19 weight layers).", config="E")
