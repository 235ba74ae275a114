"""MobileNet (Howard et al. 2017, "MobileNets: Efficient Convolutional Neural Networks for
Mobile Vision Applications", arXiv:1704.04861).

The body is Table 1 of the paper: a full 3x3 convolution of stride 2, then thirteen depthwise
separable convolutions (3x3 depthwise + BN + ReLU, 1x1 pointwise + BN + ReLU, Fig. 3), a
global 7x7 average pool and a fully-connected classifier. Sec. 3.3 adds the width multiplier
``alpha`` (every layer's channels times alpha) and the resolution multiplier ``rho`` (the input
resolution 224 * rho; we take the resolution itself). Sec. 4.1 adds two ablations: "Conv
MobileNet" (Table 4, every separable pair replaced by one full 3x3 convolution) and "Shallow
MobileNet" (Table 5, the five separable layers of size 14x14x512 removed).

Deliberate choices, where the paper is silent or differs from its reference implementation
(TF-slim ``nets/mobilenet_v1.py``):

* the last depthwise layer (``conv_dw_13``) has stride 1, as in the reference implementation
  and as Table 1's own next row (input 7x7x1024) requires; Table 1 prints "s2" there;
* channels under ``alpha`` are ``max(8, floor(alpha * N))``, the reference implementation's
  ``depth()`` rule with ``min_depth=8`` (keras.applications uses ``int(alpha * N)``; the two
  agree for every alpha >= 0.25);
* ReLU as in the paper by default; ``activation="relu6"`` is the reference implementation's
  (and keras.applications') ReLU6, which the released weights need (``weights="imagenet"``
  selects it unless ``activation`` is given); convolutions have no bias
  (each is followed by batch norm); "same" padding throughout; the classifier is a Dense layer
  with bias after global average pooling (the reference uses an equivalent 1x1 convolution).
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_number, check_rate, fail, is_int
from keras_cnns.blocks import StageSpec, batch_norm, conv_norm_act, run_stages
from keras_cnns.contract import Head

PAPER = ("Howard et al., MobileNets: Efficient Convolutional Neural Networks for Mobile Vision "
         "Applications, 2017 (arXiv:1704.04861)")
PRESET = "keras-default-bn"

#: Table 1 of the paper after the first convolution: one (stride, filters) pair per depthwise
#: separable layer, rows "Conv dw / s<stride>" + "Conv / s1 1x1x M x <filters>".
SEPARABLE_LAYERS: tuple[tuple[int, int], ...] = (
    (1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512),
    (1, 512), (1, 512), (1, 512), (1, 512), (1, 512),  # "5x" rows, 14x14x512
    (2, 1024), (1, 1024),
)
#: Table 1's first row: "Conv / s2, 3x3x3x32".
FIRST_CONV = (2, 32)
#: The separable layers Shallow MobileNet removes (Sec. 4.1: "the 5 layers of separable
#: filters with feature size 14x14x512"), numbered from 1 as in our layer names.
SHALLOW_REMOVED = (7, 8, 9, 10, 11)
#: Smallest channel count under the width multiplier (reference implementation's min_depth).
MIN_DEPTH = 8


def scaled_channels(filters: int, alpha: float) -> int:
    """Channels of a layer with ``filters`` channels at width multiplier ``alpha``."""
    return max(MIN_DEPTH, int(filters * alpha))


def separable_block(x, filters: int, strides: int, *, name: str, activation: str = "relu"):
    """Fig. 3 right: 3x3 depthwise + BN + ReLU, then 1x1 pointwise + BN + ReLU; ``name`` is
    the layer number (``conv_dw_<n>``, ``conv_pw_<n>``); ``activation`` "relu" or "relu6"."""
    x = keras.layers.DepthwiseConv2D(3, strides=strides, padding="same", use_bias=False,
                                     name=f"conv_dw_{name}")(x)
    x = batch_norm(x, name=f"conv_dw_{name}_bn", preset=PRESET)
    x = keras.layers.Activation(activation, name=f"conv_dw_{name}_relu")(x)
    return conv_norm_act(x, filters, 1, name=f"conv_pw_{name}", conv_name=f"conv_pw_{name}",
                         preset=PRESET, activation=activation)


def full_conv_block(x, filters: int, strides: int, *, name: str, activation: str = "relu"):
    """Fig. 3 left (Conv MobileNet, Table 4): one full 3x3 conv + BN + ReLU."""
    return conv_norm_act(x, filters, 3, strides=strides, name=f"conv_full_{name}",
                         conv_name=f"conv_full_{name}", preset=PRESET, activation=activation)


def body_stages(alpha: float, shallow: bool) -> tuple[StageSpec, ...]:
    """Table 1's separable layers as one-block stages named by their layer number."""
    return tuple(StageSpec(str(number), 1, scaled_channels(filters, alpha), stride)
                 for number, (stride, filters) in enumerate(SEPARABLE_LAYERS, start=1)
                 if not (shallow and number in SHALLOW_REMOVED))


#: ``MobileNet(activation=...)``: the paper's ReLU, or the reference implementation's ReLU6.
ACTIVATIONS = ("relu", "relu6")


