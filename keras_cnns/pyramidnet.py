"""Deep Pyramidal Residual Networks, Han, Kim & Kim, CVPR 2017 (arXiv:1610.02915).

PyramidNets widen every residual unit a little instead of doubling the width where the
resolution halves (Sec. 2, Fig. 2). With ``N`` units in all, unit ``k`` (from 1) has
``D_k`` channels (its bottleneck width, for bottleneck units):

- additive (Eq. 2): ``D_k = D_{k-1} + alpha / N`` from ``D_0 = 16``, i.e. ``16 + k alpha / N``;
  the last unit has ``16 + alpha``;
- multiplicative (Eq. 3): ``D_k = D_{k-1} * alpha ** (1 / N)``; the last unit has ``16 alpha``.

Each ``D_k`` is rounded to the nearest integer (halves up) from the un-rounded running
value, as the authors' code does (``jhkim89/PyramidNet``, ``addpyramidnet.lua`` and
``mulpyramidnet.lua``: ``round(x) = floor(x + 0.5)`` of the running sum). Eq. 2 and 3 print
a floor of the recurrence; taken literally a floored recurrence never grows when
``alpha / N < 1`` (``alpha = 48`` over ``N = 54`` units), so the code's rounding is the
one the printed parameter counts follow from.

CIFAR nets (Sec. 3, Table 1, Fig. 6(d)): a 3x3 conv with 16 filters and BN (no ReLU), three
stages of ``n`` pyramidal units on 32x32, 16x16 and 8x8 maps (stride 2 on the first unit of
the second and third), then BN, ReLU, global average pooling and the classifier. Depth is
``6n + 2`` with basic units (BN, 3x3 conv, BN, ReLU, 3x3 conv, BN: Fig. 6(d), no ReLU before
the first conv and a BN after the last) and ``9n + 2`` with bottleneck units (BN, 1x1 conv
``D_k``, BN, ReLU, 3x3 conv ``D_k``, BN, ReLU, 1x1 conv ``4 D_k``, BN; Fig. 1(e)); the
stride sits on the unit's 3x3 conv. ``N = 3n``.

The shortcut is the zero-padded identity (Sec. 3, Fig. 5): where the resolution halves, a
2x2 average pooling with stride 2 (the authors' code), then zero channels up to the unit's
width; elsewhere the identity (padded where the width grows). Nothing follows the addition.

ImageNet nets (Sec. 4, Table 5; the stem and stages of the authors' code): a 7x7/2 conv with
64 filters, BN, ReLU, 3x3/2 max pooling, four stages of bottleneck units (3, 24, 36, 3 for
depth 200; 3, 4, 23, 3 for 101; 3, 8, 36, 3 for 152; 3, 4, 6, 3 for 50; ``(depth - 2) / 12``
each otherwise, as the PyTorch code allows), ``D_0 = 64`` and ``N`` the number of units,
then BN, ReLU, global average pooling and the 1000-way classifier. PyramidNet-200 with
``alpha = 300`` and ``alpha = 450`` are Table 5's models.

Convs have no biases (each feeds a BN), the classifier has one; BN epsilon 1e-5, momentum
0.1 (Torch) and He-normal convs (the authors' ``ConvInit``): the ``"torch"`` preset.

Departures, named:

- the zero channels of a shortcut are added on both sides of the input channels (the
  layout of :class:`keras_cnns.layers.ZeroPadShortcut`), where the authors' code appends
  them after; the two are the same network up to a fixed permutation of each unit's
  output channels, with the same parameters and operations;
- the 2x2 average pooling of a downsampling shortcut pads (``"same"``) on inputs of odd
  size, so that it matches the strided convolution's output (as the PyTorch code's
  ``ceil_mode=True``; on the papers' inputs, 32x32 and 224x224, no padding arises);
- ``dropout`` (the 0.5 of Table 5's ``alpha = 450`` row) sits before the classifier: the
  paper and the code do not say where.
"""

from __future__ import annotations

import math

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_depth, check_number, check_rate
from keras_cnns.blocks import StageSpec, batch_norm, conv, conv_norm_act, norm_act, run_stages
from keras_cnns.contract import Head
from keras_cnns.layers import ZeroPadShortcut

__all__ = ["IMAGENET_STAGES", "WIDENINGS", "PyramidNet", "PyramidNetImageNet",
           "pyramidal_unit", "shortcut", "widths"]

PAPER = ("Han, Kim & Kim, Deep Pyramidal Residual Networks, CVPR 2017 (arXiv:1610.02915)")
PRESET = "torch"
WIDENINGS = ("additive", "multiplicative")
#: Units per stage of the ImageNet nets (the authors' ``addpyramidnet.lua`` configurations).
IMAGENET_STAGES = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3),
                   200: (3, 24, 36, 3)}
