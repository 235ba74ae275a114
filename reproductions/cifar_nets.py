"""Profiles of the CIFAR residual/dense nets, each built once per process and shared by the
``wrn``, ``densenet`` and ``stochastic-depth`` reproductions (and their tests)."""

from __future__ import annotations

import functools
import time

import keras

import keras_cnns

#: Net key -> (builder, keyword arguments). CIFAR-10 heads (10 classes) throughout.
NETS = {
    "resnet110": (keras_cnns.ResNetCIFAR, dict(depth=110)),
    "resnet1202": (keras_cnns.ResNetCIFAR, dict(depth=1202)),
    "sd_resnet110": (keras_cnns.StochasticDepthResNet, dict(depth=110)),
    "sd_resnet1202": (keras_cnns.StochasticDepthResNet, dict(depth=1202)),
    "preact110": (keras_cnns.PreActResNet, dict(depth=110)),
    "preact164": (keras_cnns.PreActResNet, dict(depth=164)),
    "preact1001": (keras_cnns.PreActResNet, dict(depth=1001)),
    "wrn_40_4": (keras_cnns.WideResNet, dict(depth=40, k=4)),
    "wrn_16_8": (keras_cnns.WideResNet, dict(depth=16, k=8)),
    "wrn_28_10": (keras_cnns.WideResNet, dict(depth=28, k=10)),
    "wrn_16_4": (keras_cnns.WideResNet, dict(depth=16, k=4)),
    "densenet40_k12": (keras_cnns.DenseNet, dict(depth=40, k=12)),
    "densenet100_k12": (keras_cnns.DenseNet, dict(depth=100, k=12)),
    "densenet100_k24": (keras_cnns.DenseNet, dict(depth=100, k=24)),
    "densenet_bc100_k12": (keras_cnns.DenseNetBC, dict(k=12, depth=100)),
    "densenet_bc250_k24": (keras_cnns.DenseNetBC, dict(k=24, depth=250)),
    "densenet_bc190_k40": (keras_cnns.DenseNetBC, dict(k=40, depth=190)),
    "densenet121": (keras_cnns.DenseNet121, {}),
    "densenet169": (keras_cnns.DenseNet169, {}),
    "densenet201": (keras_cnns.DenseNet201, {}),
    "densenet264": (keras_cnns.DenseNet264, {}),
}

def describe(key: str) -> str:
    builder, kwargs = NETS[key]
    args = ", ".join(f"{name}={value!r}" for name, value in kwargs.items())
    return f"keras_cnns.{builder.__name__}({args})"


def build(key: str, materialize: bool = True) -> tuple[keras.Model, float]:
    """Build net ``key``; return the model and the seconds it took.

    ``materialize=False`` builds inside ``keras.StatelessScope``: the graph and every
    variable's shape exist, but no weights are initialised (Keras defers that), which is
    all the complexity engine reads and about twice as fast.
    """
    builder, kwargs = NETS[key]
    start = time.perf_counter()
    if materialize:
        model = builder(**kwargs)
    else:
        with keras.StatelessScope():
            model = builder(**kwargs)
    return model, time.perf_counter() - start


@functools.cache
def profile(key: str):
    """Build net ``key`` once (weights not materialised), profile it, free the graph."""
    model, _ = build(key, materialize=False)
    result = keras_cnns.profile(model)
    del model
    keras.backend.clear_session()
    return result


def trainable(key: str) -> int:
    """Parameters in the papers' convention: weights, biases and BN gamma/beta (the moving
    statistics are buffers, not parameters, in the authors' Torch/PyTorch code)."""
    return profile(key).total("trainable")


def weight_layers(key: str) -> int:
    """Conv and fully-connected layers (the papers' "depth" / "layers")."""
    return len(profile(key).select(("Conv2D", "Dense")))
