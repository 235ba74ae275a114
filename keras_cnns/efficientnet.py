"""EfficientNet (Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
Networks", ICML 2019, arXiv:1905.11946).

EfficientNet-B0 is Table 1 of the paper: a 3x3 stride-2 convolution (32 channels), seven
stages of mobile inverted bottlenecks MBConv (Sandler et al. 2018; Tan et al. 2019) with
squeeze-and-excitation (Hu et al. 2018), a 1x1 convolution to 1280 channels, global average
pooling and a fully-connected classifier; swish activations throughout (Sec. 5.2). An
MBConv-t block (Sec. 4) is: 1x1 expansion to t times its input channels (none for t = 1),
k x k depthwise convolution (the stride of the stage's first block), SE, 1x1 linear
projection, and an identity shortcut where the shape is kept, with stochastic depth ("drop
connect") on the branch.

Compound scaling (Sec. 3.3, Eq. 3): depth ``d = alpha^phi``, width ``w = beta^phi``,
resolution ``r = gamma^phi`` with alpha = 1.2, beta = 1.1, gamma = 1.15 (the step-1 grid
search on B0, Sec. 4). ``EfficientNet(phi=...)`` scales B0 by any compound coefficient;
``EfficientNet(width=, depth=, resolution=)`` by explicit multipliers; B0-B7 use the
published (width, depth, resolution, dropout) of the reference implementation
(tensorflow/tpu models/official/efficientnet, ``efficientnet_builder.efficientnet_params``),
which keras.applications copies.

Rounding rules of the reference implementation (also keras.applications'):

* channels: ``round_filters`` multiplies by ``w``, rounds to the nearest multiple of 8
  (at least 8) and adds 8 when that loses more than 10%; the stem (32) and head (1280)
  are scaled too;
* layers: ``round_repeats`` is ``ceil(d * L_i)`` per stage (stem and head are not repeated);
* resolution: the B-models' are printed by hand; for ``phi`` we take ``round(224 * gamma^phi)``
  (the reference code has no rule for it).

The SE block of every MBConv squeezes to ``max(1, int(0.25 * input channels of the block))``
with swish, excites with a sigmoid, both as 1x1 convolutions with biases (reference code).
Stochastic depth: block ``b`` of ``N`` (counted from 0) drops its branch with probability
``0.2 * b / N``, per example, scaling the kept ones by ``1 / (1 - rate)`` (the reference
code's ``drop_connect``; the survival probability falls linearly to 0.8, Huang et al. 2016's
linear-decay rule); here a ``Dropout`` with noise shape ``(batch, 1, 1, 1)``.

Departures, named:

* no input preprocessing layers: keras.applications' EfficientNet starts with
  ``Rescaling(1/255)`` and ``Normalization``; ours takes normalised images like every other
  builder of the suite (:func:`keras_cnns.pretrained.copy_from_twin` skips those layers;
  ``weights="imagenet"`` prepends them, with the twin's values, so that the model takes the
  twin's raw [0, 255] input);
* "same" padding on every convolution (the reference code's); keras.applications pads
  stride-2 convolutions explicitly (``ZeroPadding2D``) with the same result;
* layer names follow keras.applications (``block2a_expand_conv``, ``block2a_dwconv``,
  ``block2a_se_reduce``, ``block2a_project_bn``, ``top_conv``), except the activation layers
  (``<unit>_swish``) and the SE squeeze, which keeps its spatial axes (no ``se_reshape``).
"""

from __future__ import annotations

import math
import string

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_int, check_number, check_rate, fail, is_int
from keras_cnns.blocks import (PRESETS, StageSpec, batch_norm, conv, conv_norm_act,
                               get_attention, register_attention, run_stages)
from keras_cnns.contract import Head, global_pooling, variant

__all__ = ["ALPHA", "BETA", "GAMMA", "EfficientNet", "EfficientNetB0", "EfficientNetB1",
           "EfficientNetB2", "EfficientNetB3", "EfficientNetB4", "EfficientNetB5",
           "EfficientNetB6", "EfficientNetB7", "STAGES", "VARIANTS", "compound",
           "mbconv_block", "round_filters", "round_repeats"]

PAPER = ("Tan & Le, EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks, "
         "ICML 2019 (arXiv:1905.11946)")
PRESET = "efficientnet"
ACTIVATION = "swish"

