"""MobileNetV3 (Howard, Sandler, Chu, Chen, Chen, Tan, Wang, Zhu, Pang, Vasudevan, Le & Adam,
"Searching for MobileNetV3", ICCV 2019, arXiv:1905.02244).

The bodies are Tables 1 (MobileNetV3-Large) and 2 (MobileNetV3-Small) of the paper, one row
per block (:data:`LARGE`, :data:`SMALL`): a 3x3 convolution of 16 filters and stride 2 with
h-swish, then ``bneck`` blocks, each the MobileNetV2 inverted residual (Sandler et al. 2018)
with the row's depthwise kernel (3x3 or 5x5), expansion size ("exp size"), output channels
("#out"), nonlinearity ("NL": ReLU or h-swish) and stride, and, where the row has "SE", a
squeeze-and-excite module after the depthwise convolution (Fig. 4). Then the efficient last
stage of Sec. 5.1 / Fig. 5: a 1x1 convolution (960 or 576) with BN and h-swish, global
average pooling, a 1x1 convolution to 1280 (Small: 1024) without batch norm ("NBN") and
with h-swish, dropout and the classifier.

* h-swish (Sec. 5.2, Eq. 2): ``x * ReLU6(x + 3) / 6``; Keras' built-in ``"hard_swish"``
  activation computes exactly this (``x * hard_sigmoid(x)``, ``hard_sigmoid(x) =
  relu6(x + 3) / 6``).
* SE (Sec. 5.3): global average pooling, a 1x1 convolution to ``make_divisible(exp / 4, 8)``
  channels ("fixed to be 1/4 of the number of channels in expansion layer", rounded as the
  reference code rounds) with ReLU, a 1x1 convolution back to ``exp`` channels with the hard
  sigmoid ``ReLU6(x + 3) / 6`` (Keras' ``"hard_sigmoid"``), and the channel-wise product.
* Minimalistic variants (reference implementation, ``V3_*_MINIMALISTIC``): the same layer
  widths without SE, h-swish or 5x5 kernels (ReLU and 3x3 everywhere).
* Width multiplier ``alpha``: every channel count ``make_divisible(c * alpha, 8)`` (the
  reference ``depth_multiplier``), the expansion sizes scaled through the expansion factor
  exp/in of the row (the reference ``expand_input_by_factor``); the last 1280 (1024 for
  Small) stays as it is for ``alpha <= 1``, as the released checkpoints and
  keras.applications have it (MobileNetV2's rule, Sec. 4 of Sandler et al.).

Departures, named (each after the reference implementation TF-slim
``nets/mobilenet/mobilenet_v3.py`` and keras.applications, whose released checkpoints the
paper's figures describe):

* MobileNetV3-Small's ``conv2d, 1x1`` row (576 channels) has no SE although Table 2 marks
  it: with one, Small would have 2.70M parameters where Table 3 and Table 9 print 2.5M, and
  the reference code and keras.applications have none;
* the "conv2d 1x1, NBN" layer of Small is Table 2's 1024 (arXiv v5, as the reference code
  and keras.applications); an earlier text of the paper printed 1280 there, with 66 MAdds
  and 2.9M parameters for Small 1.0 in Table 3 (the reference README repeats 66 / 2.9M):
  ``last_channels=1280`` builds that network (56.9M multiply-adds, 2.9M parameters);
* under a multiplier the first convolution is ``make_divisible(16 * alpha)`` as in the
  reference code (8 at 0.5); keras.applications keeps 16 for every ``alpha`` (the two agree
  for 0.75 and above);
* batch norm as the paper's training setup ("average decay of 0.99", epsilon 1e-3; preset
  ``"keras-default-bn"``; keras.applications uses momentum 0.999); convolutions have no bias
  except the SE convolutions and the NBN layer; "same" padding (keras.applications pads
  stride-2 depthwise layers explicitly, the same arithmetic);
* the NBN layer and the classifier are Dense layers on the pooled features (the reference
  code uses 1x1 convolutions on a 1x1 map: the same map).
"""

from __future__ import annotations

import dataclasses

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_int, check_number, check_rate
from keras_cnns.blocks import batch_norm, conv, conv_norm_act
from keras_cnns.contract import Head, global_pooling, variant
from keras_cnns.mobilenet_v2 import make_divisible

PAPER = ("Howard et al., Searching for MobileNetV3, ICCV 2019 (arXiv:1905.02244)")
PRESET = "keras-default-bn"
SIZES = ("large", "small")
MAX_ALPHA = 4.0


@dataclasses.dataclass(frozen=True)
class Bneck:
    """One ``bneck`` row of Tables 1-2: kernel, exp size, #out, SE, NL, s."""

    kernel: int
    exp: int
    out: int
    se: bool
    nl: str  # "RE" (ReLU) or "HS" (h-swish)
    stride: int