def _check_args(alpha, resolution, shallow, separable, dropout, activation="relu") -> None:
    check_number("alpha", alpha, 0.0, 1.0, low_open=True,
                 rule="MobileNet's width multiplier alpha must be in (0, 1] (Howard et al. "
                      "2017, Sec. 3.3).")
    if resolution is not None and (not is_int(resolution) or resolution < 32 or resolution % 32):
        fail("MobileNet's resolution must be a multiple of 32 and at least 32 (five stride-2 "
             "layers).", "resolution", resolution)
    check_bool("shallow", shallow)
    check_bool("separable", separable)
    check_rate("dropout", dropout)
    check_choice("activation", activation, ACTIVATIONS,
                 "MobileNet's activation must be 'relu' (the paper) or 'relu6' (the reference "
                 "implementation and keras.applications).")


@registry.register(
    "mobilenet", paper=PAPER, reproduction="mobilenet", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("mobilenet-{alpha}-{resolution}",
                         convert={"alpha": float, "resolution": int}),
           registry.name("shallow-mobilenet-{alpha}-{resolution}", shallow=True,
                         convert={"alpha": float, "resolution": int}),
           registry.name("conv-mobilenet-{alpha}-{resolution}", separable=False,
                         convert={"alpha": float, "resolution": int})],
    models=[f"mobilenet-{a}-{r}" for a in ("1.0", "0.75", "0.5", "0.25")
            for r in (224, 192, 160, 128)]
    + ["shallow-mobilenet-1.0-224", "conv-mobilenet-1.0-224"],
    aliases={"mobilenet": "mobilenet-1.0-224", "mobilenet-v1": "mobilenet-1.0-224",
             **{f"mobilenet-{a}": f"mobilenet-{a}-224" for a in ("1.0", "0.75", "0.5", "0.25")}},
    smallest="mobilenet-0.25-32")
def MobileNet(alpha: float = 1.0, resolution: int | None = None, shallow: bool = False,
              separable: bool = True, dropout: float = 1e-3, activation: str = "relu", *,
              include_top: bool = True,
              weights=None, input_tensor=None, input_shape=None, pooling=None,
              classes: int = 1000, classifier_activation="softmax",
              name: str | None = None) -> keras.Model:
    """MobileNet of Table 1, with the width and resolution multipliers of Sec. 3.3.

    Args:
        alpha: width multiplier in (0, 1]; Table 6 uses 1.0, 0.75, 0.5 and 0.25.
        resolution: input height and width (224 * rho), a multiple of 32; Table 7 uses 224,
            192, 160 and 128. ``None`` means 224, or the size of ``input_shape``.
        shallow: Shallow MobileNet of Table 5 (separable layers 7-11 removed).
        separable: ``False`` builds Conv MobileNet of Table 4 (full 3x3 convolutions).
        dropout: dropout rate before the classifier (1e-3: the reference keeps 0.999).
        activation: ``"relu"`` (the paper, default) or ``"relu6"`` (TF-slim's
            ``mobilenet_v1`` and keras.applications' ``MobileNet``, whose released weights
            need it: ``weights="imagenet"`` builds ``"relu6"`` unless ``activation`` is
            given, and refuses ``"relu"``). Every 224 * rho resolution of Table 7 is
            even at each stride-2 layer, where "same" and keras.applications' explicit
            ``((0, 1), (0, 1))`` padding agree.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; at least 32x32.
    """
    _check_args(alpha, resolution, shallow, separable, dropout, activation)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    if resolution is not None and (input_shape is not None or input_tensor is not None):
        shape = head.shape((resolution, resolution, 3))
        if tuple(shape[:2]) != (resolution, resolution):
            fail("MobileNet's resolution and input shape must agree (pass one of them).",
                 "input_shape", shape)
    size = resolution or 224
    inputs, x = head.inputs((size, size, 3), min_size=32, model_name="MobileNet")
    stride, filters = FIRST_CONV
    x = conv_norm_act(x, scaled_channels(filters, alpha), 3, strides=stride, name="conv1",
                      conv_name="conv1", preset=PRESET, activation=activation)
    x = run_stages(x, body_stages(alpha, shallow),
                   separable_block if separable else full_conv_block,
                   block_name=lambda spec, index, number: spec.name, activation=activation)
    x = head.classifier(x, dropout)
    return head.model(inputs, x, _default_name(alpha, size, shallow, separable))


def _default_name(alpha: float, size: int, shallow: bool, separable: bool) -> str:
    kind = "mobilenet" if separable else "conv_mobilenet"
    if shallow:
        kind = f"shallow_{kind}"
    return f"{kind}_{alpha:g}_{size}".replace(".", "_")


def reduction_factor(filters: int, kernel: int = 3) -> float:
    """Sec. 3.1: separable / standard cost is ``1/N + 1/D_K^2``; this returns its inverse."""
    return 1.0 / (1.0 / filters + 1.0 / kernel ** 2)


__all__ = ["MobileNet", "scaled_channels", "reduction_factor", "separable_block",
           "full_conv_block", "SEPARABLE_LAYERS", "SHALLOW_REMOVED"]