CIFAR_STAGES = ("conv2", "conv3", "conv4")
IMAGENET_STAGE_NAMES = ("conv2", "conv3", "conv4", "conv5")

#: Table 4's CIFAR PyramidNets: (depth, alpha, bottleneck).
CIFAR_MODELS = ((110, 48, False), (110, 84, False), (110, 270, False), (164, 270, True),
                (200, 240, True), (236, 220, True), (272, 200, True))
#: Multiplicative and further bottleneck nets of the authors' README results tables.
README_MODELS = ((110, 4.75), (110, 8), (110, 27))
README_BOTTLENECK = ((164, 48), (164, 84))


def widths(units: int, alpha, widening: str = "additive", start: int = 16) -> list[int]:
    """``D_1 .. D_units`` (Eq. 2 or 3), each rounded half up from the running value."""
    check_choice("widening", widening, WIDENINGS)
    value, out = float(start), []
    step = alpha / units if widening == "additive" else alpha ** (1.0 / units)
    for _ in range(units):
        value = value + step if widening == "additive" else value * step
        out.append(math.floor(value + 0.5))
    return out


def shortcut(x, filters: int, strides: int, *, name: str):
    """Zero-padded identity: 2x2/2 average pooling where the resolution halves
    (``<name>_0_pool``), zero channels up to ``filters`` (``<name>_0_pad``)."""
    if strides != 1:
        x = keras.layers.AveragePooling2D(2, strides=strides, padding="same",
                                          name=f"{name}_0_pool")(x)
    if x.shape[-1] != filters:
        x = ZeroPadShortcut(filters, 1, name=f"{name}_0_pad")(x)
    return x


def pyramidal_unit(x, width: int, strides: int = 1, *, name: str, bottleneck: bool = False):
    """The pyramidal (bottleneck) residual unit of Fig. 6(d) / Fig. 1(e): ``width`` is
    ``D_k``; the unit outputs ``width`` channels, ``4 width`` for a bottleneck unit."""
    out = 4 * width if bottleneck else width
    y = batch_norm(x, name=f"{name}_0_bn", preset=PRESET)
    if bottleneck:
        y = conv_norm_act(y, width, 1, name=f"{name}_1", preset=PRESET)
        y = conv_norm_act(y, width, 3, name=f"{name}_2", strides=strides, preset=PRESET)
        y = conv(y, out, 1, name=f"{name}_3_conv", preset=PRESET)
        y = batch_norm(y, name=f"{name}_3_bn", preset=PRESET)
    else:
        y = conv_norm_act(y, width, 3, name=f"{name}_1", strides=strides, preset=PRESET)
        y = conv(y, out, 3, name=f"{name}_2_conv", preset=PRESET)
        y = batch_norm(y, name=f"{name}_2_bn", preset=PRESET)
    skip = shortcut(x, out, strides, name=name)
    return keras.layers.Add(name=f"{name}_add")([skip, y])


def _unit(x, _stage_filters, strides, *, name, width, bottleneck):
    # Every unit has its own width (``numbered``); the stage rows carry none.
    return pyramidal_unit(x, width, strides, name=name, bottleneck=bottleneck)


def _network(x, repeats, names, widths_, bottleneck):
    stages = [StageSpec(stage_name, count, 1, 1 if index == 0 else 2)
              for index, (stage_name, count) in enumerate(zip(names, repeats))]
    x = run_stages(x, stages, _unit, numbered=lambda number: {"width": widths_[number - 1]},
                   bottleneck=bottleneck)
    return norm_act(x, name="post", preset=PRESET)


def _cifar_name(kwargs) -> bool:
    return kwargs["depth"] not in IMAGENET_STAGES


def _alpha(value) -> str:
    return f"{value:g}"


@registry.register(
    "pyramidnet", paper=PAPER, reproduction="pyramidnet", input_shape=(32, 32, 3), classes=10,
    min_size=8,
    names=[registry.name("pyramidnet-{depth}-{alpha}", where=_cifar_name,
                         spell={"alpha": _alpha}),
           registry.name("pyramidnet-cifar-{depth}-{alpha}", spell={"alpha": _alpha}),
           registry.name("pyramidnet-bottleneck-{depth}-{alpha}", bottleneck=True,
                         spell={"alpha": _alpha}),
           registry.name("pyramidnet-mul-{depth}-{alpha}", widening="multiplicative",
                         spell={"alpha": _alpha}),
           registry.name("pyramidnet-mul-bottleneck-{depth}-{alpha}", bottleneck=True,
                         widening="multiplicative", spell={"alpha": _alpha})],
    models=[f"pyramidnet-{'bottleneck-' if b else ''}{d}-{a}" for d, a, b in CIFAR_MODELS]
    + [f"pyramidnet-mul-{d}-{a:g}" for d, a in README_MODELS]
    + [f"pyramidnet-bottleneck-{d}-{a}" for d, a in README_BOTTLENECK],
    smallest="pyramidnet-8-12")
