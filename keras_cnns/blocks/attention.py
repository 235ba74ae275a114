"""The attention factory: a block takes ``attention="se"`` (or another registered kind, or a
function) and applies it to its residual branch, as timm's ``get_attn`` does.

A kind is registered with :func:`register_attention` over a factory ``(**options) ->
attend``, where ``attend(x, name) -> x`` builds the module on tensor ``x`` with layer names
starting ``<name>_<kind>``. :func:`get_attention` turns a block's ``attention`` argument
into that function (``None`` stays ``None``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import keras

from keras_cnns.arguments import check_choice, check_int, fail

__all__ = ["ATTENTION", "get_attention", "register_attention", "squeeze_excite"]

Attend = Callable[..., object]
#: Registered kinds: name -> factory.
ATTENTION: dict[str, Callable[..., Attend]] = {}


def register_attention(kind: str):
    """Decorator registering ``factory(**options) -> attend(x, name)`` as ``kind``."""
    def decorator(factory):
        ATTENTION[kind] = factory
        return factory
    return decorator


def get_attention(attention, **options) -> Attend | None:
    """``None``, a registered kind (``"se"``, or ``("se", {"ratio": 8})``) or a function."""
    if attention is None:
        return None
    if callable(attention):
        return attention
    if isinstance(attention, tuple) and len(attention) == 2 and isinstance(attention[1], Mapping):
        attention, extra = attention
        options = {**extra, **options}
    if not isinstance(attention, str):
        fail("`attention` must be None, the name of a registered attention module "
             f"({', '.join(ATTENTION)}), a (name, options) pair or a function.",
             "attention", attention)
    check_choice("attention", attention, ATTENTION,
                 f"`attention` must be one of {', '.join(ATTENTION)} (or None).")
    return ATTENTION[attention](**options)


def check_se_ratio(channels: int, ratio) -> None:
    """The SE reduction ratio r must be a positive integer that divides the channels."""
    check_int("ratio", ratio)
    if channels % ratio:
        fail(f"The SE reduction ratio r must divide the block's {channels} channels.",
             "ratio", ratio)


def squeeze_excite(x, ratio: int = 16, name: str = "se"):
    """Squeeze-and-excitation block (Hu et al., CVPR 2018, Fig. 1 / Fig. 3).

    Squeeze: global average pooling to one value per channel (``<name>_squeeze``);
    excitation: fc C/r -> ReLU (``<name>_reduce``) -> fc C -> sigmoid (``<name>_expand``);
    scale: ``x`` times the gates, channel-wise (``<name>_scale``). The fcs have biases, as
    in the released Caffe models.
    """
    channels = x.shape[-1]
    check_se_ratio(channels, ratio)
    s = keras.layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}_squeeze")(x)
    s = keras.layers.Dense(channels // ratio, activation="relu", name=f"{name}_reduce")(s)
    s = keras.layers.Dense(channels, activation="sigmoid", name=f"{name}_expand")(s)
    return keras.layers.Multiply(name=f"{name}_scale")([x, s])


@register_attention("se")
def _se(ratio: int = 16) -> Attend:
    """SE with reduction ratio r (16 in the paper); layers named ``<block>_se_*``."""
    check_int("ratio", ratio)
    return lambda x, name: squeeze_excite(x, ratio, name=f"{name}_se")