#: Table 1, stages 2-8: (MBConv expansion t, kernel k, channels C_i, layers L_i, stride of
#: the stage's first layer). The strides are the reference code's (the table prints each
#: stage's input resolution: 112, 112, 56, 28, 14, 14, 7).
STAGES: tuple[tuple[int, int, int, int, int], ...] = (
    (1, 3, 16, 1, 1),
    (6, 3, 24, 2, 2),
    (6, 5, 40, 2, 2),
    (6, 3, 80, 3, 2),
    (6, 5, 112, 3, 1),
    (6, 5, 192, 4, 2),
    (6, 3, 320, 1, 1),
)
#: Table 1, stage 1 (Conv3x3, stride 2) and stage 9 (Conv1x1 before pooling and FC).
STEM_FILTERS, HEAD_FILTERS = 32, 1280
BASE_RESOLUTION = 224
SE_RATIO = 0.25
DIVISOR = 8
#: Step 1 of Sec. 4: "the best values for EfficientNet-B0 are alpha = 1.2, beta = 1.1,
#: gamma = 1.15" (depth, width, resolution).
ALPHA, BETA, GAMMA = 1.2, 1.1, 1.15
#: (width, depth, resolution, dropout) of B0-B7: the reference implementation's
#: ``efficientnet_params``; Sec. 5.2 "linearly increase dropout ratio from 0.2 for
#: EfficientNet-B0 to 0.5 for EfficientNet-B7".
VARIANTS: dict[str, tuple[float, float, int, float]] = {
    "B0": (1.0, 1.0, 224, 0.2),
    "B1": (1.0, 1.1, 240, 0.2),
    "B2": (1.1, 1.2, 260, 0.3),
    "B3": (1.2, 1.4, 300, 0.3),
    "B4": (1.4, 1.8, 380, 0.4),
    "B5": (1.6, 2.2, 456, 0.4),
    "B6": (1.8, 2.6, 528, 0.5),
    "B7": (2.0, 3.1, 600, 0.5),
}
#: The classifier's initialiser in the reference code (uniform, fan-out, scale 1/3).
DENSE_INITIALIZER = {"class_name": "VarianceScaling",
                     "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}
MIN_SIZE = 32
#: Deeper networks nest their stages (an MBConv block is 13-16 layers; Keras walks functional
#: graphs recursively, and a flat graph of 96 blocks, d = 6, overflows Python's recursion
#: limit, while B7's 55 blocks and d = 4's 64 build flat, with keras.applications' names).
MAX_FLAT_BLOCKS = 64


def round_filters(filters: int, width: float, divisor: int = DIVISOR) -> int:
    """Channels of a layer of ``filters`` channels at width multiplier ``width`` (the
    reference code's ``round_filters``)."""
    scaled = filters * width
    rounded = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * scaled:  # never round down by more than 10%
        rounded += divisor
    return int(rounded)


def round_repeats(repeats: int, depth: float) -> int:
    """Layers of a stage of ``repeats`` layers at depth multiplier ``depth``: ``ceil(d * L)``."""
    return int(math.ceil(depth * repeats))


def compound(phi: float, alpha: float = ALPHA, beta: float = BETA,
             gamma: float = GAMMA) -> tuple[float, float, int]:
    """Eq. 3: ``(width beta^phi, depth alpha^phi, resolution round(224 gamma^phi))``."""
    return beta ** phi, alpha ** phi, int(round(BASE_RESOLUTION * gamma ** phi))


# --------------------------------------------------------------------------- blocks


@register_attention("se-efficientnet")
def _se_factory(squeeze: int = 1, activation: str = ACTIVATION):
    """The SE of MBConv: squeeze to ``squeeze`` channels (a quarter of the block's input),
    1x1 convolutions with biases, swish then sigmoid; layers ``<name>_se_*``."""
    check_int("squeeze", squeeze)
    return lambda x, name: squeeze_excite_conv(x, squeeze, name=f"{name}_se",
                                               activation=activation)


def squeeze_excite_conv(x, squeeze: int, *, name: str, activation: str = ACTIVATION):
    """SE (Hu et al. 2018, Fig. 1) as the reference EfficientNet builds it: global average
    pooling (``<name>_squeeze``), 1x1 conv to ``squeeze`` channels with ``activation``
    (``<name>_reduce``), 1x1 conv back with a sigmoid (``<name>_expand``), channel-wise
    product (``<name>_excite``)."""
    channels = x.shape[-1]
    init = PRESETS[PRESET].kernel_initializer
    s = keras.layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}_squeeze")(x)
    s = keras.layers.Conv2D(squeeze, 1, activation=activation, kernel_initializer=init,
                            name=f"{name}_reduce")(s)
    s = keras.layers.Conv2D(channels, 1, activation="sigmoid", kernel_initializer=init,
                            name=f"{name}_expand")(s)
    return keras.layers.Multiply(name=f"{name}_excite")([x, s])


