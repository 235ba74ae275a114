"""The convolutional highway layer of Srivastava, Greff & Schmidhuber, "Highway Networks"
(arXiv:1505.00387) and "Training Very Deep Networks" (NeurIPS 2015, arXiv:1507.06228)."""

from __future__ import annotations

import keras
from keras import ops

from keras_cnns.arguments import check_int, check_number, fail

#: The "xavier" filler of the authors' Caffe (their released configs use it): in their fork
#: (include/caffe/filler.hpp) it draws from a normal distribution of standard deviation
#: sqrt(2 / fan_in), not Caffe's uniform one.
XAVIER_FILLER = {"class_name": "VarianceScaling",
                "config": {"scale": 2.0, "mode": "fan_in", "distribution": "untruncated_normal"}}


@keras.saving.register_keras_serializable(package="keras_cnns")
class HighwayConv2D(keras.layers.Layer):
    """``y = H(x) * T(x) + x * (1 - T(x))`` (Srivastava et al. 2015, Eq. 3 with the carry
    gate ``C = 1 - T``), with ``H`` a convolution followed by ReLU (the block state, "All
    convolutional highway networks utilize the rectified linear activation function to
    compute the block state H", Sec. 3) and ``T`` a convolution of the same size followed by
    the logistic sigmoid (the transform gate).

    ``transform_bias`` initialises the gate's bias ``b_T``: negative, "such that the network
    is initially biased towards carry behavior" ("e.g. -1, -3 etc.", Sec. 2.2 of "Training
    Very Deep Networks"; -2 in the authors' released CIFAR configs). Both convolutions have
    stride 1 and "same" padding (the carry needs ``y`` and ``x`` of one shape), so the input
    must have ``filters`` channels.
    Variables: ``kernel``/``bias`` of ``H`` and ``transform_kernel``/``bias_transform`` of
    ``T``, as the authors' Caffe layer holds them (``blobs_[0..3]``).
    """

    def __init__(self, filters: int, kernel_size: int = 3, transform_bias: float = -2.0,
                 kernel_initializer=XAVIER_FILLER, **kwargs):
        super().__init__(**kwargs)
        check_int("filters", filters)
        check_int("kernel_size", kernel_size)
        check_number("transform_bias", transform_bias,
                     rule="`transform_bias` must be a finite number (negative in the papers).")
        self.filters, self.kernel_size = filters, kernel_size
        self.transform_bias = float(transform_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels != self.filters:
            fail(f"A highway layer carries its input, so the input needs {self.filters} "
                 "channels (its `filters`).", "input_shape", tuple(input_shape))
        shape = (self.kernel_size, self.kernel_size, channels, self.filters)
        self.kernel = self.add_weight(shape=shape, initializer=self.kernel_initializer,
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
        self.transform_kernel = self.add_weight(shape=shape, initializer=self.kernel_initializer,
                                                name="transform_kernel")
        self.bias_transform = self.add_weight(
            shape=(self.filters,), initializer=keras.initializers.Constant(self.transform_bias),
            name="bias_transform")
        self.built = True

    def gates(self, inputs):
        """``(H(x), T(x))``: the block state and the transform gate."""
        h = ops.relu(ops.conv(inputs, self.kernel, padding="same") + self.bias)
        t = ops.sigmoid(ops.conv(inputs, self.transform_kernel, padding="same")
                        + self.bias_transform)
        return h, t

    def call(self, inputs):
        h, t = self.gates(inputs)
        return h * t + inputs * (1.0 - t)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def complexity(self, input_shapes, output_shapes):
        """Complexity-engine rule: two convolutions (``H`` and ``T``) of ``k x k x C x C``
        at every output position; ReLU, sigmoid and the gating ``h t + x (1 - t)`` (four
        element-wise operations) are other ops."""
        from keras_cnns.complexity import Cost

        height, width, channels = (int(d) for d in output_shapes[0])
        per_conv = height * width * channels * self.kernel_size ** 2 * int(input_shapes[0][-1])
        return Cost(macs=2 * per_conv, other_ops=6 * height * width * channels)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "transform_bias": self.transform_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}
