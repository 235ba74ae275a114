"""Deep Networks with Stochastic Depth, Huang et al., ECCV 2016 (arXiv:1603.09382).

The CIFAR ResNet of He et al. (option A shortcuts, post-activation units) in which block
``l`` of ``L`` survives a training step with probability ``p_l = 1 - l/L (1 - p_L)`` (the
linear decay rule, Eq. 4): a dropped block is bypassed for the whole mini-batch and its
residual branch is not computed at all (``ops.cond``), so training is faster; at test
time the residual is scaled by ``p_l`` (Eq. 5). Each block's residual branch is a nested
model run inside the :class:`StochasticDepth` layer.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_cnns import _common
from keras_cnns.residual_layers import ZeroPadShortcut
from keras_cnns.resnet_cifar import STAGE_FILTERS, STAGE_NAMES, residual_branch, stem


def survival_probabilities(blocks: int, p_L: float = 0.5) -> list[float]:
    """Linear decay rule ``p_l = 1 - l/L (1 - p_L)`` for ``l = 1..L`` (Eq. 4)."""
    return [1.0 - l / blocks * (1.0 - p_L) for l in range(1, blocks + 1)]


def expected_blocks(blocks: int, p_L: float = 0.5) -> float:
    """Expected number of active blocks during training, ``sum_l p_l``."""
    return math.fsum(survival_probabilities(blocks, p_L))


@keras.saving.register_keras_serializable(package="keras_cnns")
class StochasticDepth(keras.layers.Layer):
    """``shortcut + b F(x)`` with ``b ~ Bernoulli(p)`` per mini-batch in training, and
    ``shortcut + p F(x)`` at test time.

    Called on ``[x, shortcut]``; ``residual`` is a built model computing ``F``. When
    ``b = 0`` the residual branch is not run (``ops.cond``). Draws come from a
    ``keras.random.SeedGenerator(seed)``: the same seed gives the same sequence of drops,
    and every replica of a ``tf.distribute`` strategy draws the same ``b``.
    """

    def __init__(self, residual: keras.Model, survival_probability: float, seed: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        _common.check_range("survival_probability", survival_probability, 0.0, 1.0,
                            low_open=True, high_open=False)
        self.residual = residual
        self.survival_probability = float(survival_probability)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name=f"{self.name}_seed")

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=False):
        x, shortcut = inputs
        p = self.survival_probability
        if not training:
            return shortcut + p * self.residual(x, training=False)
        if p >= 1.0:
            return shortcut + self.residual(x, training=True)
        keep = keras.random.uniform((), seed=self.seed_generator) < p
        return ops.cond(keep, lambda: shortcut + self.residual(x, training=True),
                        lambda: ops.copy(shortcut))

    def compute_output_shape(self, input_shape):
        return input_shape[1]

    def complexity(self, input_shapes, output_shapes):
        """Complexity-engine rule: the residual branch as at test time (all blocks run), its
        scaling by ``p`` and the addition."""
        from keras_cnns.complexity import Cost, profile

        branch = profile(self.residual)
        elements = math.prod(output_shapes[0])
        return Cost(macs=branch.macs, other_ops=branch.other_ops + 2 * elements)

    def get_config(self):
        return {**super().get_config(),
                "residual": keras.saving.serialize_keras_object(self.residual),
                "survival_probability": self.survival_probability, "seed": self.seed}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["residual"] = keras.saving.deserialize_keras_object(config["residual"])
        return cls(**config)


def _block(x, filters, strides, p, seed, name):
    inputs = keras.Input(shape=tuple(x.shape[1:]), name=f"{name}_residual_input")
    residual = keras.Model(inputs, residual_branch(inputs, filters, strides, name),
                           name=f"{name}_residual")
    if strides != 1 or x.shape[-1] != filters:
        shortcut = ZeroPadShortcut(filters, strides, name=f"{name}_0_pad")(x)
    else:
        shortcut = x
    y = StochasticDepth(residual, p, seed=seed, name=f"{name}_stochastic_depth")([x, shortcut])
    return keras.layers.ReLU(name=f"{name}_out")(y)


def StochasticDepthResNet(depth: int = 110, p_L: float = 0.5, seed: int | None = 0,
                          include_top: bool = True, input_tensor=None, input_shape=None,
                          pooling=None, classes: int = 10, classifier_activation="softmax",
                          name: str | None = None) -> keras.Model:
    """ResNet-``depth`` (``6n+2``) for CIFAR with stochastic depth (Huang et al. 2016).

    Args:
        depth: ``6n+2`` (110 and 1202 in the paper).
        p_L: survival probability of the last block, in (0, 1] (0.5 in the paper; 1 is the
            plain ResNet).
        seed: seed of the drop decisions; block ``l`` uses ``seed + l`` (``None``: unseeded).
        include_top, input_tensor, input_shape, pooling, classes, classifier_activation:
            as in ``keras.applications``; the default input is 32x32x3.
    """
    _common.check_depth("Stochastic-depth ResNet", depth, "6n+2",
                        isinstance(depth, int) and depth >= 8 and (depth - 2) % 6 == 0)
    _common.check_range("p_L", p_L, 0.0, 1.0, low_open=True, high_open=False)
    _common.check_head(include_top, pooling, classes, classifier_activation)
    inputs, x = _common.model_input(input_shape, input_tensor, (32, 32, 3), min_size=8,
                                    model_name="Stochastic-depth ResNet")
    n = (depth - 2) // 6
    probabilities = survival_probabilities(3 * n, p_L)
    x = stem(x)
    for index, (stage_name, filters) in enumerate(zip(STAGE_NAMES, STAGE_FILTERS)):
        blocks = []
        for b in range(1, n + 1):
            l = index * n + b
            blocks.append(lambda t, b=b, l=l, s=(2 if index and b == 1 else 1), sn=stage_name,
                          f=filters: _block(t, f, s, probabilities[l - 1],
                                            None if seed is None else seed + l,
                                            f"{sn}_block{b}"))
        x = _common.stage(x, blocks, stage_name)
    x = _common.pooled_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(inputs, x, name=name or f"stochastic_depth_resnet{depth}")
