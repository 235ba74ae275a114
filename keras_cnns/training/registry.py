"""Model registry: a training name such as ``wrn-28-10`` -> a builder call returning logits.

Entries are registered with :func:`register`; a family's module registers its own names (or
the lead does after merging), so recipes and the CLI never import builders directly. Every
builder is called as ``builder(classes=..., input_shape=..., **options)`` and must return a
model whose (first) output is logits; extra outputs are auxiliary classifiers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import keras

from keras_cnns import _common


@dataclasses.dataclass(frozen=True)
class Entry:
    name: str
    build: Callable[..., keras.Model]
    family: str
    input_shape: tuple | None = None  # fixed input size; None = the dataset's image size
    accepts_dropout: bool = False


_REGISTRY: dict[str, Entry] = {}


def register(name: str, family: str, input_shape: tuple | None = None,
             accepts_dropout: bool = False):
    """Decorator: ``@register("wrn-28-10", "wrn")`` over ``fn(classes, input_shape, **kw)``."""
    def wrap(fn):
        _REGISTRY[name] = Entry(name, fn, family, input_shape, accepts_dropout)
        return fn
    return wrap


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def entry(name: str) -> Entry:
    _common.check_choice("model", name, _REGISTRY,
                         f"Unknown model; registered models are {', '.join(_REGISTRY)}.")
    return _REGISTRY[name]


def families() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for e in _REGISTRY.values():
        out.setdefault(e.family, []).append(e.name)
    return {k: tuple(v) for k, v in out.items()}


def build(name: str, classes: int, input_shape: tuple, dropout: float | None = None) -> keras.Model:
    """Build registered model ``name`` for ``classes`` outputs on ``input_shape`` images."""
    e = entry(name)
    options = {}
    if dropout is not None and e.accepts_dropout:
        options["dropout"] = dropout
    return e.build(classes=classes, input_shape=tuple(e.input_shape or input_shape), **options)


# --- models of this branch -------------------------------------------------------------

def _vgg(config: str):
    def build(classes, input_shape, dropout=0.5):
        from keras_cnns.vgg import VGG
        return VGG(config, classes=classes, input_shape=input_shape,
                   classifier_activation=None, dropout=dropout)
    return build


for _name, _config in (("vgg11", "A"), ("vgg13", "B"), ("vgg16", "D"), ("vgg19", "E")):
    register(_name, "vgg", input_shape=(224, 224, 3), accepts_dropout=True)(_vgg(_config))


def _small_cnn(stages: tuple[tuple[int, ...], ...], name: str):
    def build(classes, input_shape):
        inputs = keras.Input(input_shape, name="input")
        x = inputs
        for s, widths in enumerate(stages, start=1):
            for i, width in enumerate(widths, start=1):
                x = keras.layers.Conv2D(width, 3, padding="same", activation="relu",
                                        name=f"block{s}_conv{i}")(x)
            x = keras.layers.MaxPooling2D(2, name=f"block{s}_pool")(x)
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return keras.Model(inputs, keras.layers.Dense(classes, name="predictions")(x), name=name)
    return build


# A tiny CNN for engine tests (no batch norm, so replica counts cannot change its maths) and
# a small VGG-style net (3x3 conv stacks between 2x2 max-pools, VGG Table 1 pattern).
register("tiny-cnn", "tiny")(_small_cnn(((8,), (16,)), "tiny_cnn"))
register("tiny-vgg", "vgg")(_small_cnn(((8, 8), (16, 16), (32,)), "tiny_vgg"))


@register("tiny-cnn-aux", "tiny")
def _tiny_with_aux(classes, input_shape):
    """tiny-cnn with two auxiliary classifiers (GoogLeNet-style extra outputs) for tests."""
    base = _small_cnn(((8,), (16,)), "tiny_cnn_aux")(classes, input_shape)
    features = base.get_layer("block1_pool").output
    auxes = []
    for i in (1, 2):
        x = keras.layers.GlobalAveragePooling2D(name=f"aux{i}_pool")(features)
        auxes.append(keras.layers.Dense(classes, name=f"aux{i}_predictions")(x))
    return keras.Model(base.inputs, [base.outputs[0], *auxes], name="tiny_cnn_aux")


# --- ImageNet families (issue 3: ILSVRC classics; issue 5: MobileNet) --------------------------

def _mobilenet(alpha: float):
    def build(classes, input_shape):
        from keras_cnns.mobilenet import MobileNet
        return MobileNet(alpha=alpha, input_shape=input_shape, classes=classes,
                         classifier_activation=None)
    return build


for _alpha in (1.0, 0.75, 0.5, 0.25):
    register(f"mobilenet-{_alpha}", "mobilenet")(_mobilenet(_alpha))


def _resnet(depth: int):
    def build(classes, input_shape):
        from keras_cnns.resnet import ResNet
        return ResNet(depth, classes=classes, input_shape=input_shape, classifier_activation=None)
    return build


for _depth in (18, 34, 50, 101, 152):
    register(f"resnet{_depth}", "resnet", input_shape=(224, 224, 3))(_resnet(_depth))


@register("googlenet", "googlenet", input_shape=(224, 224, 3), accepts_dropout=True)
def _googlenet(classes, input_shape, dropout=0.4):
    """GoogLeNet with its two auxiliary classifiers (extra outputs; the recipe weights them 0.3)."""
    from keras_cnns.googlenet import GoogLeNet
    return GoogLeNet(classes=classes, input_shape=input_shape, classifier_activation=None,
                     aux_logits=True, dropout=dropout)


# --- CIFAR residual and dense families (issue 6) ---------------------------------------------

def _cifar(builder_name: str, **options):
    def build(classes, input_shape, **extra):
        import keras_cnns
        return getattr(keras_cnns, builder_name)(classes=classes, input_shape=input_shape,
                                                 classifier_activation=None, **options, **extra)
    return build


for _depth in (20, 32, 44, 56, 110, 1202):
    register(f"resnet{_depth}", "resnet-cifar")(_cifar("ResNetCIFAR", depth=_depth))
for _depth in (110, 164, 1001):
    register(f"preact-resnet{_depth}", "preact-resnet")(_cifar("PreActResNet", depth=_depth))
for _depth in (110, 1202):
    register(f"stochastic-depth-resnet{_depth}", "stochastic-depth")(
        _cifar("StochasticDepthResNet", depth=_depth, p_L=0.5))
# WRN-d-k of the lecture's table, and WRN-10-1 for the learning test.
for _depth, _k in ((10, 1), (16, 4), (16, 8), (16, 10), (22, 8), (28, 10), (40, 4), (40, 8)):
    register(f"wrn-{_depth}-{_k}", "wrn", accepts_dropout=True)(
        _cifar("WideResNet", depth=_depth, k=_k))
# DenseNet (L, k) and DenseNet-BC (L, k) rows of DenseNet Table 2, and DenseNet-BC-22-4 for tests.
for _depth, _k in ((40, 12), (100, 12), (100, 24)):
    register(f"densenet-{_depth}-{_k}", "densenet", accepts_dropout=True)(
        _cifar("DenseNet", depth=_depth, k=_k))
for _depth, _k in ((22, 4), (100, 12), (250, 24), (190, 40)):
    register(f"densenet-bc-{_depth}-{_k}", "densenet", accepts_dropout=True)(
        _cifar("DenseNetBC", depth=_depth, k=_k))


# --- ResNeXt (issue 4) ---------------------------------------------------------------------

for _depth, _c, _d in ((11, 2, 4), (29, 8, 64), (29, 16, 64)):
    register(f"resnext-{_depth}-{_c}x{_d}d", "resnext")(
        _cifar("ResNeXtCIFAR", depth=_depth, cardinality=_c, width=_d))
# Form (b), early concatenation: the same function as form (c) (tests/test_resnext.py), without
# grouped convolutions, whose gradients are slow on TensorFlow's CPU build (a learning test of
# resnext-11-2x4d takes minutes there).
register("resnext-11-2x4d-b", "resnext")(
    _cifar("ResNeXtCIFAR", depth=11, cardinality=2, width=4, form="b"))
