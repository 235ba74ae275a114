"""ECA, efficient channel attention (Wang, Wu, Zhu, Li, Zuo & Hu, CVPR 2020,
arXiv:1910.03151), Sec. 3 / Fig. 2, as the attention kind ``"eca"``.

Global average pooling to one value per channel, a 1-D convolution of size ``k`` across the
channels (no bias, no dimensionality reduction: "local cross-channel interaction"),
sigmoid, and the channel-wise rescaling of the input. ``k`` is adaptive (Eq. 12)::

    k = psi(C) = | log2(C) / gamma + b / gamma |_odd,   gamma = 2, b = 1,

``|t|_odd`` the nearest odd number, taken as the authors' code does: ``t = int(|(log2(C) +
b) / gamma|)``, ``k = t`` if ``t`` is odd else ``t + 1``. Its parameters are ``k`` per
module (Table 1's "lightweight"; ``eca_parameters``).

Complexity: ``k * C`` multiply-adds for the 1-D convolution; the pooling, the sigmoid and
the rescaling are other ops.
"""

from __future__ import annotations

import math

import keras

from keras_cnns.arguments import check_int, check_number, fail, is_int
from keras_cnns.blocks.attention import register_attention

__all__ = ["eca", "eca_kernel_size", "eca_parameters"]


def eca_kernel_size(channels: int, gamma: float = 2, b: float = 1) -> int:
    """Eq. 12: the adaptive 1-D kernel size for ``channels`` channels (odd, >= 1)."""
    check_int("channels", channels)
    check_number("gamma", gamma, 0.0, low_open=True)
    check_number("b", b)
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1


def eca_parameters(channels: int, k: int | None = None) -> int:
    """Parameters of one ECA module: the ``k`` weights of its 1-D convolution."""
    return k if k is not None else eca_kernel_size(channels)


def _check_k(k) -> None:
    if k is not None and not (is_int(k) and k >= 1 and k % 2 == 1):
        fail("The ECA kernel size k must be None (adaptive, Eq. 12) or a positive odd "
             "integer.", "k", k)


def eca(x, k: int | None = None, gamma: float = 2, b: float = 1, *, name: str = "eca"):
    """ECA on ``x`` (Fig. 2); layers ``<name>_squeeze``, ``<name>_conv`` (Conv1D),
    ``<name>_gate``, ``<name>_scale``."""
    _check_k(k)
    channels = x.shape[-1]
    k = k or eca_kernel_size(channels, gamma, b)
    y = keras.layers.GlobalAveragePooling2D(name=f"{name}_squeeze")(x)
    y = keras.layers.Reshape((channels, 1), name=f"{name}_to_sequence")(y)
    y = keras.layers.Conv1D(1, k, padding="same", use_bias=False, name=f"{name}_conv")(y)
    y = keras.layers.Reshape((1, 1, channels), name=f"{name}_to_map")(y)
    y = keras.layers.Activation("sigmoid", name=f"{name}_gate")(y)
    return keras.layers.Multiply(name=f"{name}_scale")([x, y])


@register_attention("eca")
def _eca(k: int | None = None, gamma: float = 2, b: float = 1):
    """ECA with kernel size ``k`` (``None``: adaptive, gamma = 2, b = 1); layers
    ``<block>_eca_*``."""
    _check_k(k)
    check_number("gamma", gamma, 0.0, low_open=True)
    check_number("b", b)
    return lambda x, name: eca(x, k, gamma, b, name=f"{name}_eca")
