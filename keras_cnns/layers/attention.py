"""Small layers the attention modules need that Keras does not ship, each with its
complexity-engine rule (its pooling and gating operations are counted as other ops).

- :class:`ChannelPool`: mean and/or max over the channel axis (CBAM's spatial attention,
  Woo et al. 2018, Sec. 3; the "one map" mean of Hu et al.'s CMPE-SE pair-view blocks);
- :class:`RadixSum`: the sum of the ``radix`` channel splits of a tensor (ResNeSt's
  split-attention, Zhang et al. 2020, Fig. 2, "sum of splits");
- :class:`RadixSelect`: softmax over the radix (or sigmoid for radix 1) of attention logits
  laid out ``(cardinality, radix, channels)``, then the attention-weighted sum of the radix
  splits (ResNeSt's r-Softmax and fusion; SKNet's "select", Li et al. 2019, Eq. 5-6);
- :class:`ResizeTo`: bilinear resizing of a tensor to the spatial size of another (the
  soft-mask branch's up-sampling, Wang et al. 2017, Sec. 3.3).
"""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_cnns.arguments import check_choice, check_int, fail

__all__ = ["ChannelPool", "RadixSelect", "RadixSum", "ResizeTo"]


def _cost(**kwargs):
    from keras_cnns.complexity import Cost

    return Cost(**kwargs)


@keras.saving.register_keras_serializable(package="keras_cnns")
class ChannelPool(keras.layers.Layer):
    """Pool across channels: ``modes`` (of "max", "mean") stacked on the channel axis in
    that order, one map per mode (CBAM's ``[MaxPool(F); AvgPool(F)]`` order as in the
    authors' code, Woo et al. 2018, Eq. 3)."""

    MODES = ("max", "mean")

    def __init__(self, modes=("max", "mean"), **kwargs):
        super().__init__(**kwargs)
        modes = tuple(modes) if isinstance(modes, (list, tuple)) else modes
        if not isinstance(modes, tuple) or not modes or any(
                not isinstance(m, str) or m not in self.MODES for m in modes):
            fail("ChannelPool modes must be a non-empty sequence of 'max' and 'mean'.",
                 "modes", modes)
        self.modes = modes

    def call(self, inputs):
        maps = [ops.max(inputs, axis=-1, keepdims=True) if mode == "max"
                else ops.mean(inputs, axis=-1, keepdims=True) for mode in self.modes]
        return maps[0] if len(maps) == 1 else ops.concatenate(maps, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], len(self.modes))

    def complexity(self, input_shapes, output_shapes):
        """One op per input element per mode (a comparison or an addition)."""
        return _cost(other_ops=len(self.modes) * math.prod(input_shapes[0]))

    def get_config(self):
        return {**super().get_config(), "modes": list(self.modes)}


@keras.saving.register_keras_serializable(package="keras_cnns")
class RadixSum(keras.layers.Layer):
    """Sum of the ``radix`` equal channel splits (radix-major: split ``r`` is channels
    ``r*C .. (r+1)*C``), ``(..., radix*C) -> (..., C)``."""

    def __init__(self, radix: int, **kwargs):
        super().__init__(**kwargs)
        check_int("radix", radix)
        self.radix = radix

    def call(self, inputs):
        channels = inputs.shape[-1] // self.radix
        parts = [inputs[..., r * channels:(r + 1) * channels] for r in range(self.radix)]
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] // self.radix)

    def complexity(self, input_shapes, output_shapes):
        """``radix - 1`` additions per output element."""
        return _cost(other_ops=(self.radix - 1) * math.prod(output_shapes[0]))

    def get_config(self):
        return {**super().get_config(), "radix": self.radix}


