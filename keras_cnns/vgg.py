"""VGG ConvNet configurations A-E (Simonyan & Zisserman, ICLR 2015, arXiv:1409.1556).

Table 1 of the paper, written in its own notation: ``conv<receptive field>-<channels>``;
``LRN`` is local response normalisation; every stage ends with a 2x2 max-pool of stride 2.
All convolutions have stride 1 and "same" padding (1 pixel for 3x3) and are followed by
ReLU; the head is FC-4096, FC-4096, FC-1000, soft-max, with dropout 0.5 after the first two
fully-connected layers (Sec. 3.1). Biases are used everywhere, as in the paper.
"""

from __future__ import annotations

import keras

from keras_cnns import _common
from keras_cnns.layers import LocalResponseNormalization

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

#: Weight layers per configuration, as in Table 1's header.
WEIGHT_LAYERS = {"A": 11, "A-LRN": 11, "B": 13, "C": 16, "D": 16, "E": 19}


def _parse_conv(spec: str) -> tuple[int, int]:
    kernel, filters = spec.removeprefix("conv").split("-")
    return int(kernel), int(filters)


def VGG(config: str = "D", include_top: bool = True, input_tensor=None, input_shape=None,
        pooling=None, classes: int = 1000, classifier_activation="softmax", dropout: float = 0.5,
        name: str | None = None) -> keras.Model:
    """Build VGG configuration ``config`` (one of A, A-LRN, B, C, D, E) of Table 1.

    Args:
        config: column of Table 1. D is VGG-16 and E is VGG-19.
        include_top: add the three fully-connected layers; they need 224x224 inputs.
        input_tensor, input_shape: as in ``keras.applications``; default (224, 224, 3).
            Without the head any size of at least 32x32 works (five 2x2 max-pools).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: outputs of the last fully-connected layer.
        classifier_activation: activation of the last layer (``None`` for logits).
        dropout: dropout rate after FC-4096 layers (0.5 in the paper).
    """
    _common.check_choice("config", config, CONFIGS,
                         "VGG config must be one of Table 1's columns A, A-LRN, B, C, D, E.")
    _common.check_head(include_top, pooling, classes, classifier_activation)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1). Received: dropout={dropout!r}")
    model_name = name or f"vgg_{config.lower().replace('-', '_')}"
    inputs, x = _common.model_input(input_shape, input_tensor, (224, 224, 3), min_size=32,
                                    fixed_size=224 if include_top else None,
                                    model_name=f"VGG config {config}")
    for stage, layers in enumerate(CONFIGS[config], start=1):
        conv_index = 0
        for spec in layers:
            if spec == "LRN":
                x = LocalResponseNormalization(name=f"block{stage}_lrn")(x)
                continue
            conv_index += 1
            kernel, filters = _parse_conv(spec)
            x = keras.layers.Conv2D(filters, kernel, padding="same", activation="relu",
                                    name=f"block{stage}_conv{conv_index}")(x)
        x = keras.layers.MaxPooling2D(2, strides=2, name=f"block{stage}_pool")(x)
    if include_top:
        x = keras.layers.Flatten(name="flatten")(x)
        for index in (1, 2):
            x = keras.layers.Dense(4096, activation="relu", name=f"fc{index}")(x)
            if dropout:
                x = keras.layers.Dropout(dropout, name=f"fc{index}_dropout")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.feature_pooling(x, pooling)
    return keras.Model(inputs, x, name=model_name)


def VGG11(**kwargs) -> keras.Model:
    """Configuration A (11 weight layers)."""
    return VGG("A", **kwargs)


def VGG13(**kwargs) -> keras.Model:
    """Configuration B (13 weight layers)."""
    return VGG("B", **kwargs)


def VGG16(**kwargs) -> keras.Model:
    """Configuration D (16 weight layers, 3x3 convolutions throughout)."""
    return VGG("D", **kwargs)


def VGG19(**kwargs) -> keras.Model:
    """Configuration E (19 weight layers)."""
    return VGG("E", **kwargs)
