"""ShuffleNet (Zhang, Zhou, Lin & Sun, "ShuffleNet: An Extremely Efficient Convolutional Neural
Network for Mobile Devices", CVPR 2018, arXiv:1707.01083; ShuffleNet v1).

Table 1 of the paper: a 3x3 convolution of 24 filters and stride 2, a 3x3 max pool of stride
2, three stages of ShuffleNet units (4, 8 and 4 units; the first of each with stride 2), global
average pooling and the fully-connected classifier. The output channels of Stage 2 depend on
the number of groups ``g`` (:data:`STAGE2`: 144, 200, 240, 272, 384 for g = 1, 2, 3, 4, 8,
chosen so that every model costs about 140 MFLOPs) and double in each later stage.

The unit (Sec. 3.2, Fig. 2b and 2c): a 1x1 pointwise group convolution of ``g`` groups to the
bottleneck width (1/4 of the unit's output channels, Sec. 3.3) + BN + ReLU, the channel
shuffle (:class:`~keras_cnns.layers.ChannelShuffle`), a 3x3 depthwise convolution + BN (no
ReLU after it, "as suggested by Xception"), a 1x1 pointwise group convolution + BN, then

* stride 1: the input added, and ReLU;
* stride 2: a 3x3 average pool (stride 2) of the input concatenated with the branch, whose
  second convolution then has (output - input) channels, and ReLU.

"For Stage 2, we do not apply group convolution on the first pointwise layer because the
number of input channels is relatively small" (Table 1's note): that convolution is dense.
Pointwise group convolutions are ``keras_cnns.blocks.conv(..., groups=g)``.

Scale factor (Sec. 3.3): "ShuffleNet s x means scaling the number of filters in ShuffleNet
1 x by s times". Choices where the paper is silent, after the authors' release
(megvii-model/ShuffleNet-Series, ``ShuffleNetV1/network.py``, which builds g = 3 and 8 at
0.5x, 1x, 1.5x and 2x):

* the first convolution keeps the release's widths: 12 at 0.5x, 24 at 1x and 1.5x, 48 at 2x
  (1.5x with 36 filters would cost 299.6 MFLOPs; the 292 of the paper's Table 5 and of
  MobileNetV2's Table 4 need 24); other scales use 24 * s; the width is then rounded up to
  a multiple of ``g``, as the stride-2 concatenation needs (the release's 0.5x, g = 8: 16);
* the scaled output channels are Table 1's times s exactly wherever that is a multiple of
  g (all the paper's models), and the bottleneck (1/4 of them) is rounded to the nearest
  multiple of g (halves up) where it is not one: 0.25x g=2: 12 (not 12.5), g=4: 16 (not
  17); 0.5x g=2: 26 (not 25), g=4: 36 (not 34); 1.5x g=2: 76, g=4: 104 (Stage 2; the
  later stages are exact). The released models need no rounding.

Departures, named: the classifier is a Dense layer with bias (the release has none; the
FLOPs convention excludes biases); "same" padding for the max pool, the stride-2 depthwise
convolution and the average pool (the release pads one pixel on each side, and its average
pool divides border windows by 9); batch norm and initialiser as the authors' PyTorch code
(preset ``"torch"``). ``shuffle=False`` removes the channel shuffle (Table 3's ablation).
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_number, fail
from keras_cnns.blocks import StageSpec, batch_norm, conv, conv_norm_act, run_stages
from keras_cnns.contract import Head
from keras_cnns.layers import ChannelShuffle

PAPER = ("Zhang, Zhou, Lin & Sun, ShuffleNet: An Extremely Efficient Convolutional Neural "
         "Network for Mobile Devices, CVPR 2018 (arXiv:1707.01083)")
PRESET = "torch"

#: Table 1: output channels of Stage 2 for each number of groups g (Stages 3, 4: x2, x4).
STAGE2 = {1: 144, 2: 200, 3: 240, 4: 272, 8: 384}
GROUPS = tuple(STAGE2)
#: Table 1's "Repeat" column: 1 + 3, 1 + 7, 1 + 3 units.
REPEATS = (4, 8, 4)
#: Table 1's Conv1: 24 filters, 3x3, stride 2.
FIRST_CONV = 24
#: The first convolution of the authors' released scales (ShuffleNet-Series).
RELEASED_FIRST_CONV = {0.5: 12, 1.0: 24, 1.5: 24, 2.0: 48}
#: Bottleneck channels are 1/4 of a unit's output channels (Sec. 3.3).
BOTTLENECK_RATIO = 4
MAX_SCALE = 4.0


def first_conv_channels(g: int, scale: float) -> int:
    """Conv1's filters: the release's width at its scales, else 24 * s; a multiple of g."""
    channels = RELEASED_FIRST_CONV.get(float(scale), max(1, round(FIRST_CONV * scale)))
    return -(-channels // g) * g


def stage_channels(g: int, scale: float) -> tuple[int, int, int]:
    """Output channels of Stages 2-4: Table 1's Stage 2 times ``scale`` (rounded to a
    multiple of g where it is not one), doubled per stage as in Table 1."""
    stage2 = max(g, int(STAGE2[g] * scale / g + 0.5) * g)
    return stage2, 2 * stage2, 4 * stage2


def bottleneck_channels(filters: int, g: int) -> int:
    """A unit's bottleneck: 1/4 of its output channels (Sec. 3.3), rounded to the nearest
    multiple of g (halves up) where it is not one, so that it splits into g groups."""
    return max(g, int(filters / BOTTLENECK_RATIO / g + 0.5) * g)


def shuffle_unit(x, filters: int, strides: int, *, name: str, groups: int,
                 first_groups: int | None = None, shuffle: bool = True, preset=PRESET):
    """The ShuffleNet unit of Fig. 2b (``strides=1``) or 2c (``strides=2``) with ``filters``
    output channels; ``first_groups`` groups the first pointwise convolution (default
    ``groups``; 1 for Stage 2's first unit). Layers ``<name>_gconv1`` (+ ``_bn``,
    ``_relu``), ``_shuffle``, ``_dw`` (+ ``_bn``), ``_gconv2`` (+ ``_bn``), ``_add`` or
    ``_pool`` and ``_concat``, and ``_out`` (ReLU)."""
    inputs, channels = x, x.shape[-1]
    first_groups = groups if first_groups is None else first_groups
    mid = bottleneck_channels(filters, groups)
    out = filters - channels if strides == 2 else filters
    y = conv_norm_act(x, mid, 1, name=f"{name}_gconv1", conv_name=f"{name}_gconv1",
                      groups=first_groups, preset=preset)
    if shuffle and groups > 1:
        y = ChannelShuffle(groups, name=f"{name}_shuffle")(y)
    y = keras.layers.DepthwiseConv2D(3, strides=strides, padding="same", use_bias=False,
                                     name=f"{name}_dw")(y)
    y = batch_norm(y, name=f"{name}_dw_bn", preset=preset)
    y = conv(y, out, 1, name=f"{name}_gconv2", groups=groups, preset=preset)
    y = batch_norm(y, name=f"{name}_gconv2_bn", preset=preset)
    if strides == 2:
        pooled = keras.layers.AveragePooling2D(3, strides=2, padding="same",
                                               name=f"{name}_pool")(inputs)
        y = keras.layers.Concatenate(name=f"{name}_concat")([pooled, y])
    else:
        y = keras.layers.Add(name=f"{name}_add")([inputs, y])
    return keras.layers.Activation("relu", name=f"{name}_out")(y)


def body_stages(g: int, scale: float) -> tuple[StageSpec, ...]:
    """Table 1's Stages 2-4 as stage specs (units ``stage<k>_unit<i>``)."""
    return tuple(StageSpec(f"stage{index}", repeats, filters, 2, options={"groups": g})
                 for index, (repeats, filters) in
                 enumerate(zip(REPEATS, stage_channels(g, scale)), start=2))