def _rows(*rows) -> tuple[Bneck, ...]:
    return tuple(Bneck(*row) for row in rows)


#: Table 1 (MobileNetV3-Large), the ``bneck`` rows: kernel, exp size, #out, SE, NL, s.
LARGE = _rows(
    (3, 16, 16, False, "RE", 1), (3, 64, 24, False, "RE", 2), (3, 72, 24, False, "RE", 1),
    (5, 72, 40, True, "RE", 2), (5, 120, 40, True, "RE", 1), (5, 120, 40, True, "RE", 1),
    (3, 240, 80, False, "HS", 2), (3, 200, 80, False, "HS", 1), (3, 184, 80, False, "HS", 1),
    (3, 184, 80, False, "HS", 1), (3, 480, 112, True, "HS", 1), (3, 672, 112, True, "HS", 1),
    (5, 672, 160, True, "HS", 2), (5, 960, 160, True, "HS", 1), (5, 960, 160, True, "HS", 1),
)
#: Table 2 (MobileNetV3-Small), the ``bneck`` rows.
SMALL = _rows(
    (3, 16, 16, True, "RE", 2), (3, 72, 24, False, "RE", 2), (3, 88, 24, False, "RE", 1),
    (5, 96, 40, True, "HS", 2), (5, 240, 40, True, "HS", 1), (5, 240, 40, True, "HS", 1),
    (5, 120, 48, True, "HS", 1), (5, 144, 48, True, "HS", 1), (5, 288, 96, True, "HS", 2),
    (5, 576, 96, True, "HS", 1), (5, 576, 96, True, "HS", 1),
)
#: Per size: the rows, the first convolution, the last 1x1 convolution before pooling, the
#: "conv2d 1x1, NBN" layer after it (Table 1: 1280; Table 2: 1024).
SPECS = {"large": (LARGE, 16, 960, 1280), "small": (SMALL, 16, 576, 1024)}
#: The nonlinearities of the NL column.
ACTIVATIONS = {"RE": "relu", "HS": "hard_swish"}
#: SE bottleneck: 1/4 of the expansion channels (Sec. 5.3).
SE_RATIO = 0.25


def squeeze_excite(x, *, name: str, ratio: float = SE_RATIO):
    """Sec. 5.3's SE on ``x``: pool, 1x1 conv to ``make_divisible(C * ratio, 8)`` + ReLU,
    1x1 conv to C + hard sigmoid, times ``x`` (``<name>_squeeze``, ``_reduce``, ``_relu``,
    ``_expand``, ``_hard_sigmoid``, ``_scale``)."""
    channels = x.shape[-1]
    s = keras.layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}_squeeze")(x)
    s = keras.layers.Conv2D(make_divisible(channels * ratio), 1, name=f"{name}_reduce")(s)
    s = keras.layers.Activation("relu", name=f"{name}_relu")(s)
    s = keras.layers.Conv2D(channels, 1, name=f"{name}_expand")(s)
    s = keras.layers.Activation("hard_sigmoid", name=f"{name}_hard_sigmoid")(s)
    return keras.layers.Multiply(name=f"{name}_scale")([x, s])


def bneck(x, row: Bneck, alpha: float, *, name: str, minimalistic: bool = False,
          first_in: int | None = None):
    """One ``bneck`` block: 1x1 expansion + BN + NL (skipped where exp size equals the
    input), k x k depthwise of stride s + BN + NL, SE, linear 1x1 projection + BN, and the
    input added where s = 1 and the channels agree. ``first_in`` is the row's input
    channels at ``alpha = 1`` (the expansion factor is ``row.exp / first_in``)."""
    inputs, channels = x, x.shape[-1]
    kernel, se = (3, False) if minimalistic else (row.kernel, row.se)
    activation = "relu" if minimalistic else ACTIVATIONS[row.nl]
    inner = make_divisible(channels * row.exp / first_in)
    out = make_divisible(row.out * alpha)
    if inner != channels:
        x = conv_norm_act(x, inner, 1, name=f"{name}_expand", conv_name=f"{name}_expand",
                          preset=PRESET, activation=activation)
    x = keras.layers.DepthwiseConv2D(kernel, strides=row.stride, padding="same",
                                     use_bias=False, name=f"{name}_dw")(x)
    x = batch_norm(x, name=f"{name}_dw_bn", preset=PRESET)
    x = keras.layers.Activation(activation, name=f"{name}_dw_{activation}")(x)
    if se:
        x = squeeze_excite(x, name=f"{name}_se")
    x = conv(x, out, 1, name=f"{name}_project", preset=PRESET)
    x = batch_norm(x, name=f"{name}_project_bn", preset=PRESET)
    if row.stride == 1 and channels == out:
        x = keras.layers.Add(name=f"{name}_add")([inputs, x])
    return x


