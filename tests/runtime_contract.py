"""The runtime leg of the builder contract, for any Keras backend.

``check(name)`` builds a registered model without its top at the smallest input its
downsampling allows (or a block of :data:`BLOCKS`), runs it, saves it to a ``.keras`` file,
loads it back and runs it again; ``fit_step(name)`` trains one step of it under a small
classifier. The TensorFlow leg calls these in the test process; the JAX leg runs this file
as a script (``KERAS_BACKEND=jax python tests/runtime_contract.py NAME ...``), which prints
one JSON line per check.

``test_contract.py`` runs ``check`` and a compiled ``fit_step`` on the fewest candidates
(listed models, each family's ``smallest``, a few parsed members and blocks; fewest
variables, :func:`cover`) that between them contain every item of every registered model's
code path (:func:`code_path`: each layer type with its kernel size, stride and grouping),
and an op-by-op ``fit_step`` on the smallest member of every family: building, saving and
loading every registered model takes over 25 minutes on the 2-core CI machine, and what
serialisation and a backend act on is each layer.
Models of more than :data:`MAX_VARIABLES` variables (ResNet-1202, its stochastic-depth
twin, pre-activation ResNet-1001: 5,000-6,000 each; every other model has at most 1,326)
are never run here: each takes more than a minute per
backend to build, save and load (measured: ResNet-1202 19 s build, 12 s save, 31 s load on
TensorFlow; 10 + 11 + 16 s on JAX). Their family's shallower members run the same code,
and ``test_contract.py`` runs a shallow member with its stages nested as theirs are.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import tempfile
import time

import keras
import numpy as np

import keras_cnns
from keras_cnns.contract import global_pooling

#: Variables (weights and BN statistics) above which a model skips the runtime leg.
MAX_VARIABLES = 2000


def code_path(model: keras.Model) -> frozenset:
    """What a model's code path is made of: its layer types with their kernel sizes,
    strides and grouping, nested stages, outputs. Two members of a family with the same
    code path differ only in depth or width (ResNet-101 and -152; VGG-16 and -19)."""
    items = {("outputs", len(model.outputs))}

    def walk(graph):
        for layer in graph.layers:
            if isinstance(layer, keras.Model):
                items.add(("nested stage",))
                walk(layer)
                continue
            groups = getattr(layer, "groups", 1)
            items.add((type(layer).__name__, getattr(layer, "kernel_size", None),
                       getattr(layer, "strides", None), groups > 1))
            residual = getattr(layer, "residual", None)
            if isinstance(residual, keras.Model):
                walk(residual)

    walk(model)
    return frozenset(items)


def cover(members: dict[str, tuple[int, frozenset]]) -> list[str]:
    """The members (``name -> (cost, items)``) whose items together are every member's,
    chosen greedily by new items per unit of cost (ties: the cheaper, then the name):
    within a factor ln(items) of the cheapest such set."""
    universe = frozenset().union(*(items for _, items in members.values()))
    covered, chosen = set(), []
    while covered != universe:
        best = max(sorted(members), key=lambda n: (len(members[n][1] - covered) / members[n][0],
                                                   -members[n][0]))
        chosen.append(best)
        covered |= members[best][1]
    return sorted(chosen)


def _block_graphs() -> dict:
    """block -> (input shape, the block on an input of that shape), built by the families'
    own block functions."""
    from keras_cnns.blocks.cbam import cbam
    from keras_cnns.blocks.residual_attention import attention_module
    from keras_cnns.blocks.selective_kernel import selective_kernel, split_attention
    from keras_cnns.inception_v4 import RESIDUAL_BRANCHES, inception_resnet_block

    return {
        "cbam-block": ((8, 8, 16), lambda x: cbam(x, ratio=4, name="cbam")),  # CBAM
        "selective-kernel-block": ((8, 8, 16), lambda x: selective_kernel(
            x, G=4, r=4, L=8, name="sk")),  # SKNet
        "split-attention-block": ((8, 8, 16), lambda x: split_attention(
            x, name="splat")),  # ResNeSt
        "soft-mask-block": ((8, 8, 16), lambda x: attention_module(
            x, 1, name="att")),  # Residual Attention: its mask's ResizeTo
        # Inception-ResNet-v1's blocks B (1x7, 7x1) and C (1x3, 3x1), with their Rescaling
        "inception-resnet-b-block": ((5, 5, 32), lambda x: inception_resnet_block(
            x, RESIDUAL_BRANCHES[1][1], 0.1, name="b")),
        "inception-resnet-c-block": ((5, 5, 32), lambda x: inception_resnet_block(
            x, RESIDUAL_BRANCHES[1][2], 0.2, name="c")),
        "separable-block": ((8, 8, 16), lambda x: keras.layers.SeparableConv2D(
            8, 3, padding="same", name="sep")(x)),  # Xception's 3x3 stride-1 separable
    }


#: Small graphs of single blocks whose layers deep ImageNet members hold (20-45 s each to
#: export; 15-35 s of CPU each to build, save, load and train on both backends): the
#: export tests convert them instead of those members, and the layer cover of
#: ``test_contract.py`` takes them as candidates beside registered models.
BLOCKS = tuple(_block_graphs())


def block_model(block: str, pooling: str | None = None) -> keras.Model:
    """``block`` on an input of its shape, named after it; ``pooling`` ("avg" or "max"):
    globally pooled after it, as a headless model is (to train it under a classifier as
    :func:`fit_step` does)."""
    shape, graph = _block_graphs()[block]
    inputs = keras.Input(shape)
    x = global_pooling(graph(inputs), pooling)
    return keras.Model(inputs, x, name=block.replace("-", "_"))


def small_build(name: str, **overrides) -> keras.Model:
    """``name`` without its top (unless it has auxiliary heads), average-pooled, at its
    smallest input size; a block of :data:`BLOCKS`, average-pooled."""
    if name in BLOCKS:
        return block_model(name, pooling=overrides.get("pooling", "avg"))
    info = keras_cnns.model_info(name)
    size = info.min_size
    options = {"include_top": bool(info.kwargs.get("aux_heads")), "pooling": "avg"}
    if "resolution" in info.kwargs:  # the resolution is part of the name: keep it consistent
        options["resolution"] = max(32, size)
    else:
        options["input_shape"] = (size, size, info.input_shape[-1])
    options.update(overrides)
    return info.build(**options)


def randomise(model: keras.Model, seed: int = 0) -> None:
    """Random values in every variable, batch-norm statistics included, so that a misplaced
    or mis-serialised layer cannot hide behind an identity initialisation."""
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        shape, kind = tuple(variable.shape), variable.path.rsplit("/", 1)[-1]
        if not str(variable.dtype).startswith("float"):
            continue  # seed-generator states keep their own values
        if kind == "gamma":
            value = 1 + 0.1 * rng.standard_normal(shape)
        elif kind in ("beta", "moving_mean") or kind.startswith("bias"):
            value = 0.1 * rng.standard_normal(shape)
        elif kind == "moving_variance":
            value = 0.5 + rng.random(shape)
        else:  # kernels: variance 1/fan-in keeps the activations finite through depth
            value = rng.standard_normal(shape) / np.sqrt(max(1, int(np.prod(shape[:-1]))))
        variable.assign(value.astype(variable.dtype))


@contextlib.contextmanager
def numpy_initializers():
    """Sample initial values with NumPy while models are built or loaded.

    Keras draws each initial value with a backend op: XLA compiles the truncated-normal
    sampling anew for every variable shape on JAX (about a second each on the 2-core CPU;
    DenseNet-121 has 120 shapes), and TensorFlow runs a few eager ops per variable (3.4 of
    the 12 s that building, saving and loading Inception-ResNet-v1 took). The runtime leg
    overwrites every initial value (:func:`randomise`, or the loaded weights), so how they
    were drawn does not matter. Training steps run with the real samplers.
    """
    random = importlib.import_module(f"keras.src.backend.{keras.backend.backend()}.random")
    rng = np.random.default_rng(0)
    saved = {name: getattr(random, name) for name in ("normal", "truncated_normal", "uniform")}

    def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        return keras.ops.convert_to_tensor(rng.normal(mean, stddev, shape), dtype or "float32")

    def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        return keras.ops.convert_to_tensor(rng.uniform(minval, maxval, shape), dtype or "float32")

    random.normal, random.truncated_normal, random.uniform = normal, normal, uniform
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(random, name, function)


def _forward(model: keras.Model, x: np.ndarray) -> np.ndarray:
    if keras.backend.backend() == "jax":  # one compiled graph, not one compilation per op
        return np.asarray(model.predict(x, batch_size=len(x), verbose=0))
    return np.asarray(model(x, training=False))


def _batch(model: keras.Model, n: int = 2) -> np.ndarray:
    shape = tuple(model.inputs[0].shape[1:])
    return np.random.default_rng(0).normal(size=(n, *shape)).astype("float32")


def check(name: str, directory: str) -> tuple[dict, keras.Model]:
    """Forward, save, load, forward again; returns the outputs' agreement and timings, and
    the loaded model (for :func:`fit_step`)."""
    start = time.perf_counter()
    with numpy_initializers():
        model = small_build(name)
    randomise(model)
    x = _batch(model)
    before = _forward(model, x)
    path = os.path.join(directory, f"{name}.keras")
    model.save(path)
    with numpy_initializers():
        restored = keras.models.load_model(path)
    after = _forward(restored, x)
    os.remove(path)
    return {"name": name, "backend": keras.backend.backend(), "shape": list(before.shape),
            "finite": bool(np.isfinite(before).all()),
            "max_difference": float(np.max(np.abs(before - after))),
            "scale": float(np.max(np.abs(before))), "seconds": time.perf_counter() - start,
            "variables": len(model.weights)}, restored


def fit_step(name: str, eager: bool = False, features: keras.Model | None = None) -> dict:
    """One SGD step of the model without its top under a 3-way Dense classifier, compiled
    (``tf.function`` on TensorFlow, ``jax.jit`` on JAX) or, with ``eager``, op by op.
    ``features``: that model as already built (e.g. the one :func:`check` saved and loaded)."""
    if features is None:
        with numpy_initializers():
            features = small_build(name)
    outputs = keras.layers.Dense(3, name="fit_predictions")(features.outputs[0])
    model = keras.Model(features.inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.01), run_eagerly=eager,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = _batch(model, 4)
    before = [np.array(w) for w in model.trainable_weights]
    history = model.fit(x, np.array([0, 1, 2, 0]), batch_size=4, epochs=1, verbose=0)
    changed = sum(not np.array_equal(a, np.asarray(b))
                  for a, b in zip(before, model.trainable_weights))
    return {"name": name, "backend": keras.backend.backend(), "eager": eager,
            "loss": float(history.history["loss"][0]), "changed": changed,
            "weights": len(before)}


def main(argv: list[str]) -> int:
    """``[--fit NAME ...] NAME ...``: one JSON line per check (errors included). A name both
    checked and fitted trains the model that was saved and loaded (one build for both)."""
    fit = [a for a in argv[argv.index("--fit") + 1:]] if "--fit" in argv else []
    names = argv[:argv.index("--fit")] if "--fit" in argv else argv

    def attempt(kind, name, run):
        """``run()`` -> (JSON record, value): print the record (an error record if it raised,
        reported to the TensorFlow test) and return the value."""
        try:
            result, value = run()
        except Exception as error:  # noqa: BLE001
            result, value = {"name": name, "error": f"{type(error).__name__}: {error}"[:2000]}, None
        result["kind"] = kind
        print(json.dumps(result), flush=True)
        return value

    with tempfile.TemporaryDirectory() as directory:
        for name in [*names, *[n for n in fit if n not in names]]:
            features = (attempt("check", name, lambda: check(name, directory))
                        if name in names else None)
            if name in fit:
                attempt("fit", name, lambda: (fit_step(name, features=features), None))
            keras.backend.clear_session(free_memory=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
