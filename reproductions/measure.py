"""The reproduction template: every model a table needs, built once per process and profiled,
and the counting conventions as values.

``measure("resnet-50")`` builds the registered model inside ``keras.StatelessScope`` (the
graph and every variable's shape, no weight initialisation: all the complexity engine and
the structure checks read) and returns it with its profile; the same name is never built
twice in a process, so papers that share a model (ResNet-50 appears in six) and the test
suite share one build.

A :class:`Metric` is a counting convention: the text a cell prints as its convention and the
function that computes the figure from a measured model, so that the two cannot diverge.
A :class:`~reproductions.cells.Published` cell naming a registry ``model`` and a ``metric``
is computed by :func:`reproductions.cells.check_table` without code of the paper's own.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable

import keras

import keras_cnns
from keras_cnns.complexity import ModelProfile

__all__ = ["ALL_PARAMS", "MACS", "Measured", "Metric", "TRAINABLE", "WEIGHTS",
           "WEIGHTS_AND_BIASES", "cache_info", "measure"]

#: (name, overrides) -> (seconds to build and profile, layers), for every model measured.
BUILDS: dict[tuple, tuple[float, int]] = {}


@dataclasses.dataclass(frozen=True)
class Measured:
    """A registered model as built for the tables, and its profile."""

    name: str  # the canonical registry name
    call: str  # the builder call, e.g. "keras_cnns.WideResNet(depth=28, k=10)"
    model: keras.Model
    profile: ModelProfile


def measure(name: str, **overrides) -> Measured:
    """The model ``name`` (a registry name; ``overrides`` go to its builder), built once per
    process without initialised weights, and its profile."""
    return _measure(name, tuple(sorted(overrides.items())))


@functools.cache
def _measure(name: str, overrides: tuple) -> Measured:
    start = time.perf_counter()
    info = keras_cnns.model_info(name)
    kwargs = dict(info.kwargs)
    kwargs.update(overrides)
    with keras.StatelessScope():
        model = info.builder(**kwargs)
    call = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
    measured = Measured(info.name, f"{info.builder_name}({call})", model,
                        keras_cnns.profile(model))
    BUILDS[(name, overrides)] = (time.perf_counter() - start, len(measured.profile.layers))
    return measured


def cache_info() -> dict:
    """How many models were measured in this process, their leaf layers and build seconds."""
    return {"models": len(BUILDS), "layers": sum(n for _, n in BUILDS.values()),
            "seconds": sum(s for s, _ in BUILDS.values())}


@dataclasses.dataclass(frozen=True)
class Metric:
    """A counting convention: its text, and the figure it selects from a measured model."""

    text: str
    figure: Callable[[Measured], float]

    def __call__(self, measured: Measured) -> float:
        return self.figure(measured)

    def described(self, text: str) -> Metric:
        """The same figure under a paper's own wording of the convention."""
        return Metric(text, self.figure)


WEIGHTS = Metric("weights only (no biases, no batch-norm parameters)",
                 lambda m: m.profile.weights)
WEIGHTS_AND_BIASES = Metric("weights and biases (batch-norm parameters not counted)",
                            lambda m: m.profile.weights + m.profile.total("biases"))
TRAINABLE = Metric("trainable parameters: weights, biases, batch-norm gamma/beta (moving "
                   "statistics not counted)", lambda m: m.profile.total("trainable"))
ALL_PARAMS = Metric("all parameters, as Keras count_params() counts them (batch-norm moving "
                    "statistics included)", lambda m: m.profile.params)
MACS = Metric("multiply-adds of the conv and fc layers", lambda m: m.profile.macs)
