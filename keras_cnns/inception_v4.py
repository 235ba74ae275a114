"""Inception-v4 and Inception-ResNet-v1/v2 (Szegedy, Ioffe, Vanhoucke & Alemi, "Inception-v4,
Inception-ResNet and the Impact of Residual Connections on Learning", AAAI 2017,
arXiv:1602.07261).

**Inception-v4** (Fig. 9): the stem of Fig. 3 (299x299x3 -> 35x35x384), 4 x Inception-A
(Fig. 4), Reduction-A (Fig. 7 with Table 1's k, l, m, n = 192, 224, 256, 384), 7 x
Inception-B (Fig. 5), Reduction-B (Fig. 8), 3 x Inception-C (Fig. 6), average pooling,
dropout (keep 0.8) and the classifier. The authors' TF-slim ``nets/inception_v4.py`` is the
same network.

**Inception-ResNet** (Fig. 15): a stem, 5 x Inception-ResNet-A, Reduction-A, 10 x
Inception-ResNet-B, Reduction-B, 5 x Inception-ResNet-C, average pooling, dropout (keep 0.8),
classifier. Each Inception-ResNet block is ``relu(x + scale * up(concat(branches)))``, where
``up`` is the "filter-expansion layer (1x1 convolution without activation) which is used for
scaling up the dimensionality of the filter bank before the addition to match the depth of
the input" (Sec. 3.2), and ``scale`` the residual scaling of Sec. 3.3 ("scaling factors
between 0.1 and 0.3"; the argument ``scale``, one factor or one per block type A, B, C;
default 0.17, 0.10, 0.20 as in the authors' code).

* ``version=1`` (Inception-ResNet-v1): stem of Fig. 14 (-> 35x35x256), blocks of Figs. 10,
  11, 13 (expanding to 256, 896, 1792), Reduction-A with k, l, m, n = 192, 192, 256, 384,
  Reduction-B of Fig. 12.
* ``version=2`` (Inception-ResNet-v2), ``layout="paper"``: the Inception-v4 stem (Fig. 3,
  -> 384), blocks of Figs. 16, 17, 19, Reduction-A with 256, 256, 384, 384, Reduction-B of
  Fig. 18. The figures print expansions of 1154 (Fig. 17) and 2048 (Fig. 19), which cannot
  be added to their inputs of 1152 and 2144 channels; we expand to the input's depth, as
  Sec. 3.2 says the expansion layer does (a named departure from the figures).
* ``version=2``, ``layout="tf-slim"``: the released model (TF-slim
  ``nets/inception_resnet_v2.py``, identical to ``keras.applications.InceptionResNetV2``),
  which departs from the paper: the Inception-v3 stem and a 35x35 Inception module
  (``mixed_5b``, -> 320 channels) instead of Fig. 3, blocks expanding to 320, 1088, 2080,
  10/20/10 blocks instead of 5/10/5, the last block unscaled and without ReLU, and a 1x1
  convolution to 1536 channels (``conv_7b``) before the pooling. Every later table (SENet,
  EfficientNet, the Xception and Keras counts) measures this model.

``attention="se"`` puts an SE block on the residual branch after the expansion layer,
before the scaling and the addition (SE-Inception-ResNet-v2, Hu et al. 2018, Fig. 3's
placement).

Departures, named: convolutions are conv (no bias) -> BN (no gamma) -> ReLU, the TF-slim
arg scope (``tf-slim-inception`` preset); the expansion layers have a bias and no batch
norm, as in TF-slim ("batch-normalization only on top of the traditional layers, but not on
top of the summations", Sec. 3.2); the residual scaling is a ``Rescaling`` layer on the
branch (keras.applications uses one custom layer for scale-and-add). Inception-C's
branches apply 1x3 before 3x1 where Fig. 6 draws 3x1 first (as TF-slim; same counts). The
auxiliary classifier of the released Inception-v4 checkpoint is not built (the paper does
not describe one).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_rate, fail, is_number
from keras_cnns.blocks import conv, get_attention
from keras_cnns.contract import Head, variant
from keras_cnns.inception import (PRESET, SE_PAPER, Branch, Conv, Fork, Pool, branch_outputs,
                                  inception_module, run_stem)

PAPER = ("Szegedy, Ioffe, Vanhoucke & Alemi, Inception-v4, Inception-ResNet and the Impact of "
         "Residual Connections on Learning, AAAI 2017 (arXiv:1602.07261)")

#: Table 1: the number of filters of Reduction-A (Fig. 7) per network: k, l, m, n.
REDUCTION_A = {"Inception-v4": (192, 224, 256, 384),
               "Inception-ResNet-v1": (192, 192, 256, 384),
               "Inception-ResNet-v2": (256, 256, 384, 384)}

#: Blocks per stage (A, B, C): Fig. 9 (Inception-v4), Fig. 15 (Inception-ResNet), and the
#: released Inception-ResNet-v2 (TF-slim).
V4_BLOCKS = (4, 7, 3)
RESNET_BLOCKS = {"paper": (5, 10, 5), "tf-slim": (10, 20, 10)}
#: Residual scaling of blocks A, B, C in the authors' code (Sec. 3.3: "between 0.1 and 0.3").
SCALE = (0.17, 0.10, 0.20)
LAYOUTS = ("paper", "tf-slim")
VERSIONS = (1, 2)


def reduction_a(k: int, l: int, m: int, n: int) -> tuple[Branch, ...]:  # noqa: E741 (paper)
    """Fig. 7: 3x3 conv n /2 V; 1x1 k -> 3x3 l -> 3x3 m /2 V; 3x3 max-pool /2 V."""
    return ((Conv(n, 3, 2, "valid"),),
            (Conv(k), Conv(l, 3), Conv(m, 3, 2, "valid")),
            (Pool("max", 3, 2, "valid"),))


# --- Inception-v4 ---------------------------------------------------------------------------

#: Fig. 3: the stem of Inception-v4 and Inception-ResNet-v2: three convolutions, then three
#: two-branch modules (299x299x3 -> 73x73x160 -> 71x71x192 -> 35x35x384).
V4_STEM = (Conv(32, 3, 2, "valid"), Conv(32, 3, 1, "valid"), Conv(64, 3))
V4_STEM_MODULES = {
    "mixed_3a": ((Pool("max", 3, 2, "valid"),), (Conv(96, 3, 2, "valid"),)),
    "mixed_4a": ((Conv(64), Conv(96, 3, 1, "valid")),
                 (Conv(64), Conv(64, (1, 7)), Conv(64, (7, 1)), Conv(96, 3, 1, "valid"))),
    "mixed_5a": ((Conv(192, 3, 2, "valid"),), (Pool("max", 3, 2, "valid"),)),
}
#: Fig. 4: Inception-A (35x35 -> 384).
INCEPTION_A = ((Pool("avg"), Conv(96)), (Conv(96),), (Conv(64), Conv(96, 3)),
               (Conv(64), Conv(96, 3), Conv(96, 3)))
#: Fig. 5: Inception-B (17x17 -> 1024).
INCEPTION_B = ((Pool("avg"), Conv(128)), (Conv(384),),
               (Conv(192), Conv(224, (1, 7)), Conv(256, (7, 1))),
               (Conv(192), Conv(192, (1, 7)), Conv(224, (7, 1)), Conv(224, (1, 7)),
                Conv(256, (7, 1))))
#: Fig. 8: Reduction-B of Inception-v4 (17x17x1024 -> 8x8x1536).
REDUCTION_B_V4 = ((Pool("max", 3, 2, "valid"),), (Conv(192), Conv(192, 3, 2, "valid")),
                  (Conv(256), Conv(256, (1, 7)), Conv(320, (7, 1)), Conv(320, 3, 2, "valid")))
_PAIR = Fork((Conv(256, (1, 3)), Conv(256, (3, 1))))
#: Fig. 6: Inception-C (8x8 -> 1536).
INCEPTION_C = ((Pool("avg"), Conv(256)), (Conv(256),), (Conv(384), _PAIR),
               (Conv(384), Conv(448, (1, 3)), Conv(512, (3, 1)), _PAIR))


def inception_v4_modules() -> dict[str, tuple[Branch, ...]]:
    """Every module after the stem convolutions, in order (Fig. 9), named as TF-slim's end
    points (Mixed_3a .. Mixed_7d)."""
    a, b, c = V4_BLOCKS
    modules = dict(V4_STEM_MODULES)
    modules.update({f"mixed_5{chr(98 + i)}": INCEPTION_A for i in range(a)})
    modules["mixed_6a"] = reduction_a(*REDUCTION_A["Inception-v4"])
    modules.update({f"mixed_6{chr(98 + i)}": INCEPTION_B for i in range(b)})
    modules["mixed_7a"] = REDUCTION_B_V4
    modules.update({f"mixed_7{chr(98 + i)}": INCEPTION_C for i in range(c)})
    return modules


@registry.register(
    "inception-v4", paper=PAPER, reproduction="inception", input_shape=(299, 299, 3),
    classes=1000, min_size=75, names=["inception-v4"], models=["inception-v4"],
    aliases={"inceptionv4": "inception-v4"})
def InceptionV4(dropout: float = 0.2, *, include_top: bool = True, weights=None,
                input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
                classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """Inception-v4 (Fig. 9).

    Args:
        dropout: rate before the classifier, in [0, 1) (Fig. 9: "Dropout (keep 0.8)").
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input
            (299, 299, 3); any size of at least 75x75.
    """
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((299, 299, 3), min_size=75, model_name="Inception-v4")
    x = run_stem(x, V4_STEM)
    for module, branches in inception_v4_modules().items():
        x = inception_module(x, branches, module)
    return head.model(inputs, head.classifier(x, dropout), "inception_v4")


# --- Inception-ResNet -----------------------------------------------------------------------

#: Fig. 14: the stem of Inception-ResNet-v1 (299x299x3 -> 35x35x256).
V1_STEM = (Conv(32, 3, 2, "valid"), Conv(32, 3, 1, "valid"), Conv(64, 3),
           Pool("max", 3, 2, "valid"), Conv(80, 1), Conv(192, 3, 1, "valid"),
           Conv(256, 3, 2, "valid"))
#: The released Inception-ResNet-v2's stem (TF-slim): Inception-v3's, then a 35x35
#: Inception module ``mixed_5b`` to 320 channels.
SLIM_STEM = (Conv(32, 3, 2, "valid"), Conv(32, 3, 1, "valid"), Conv(64, 3),
             Pool("max", 3, 2, "valid"), Conv(80, 1, 1, "valid"), Conv(192, 3, 1, "valid"),
             Pool("max", 3, 2, "valid"))
SLIM_MIXED_5B = ((Conv(96),), (Conv(48), Conv(64, 5)), (Conv(64), Conv(96, 3), Conv(96, 3)),
                 (Pool("avg"), Conv(64)))

#: The residual branches of blocks A, B, C per version: Figs. 10, 11, 13 (v1) and 16, 17,
#: 19 (v2; the released model's are the same).
RESIDUAL_BRANCHES: dict[int, tuple[tuple[Branch, ...], ...]] = {
    1: (((Conv(32),), (Conv(32), Conv(32, 3)), (Conv(32), Conv(32, 3), Conv(32, 3))),
        ((Conv(128),), (Conv(128), Conv(128, (1, 7)), Conv(128, (7, 1)))),
        ((Conv(192),), (Conv(192), Conv(192, (1, 3)), Conv(192, (3, 1))))),
    2: (((Conv(32),), (Conv(32), Conv(32, 3)), (Conv(32), Conv(48, 3), Conv(64, 3))),
        ((Conv(192),), (Conv(128), Conv(160, (1, 7)), Conv(192, (7, 1)))),
        ((Conv(192),), (Conv(192), Conv(224, (1, 3)), Conv(256, (3, 1))))),
}
#: Reduction-B: Fig. 12 (v1) and Fig. 18 (v2).
REDUCTION_B = {
    1: ((Pool("max", 3, 2, "valid"),), (Conv(256), Conv(384, 3, 2, "valid")),
        (Conv(256), Conv(256, 3, 2, "valid")),
        (Conv(256), Conv(256, 3), Conv(256, 3, 2, "valid"))),
    2: ((Conv(256), Conv(384, 3, 2, "valid")), (Conv(256), Conv(288, 3, 2, "valid")),
        (Conv(256), Conv(288, 3), Conv(320, 3, 2, "valid")), (Pool("max", 3, 2, "valid"),)),
}
#: Expansion widths the figures print for blocks A, B, C (v2's 1154 and 2048 cannot match
#: their inputs; the built blocks expand to their input's depth).
PRINTED_EXPANSION = {1: (256, 896, 1792), 2: (384, 1154, 2048)}
BLOCK_TYPES = ("A", "B", "C")


def inception_resnet_block(x, branches: Sequence[Branch], scale: float, *, name: str,
                           activation: str | None = "relu", attention=None):
    """``activation(x + scale * up(concat(branches(x))))`` (Fig. 10 and its kin).

    ``up`` is the 1x1 expansion to ``x``'s depth (bias, no BN, no activation:
    ``<name>_up``); ``attention`` (e.g. "se") acts on ``up``'s output before the scaling;
    the scaling is a ``Rescaling`` layer (``<name>_scale``), absent when ``scale`` is 1.
    """
    mixed = keras.layers.Concatenate(name=f"{name}_mixed")(branch_outputs(x, branches, name))
    up = conv(mixed, x.shape[-1], 1, name=f"{name}_up", use_bias=True, preset=PRESET)
    attend = get_attention(attention)
    if attend is not None:
        up = attend(up, name)
    if scale != 1:
        up = keras.layers.Rescaling(scale, name=f"{name}_scale")(up)
    x = keras.layers.Add(name=f"{name}_add")([x, up])
    if activation is None:
        return x
    return keras.layers.Activation(activation, name=f"{name}_out")(x)


def _check_scale(scale) -> tuple[float, float, float]:
    rule = ("Inception-ResNet's residual scale must be a number in (0, 1] or one per block "
            "type (A, B, C); the paper uses 0.1 to 0.3 (Sec. 3.3).")
    values = tuple(scale) if isinstance(scale, (tuple, list)) else (scale,) * 3
    if len(values) != 3 or not all(is_number(v) and 0 < v <= 1 for v in values):
        fail(rule, "scale", scale)
    return tuple(float(v) for v in values)


def inception_resnet_modules(version: int, layout: str):
    """The network after its stem, as ``(name, kind, payload)``: ``"module"`` (an Inception
    or reduction module, payload its branches) or ``"block"`` (payload: block type index)."""
    a, b, c = RESNET_BLOCKS[layout]
    k, l, m, n = REDUCTION_A[f"Inception-ResNet-v{version}"]  # noqa: E741 (paper)
    items = [(f"block35_{i}", "block", 0) for i in range(1, a + 1)]
    items.append(("mixed_6a", "module", reduction_a(k, l, m, n)))
    items += [(f"block17_{i}", "block", 1) for i in range(1, b + 1)]
    items.append(("mixed_7a", "module", REDUCTION_B[version]))
    items += [(f"block8_{i}", "block", 2) for i in range(1, c + 1)]
    return items


@registry.register(
    "inception-resnet", paper=PAPER, reproduction="inception", input_shape=(299, 299, 3),
    classes=1000, min_size=75,
    names=[registry.name("inception-resnet-v{version}"),
           registry.name("inception-resnet-v2-tf-slim", version=2, layout="tf-slim")],
    models=["inception-resnet-v1", "inception-resnet-v2", "inception-resnet-v2-tf-slim"],
    aliases={"inceptionresnetv2": "inception-resnet-v2-tf-slim",
             "inception-resnet-v2-keras": "inception-resnet-v2-tf-slim"})
def InceptionResNet(version: int = 2, layout: str = "paper", scale=SCALE, dropout: float = 0.2,
                    attention=None, *, include_top: bool = True, weights=None,
                    input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
                    classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """Inception-ResNet-v1 or -v2 (Fig. 15).

    Args:
        version: 1 or 2.
        layout: ``"paper"`` (the figures) or ``"tf-slim"`` (the released Inception-ResNet-v2,
            ``keras.applications.InceptionResNetV2``; version 2 only).
        scale: residual scaling, a number in (0, 1] or three (blocks A, B, C); default
            (0.17, 0.10, 0.20).
        dropout: rate before the classifier, in [0, 1) (Fig. 15: "Dropout (keep 0.8)").
        attention: ``None`` or ``"se"`` (SE on each block's residual branch).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input
            (299, 299, 3); any size of at least 75x75.
    """
    check_choice("version", version, VERSIONS, "Inception-ResNet version must be 1 or 2.")
    check_choice("layout", layout, LAYOUTS,
                 "Inception-ResNet layout must be 'paper' (the figures) or 'tf-slim' (the "
                 "released Inception-ResNet-v2).")
    if version == 1 and layout == "tf-slim":
        fail("There is no released TF-slim Inception-ResNet-v1: layout='tf-slim' needs "
             "version=2.", "layout", layout)
    scales = _check_scale(scale)
    check_rate("dropout", dropout)
    get_attention(attention)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((299, 299, 3), min_size=75,
                            model_name=f"Inception-ResNet-v{version}")
    if layout == "tf-slim":
        x = run_stem(x, SLIM_STEM)
        x = inception_module(x, SLIM_MIXED_5B, "mixed_5b")
    elif version == 1:
        x = run_stem(x, V1_STEM)
    else:
        x = run_stem(x, V4_STEM)
        for module, branches in V4_STEM_MODULES.items():
            x = inception_module(x, branches, module)
    items = inception_resnet_modules(version, layout)
    for position, (block, kind, payload) in enumerate(items):
        if kind == "module":
            x = inception_module(x, payload, block)
            continue
        last = layout == "tf-slim" and position == len(items) - 1
        x = inception_resnet_block(x, RESIDUAL_BRANCHES[version][payload],
                                   1.0 if last else scales[payload], name=block,
                                   activation=None if last else "relu", attention=attention)
    if layout == "tf-slim":
        x = run_stem(x, (Conv(1536),), prefix="conv_7b")
    default = f"inception_resnet_v{version}" + ("_tf_slim" if layout == "tf-slim" else "")
    if attention is not None:
        default = ("se_" if attention == "se" else "attention_") + default
    return head.model(inputs, head.classifier(x, dropout), default)


registry.register(
    "se-inception-resnet", paper=SE_PAPER, reproduction="inception", input_shape=(299, 299, 3),
    classes=1000, min_size=75,
    names=[registry.name("se-inception-resnet-v2", version=2, layout="tf-slim",
                         attention="se")],
    models=["se-inception-resnet-v2"])(InceptionResNet)

InceptionResNetV1 = variant(InceptionResNet, "InceptionResNetV1",
                            "Inception-ResNet-v1 (Szegedy et al. 2017, Figs. 10-15).", version=1)
InceptionResNetV2 = variant(InceptionResNet, "InceptionResNetV2",
                            "Inception-ResNet-v2 (Szegedy et al. 2017, Figs. 3, 7, 15-19; "
                            "layout='tf-slim' for the released model).", version=2)

__all__ = ["INCEPTION_A", "INCEPTION_B", "INCEPTION_C", "InceptionResNet", "InceptionResNetV1",
           "InceptionResNetV2", "InceptionV4", "PRINTED_EXPANSION", "REDUCTION_A",
           "REDUCTION_B", "inception_resnet_block", "reduction_a"]
