"""Layers the papers use that Keras does not ship; each carries its complexity-engine rule
(a ``complexity(input_shapes, output_shapes)`` method) and is serialisable in ``.keras`` files."""

from keras_cnns.layers.grouped_conv import GroupedConv2D, conv2d
from keras_cnns.layers.attention import ChannelPool, RadixSelect, RadixSum, ResizeTo
from keras_cnns.layers.drop_path import DropPathSampler, FractalJoin
from keras_cnns.layers.highway import HighwayConv2D
from keras_cnns.layers.normalization import LocalResponseNormalization
from keras_cnns.layers.shortcuts import ZeroPadShortcut
from keras_cnns.layers.shuffle import ChannelShuffle
from keras_cnns.layers.stochastic_depth import StochasticDepth

__all__ = ["ChannelPool", "ChannelShuffle", "DropPathSampler", "FractalJoin", "GroupedConv2D",
           "HighwayConv2D", "LocalResponseNormalization", "RadixSelect", "RadixSum", "ResizeTo",
           "StochasticDepth", "ZeroPadShortcut", "conv2d"]
