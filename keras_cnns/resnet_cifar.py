"""CIFAR ResNets of He et al., Deep Residual Learning for Image Recognition, CVPR 2016
(arXiv:1512.03385), Sec. 4.2, and the shortcut-mapping study of He et al., Identity
Mappings in Deep Residual Networks, ECCV 2016 (arXiv:1603.05027), Table 1 / Fig. 2.

Depth ``6n+2``: a 3x3 conv with 16 filters, three stages of ``n`` basic blocks (two 3x3
convs) on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters (the first conv of stages 2
and 3 has stride 2), global average pooling and a ``classes``-way fully-connected layer.
Each conv is followed by batch normalisation and ReLU; the block adds its shortcut before
the last ReLU (the "original" post-activation unit). Convs have no biases (each is
followed by batch normalisation), as in the authors' code. Stages are named ``conv2``,
``conv3``, ``conv4`` as in Zagoruyko & Komodakis' Table 1; ResNet-1202's are nested models
(see :mod:`keras_cnns.blocks.stages`), so it builds in seconds.

``shortcut`` chooses the shortcut where the dimensions increase: ``"A"`` zero-padding
(parameter-free, the paper's choice on CIFAR) or ``"B"`` a 1x1 projection with batch
normalisation. ``shortcut_mapping`` chooses ``h(x)`` on every other (identity) shortcut,
as in the ECCV 2016 study: ``"identity"`` (x), ``"scaled"`` (0.5x, and the residual also
scaled by 0.5 as in the 12.35% row of that Table 1), ``"gated"`` (exclusive gating
``(1-g(x)) x + g(x) F(x)``, ``g`` a sigmoid 1x1 conv with bias initialised to -6),
``"shortcut_gated"`` (shortcut-only gating ``(1-g(x)) x + F(x)``, gate bias 0),
``"conv"`` (1x1 conv) and ``"dropout"`` (dropout with rate 0.5 on the shortcut).

``bottleneck=True`` builds the original-unit bottleneck nets of He et al. 2016b (Identity
Mappings, Table 3: the "baseline unit" ResNet-164 and ResNet-1001): depth ``9n+2``, units
1x1 (16/32/64) -> 3x3 -> 1x1 (64/128/256), each followed by batch norm, ReLU after the
addition, and "projection shortcuts for increasing dimensions" (their appendix).
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_depth, fail
from keras_cnns.blocks import (StageSpec, basic_branch, bottleneck_block, conv, conv_norm_act,
                               residual_merge, run_stages, shortcut)
from keras_cnns.contract import Head
from keras_cnns.resnet import ALL_DEPTHS as IMAGENET_DEPTHS
from keras_cnns.resnet import PAPER

#: Filters of the three stages (He et al. 2015, Sec. 4.2).
STAGE_FILTERS = (16, 32, 64)
STAGE_NAMES = ("conv2", "conv3", "conv4")
SHORTCUT_MAPPINGS = ("identity", "scaled", "gated", "shortcut_gated", "conv", "dropout")
#: Gate bias initialisation b_g of the ECCV 2016 Table 1 rows (exclusive and shortcut-only).
GATE_BIAS = {"gated": -6.0, "shortcut_gated": 0.0}
PRESET = "torch"


def cifar_stages(n: int, filters=STAGE_FILTERS) -> tuple[StageSpec, ...]:
    """Three stages of ``n`` blocks, stride 2 in the first block of the second and third."""
    return tuple(StageSpec(stage_name, n, width, 1 if index == 0 else 2)
                 for index, (stage_name, width) in enumerate(zip(STAGE_NAMES, filters)))


def cifar_block(x, filters: int, strides: int, *, name: str, shortcut_option: str = "A",
                mapping: str = "identity"):
    """Original residual unit ``relu(h(x) + F(x))`` (He et al. 2015, Fig. 2), ``h`` per
    ``mapping`` on the identity shortcuts."""
    residual = basic_branch(x, filters, strides, name=name, preset=PRESET)
    if strides != 1 or x.shape[-1] != filters or mapping == "identity":
        skip = shortcut(x, filters, strides, name=name, option=shortcut_option, preset=PRESET)
        return residual_merge(skip, residual, name=name)
    if mapping == "scaled":
        terms = [keras.layers.Rescaling(0.5, name=f"{name}_0_scale")(x),
                 keras.layers.Rescaling(0.5, name=f"{name}_scale")(residual)]
    elif mapping in GATE_BIAS:
        gate = keras.layers.Conv2D(
            filters, 1, activation="sigmoid", name=f"{name}_gate",
            bias_initializer=keras.initializers.Constant(GATE_BIAS[mapping]))(x)
        carry = keras.layers.Rescaling(-1.0, offset=1.0, name=f"{name}_gate_carry")(gate)
        terms = [keras.layers.Multiply(name=f"{name}_0_gated")([carry, x])]
        if mapping == "gated":
            terms.append(keras.layers.Multiply(name=f"{name}_gated")([gate, residual]))
        else:
            terms.append(residual)
    elif mapping == "conv":
        terms = [conv(x, filters, 1, name=f"{name}_0_conv", preset=PRESET), residual]
    else:  # dropout
        terms = [keras.layers.Dropout(0.5, name=f"{name}_0_dropout")(x), residual]
    y = keras.layers.Add(name=f"{name}_add")(terms)
    return keras.layers.Activation("relu", name=f"{name}_out")(y)


def bottleneck_unit(x, filters: int, strides: int, *, name: str):
    """Original bottleneck unit on CIFAR (He et al. 2016b): ``filters`` is the unit's output
    (4x its bottleneck width), projections where the dimensions increase."""
    return bottleneck_block(x, filters // 4, strides, name=name, preset=PRESET,
                            shortcut_option="B")


def stem(x):
    """conv1 of Sec. 4.2: 3x3 conv, 16 filters, BN, ReLU."""
    return conv_norm_act(x, STAGE_FILTERS[0], 3, name="conv1", preset=PRESET)


def _cifar_depth(depth) -> bool:
    return depth >= 8 and (depth - 2) % 6 == 0


@registry.register(
    "resnet-cifar", paper=PAPER, reproduction="resnet", input_shape=(32, 32, 3), classes=10, min_size=8,
    names=[registry.name("resnet-{depth}",
                         where=lambda a: a["depth"] not in IMAGENET_DEPTHS),
           registry.name("resnet-cifar-{depth}"),
           registry.name("resnet-{depth}-{shortcut_mapping}",
                         patterns={"shortcut_mapping": "|".join(
                             m.replace("_", "-") for m in SHORTCUT_MAPPINGS[1:])},
                         convert={"shortcut_mapping": lambda m: m.replace("-", "_")},
                         spell={"shortcut_mapping": lambda m: m.replace("_", "-")}),
           registry.name("resnet-{depth}-b", shortcut="B",
                         where=lambda a: a["depth"] not in IMAGENET_DEPTHS),
           registry.name("resnet-{depth}-bottleneck", bottleneck=True,
                         where=lambda a: a["depth"] not in IMAGENET_DEPTHS)],
    models=[f"resnet-{d}" for d in (20, 32, 44, 56, 110, 1202)]
    + [f"resnet-110-{m.replace('_', '-')}" for m in SHORTCUT_MAPPINGS[1:]]
    + ["resnet-164-bottleneck", "resnet-1001-bottleneck"],
    aliases={f"resnet{d}": f"resnet-{d}" for d in (20, 32, 44, 56, 110, 1202)},
    smallest="resnet-8")
def ResNetCIFAR(depth: int = 110, shortcut: str = "A", shortcut_mapping: str = "identity",
                bottleneck: bool = False, *,
                include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
                pooling=None, classes: int = 10, classifier_activation="softmax",
                name: str | None = None) -> keras.Model:
    """ResNet-``depth`` for CIFAR (He et al. 2015, Sec. 4.2): 20, 32, 44, 56, 110, 1202.

    Args:
        depth: ``6n+2`` weighted layers.
        shortcut: ``"A"`` (zero-padding, parameter-free) or ``"B"`` (projection) where the
            dimensions increase.
        shortcut_mapping: ``h(x)`` on the identity shortcuts (ECCV 2016 Table 1); see the
            module docstring.
        bottleneck: the original-unit bottleneck nets of He et al. 2016b (depth ``9n+2``,
            e.g. 164 and 1001), with projection shortcuts.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3.
    """
    check_bool("bottleneck", bottleneck)
    if bottleneck:
        check_depth("ResNet (CIFAR, bottleneck)", depth, "9n+2 (n >= 1)",
                    lambda d: d >= 11 and (d - 2) % 9 == 0)
    else:
        check_depth("ResNet (CIFAR)", depth, "6n+2 (n >= 1)", _cifar_depth)
    check_choice("shortcut", shortcut, ("A", "B"),
                 "ResNet shortcut must be 'A' (zero-padding) or 'B' (projection).")
    check_choice("shortcut_mapping", shortcut_mapping, SHORTCUT_MAPPINGS)
    if bottleneck and (shortcut, shortcut_mapping) != ("A", "identity"):
        fail("The bottleneck nets have projection shortcuts and identity mappings only.",
             "shortcut_mapping" if shortcut == "A" else "shortcut",
             shortcut_mapping if shortcut == "A" else shortcut)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((32, 32, 3), min_size=8, model_name="ResNet (CIFAR)")
    x = stem(x)
    if bottleneck:
        x = run_stages(x, cifar_stages((depth - 2) // 9, tuple(4 * f for f in STAGE_FILTERS)),
                       bottleneck_unit)
    else:
        x = run_stages(x, cifar_stages((depth - 2) // 6), cifar_block, shortcut_option=shortcut,
                       mapping=shortcut_mapping)
    suffix = "" if shortcut_mapping == "identity" else f"_{shortcut_mapping}"
    suffix += "" if shortcut == "A" else "_b"
    suffix += "_bottleneck" if bottleneck else ""
    return head.model(inputs, head.classifier(x), f"resnet{depth}_cifar{suffix}")