def mbconv_block(x, filters: int, strides: int = 1, *, name: str, expand: int = 6,
                 kernel: int = 3, se_ratio: float = SE_RATIO, drop_rate: float = 0.0,
                 activation: str = ACTIVATION):
    """MBConv-``expand`` with a ``kernel`` x ``kernel`` depthwise convolution (Sec. 4,
    Table 1): [1x1 expansion + BN + swish] -> depthwise + BN + swish -> SE -> 1x1
    projection + BN (linear) -> [+ input, the branch dropped with ``drop_rate``]."""
    inputs = x
    filters_in = x.shape[-1]
    if expand != 1:
        x = conv_norm_act(x, filters_in * expand, 1, name=f"{name}_expand", preset=PRESET,
                          activation=activation)
    x = keras.layers.DepthwiseConv2D(kernel, strides=strides, padding="same", use_bias=False,
                                     depthwise_initializer=PRESETS[PRESET].kernel_initializer,
                                     name=f"{name}_dwconv")(x)
    x = batch_norm(x, name=f"{name}_bn", preset=PRESET)
    x = keras.layers.Activation(activation, name=f"{name}_{activation}")(x)
    if se_ratio:
        squeeze = max(1, int(filters_in * se_ratio))
        x = get_attention(("se-efficientnet", {"squeeze": squeeze,
                                               "activation": activation}))(x, name)
    x = conv(x, filters, 1, name=f"{name}_project_conv", preset=PRESET)
    x = batch_norm(x, name=f"{name}_project_bn", preset=PRESET)
    if strides == 1 and filters_in == filters:
        if drop_rate:
            x = keras.layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1),
                                     name=f"{name}_drop")(x)
        x = keras.layers.Add(name=f"{name}_add")([x, inputs])
    return x


