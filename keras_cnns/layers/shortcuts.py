"""The parameter-free shortcut of He et al. 2016 (option A) for increasing dimensions."""

from __future__ import annotations

import keras
from keras import ops

from keras_cnns.arguments import check_int


@keras.saving.register_keras_serializable(package="keras_cnns")
class ZeroPadShortcut(keras.layers.Layer):
    """Option A shortcut of He et al. 2015 (Sec. 4.2): parameter-free, for increasing dims.

    Subsamples by ``strides`` (keeps every ``strides``-th pixel, as the authors' CIFAR
    code does) and pads the channel axis with zeros up to ``filters``.
    """

    def __init__(self, filters: int, strides: int = 2, **kwargs):
        super().__init__(**kwargs)
        check_int("filters", filters)
        check_int("strides", strides)
        self.filters, self.strides = filters, strides

    def call(self, inputs):
        x = inputs[:, ::self.strides, ::self.strides, :]
        extra = self.filters - inputs.shape[-1]
        return ops.pad(x, [[0, 0], [0, 0], [0, 0], [extra // 2, extra - extra // 2]])

    def compute_output_shape(self, input_shape):
        def sub(d):
            return None if d is None else -(-d // self.strides)

        return (input_shape[0], sub(input_shape[1]), sub(input_shape[2]), self.filters)

    def complexity(self, input_shapes, output_shapes):
        """Complexity-engine rule: a copy, no arithmetic."""
        from keras_cnns.complexity import Cost

        return Cost()

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "strides": self.strides}
