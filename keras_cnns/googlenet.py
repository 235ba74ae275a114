"""GoogLeNet, the Inception v1 network of Szegedy et al., "Going Deeper with Convolutions",
CVPR 2015 (arXiv:1409.4842), exactly as its Table 1 and Sec. 5 describe it.

Stem: conv 7x7/2 (64) -> max-pool 3x3/2 -> LRN -> conv 1x1 (64, Table 1's "#3x3 reduce")
-> conv 3x3 (192) -> LRN -> max-pool 3x3/2; inception 3a, 3b, max-pool, 4a-4e, max-pool,
5a, 5b; average pool 7x7/1; dropout 40%; linear; soft-max. Every convolution, including those
inside the inception modules, uses ReLU. Each inception module concatenates four branches:
1x1; 1x1 reduce -> 3x3; 1x1 reduce -> 5x5; 3x3/1 max-pool -> 1x1 "pool proj".

The auxiliary classifiers (Sec. 5) sit on the outputs of 4a and 4d: average pool 5x5/3
(-> 4x4), 1x1 conv with 128 filters, FC 1024, dropout 70%, FC ``classes``; during training
their losses are added with weight :data:`AUX_LOSS_WEIGHT` (0.3). ``aux_logits=True`` makes
the model return ``[main, aux1, aux2]``; ``AUX_LOSS_WEIGHTS`` is the matching
``loss_weights`` for ``model.compile``.

The stem's first layer: ``stem="conv"`` (default) is a plain 7x7/2 convolution to 64
channels, as the paper's text and the BVLC Caffe reimplementation have it; ``stem="separable"``
is the 7x7/2 depthwise-separable convolution with depth multiplier 8 (a 7x7 depthwise conv to
3 x 8 = 24 channels, then a 1x1 to 64) that Table 1's conv1 row counts: 7*7*3*8 + 24*64 =
2,712 weights ("2.7K") and 112*112*2,712 = 34.0M multiply-adds ("34M"). Chollet (Xception,
2017, Sec. 2): "a depthwise separable convolution was used as the first layer of Inception
V1 and Inception V2"; Ioffe & Szegedy (2015, appendix) give the depth multiplier 8.

Departures, named: "same" padding everywhere (Keras pools with ceil-mode arithmetic, which
gives Table 1's output sizes); LRN with the AlexNet constants (the paper does not list them);
biases on every layer, as in the paper's DistBelief/Caffe models.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_rate, fail
from keras_cnns.contract import Head, global_pooling
from keras_cnns.layers import LocalResponseNormalization

PAPER = ("Szegedy et al., Going Deeper with Convolutions, CVPR 2015 (arXiv:1409.4842)")

#: Table 1, inception rows: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}

#: Inception modules of each stage; a 3x3/2 max-pool follows stages 3 and 4.
STAGES = (("3a", "3b"), ("4a", "4b", "4c", "4d", "4e"), ("5a", "5b"))

#: Modules whose outputs feed the auxiliary classifiers (Sec. 5).
AUX_AFTER = ("4a", "4d")

#: First-layer options: the plain 7x7 convolution or Table 1's depthwise-separable one.
STEMS = ("conv", "separable")
#: Depth multiplier of the separable stem (Ioffe & Szegedy 2015, appendix).
STEM_DEPTH_MULTIPLIER = 8

#: Weight of each auxiliary classifier's loss in the training loss (Sec. 5).
AUX_LOSS_WEIGHT = 0.3
AUX_LOSS_WEIGHTS = [1.0, AUX_LOSS_WEIGHT, AUX_LOSS_WEIGHT]


def _conv(x, filters, kernel, name, strides=1):
    return keras.layers.Conv2D(filters, kernel, strides=strides, padding="same",
                               activation="relu", name=name)(x)


def inception_block(x, widths, name: str):
    """One inception module with dimension reductions (Fig. 2b); ``widths`` as a Table 1 row."""
    n1x1, n3x3_reduce, n3x3, n5x5_reduce, n5x5, pool_proj = widths
    branch1 = _conv(x, n1x1, 1, f"{name}_1x1")
    branch3 = _conv(_conv(x, n3x3_reduce, 1, f"{name}_3x3_reduce"), n3x3, 3, f"{name}_3x3")
    branch5 = _conv(_conv(x, n5x5_reduce, 1, f"{name}_5x5_reduce"), n5x5, 5, f"{name}_5x5")
    pool = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branch_pool = _conv(pool, pool_proj, 1, f"{name}_pool_proj")
    return keras.layers.Concatenate(name=f"{name}_output")([branch1, branch3, branch5, branch_pool])


def aux_classifier(x, classes: int, classifier_activation, name: str):
    """Auxiliary classifier of Sec. 5: avg-pool 5x5/3, conv 1x1-128, FC 1024, dropout 70%, FC."""
    x = keras.layers.AveragePooling2D(5, strides=3, name=f"{name}_avg_pool")(x)
    x = _conv(x, 128, 1, f"{name}_conv")
    x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    x = keras.layers.Dense(1024, activation="relu", name=f"{name}_fc")(x)
    x = keras.layers.Dropout(0.7, name=f"{name}_dropout")(x)
    return keras.layers.Dense(classes, activation=classifier_activation,
                              name=f"{name}_predictions")(x)


@registry.register("googlenet", paper=PAPER, reproduction="googlenet",
                   input_shape=(224, 224, 3), classes=1000, min_size=32,
                   names=[registry.name("googlenet"),
                          registry.name("googlenet-separable", stem="separable")],
                   models=["googlenet", "googlenet-separable"],
                   aliases={"inception-v1": "googlenet"})
def GoogLeNet(aux_logits: bool = False, dropout: float = 0.4, stem: str = "conv", *,
              include_top: bool = True,
              weights=None, input_tensor=None, input_shape=None, pooling=None,
              classes: int = 1000, classifier_activation="softmax",
              name: str | None = None) -> keras.Model:
    """Build GoogLeNet (Inception v1) of Table 1.

    Args:
        aux_logits: also return the two auxiliary classifiers (needs ``include_top=True``);
            compile with ``loss_weights=AUX_LOSS_WEIGHTS``.
        dropout: rate before the linear layer, in [0, 1) (40% in Table 1).
        stem: ``"conv"`` (plain 7x7 first layer) or ``"separable"`` (Table 1's
            depthwise-separable first layer); see the module docstring.
        include_top: add average pool 7x7, dropout and the linear layer; needs 224x224 inputs.
        weights: ``None`` or the path of a ``.weights.h5`` file.
        input_tensor, input_shape: as in ``keras.applications``; default (224, 224, 3).
            Without the top any size of at least 32x32 works.
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: outputs of the linear layer (and of the auxiliary classifiers).
        classifier_activation: activation of the classifiers (``None`` for logits).
        name: the model's name (default ``googlenet``).
    """
    check_bool("aux_logits", aux_logits)
    check_rate("dropout", dropout)
    check_choice("stem", stem, STEMS, "GoogLeNet stem must be 'conv' (a plain 7x7 convolution) "
                 "or 'separable' (Table 1's depthwise-separable 7x7).")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    if aux_logits and not include_top:
        fail("GoogLeNet's auxiliary classifiers are part of the top: aux_logits=True needs "
             "include_top=True.", "include_top", include_top)
    inputs, x = head.inputs((224, 224, 3), min_size=32, fixed_size=224, model_name="GoogLeNet")
    if stem == "separable":
        x = keras.layers.SeparableConv2D(64, 7, strides=2, padding="same",
                                         depth_multiplier=STEM_DEPTH_MULTIPLIER,
                                         activation="relu", name="conv1_7x7")(x)
    else:
        x = _conv(x, 64, 7, "conv1_7x7", strides=2)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1_3x3")(x)
    x = LocalResponseNormalization(name="pool1_norm")(x)
    x = _conv(x, 64, 1, "conv2_3x3_reduce")
    x = _conv(x, 192, 3, "conv2_3x3")
    x = LocalResponseNormalization(name="conv2_norm")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2_3x3")(x)
    aux = []
    for stage, modules in enumerate(STAGES, start=3):
        for module in modules:
            x = inception_block(x, INCEPTION[module], f"inception_{module}")
            if aux_logits and module in AUX_AFTER:
                aux.append(aux_classifier(x, classes, classifier_activation,
                                          f"aux{len(aux) + 1}"))
        if stage < 5:
            x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name=f"pool{stage}_3x3")(x)
    if include_top:
        x = keras.layers.AveragePooling2D(7, strides=1, name="pool5_7x7")(x)
        x = keras.layers.Flatten(name="flatten")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name="dropout")(x)
        x = head.predictions(x)
    else:
        x = global_pooling(x, pooling)
    model_name = "googlenet" if stem == "conv" else "googlenet_separable"
    return head.model(inputs, [x, *aux] if aux_logits else x, model_name)