def _letters(index: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (keras.applications' block letters, continued)."""
    out = ""
    while index:
        index, rest = divmod(index - 1, 26)
        out = string.ascii_lowercase[rest] + out
    return out


def _block_name(spec: StageSpec, index: int, number: int) -> str:
    return f"block{spec.name}{_letters(index)}"


def stage_specs(width: float, depth: float) -> tuple[StageSpec, ...]:
    """Table 1's MBConv stages 2-8 scaled by ``width`` and ``depth`` (named 1-7, as
    keras.applications numbers its blocks)."""
    return tuple(StageSpec(str(index), round_repeats(repeats, depth), round_filters(c, width),
                           strides, options={"expand": t, "kernel": k})
                 for index, (t, k, c, repeats, strides) in enumerate(STAGES, start=1))


# --------------------------------------------------------------------------- builder


def _check_multiplier(key: str, value) -> None:
    if value is not None:
        check_number(key, value, 0.0, 64.0, low_open=True,
                     rule=f"EfficientNet's {key} multiplier must be None or a number in "
                          "(0, 64].")


def _check_args(phi, width, depth, resolution, dropout, drop_connect_rate) -> None:
    if phi is not None:
        check_number("phi", phi, 0.0, 32.0,
                     rule="EfficientNet's compound coefficient phi must be None or a number "
                          "in [0, 32] (Eq. 3).")
    _check_multiplier("width", width)
    _check_multiplier("depth", depth)
    if resolution is not None and (not is_int(resolution) or not MIN_SIZE <= resolution <= 4096):
        fail(f"EfficientNet's resolution (input height and width, r x 224 pixels) must be None "
             f"or an integer in [{MIN_SIZE}, 4096].", "resolution", resolution)
    if phi is not None and any(v is not None for v in (width, depth, resolution)):
        fail("EfficientNet takes the compound coefficient phi or explicit width, depth and "
             "resolution multipliers, not both.", "phi", phi)
    check_rate("dropout", dropout)
    check_rate("drop_connect_rate", drop_connect_rate)


def _default_name(width: float, depth: float, resolution: int, dropout: float) -> str:
    for key, values in VARIANTS.items():
        if values == (width, depth, resolution, dropout):
            return f"efficientnet{key.lower()}"
    return f"efficientnet_w{width:g}_d{depth:g}_r{resolution}".replace(".", "_")


@registry.register(
    "efficientnet", paper=PAPER, reproduction="efficientnet", input_shape=(224, 224, 3),
    classes=1000, min_size=MIN_SIZE,
    names=[*[registry.name(f"efficientnet-{key.lower()}", width=w, depth=d, resolution=r,
                           dropout=p) for key, (w, d, r, p) in VARIANTS.items()],
           registry.name("efficientnet-phi{phi}"),
           registry.name("efficientnet-w{width}-d{depth}-r{resolution}",
                         convert={"width": float, "depth": float, "resolution": int})],
    models=[f"efficientnet-{key.lower()}" for key in VARIANTS],
    aliases={"efficientnet": "efficientnet-b0",
             **{f"efficientnet{key.lower()}": f"efficientnet-{key.lower()}" for key in VARIANTS}},
    smallest="efficientnet-w0.25-d0.25-r32")
def EfficientNet(phi: float | None = None, width: float | None = None,
                 depth: float | None = None, resolution: int | None = None,
                 dropout: float = 0.2, drop_connect_rate: float = 0.2, *,
                 include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
                 pooling=None, classes: int = 1000, classifier_activation="softmax",
                 name: str | None = None) -> keras.Model:
    """EfficientNet-B0 (Table 1) scaled by a compound coefficient or explicit multipliers.

    Args:
        phi: compound coefficient (Eq. 3): width 1.1^phi, depth 1.2^phi, resolution
            round(224 * 1.15^phi). Not together with ``width``/``depth``/``resolution``.
        width: width multiplier w (channels through ``round_filters``); default 1.
        depth: depth multiplier d (layers per stage ``ceil(d * L_i)``); default 1.
        resolution: the input resolution r x 224 in pixels the model is built for when
            neither ``input_shape`` nor ``input_tensor`` is given (as keras.applications'
            ``default_size``); default 224.
        dropout: dropout rate before the classifier (0.2 for B0 ... 0.5 for B7).
        drop_connect_rate: largest stochastic-depth drop rate, reached by the last block
            (0.2: survival probability 0.8, Sec. 5.2).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; inputs at least 32x32.
    """
    _check_args(phi, width, depth, resolution, dropout, drop_connect_rate)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    if phi is not None:
        width, depth, resolution = compound(phi)
        if resolution < MIN_SIZE:
            fail(f"phi gives a resolution under {MIN_SIZE} pixels.", "phi", phi)
    width = 1.0 if width is None else width
    depth = 1.0 if depth is None else depth
    resolution = BASE_RESOLUTION if resolution is None else resolution
    inputs, x = head.inputs((resolution, resolution, 3), min_size=MIN_SIZE,
                            model_name="EfficientNet")
    x = conv_norm_act(x, round_filters(STEM_FILTERS, width), 3, strides=2, name="stem",
                      preset=PRESET, activation=ACTIVATION)
    stages = stage_specs(width, depth)
    total = sum(spec.repeats for spec in stages)
    x = run_stages(x, stages, mbconv_block, block_name=_block_name,
                   numbered=lambda number: {"drop_rate": drop_connect_rate * (number - 1) / total},
                   nest=total > MAX_FLAT_BLOCKS)
    x = conv_norm_act(x, round_filters(HEAD_FILTERS, width), 1, name="top", preset=PRESET,
                      activation=ACTIVATION)
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name="top_dropout")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation,
                               kernel_initializer=DENSE_INITIALIZER, name="predictions")(x)
    else:
        x = global_pooling(x, pooling)
    return head.model(inputs, x, _default_name(width, depth, resolution, dropout))


def _variant(key: str):
    w, d, r, p = VARIANTS[key]
    return variant(EfficientNet, f"EfficientNet{key}",
                   f"EfficientNet-{key} (Table 2): width {w}, depth {d}, resolution {r}, "
                   f"dropout {p} (the reference implementation's parameters).",
                   width=w, depth=d, resolution=r, dropout=p)


EfficientNetB0 = _variant("B0")
EfficientNetB1 = _variant("B1")
EfficientNetB2 = _variant("B2")
EfficientNetB3 = _variant("B3")
EfficientNetB4 = _variant("B4")
EfficientNetB5 = _variant("B5")
EfficientNetB6 = _variant("B6")
EfficientNetB7 = _variant("B7")
