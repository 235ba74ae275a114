"""The stochastic-depth residual layer of Huang et al., ECCV 2016 (arXiv:1603.09382)."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_cnns.arguments import check_activation, check_int, check_number


@keras.saving.register_keras_serializable(package="keras_cnns")
class StochasticDepth(keras.layers.Layer):
    """``act(shortcut + b F(x))`` with ``b ~ Bernoulli(p)`` per mini-batch in training, and
    ``act(shortcut + p F(x))`` at test time (Huang et al. 2016, Eq. 2 and Eq. 5).

    Called on ``[x, shortcut]``; ``residual`` is a built model computing ``F``. When
    ``b = 0`` the residual branch is not run (``ops.cond``), so a dropped block costs no
    compute and leaves its batch-norm statistics alone; nor is ``activation`` (None: the
    identity) run then: a dropped block returns the shortcut itself, so ``activation`` must
    leave every shortcut it can receive unchanged. It does in the post-activation ResNet of
    the paper, whose ``act`` is a ReLU and whose shortcuts (identity, or the option-A
    subsampling and zero padding) carry the non-negative output of the ReLU before; there it
    saves the ReLU of every dropped block, forward and backward. Draws come from a
    ``keras.random.SeedGenerator(seed)``: the same seed gives the same sequence of drops,
    and every replica of a ``tf.distribute`` strategy draws the same ``b``.

    On the JAX backend the branch runs as a pure function (``stateless_call``) inside the
    conditional and its batch-norm updates are assigned after it, since JAX forbids state
    changes inside a traced branch; the semantics are the same as on TensorFlow.
    """

    def __init__(self, residual: keras.Model, survival_probability: float, seed: int | None = None,
                 activation=None, **kwargs):
        super().__init__(**kwargs)
        check_number("survival_probability", survival_probability, 0.0, 1.0, low_open=True)
        check_activation("activation", activation)
        self.residual = residual
        self.survival_probability = float(survival_probability)
        self.seed = seed
        self.activation = None if activation is None else keras.activations.get(activation)
        self.seed_generator = keras.random.SeedGenerator(seed, name=f"{self.name}_seed")

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=False):
        x, shortcut = inputs
        p = self.survival_probability
        if not training:
            return self._act(shortcut + p * self.residual(x, training=False))
        if p >= 1.0:
            return self._act(shortcut + self.residual(x, training=True))
        keep = keras.random.uniform((), seed=self.seed_generator) < p
        if keras.backend.backend() == "jax":
            return self._jax_call(keep, x, shortcut)
        return ops.cond(keep, lambda: self._act(shortcut + self.residual(x, training=True)),
                        lambda: ops.copy(shortcut))

    def _act(self, y):
        return y if self.activation is None else self.activation(y)

    def upcoming_keeps(self, steps: int) -> list[bool]:
        """Whether each of the next ``steps`` training calls keeps (runs) the residual branch.

        The draws this layer's seed generator will make from its current state, made on a
        copy of that state (the layer's own is not advanced), so a benchmark or a test can
        know which blocks a run of training steps drops. A block with ``p = 1`` makes no
        draw and is always kept.
        """
        check_int("steps", steps, 0)
        if self.survival_probability >= 1.0:
            return [True] * steps
        copy = keras.random.SeedGenerator(0, name=f"{self.name}_seed_copy")
        copy.state.assign(self.seed_generator.state.value)
        return [bool(keras.random.uniform((), seed=copy) < self.survival_probability)
                for _ in range(steps)]

    def _jax_call(self, keep, x, shortcut):
        trainable = [v.value for v in self.residual.trainable_variables]
        frozen = [v.value for v in self.residual.non_trainable_variables]

        def run():
            y, updated = self.residual.stateless_call(trainable, frozen, x, training=True)
            return self._act(shortcut + y), updated

        def skip():
            return shortcut, frozen

        out, updated = ops.cond(keep, run, skip)
        for variable, value in zip(self.residual.non_trainable_variables, updated):
            variable.assign(value)
        return out

    def compute_output_shape(self, input_shape):
        return input_shape[1]

    def complexity(self, input_shapes, output_shapes):
        """Complexity-engine rule: the residual branch as at test time (all blocks run), its
        scaling by ``p``, the addition and the activation (one operation per element, as
        the engine counts an ``Activation`` layer)."""
        from keras_cnns.complexity import Cost, profile

        branch = profile(self.residual)
        elements = math.prod(output_shapes[0])
        steps = 2 if self.activation is None else 3
        return Cost(macs=branch.macs, other_ops=branch.other_ops + steps * elements)

    def get_config(self):
        return {**super().get_config(),
                "residual": keras.saving.serialize_keras_object(self.residual),
                "survival_probability": self.survival_probability, "seed": self.seed,
                "activation": (None if self.activation is None
                               else keras.activations.serialize(self.activation))}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["residual"] = keras.saving.deserialize_keras_object(config["residual"])
        return cls(**config)