def _check_args(g, scale, shuffle) -> None:
    check_choice("g", g, GROUPS, "ShuffleNet's number of groups g must be one of 1, 2, 3, 4, "
                 "8 (Zhang et al. 2018, Table 1).")
    check_number("scale", scale, 0.0, MAX_SCALE, low_open=True,
                 rule=f"ShuffleNet's scale factor s must be in (0, {MAX_SCALE:g}] (Sec. 3.3).")
    check_bool("shuffle", shuffle)
    if stage_channels(g, scale)[0] <= first_conv_channels(g, scale):
        fail(f"ShuffleNet's scale factor s is too small for g={g}: Stage 2 must have more "
             "output channels than Conv1 (its first unit concatenates its input, Fig. 2c).",
             "scale", scale)


@registry.register(
    "shufflenet", paper=PAPER, reproduction="shufflenet", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("shufflenet-{scale}x-g{g}", convert={"scale": float, "g": int})],
    models=[f"shufflenet-{s}x-g{g}" for s in ("1.0", "0.5", "0.25") for g in GROUPS]
    + ["shufflenet-1.5x-g3", "shufflenet-2.0x-g3"],
    aliases={"shufflenet": "shufflenet-1.0x-g3", "shufflenet-v1": "shufflenet-1.0x-g3"},
    smallest="shufflenet-0.25x-g3")
def ShuffleNet(g: int = 3, scale: float = 1.0, shuffle: bool = True, *,
               include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
               pooling=None, classes: int = 1000, classifier_activation="softmax",
               name: str | None = None) -> keras.Model:
    """ShuffleNet s x (g = ...) of Table 1 and Sec. 3.3.

    Args:
        g: number of groups of the pointwise group convolutions: 1, 2, 3, 4 or 8.
        scale: the scale factor s in (0, 4]; the paper uses 0.25, 0.5, 1, 1.5 and 2.
        shuffle: the channel shuffle (``False``: Table 3's "no shuffle" ablation).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; at least 32x32.
    """
    _check_args(g, scale, shuffle)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name="ShuffleNet")
    x = conv_norm_act(x, first_conv_channels(g, scale), 3, strides=2, name="conv1",
                      conv_name="conv1", preset=PRESET)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = run_stages(x, body_stages(g, scale), shuffle_unit, shuffle=shuffle,
                   block_name=lambda spec, index, number: f"{spec.name}_unit{index}",
                   numbered=lambda number: {"first_groups": 1 if number == 1 else g})
    x = head.classifier(x)
    suffix = "" if shuffle else "_noshuffle"
    return head.model(inputs, x, f"shufflenet_{scale:g}x_g{g}{suffix}".replace(".", "_"))


__all__ = ["ShuffleNet", "GROUPS", "REPEATS", "STAGE2", "bottleneck_channels",
           "first_conv_channels", "shuffle_unit", "stage_channels"]
