"""The convolution -> batch norm -> activation unit, with each paper's conventions as presets."""

from __future__ import annotations

import dataclasses

import keras

from keras_cnns.arguments import check_choice, check_int
from keras_cnns.layers.grouped_conv import conv2d

__all__ = ["PRESETS", "ConvPreset", "batch_norm", "conv", "conv_norm_act", "norm_act"]


@dataclasses.dataclass(frozen=True)
class ConvPreset:
    """How a paper's reference code sets up its conv-BN pairs.

    ``bn_momentum`` is Keras' (the weight of the old moving average; Torch's 0.1 is 0.9).
    ``bn_scale=False`` drops the batch norm's gamma (TF-slim's ``batch_norm`` default: the
    ReLU that follows makes a per-channel scale redundant for the next convolution).
    """

    bn_epsilon: float
    bn_momentum: float
    kernel_initializer: str | dict  # a Keras initializer name or config
    source: str
    bn_scale: bool = True


#: Named presets. Every builder names the one it uses.
PRESETS = {
    "keras": ConvPreset(1.001e-5, 0.99, "glorot_uniform",
                        "keras.applications ResNet: BN epsilon 1.001e-5, Keras' default "
                        "initialiser"),
    "keras-default-bn": ConvPreset(1e-3, 0.99, "glorot_uniform",
                                   "Keras' BatchNormalization defaults (keras.applications "
                                   "MobileNet)"),
    "slim-mobilenet": ConvPreset(1e-3, 0.997, "glorot_uniform",
                                 "TF-slim nets/mobilenet training_scope (MobileNetV2): batch "
                                 "norm decay 0.997, epsilon 1e-3; Keras' default initialiser"),
    "torch": ConvPreset(1e-5, 0.9, "he_normal",
                        "the authors' Torch code (fb.resnet.torch, wide-residual-networks): "
                        "BN epsilon 1e-5, momentum 0.1, He-normal convolutions"),
    "densenet": ConvPreset(1.001e-5, 0.99, "he_normal",
                           "keras.applications DenseNet's BN epsilon, the DenseNet authors' "
                           "He-normal convolutions"),
    "efficientnet": ConvPreset(1e-3, 0.99,
                               {"class_name": "VarianceScaling",
                                "config": {"scale": 2.0, "mode": "fan_out",
                                           "distribution": "truncated_normal"}},
                               "the reference EfficientNet (tensorflow/tpu "
                               "models/official/efficientnet, keras.applications): BN epsilon "
                               "1e-3, momentum 0.99, fan-out truncated-normal convolutions"),
    "mobilenetv2": ConvPreset(1e-3, 0.999, "glorot_uniform",
                              "keras.applications MobileNetV2: BN epsilon 1e-3, momentum "
                              "0.999"),
    "tf-slim-inception": ConvPreset(1e-3, 0.9997, "he_normal",
                                    "TF-slim inception_utils.inception_arg_scope (Inception-v2/v3/"
                                    "v4, Inception-ResNet-v2): BN epsilon 0.001, decay 0.9997, no "
                                    "gamma (slim.batch_norm scale=False), variance-scaling (He) "
                                    "initialiser", bn_scale=False),
    "bn-inception": ConvPreset(1e-3, 0.9997, "he_normal",
                               "Ioffe & Szegedy 2015, Alg. 1: batch norm with a learned scale "
                               "gamma and shift beta; epsilon 0.001 and decay 0.9997 from TF-slim "
                               "inception_v2 (the paper prints neither)"),
}


def _preset(preset: str | ConvPreset) -> ConvPreset:
    if isinstance(preset, ConvPreset):
        return preset
    check_choice("preset", preset, PRESETS)
    return PRESETS[preset]


def conv(x, filters: int, kernel: int, *, name: str, strides: int = 1, groups: int = 1,
         padding: str = "same", dilation: int = 1, use_bias: bool = False,
         preset: str | ConvPreset = "keras", activation=None):
    """One ``Conv2D`` with the preset's initialiser (no bias by default: a BN follows)."""
    check_int("filters", filters)
    check_int("groups", groups)
    return conv2d(filters, kernel, strides=strides, padding=padding, groups=groups,
                  dilation_rate=dilation, use_bias=use_bias, activation=activation,
                  kernel_initializer=_preset(preset).kernel_initializer, name=name)(x)


def batch_norm(x, *, name: str, preset: str | ConvPreset = "keras"):
    p = _preset(preset)
    return keras.layers.BatchNormalization(epsilon=p.bn_epsilon, momentum=p.bn_momentum,
                                           scale=p.bn_scale, name=name)(x)


def norm_act(x, *, name: str, preset: str | ConvPreset = "keras", activation: str = "relu"):
    """BN then activation, named ``<name>_bn`` and ``<name>_<activation>`` (pre-activation)."""
    x = batch_norm(x, name=f"{name}_bn", preset=preset)
    return keras.layers.Activation(activation, name=f"{name}_{activation}")(x)


def conv_norm_act(x, filters: int, kernel: int, *, name: str, strides: int = 1,
                  groups: int = 1, padding: str = "same", dilation: int = 1,
                  preset: str | ConvPreset = "keras", activation: str | None = "relu",
                  conv_name: str | None = None):
    """Conv (no bias) -> BN -> activation, named ``<name>_conv``, ``<name>_bn`` and
    ``<name>_<activation>`` (``conv_name`` overrides the first; ``activation=None`` stops
    after the BN)."""
    x = conv(x, filters, kernel, name=conv_name or f"{name}_conv", strides=strides,
             groups=groups, padding=padding, dilation=dilation, preset=preset)
    x = batch_norm(x, name=f"{name}_bn", preset=preset)
    if activation is not None:
        x = keras.layers.Activation(activation, name=f"{name}_{activation}")(x)
    return x