def PyramidNet(depth: int = 110, alpha=48, bottleneck: bool = False,
               widening: str = "additive", *, include_top: bool = True, weights=None,
               input_tensor=None, input_shape=None, pooling=None, classes: int = 10,
               classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """PyramidNet-``depth`` (``alpha``) for CIFAR (Table 4): e.g. ``PyramidNet(110, 48)``,
    ``PyramidNet(272, 200, bottleneck=True)``.

    Args:
        depth: ``6n+2`` with basic units, ``9n+2`` with bottleneck units.
        alpha: widening factor: the widths grow by ``alpha`` in all (additive), or by the
            factor ``alpha`` (multiplicative, ``alpha >= 1``).
        bottleneck: pyramidal bottleneck units (output ``4 D_k``) instead of basic units.
        widening: ``"additive"`` (Eq. 2) or ``"multiplicative"`` (Eq. 3).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3.
    """
    check_depth("PyramidNet", depth, "an integer", True)
    check_bool("bottleneck", bottleneck)
    per = 9 if bottleneck else 6
    family = "PyramidNet (bottleneck)" if bottleneck else "PyramidNet"
    check_depth(family, depth, f"{per}n+2 (n >= 1)",
                lambda d: d >= per + 2 and (d - 2) % per == 0)
    check_choice("widening", widening, WIDENINGS)
    if widening == "additive":
        check_number("alpha", alpha, 0, rule="PyramidNet alpha (additive) must be a number "
                                                 ">= 0.")
    else:
        check_number("alpha", alpha, 1, rule="PyramidNet alpha (multiplicative) must be a "
                                                 "number >= 1.")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((32, 32, 3), min_size=8, model_name="PyramidNet")
    x = conv(x, 16, 3, name="conv1_conv", preset=PRESET)
    x = batch_norm(x, name="conv1_bn", preset=PRESET)
    n = (depth - 2) // per
    x = _network(x, (n, n, n), CIFAR_STAGES, widths(3 * n, alpha, widening), bottleneck)
    kind = ("_bottleneck" if bottleneck else "") + ("_mul" if widening != "additive" else "")
    model_name = f"pyramidnet{depth}_{_alpha(alpha).replace('.', '_')}{kind}"
    return head.model(inputs, head.classifier(x), model_name)


def _imagenet_stages(depth: int) -> tuple[int, ...]:
    return IMAGENET_STAGES.get(depth) or ((depth - 2) // 12,) * 4


@registry.register(
    "pyramidnet-imagenet", paper=PAPER, reproduction="pyramidnet", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("pyramidnet-{depth}-{alpha}",
                         where=lambda a: a["depth"] in IMAGENET_STAGES,
                         spell={"alpha": _alpha}),
           registry.name("pyramidnet-imagenet-{depth}-{alpha}", spell={"alpha": _alpha})],
    models=["pyramidnet-200-300", "pyramidnet-200-450"],
    smallest="pyramidnet-imagenet-14-16")
def PyramidNetImageNet(depth: int = 200, alpha=300, dropout: float = 0.0, *,
                       include_top: bool = True, weights=None, input_tensor=None,
                       input_shape=None, pooling=None, classes: int = 1000,
                       classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """Additive bottleneck PyramidNet-``depth`` (``alpha``) for ImageNet (Table 5): 200 with
    ``alpha`` 300 or 450.

    Args:
        depth: 50, 101, 152 or 200 (the ResNet stage layouts of the authors' code), or any
            ``12n+2`` (``n`` units per stage).
        alpha: widening factor (>= 0): the last unit's bottleneck width is ``64 + alpha``.
        dropout: dropout rate before the classifier, in [0, 1) (0.5 in Table 5's
            ``alpha = 450`` row).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            224x224x3.
    """
    check_depth("PyramidNet (ImageNet)", depth, "50, 101, 152, 200 or 12n+2 (n >= 1)",
                lambda d: d in IMAGENET_STAGES or (d >= 14 and (d - 2) % 12 == 0))
    check_number("alpha", alpha, 0, rule="PyramidNet alpha must be a number >= 0.")
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name="PyramidNet (ImageNet)")
    x = conv_norm_act(x, 64, 7, name="conv1", strides=2, preset=PRESET)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1_pool")(x)
    repeats = _imagenet_stages(depth)
    x = _network(x, repeats, IMAGENET_STAGE_NAMES,
                 widths(sum(repeats), alpha, "additive", start=64), True)
    model_name = f"pyramidnet{depth}_{_alpha(alpha).replace('.', '_')}_imagenet"
    return head.model(inputs, head.classifier(x, dropout), model_name)
