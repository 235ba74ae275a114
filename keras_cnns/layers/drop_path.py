"""Drop-path of Larsson, Maire & Shakhnarovich, FractalNet: Ultra-Deep Neural Networks without
Residuals, ICLR 2017 (arXiv:1605.07648), Sec. 3.1.

A fractal network's join layers take the element-wise mean of their inputs. In training,
drop-path removes join inputs:

- local: every join drops each of its inputs independently with probability ``drop_rate``,
  keeping at least one (if all were dropped, one drawn at random survives);
- global: one column is drawn for the whole network, and every join keeps only the input of
  that column (a join the column does not pass through is off the path and averages).

Each mini-batch is global with probability ``global_rate`` (the authors' Caffe
``GlobalDropTrigger`` layer, one draw per forward pass), local otherwise. In a global
mini-batch every join of our network keeps the same column, as Sec. 3.1 defines it; the
authors' released ``FractalJoin`` draws the kept input join by join instead (their README:
no public release of local+global). The surviving
inputs are averaged (the authors' ``FractalJoin`` layer divides by the number kept). At
inference nothing is dropped: the join is the mean of all inputs.

:class:`DropPathSampler` draws the mini-batch's mode and column once; every
:class:`FractalJoin` of the network reads that draw, so a global mini-batch selects the same
column everywhere.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_cnns.arguments import check_int, check_number, check_rate, fail


@keras.saving.register_keras_serializable(package="keras_cnns")
class DropPathSampler(keras.layers.Layer):
    """The mini-batch's drop-path draw, as a ``(batch, 2)`` tensor: ``[global?, column]``.

    Called on any batch-shaped tensor (the network input). In training, ``global?`` is 1.0
    with probability ``global_rate`` and ``column`` is uniform over ``range(columns)``; at
    inference both are 0 (the joins then average and do not read them).
    """

    def __init__(self, columns: int, global_rate: float = 0.5, seed: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        check_int("columns", columns)
        check_number("global_rate", global_rate, 0.0, 1.0,
                     rule="`global_rate` must be a probability in [0, 1].")
        self.columns = int(columns)
        self.global_rate = float(global_rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name=f"{self.name}_seed")

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=False):
        batch = ops.shape(inputs)[0]
        if training:
            draws = keras.random.uniform((2,), seed=self.seed_generator)
            is_global = ops.cast(draws[0] < self.global_rate, "float32")
            column = ops.minimum(ops.floor(draws[1] * self.columns), self.columns - 1)
            sample = ops.stack([is_global, ops.cast(column, "float32")])
        else:
            sample = ops.zeros((2,), "float32")
        return ops.broadcast_to(ops.expand_dims(sample, 0), (batch, 2))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 2)

    def compute_output_spec(self, inputs, training=False):
        return keras.KerasTensor((inputs.shape[0], 2), dtype="float32")

    def complexity(self, input_shapes, output_shapes):
        """Complexity-engine rule: two random draws, no arithmetic on activations."""
        from keras_cnns.complexity import Cost

        return Cost()

    def get_config(self):
        return {**super().get_config(), "columns": self.columns,
                "global_rate": self.global_rate, "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_cnns")
class FractalJoin(keras.layers.Layer):
    """Element-wise mean of the columns ``columns`` (one index per input), with drop-path.

    Called on ``[x_1, ..., x_n, sample]`` where ``sample`` is a :class:`DropPathSampler`
    output. ``drop_rate`` is the local drop-path probability of each input.
    """

    def __init__(self, columns, drop_rate: float = 0.15, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if (not isinstance(columns, (list, tuple)) or len(columns) < 2
                or not all(isinstance(c, int) and not isinstance(c, bool) and c >= 0
                           for c in columns) or len(set(columns)) != len(columns)):
            fail("`columns` must list two or more distinct column indices (integers >= 0).",
                 "columns", columns)
        check_rate("drop_rate", drop_rate)
        self.columns = tuple(int(c) for c in columns)
        self.drop_rate = float(drop_rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name=f"{self.name}_seed")

    def build(self, input_shape):
        self.built = True

    def keep_mask(self, sample):
        """The float mask of surviving inputs for one mini-batch draw ``sample`` = ``[global?,
        column]`` (training only)."""
        n = len(self.columns)
        draws = keras.random.uniform((n + 1,), seed=self.seed_generator)
        local = ops.cast(draws[:n] >= self.drop_rate, "float32")
        rescue = ops.one_hot(ops.cast(ops.minimum(ops.floor(draws[n] * n), n - 1), "int32"), n)
        local = ops.where(ops.sum(local) > 0, local, rescue)
        chosen = ops.cast(ops.equal(ops.convert_to_tensor(self.columns, "float32"),
                                    sample[1]), "float32")
        # A global column this join does not carry: the join is off the path; average.
        chosen = ops.where(ops.sum(chosen) > 0, chosen, ops.ones((n,), "float32"))
        return ops.where(sample[0] > 0.5, chosen, local)

    def call(self, inputs, training=False):
        *xs, sample = inputs
        stacked = ops.stack(xs, axis=0)
        if not training:
            return ops.mean(stacked, axis=0)
        mask = ops.cast(self.keep_mask(sample[0]), stacked.dtype)
        mask = ops.reshape(mask, (len(xs),) + (1,) * (len(stacked.shape) - 1))
        return ops.sum(stacked * mask, axis=0) / ops.sum(mask)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def compute_output_spec(self, inputs, training=False):
        return keras.KerasTensor(inputs[0].shape, dtype=inputs[0].dtype)

    def complexity(self, input_shapes, output_shapes):
        """Complexity-engine rule (inference): ``n - 1`` additions and one scaling per
        element."""
        from keras_cnns.complexity import Cost

        elements = math.prod(d for d in output_shapes[0] if d is not None)
        return Cost(other_ops=len(self.columns) * elements)

    def get_config(self):
        return {**super().get_config(), "columns": list(self.columns),
                "drop_rate": self.drop_rate, "seed": self.seed}
