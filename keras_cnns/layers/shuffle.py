"""The channel shuffle of ShuffleNet (Zhang, Zhou, Lin & Sun, CVPR 2018, arXiv:1707.01083)."""

from __future__ import annotations

import keras
from keras import ops

from keras_cnns.arguments import check_int, fail


@keras.saving.register_keras_serializable(package="keras_cnns")
class ChannelShuffle(keras.layers.Layer):
    """Channel shuffle (Sec. 3.1, Fig. 1c): "suppose a convolutional layer with g groups
    whose output has g x n channels; we first reshape the output channel dimension into
    (g, n), transposing and then flattening it back". Channel ``i * n + j`` (group ``i``,
    member ``j``) moves to position ``j * g + i``, so that each group of the next grouped
    convolution receives channels from every group of this one.

    Channels-last inputs of any rank >= 2; the channel count must divide by ``groups``.
    """

    def __init__(self, groups: int, **kwargs):
        super().__init__(**kwargs)
        check_int("groups", groups)
        self.groups = groups

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels is None or channels % self.groups:
            fail(f"ChannelShuffle needs a channel count divisible by groups={self.groups}.",
                 "input_shape", tuple(input_shape))
        self.built = True

    def call(self, inputs):
        shape = ops.shape(inputs)
        channels = inputs.shape[-1]
        middle = tuple(shape[1:-1])
        x = ops.reshape(inputs, (-1, *middle, self.groups, channels // self.groups))
        rank = len(x.shape)
        x = ops.transpose(x, (*range(rank - 2), rank - 1, rank - 2))
        return ops.reshape(x, (-1, *middle, channels))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def complexity(self, input_shapes, output_shapes):
        """Complexity-engine rule: a permutation of the channels, no arithmetic."""
        from keras_cnns.complexity import Cost

        return Cost()

    def get_config(self):
        return {**super().get_config(), "groups": self.groups}
