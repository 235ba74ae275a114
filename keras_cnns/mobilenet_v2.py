"""MobileNetV2 (Sandler, Howard, Zhu, Zhmoginov & Chen, "MobileNetV2: Inverted Residuals and
Linear Bottlenecks", CVPR 2018, arXiv:1801.04381).

The body is Table 2 of the paper: a full 3x3 convolution of 32 filters and stride 2, then
seven rows ``(t, c, n, s)`` of bottleneck residual blocks (:data:`BOTTLENECKS`, 17 blocks),
a 1x1 convolution to 1280 channels, global average pooling and the classifier. A block
(Table 1, Fig. 3b) expands its ``k`` input channels ``t`` times with a 1x1 convolution + BN +
ReLU6, filters them with a 3x3 depthwise convolution of stride ``s`` + BN + ReLU6, and
projects them to ``c`` channels with a *linear* 1x1 convolution + BN (no activation: the
linear bottleneck of Sec. 3.2); the input is added to the output where ``s = 1`` and the
channels agree (Sec. 3.3, the shortcut between the bottlenecks). The first row has ``t = 1``
and no expansion convolution, as in the reference implementation.

Width multiplier and resolution (Sec. 4, "Trade-off hyper parameters"): ``alpha`` scales
every layer, each count rounded by the reference implementation's ``_make_divisible(c *
alpha, 8)`` (:func:`make_divisible`: the nearest multiple of 8, at least 8, never more than
10% below ``c * alpha``); "for multipliers less than one, we apply width multiplier to all
layers except the very last convolutional layer", so the 1280 stays 1280 below 1 and is
``make_divisible(1280 * alpha)`` above (1792 at 1.4). ``resolution`` is the input size.

Departures and choices, named:

* channels follow the reference implementation (TF-slim ``nets/mobilenet/mobilenet_v2.py``,
  ``mobilenet.depth_multiplier``), which the paper's Table 2 does not spell out under a
  multiplier; keras.applications rounds ``int(c * alpha)`` instead of ``c * alpha``, which
  agrees for its multipliers 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4;
* the classifier is a Dense layer with bias after global average pooling (the reference
  implementation uses an equivalent 1x1 convolution on the pooled features, with 1001
  classes); ``dropout`` before it is the reference ``training_scope``'s keep probability
  0.8 (the paper: "utilize dropout"; keras.applications has none);
* batch norm as the reference ``training_scope`` (decay 0.997, epsilon 1e-3; preset
  ``"slim-mobilenet"``; keras.applications uses momentum 0.999); convolutions have no bias;
  "same" padding (keras.applications pads stride-2 depthwise layers explicitly, which is
  the same arithmetic).
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_number, check_rate, fail, is_int
from keras_cnns.blocks import StageSpec, batch_norm, conv, conv_norm_act, run_stages
from keras_cnns.contract import Head

PAPER = ("Sandler, Howard, Zhu, Zhmoginov & Chen, MobileNetV2: Inverted Residuals and Linear "
         "Bottlenecks, CVPR 2018 (arXiv:1801.04381)")
PRESET = "slim-mobilenet"

#: Table 2 after the first convolution: ``(t, c, n, s)`` per row (expansion factor, output
#: channels, repeats, stride of the first block).
BOTTLENECKS: tuple[tuple[int, int, int, int], ...] = (
    (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
    (6, 160, 3, 2), (6, 320, 1, 1),
)
#: Table 2's first row ``conv2d``: 32 filters, 3x3, stride 2.
FIRST_CONV = 32
#: Table 2's ``conv2d 1x1`` after the bottlenecks.
LAST_CONV = 1280
#: The reference implementation's rounding of channel counts (``divisible_by=8``,
#: ``min_depth=8``).
DIVISOR = 8
#: Largest width multiplier accepted (the paper uses 0.35 to 1.4).
MAX_ALPHA = 4.0


def make_divisible(value: float, divisor: int = DIVISOR, min_value: int | None = None) -> int:
    """The reference implementation's ``_make_divisible``: ``value`` rounded to the nearest
    multiple of ``divisor`` (halves up), at least ``min_value`` (default ``divisor``), and
    raised by ``divisor`` if rounding went more than 10% below ``value``."""
    min_value = divisor if min_value is None else min_value
    new = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if new < 0.9 * value:
        new += divisor
    return new


def scaled_channels(channels: int, alpha: float) -> int:
    """A layer of ``channels`` at width multiplier ``alpha`` (reference ``depth_multiplier``)."""
    return make_divisible(channels * alpha)


def last_channels(alpha: float) -> int:
    """The last 1x1 convolution: 1280 for ``alpha <= 1`` (Sec. 4), scaled above."""
    return scaled_channels(LAST_CONV, alpha) if alpha > 1 else LAST_CONV


def inverted_residual(x, filters: int, strides: int, *, name: str, expansion: int,
                      preset=PRESET, activation: str = "relu6"):
    """Table 1's bottleneck residual block on ``x`` (``k`` channels): 1x1 expansion to
    ``make_divisible(t * k)`` + BN + ReLU6 (skipped for ``t = 1``), 3x3 depthwise of stride
    ``strides`` + BN + ReLU6, linear 1x1 projection to ``filters`` + BN, and the input added
    when the shapes agree. Layers ``<name>_expand``, ``<name>_dw``, ``<name>_project`` (each
    with ``_bn`` and the activation), ``<name>_add``."""
    inputs = x
    channels = x.shape[-1]
    inner = make_divisible(channels * expansion) if expansion != 1 else channels
    if inner != channels:
        x = conv_norm_act(x, inner, 1, name=f"{name}_expand", conv_name=f"{name}_expand",
                          preset=preset, activation=activation)
    x = keras.layers.DepthwiseConv2D(3, strides=strides, padding="same", use_bias=False,
                                     name=f"{name}_dw")(x)
    x = batch_norm(x, name=f"{name}_dw_bn", preset=preset)
    x = keras.layers.Activation(activation, name=f"{name}_dw_{activation}")(x)
    x = conv(x, filters, 1, name=f"{name}_project", preset=preset)
    x = batch_norm(x, name=f"{name}_project_bn", preset=preset)
    if strides == 1 and channels == filters:
        x = keras.layers.Add(name=f"{name}_add")([inputs, x])
    return x


def body_stages(alpha: float) -> tuple[StageSpec, ...]:
    """Table 2's bottleneck rows as stages ``bottleneck<i>`` of ``n`` blocks each."""
    return tuple(StageSpec(f"bottleneck{row}", n, scaled_channels(c, alpha), s,
                           options={"expansion": t})
                 for row, (t, c, n, s) in enumerate(BOTTLENECKS, start=1))