def _check_args(size, alpha, minimalistic, last_channels, dropout) -> None:
    check_choice("size", size, SIZES, "MobileNetV3's size must be 'large' (Table 1) or "
                 "'small' (Table 2).")
    check_number("alpha", alpha, 0.0, MAX_ALPHA, low_open=True,
                 rule=f"MobileNetV3's width multiplier alpha must be in (0, {MAX_ALPHA:g}].")
    check_bool("minimalistic", minimalistic)
    if last_channels is not None:
        check_int("last_channels", last_channels, 1,
                  "`last_channels` must be None or a positive integer.")
    check_rate("dropout", dropout)


@registry.register(
    "mobilenetv3", paper=PAPER, reproduction="mobilenetv3", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("mobilenetv3-{size}-{alpha}", patterns={"size": "large|small"},
                         convert={"alpha": float}),
           registry.name("mobilenetv3-{size}-minimalistic-{alpha}", minimalistic=True,
                         patterns={"size": "large|small"}, convert={"alpha": float})],
    models=[f"mobilenetv3-{size}-{alpha}" for size in SIZES
            for alpha in ("1.0", "0.75", "1.25", "0.5", "0.35")]
    + ["mobilenetv3-large-minimalistic-1.0", "mobilenetv3-small-minimalistic-1.0"],
    aliases={"mobilenetv3": "mobilenetv3-large-1.0", "mobilenet-v3": "mobilenetv3-large-1.0",
             "mobilenetv3-large": "mobilenetv3-large-1.0",
             "mobilenetv3-small": "mobilenetv3-small-1.0",
             "mobilenetv3-large-minimalistic": "mobilenetv3-large-minimalistic-1.0",
             "mobilenetv3-small-minimalistic": "mobilenetv3-small-minimalistic-1.0"},
    smallest="mobilenetv3-small-minimalistic-1.0")
def MobileNetV3(size: str = "large", alpha: float = 1.0, minimalistic: bool = False,
                last_channels: int | None = None, dropout: float = 0.2, *,
                include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
                pooling=None, classes: int = 1000, classifier_activation="softmax",
                name: str | None = None) -> keras.Model:
    """MobileNetV3-Large (Table 1) or -Small (Table 2).

    Args:
        size: ``"large"`` or ``"small"``.
        alpha: width multiplier in (0, 4]; the paper's Table 3 uses 1.0 and 0.75, its
            Fig. 7 and Table 9 0.35, 0.5, 0.75, 1.0 and 1.25.
        minimalistic: the reference implementation's minimalistic model (no SE, h-swish or
            5x5 convolutions).
        last_channels: channels of the last layer ("conv2d 1x1, NBN"); ``None`` is Table
            1's 1280 for Large and Table 2's 1024 for Small (as the reference code and
            keras.applications); 1280 for Small is an earlier text's Table 2. Scaled for
            ``alpha > 1``.
        dropout: dropout rate before the classifier (the paper: "dropout of 0.8", the keep
            probability).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; at least 32x32.
    """
    _check_args(size, alpha, minimalistic, last_channels, dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name="MobileNetV3")
    rows, first, last, top = SPECS[size]
    if last_channels is not None:
        top = last_channels
    act = "relu" if minimalistic else "hard_swish"
    x = conv_norm_act(x, make_divisible(first * alpha), 3, strides=2, name="conv1",
                      conv_name="conv1", preset=PRESET, activation=act)
    previous = first
    for number, row in enumerate(rows, start=1):
        x = bneck(x, row, alpha, name=f"block{number}", minimalistic=minimalistic,
                  first_in=previous)
        previous = row.out
    x = conv_norm_act(x, make_divisible(last * alpha), 1, name="conv_last",
                      conv_name="conv_last", preset=PRESET, activation=act)
    if head.include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        width = make_divisible(top * alpha) if alpha > 1 else top
        x = keras.layers.Dense(width, name="conv_head")(x)  # Table 1's "conv2d 1x1, NBN"
        x = keras.layers.Activation(act, name=f"conv_head_{act}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name="dropout")(x)
        x = head.predictions(x)
    else:
        x = global_pooling(x, head.pooling)
    kind = f"{size}_minimalistic" if minimalistic else size
    return head.model(inputs, x, f"mobilenetv3_{kind}_{alpha:g}".replace(".", "_"))


MobileNetV3Large = variant(MobileNetV3, "MobileNetV3Large",
                           "MobileNetV3-Large (Howard et al. 2019, Table 1).", size="large")
MobileNetV3Small = variant(MobileNetV3, "MobileNetV3Small",
                           "MobileNetV3-Small (Howard et al. 2019, Table 2).", size="small")


__all__ = ["MobileNetV3", "MobileNetV3Large", "MobileNetV3Small", "Bneck", "LARGE", "SMALL",
           "SPECS", "bneck", "squeeze_excite"]
