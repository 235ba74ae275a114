"""The reproduction template: every model a table needs, built once per process and profiled,
and the counting conventions as values.

``measure("resnet-50")`` builds the registered model :func:`~keras_cnns.uninitialised.uninitialised`
(the graph and every variable's shape, no initial value drawn: all the complexity engine and
the structure checks read) and returns it with its profile; the same name is never built
twice in a process, so papers that share a model (ResNet-50 appears in six) and the test
suite share one build. Processes regenerating the papers of one run in parallel share the
profiles they compute through a directory that lives as long as the run
(:func:`share_profiles`): a profile another worker of the same run computed from its real
Keras model is read instead of built again (the model itself is built only where a table
reads its graph). The first worker to need a model claims it there; another that needs it
meanwhile waits for its profile rather than build the same graph (it builds it itself if
the claim is dropped without one). Nothing outlives the run.

A :class:`Metric` is a counting convention: the text a cell prints as its convention and the
function that computes the figure from a measured model, so that the two cannot diverge.
A :class:`~reproductions.cells.Published` cell naming a registry ``model`` and a ``metric``
is computed by :func:`reproductions.cells.check_table` without code of the paper's own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import os
import pathlib
import pickle
import time
from collections.abc import Callable

import keras

import keras_cnns
from keras_cnns.complexity import ModelProfile
from keras_cnns.uninitialised import uninitialised

__all__ = ["ALL_PARAMS", "MACS", "Measured", "Metric", "TRAINABLE", "WEIGHTS",
           "WEIGHTS_AND_BIASES", "cache_info", "measure", "share_profiles"]

#: (name, overrides) -> (seconds to build and profile, layers), for every model measured.
BUILDS: dict[tuple, tuple[float, int]] = {}
#: (name, overrides) of the profiles read from the run's shared directory.
SHARED_READS: set[tuple] = set()
#: (name, overrides) -> seconds this process waited for another worker to write its profile.
WAITS: dict[tuple, float] = {}
#: The directory where the workers of one run share profiles (None: no sharing).
_SHARED: pathlib.Path | None = None


def share_profiles(directory) -> None:
    """Share profiles with the other processes of this run through ``directory`` (a
    temporary directory the run creates and removes; ``None`` stops sharing)."""
    global _SHARED
    _SHARED = None if directory is None else pathlib.Path(directory)


def _shared_path(key: tuple) -> pathlib.Path | None:
    if _SHARED is None:
        return None
    return _SHARED / (hashlib.sha256(repr(key).encode()).hexdigest()[:32] + ".pickle")


#: How many built models a process keeps (least recently used first out); profiles are kept
#: for all. Built without initial values a model holds little (all ~250 registered models
#: built one after another peak under 1 GB), but a process that keeps every graph it ever
#: built has no reason to.
MODELS_KEPT = 32


@dataclasses.dataclass(frozen=True)
class Measured:
    """A registered model as built for the tables, and its profile. The profile is computed
    once per process; ``model`` is kept for the most recently used models and rebuilt (the
    same graph) when it was let go."""

    name: str  # the canonical registry name
    call: str  # the builder call, e.g. "keras_cnns.WideResNet(depth=28, k=10)"
    profile: ModelProfile
    key: tuple = dataclasses.field(repr=False, default=())

    @property
    def model(self) -> keras.Model:
        return _model(*self.key)


def measure(name: str, **overrides) -> Measured:
    """The model ``name`` (a registry name; ``overrides`` go to its builder), built without
    initialised weights, and its profile (computed once per process)."""
    return _measure(name, tuple(sorted(overrides.items())))


@functools.lru_cache(maxsize=MODELS_KEPT)
def _model(name: str, overrides: tuple) -> keras.Model:
    info = keras_cnns.model_info(name)
    with uninitialised(checkpointable=False), _no_cyclic_collection():
        return info.builder(**{**info.kwargs, **dict(overrides)})


@contextlib.contextmanager
def _no_cyclic_collection():
    """Python's cyclic garbage collector paused while a model is built: a build allocates
    hundreds of thousands of objects that live as long as the model, and the collections
    they trigger walk an ever larger heap to free nothing (measured on the 2-core CI
    machine: ten of the deepest registered models in 16.0 s instead of 18.5 s). Cycles
    left by a build are collected after it, as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@functools.cache
def _measure(name: str, overrides: tuple) -> Measured:
    key = (name, overrides)
    shared = _shared_path(key)
    if shared is not None and (shared.is_file() or _written_elsewhere(shared, key)):
        SHARED_READS.add(key)  # computed by another worker of this run
        canonical, call, profile = pickle.loads(shared.read_bytes())
        return Measured(canonical, call, profile, key)
    try:
        return _build_and_profile(name, overrides, shared)
    except BaseException:
        if shared is not None:  # a worker waiting for it builds it (and meets the error)
            shared.with_suffix(".claim").unlink(missing_ok=True)
        raise


#: How long a worker waits for a profile another worker claimed before building it itself
#: (the deepest registered model takes a few seconds).
CLAIM_WAIT_SECONDS = 120.0


def _written_elsewhere(shared: pathlib.Path, key: tuple) -> bool:
    """True where another worker claimed the profile at ``shared`` and wrote it while this
    one waited; False where this worker claimed it (or the claim was dropped without a
    profile, or the wait ran out): build it here."""
    try:
        os.close(os.open(shared.with_suffix(".claim"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return False
    except FileExistsError:
        pass
    claim, start = shared.with_suffix(".claim"), time.perf_counter()
    while not shared.is_file():
        if not claim.exists() or time.perf_counter() - start > CLAIM_WAIT_SECONDS:
            break
        time.sleep(0.02)
    WAITS[key] = time.perf_counter() - start
    return shared.is_file()


def _build_and_profile(name: str, overrides: tuple, shared: pathlib.Path | None) -> Measured:
    key = (name, overrides)
    start = time.perf_counter()
    info = keras_cnns.model_info(name)
    kwargs = {**info.kwargs, **dict(overrides)}
    model = _model(name, overrides)
    call = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
    measured = Measured(info.name, f"{info.builder_name}({call})", keras_cnns.profile(model),
                        key)
    BUILDS[key] = (time.perf_counter() - start, len(measured.profile.layers))
    if shared is not None:  # written whole, then renamed: a reader never sees half a file
        partial = shared.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(pickle.dumps((measured.name, measured.call, measured.profile)))
        os.replace(partial, shared)
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
