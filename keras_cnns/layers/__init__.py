"""Layers the papers use that Keras does not ship; each carries its complexity-engine rule
(a ``complexity(input_shapes, output_shapes)`` method) and is serialisable in ``.keras`` files."""

from keras_cnns.layers.attention import ChannelPool, RadixSelect, RadixSum, ResizeTo
from keras_cnns.layers.normalization import LocalResponseNormalization
from keras_cnns.layers.shortcuts import ZeroPadShortcut
from keras_cnns.layers.stochastic_depth import StochasticDepth

__all__ = ["ChannelPool", "LocalResponseNormalization", "RadixSelect", "RadixSum", "ResizeTo",
           "StochasticDepth", "ZeroPadShortcut"]