@keras.saving.register_keras_serializable(package="keras_cnns")
class RadixSelect(keras.layers.Layer):
    """Attention-weighted sum of radix splits, called on ``[splits, logits]``.

    ``splits`` is ``(batch, H, W, radix*C)``, radix-major; ``logits`` is ``(batch, 1, 1,
    radix*C)`` laid out ``(cardinality, radix, C/cardinality)`` (the grouped fc of
    ResNeSt's split-attention; SKNet's ungrouped fc is cardinality 1). The logits are
    normalised by a softmax over the radix (ResNeSt's r-Softmax, SKNet's Eq. 5), or by a
    sigmoid when ``radix == 1``; the output is ``sum_r a_r * split_r``, ``(batch, H, W, C)``.
    """

    def __init__(self, radix: int, cardinality: int = 1, **kwargs):
        super().__init__(**kwargs)
        check_int("radix", radix)
        check_int("cardinality", cardinality)
        self.radix, self.cardinality = radix, cardinality

    def build(self, input_shape):
        splits, logits = input_shape
        total = splits[-1]
        if total % (self.radix * self.cardinality) or logits[-1] != total:
            raise ValueError(f"RadixSelect needs radix*cardinality to divide the {total} "
                             f"channels and logits of the same width. Received: "
                             f"input_shape={input_shape}")
        self.built = True

    def weights_of(self, logits):
        """Normalised attention, ``(batch, radix*C)`` radix-major."""
        batch = ops.shape(logits)[0]
        channels = logits.shape[-1] // self.radix
        if self.radix == 1:
            return ops.reshape(ops.sigmoid(logits), (batch, channels))
        a = ops.reshape(logits, (batch, self.cardinality, self.radix, -1))
        a = ops.softmax(a, axis=2)
        a = ops.transpose(a, (0, 2, 1, 3))
        return ops.reshape(a, (batch, self.radix * channels))

    def call(self, inputs):
        splits, logits = inputs
        channels = splits.shape[-1] // self.radix
        attention = self.weights_of(logits)
        total = None
        for r in range(self.radix):
            a = attention[:, r * channels:(r + 1) * channels]
            term = splits[..., r * channels:(r + 1) * channels] * a[:, None, None, :]
            total = term if total is None else total + term
        return total

    def compute_output_shape(self, input_shape):
        splits, _ = input_shape
        return (*splits[:-1], splits[-1] // self.radix)

    def complexity(self, input_shapes, output_shapes):
        """The gate (softmax: exp, sum, divide, 3 ops per logit; sigmoid: 1) and the
        weighted sum (``radix`` multiplications and ``radix - 1`` additions per output)."""
        logits = math.prod(input_shapes[1])
        gate = logits if self.radix == 1 else 3 * logits
        return _cost(other_ops=gate + (2 * self.radix - 1) * math.prod(output_shapes[0]))

    def get_config(self):
        return {**super().get_config(), "radix": self.radix, "cardinality": self.cardinality}


@keras.saving.register_keras_serializable(package="keras_cnns")
class ResizeTo(keras.layers.Layer):
    """Resize ``x`` to the height and width of ``reference``, called on ``[x, reference]``
    (``interpolation`` "bilinear" by default, half-pixel centres as ``keras.ops.image``)."""

    INTERPOLATIONS = ("bilinear", "nearest")

    def __init__(self, interpolation: str = "bilinear", **kwargs):
        super().__init__(**kwargs)
        check_choice("interpolation", interpolation, self.INTERPOLATIONS)
        self.interpolation = interpolation

    def call(self, inputs):
        x, reference = inputs
        height, width = reference.shape[1], reference.shape[2]
        if height is None or width is None:
            shape = ops.shape(reference)
            height, width = shape[1], shape[2]
        if (x.shape[1], x.shape[2]) == (height, width):
            return x
        return ops.image.resize(x, (height, width), interpolation=self.interpolation)

    def compute_output_shape(self, input_shape):
        x, reference = input_shape
        return (x[0], reference[1], reference[2], x[-1])

    def complexity(self, input_shapes, output_shapes):
        """Bilinear: 4 multiply-adds per output element (counted as other ops); nearest: a copy."""
        if self.interpolation == "nearest":
            return _cost()
        return _cost(other_ops=4 * math.prod(output_shapes[0]))

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}