def check_resolution(family: str, resolution) -> None:
    if resolution is not None and (not is_int(resolution) or resolution < 32 or resolution % 32):
        fail(f"{family}'s resolution must be None or a multiple of 32 and at least 32 (five "
             "stride-2 layers).", "resolution", resolution)


def resolved_inputs(head: Head, family: str, resolution, default: int = 224):
    """``head.inputs`` for a builder with a ``resolution`` argument, which must agree with
    ``input_shape`` / ``input_tensor`` when both are given."""
    if resolution is not None and (head.input_shape is not None or head.input_tensor is not None):
        shape = head.shape((resolution, resolution, 3))
        if tuple(shape[:2]) != (resolution, resolution):
            fail(f"{family}'s resolution and input shape must agree (pass one of them).",
                 "input_shape", shape)
    size = resolution or default
    inputs, x = head.inputs((size, size, 3), min_size=32, model_name=family)
    return inputs, x, size


@registry.register(
    "mobilenetv2", paper=PAPER, reproduction="mobilenetv2", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("mobilenetv2-{alpha}-{resolution}",
                         convert={"alpha": float, "resolution": int})],
    models=["mobilenetv2-1.4-224", "mobilenetv2-1.3-224"]
    + [f"mobilenetv2-{a}-{r}" for a in ("1.0", "0.75", "0.5", "0.35")
       for r in (224, 192, 160, 128, 96)],
    aliases={"mobilenetv2": "mobilenetv2-1.0-224", "mobilenet-v2": "mobilenetv2-1.0-224",
             **{f"mobilenetv2-{a}": f"mobilenetv2-{a}-224"
                for a in ("1.4", "1.3", "1.0", "0.75", "0.5", "0.35")}},
    smallest="mobilenetv2-0.35-96")
def MobileNetV2(alpha: float = 1.0, resolution: int | None = None, dropout: float = 0.2, *,
                include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
                pooling=None, classes: int = 1000, classifier_activation="softmax",
                name: str | None = None) -> keras.Model:
    """MobileNetV2 of Table 2, with the width multiplier and resolution of Sec. 4.

    Args:
        alpha: width multiplier in (0, 4]; the paper and the reference checkpoints use
            0.35, 0.5, 0.75, 1.0, 1.3 and 1.4.
        resolution: input height and width, a multiple of 32 (the paper: 96 to 224);
            ``None`` means 224, or the size of ``input_shape``.
        dropout: dropout rate before the classifier (the reference keeps 0.8).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; at least 32x32.
    """
    check_number("alpha", alpha, 0.0, MAX_ALPHA, low_open=True,
                 rule=f"MobileNetV2's width multiplier alpha must be in (0, {MAX_ALPHA:g}] "
                      "(Sandler et al. 2018, Sec. 4).")
    check_resolution("MobileNetV2", resolution)
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x, size = resolved_inputs(head, "MobileNetV2", resolution)
    x = conv_norm_act(x, scaled_channels(FIRST_CONV, alpha), 3, strides=2, name="conv1",
                      conv_name="conv1", preset=PRESET, activation="relu6")
    x = run_stages(x, body_stages(alpha), inverted_residual,
                   block_name=lambda spec, index, number: f"block{number}")
    x = conv_norm_act(x, last_channels(alpha), 1, name="conv_last", conv_name="conv_last",
                      preset=PRESET, activation="relu6")
    x = head.classifier(x, dropout)
    return head.model(inputs, x, f"mobilenetv2_{alpha:g}_{size}".replace(".", "_"))


__all__ = ["MobileNetV2", "BOTTLENECKS", "inverted_residual",
           "last_channels", "make_divisible", "scaled_channels"]
