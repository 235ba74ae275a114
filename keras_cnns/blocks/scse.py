"""Spatial and channel squeeze & excitation (Roy, Navab & Wachinger, "Concurrent Spatial
and Channel Squeeze & Excitation in Fully Convolutional Networks", MICCAI 2018,
arXiv:1803.02579), Sec. 2 / Fig. 1, as the attention kinds ``"cse"``, ``"sse"`` and
``"scse"``, usable in any builder (``attention="scse"``) or on any tensor.

- cSE (Fig. 1b): spatial squeeze (global average pooling) and channel excitation, fc
  ``C -> C/r`` ReLU, fc ``C/r -> C`` sigmoid, channel-wise rescaling; the paper's ``r = 2``
  (``W_1 in R^{C/2 x C}``);
- sSE (Fig. 1c): channel squeeze by a 1x1 convolution to one map, sigmoid, spatial
  rescaling;
- scSE (Fig. 1d): both, concurrently, ``U_scSE = U_cSE + U_sSE`` (element-wise addition,
  the MICCAI paper); ``aggregation="max"`` takes their element-wise maximum instead (the
  authors' later journal version).

The fcs and the 1x1 convolution have biases, as in the authors' code
(``ai-med/squeeze_and_excitation``). Complexity: the fcs and the 1x1 convolution are
MACs; pooling, sigmoids, rescalings and the aggregation are other ops.
"""

from __future__ import annotations

import keras

from keras_cnns.arguments import check_choice, check_int, fail
from keras_cnns.blocks.attention import register_attention

__all__ = ["AGGREGATIONS", "cse", "scse", "sse"]

AGGREGATIONS = ("add", "max")


def _check_ratio(channels: int, ratio) -> int:
    check_int("ratio", ratio)
    if channels // ratio < 1:
        fail(f"The cSE reduction ratio r must leave at least one unit for {channels} channels.",
             "ratio", ratio)
    return channels // ratio


def cse(x, ratio: int = 2, *, name: str = "cse"):
    """Spatial squeeze and channel excitation (Roy et al., Fig. 1b)."""
    channels = x.shape[-1]
    hidden = _check_ratio(channels, ratio)
    s = keras.layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}_squeeze")(x)
    s = keras.layers.Dense(hidden, activation="relu", name=f"{name}_reduce")(s)
    s = keras.layers.Dense(channels, activation="sigmoid", name=f"{name}_expand")(s)
    return keras.layers.Multiply(name=f"{name}_scale")([x, s])


def sse(x, *, name: str = "sse"):
    """Channel squeeze and spatial excitation (Roy et al., Fig. 1c)."""
    q = keras.layers.Conv2D(1, 1, activation="sigmoid", name=f"{name}_squeeze")(x)
    return keras.layers.Multiply(name=f"{name}_scale")([x, q])


def scse(x, ratio: int = 2, aggregation: str = "add", *, name: str = "scse"):
    """Concurrent spatial and channel SE (Roy et al., Fig. 1d)."""
    check_choice("aggregation", aggregation, AGGREGATIONS,
                 "scSE aggregation must be 'add' (the paper) or 'max'.")
    channel = cse(x, ratio, name=f"{name}_cse")
    spatial = sse(x, name=f"{name}_sse")
    merge = keras.layers.Add if aggregation == "add" else keras.layers.Maximum
    return merge(name=f"{name}_{aggregation}")([channel, spatial])


@register_attention("cse")
def _cse(ratio: int = 2):
    check_int("ratio", ratio)
    return lambda x, name: cse(x, ratio, name=f"{name}_cse")


@register_attention("sse")
def _sse():
    return lambda x, name: sse(x, name=f"{name}_sse")


@register_attention("scse")
def _scse(ratio: int = 2, aggregation: str = "add"):
    check_int("ratio", ratio)
    check_choice("aggregation", aggregation, AGGREGATIONS,
                 "scSE aggregation must be 'add' (the paper) or 'max'.")
    return lambda x, name: scse(x, ratio, aggregation, name=f"{name}_scse")
