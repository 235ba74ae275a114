"""Local response normalisation (Krizhevsky, Sutskever & Hinton, NIPS 2012, Sec. 3.3)."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_cnns.arguments import check_number, fail, is_int


@keras.saving.register_keras_serializable(package="keras_cnns")
class LocalResponseNormalization(keras.layers.Layer):
    """Local response normalisation across channels (Krizhevsky et al. 2012, Sec. 3.3).

    ``b_c = a_c / (k + alpha * sum_{c' in [c - n/2, c + n/2]} a_{c'}^2) ** beta``, the sum
    running over ``n`` adjacent channels and clipped at the edges. The defaults are the
    AlexNet constants ``k=2, n=5, alpha=1e-4, beta=0.75``, which VGG's A-LRN also uses.
    ``alpha`` multiplies the plain sum (as in the paper and ``tf.nn.local_response_normalization``),
    not the mean over ``n`` as in Caffe.
    """

    def __init__(self, size: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75,
                 **kwargs):
        super().__init__(**kwargs)
        if not is_int(size) or size < 1 or size % 2 == 0:
            fail("LRN size n must be a positive odd integer.", "size", size)
        for key, value in (("k", k), ("alpha", alpha), ("beta", beta)):
            check_number(key, value, 0.0)
        self.size, self.k, self.alpha, self.beta = size, k, alpha, beta

    def call(self, inputs):
        radius = self.size // 2
        squared = ops.square(inputs)
        padded = ops.pad(squared, [[0, 0]] * (len(inputs.shape) - 1) + [[radius, radius]])
        channels = inputs.shape[-1]
        window = sum(padded[..., i:i + channels] for i in range(self.size))
        return inputs / ops.power(self.k + self.alpha * window, self.beta)

    def compute_output_shape(self, input_shape):
        return input_shape

    def complexity(self, input_shapes, output_shapes):
        """Complexity-engine rule: no multiply-adds; ``n + 3`` other ops per element."""
        from keras_cnns.complexity import Cost

        return Cost(other_ops=(self.size + 3) * math.prod(output_shapes[0]))

    def get_config(self):
        return {**super().get_config(), "size": self.size, "k": self.k, "alpha": self.alpha,
                "beta": self.beta}
