"""Deep Networks with Stochastic Depth, Huang et al., ECCV 2016 (arXiv:1603.09382).

The CIFAR ResNet of He et al. (option A shortcuts, post-activation units) in which block
``l`` of ``L`` survives a training step with probability ``p_l = 1 - l/L (1 - p_L)`` (the
linear decay rule, Eq. 4): a dropped block is bypassed for the whole mini-batch and its
residual branch is not computed at all, so training is faster; at test time the residual
is scaled by ``p_l`` (Eq. 5). Each block's residual branch is a nested model run inside the
:class:`keras_cnns.layers.StochasticDepth` layer.
"""

from __future__ import annotations

import math

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_depth, check_int, check_number
from keras_cnns.blocks import basic_branch, run_stages, shortcut
from keras_cnns.contract import Head
from keras_cnns.layers import StochasticDepth
from keras_cnns.resnet_cifar import PRESET, cifar_stages, stem

PAPER = ("Huang, Sun, Liu, Sedra & Weinberger, Deep Networks with Stochastic Depth, ECCV 2016 "
         "(arXiv:1603.09382)")


def survival_probabilities(blocks: int, p_L: float = 0.5) -> list[float]:
    """Linear decay rule ``p_l = 1 - l/L (1 - p_L)`` for ``l = 1..L`` (Eq. 4)."""
    return [1.0 - l / blocks * (1.0 - p_L) for l in range(1, blocks + 1)]


def expected_blocks(blocks: int, p_L: float = 0.5) -> float:
    """Expected number of active blocks during training, ``sum_l p_l``."""
    return math.fsum(survival_probabilities(blocks, p_L))


def stochastic_block(x, filters: int, strides: int, *, name: str, survival_probability: float,
                     seed: int | None):
    """One block, ``relu(shortcut + b F(x))``, with its branch ``F`` as a nested model: one
    :class:`~keras_cnns.layers.StochasticDepth` layer, ``<name>_out``, whose ReLU runs only
    when the block is kept. A dropped block returns its shortcut, which equals its ReLU: the
    block input is the output of a ReLU (the stem's or the block's before), and the option-A
    shortcut subsamples it and pads it with zeros. The gradients are those of the ReLU
    outside too: where a dropped block's shortcut is 0, the ReLU that made that 0 stops the
    gradient one block earlier."""
    inputs = keras.Input(shape=tuple(x.shape[1:]), name=f"{name}_residual_input")
    residual = keras.Model(inputs, basic_branch(inputs, filters, strides, name=name,
                                                preset=PRESET), name=f"{name}_residual")
    skip = shortcut(x, filters, strides, name=name, option="A", preset=PRESET)
    return StochasticDepth(residual, survival_probability, seed=seed, activation="relu",
                           name=f"{name}_out")([x, skip])


@registry.register(
    "stochastic-depth", paper=PAPER, reproduction="stochastic-depth", input_shape=(32, 32, 3),
    classes=10, min_size=8,
    names=[registry.name("stochastic-depth-resnet-{depth}"),
           registry.name("stochastic-depth-resnet-{depth}-p{p_L}")],
    models=["stochastic-depth-resnet-110", "stochastic-depth-resnet-1202"],
    aliases={f"stochastic-depth-resnet{d}": f"stochastic-depth-resnet-{d}" for d in (110, 1202)},
    smallest="stochastic-depth-resnet-8")
def StochasticDepthResNet(depth: int = 110, p_L: float = 0.5, seed: int | None = 0, *,
                          include_top: bool = True, weights=None, input_tensor=None,
                          input_shape=None, pooling=None, classes: int = 10,
                          classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """ResNet-``depth`` (``6n+2``) for CIFAR with stochastic depth (Huang et al. 2016).

    Args:
        depth: ``6n+2`` (110 and 1202 in the paper).
        p_L: survival probability of the last block, in (0, 1] (0.5 in the paper; 1 is the
            plain ResNet).
        seed: seed of the drop decisions; block ``l`` uses ``seed + l`` (``None``: unseeded).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3.
    """
    check_depth("Stochastic-depth ResNet", depth, "6n+2 (n >= 1)",
                lambda d: d >= 8 and (d - 2) % 6 == 0)
    check_number("p_L", p_L, 0.0, 1.0, low_open=True,
                 rule="`p_L` must be a survival probability in (0, 1].")
    if seed is not None:
        check_int("seed", seed, 0, "`seed` must be None or an integer >= 0.")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((32, 32, 3), min_size=8, model_name="Stochastic-depth ResNet")
    n = (depth - 2) // 6
    probabilities = survival_probabilities(3 * n, p_L)

    x = stem(x)
    x = run_stages(x, cifar_stages(n), stochastic_block, numbered=lambda number: {
        "survival_probability": probabilities[number - 1],
        "seed": None if seed is None else seed + number})
    return head.model(inputs, head.classifier(x), f"stochastic_depth_resnet{depth}")


__all__ = ["StochasticDepth", "StochasticDepthResNet", "expected_blocks", "stochastic_block",
           "survival_probabilities"]
