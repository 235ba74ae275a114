"""Time one training step of ResNeXt-50 (32x4d) as grouped convolution (form c) and as 32
explicit paths (form a), beside ResNet-50: is grouped convolution the fast form here?

Form (c) runs on ``keras_cnns.layers.GroupedConv2D`` (the backend's native grouped kernel);
``c-xla`` is the same network on Keras's own path for ``Conv2D(groups=g)`` on TensorFlow (an
XLA-compiled op), the "before" of that layer. The last column divides each step by
ResNet-50's: the goal is ResNeXt-50 within 2x of ResNet-50 (their multiply-adds are equal
within 3%).

Usage: ``python -m reproductions.bench_resnext [--batch 8] [--size 224] [--repeats 3]
[--models c c-xla a b resnet50] [--forward]``.

A step is forward + backward + SGD-momentum update of a ``tf.function`` (no XLA), on random
images and labels; the first call (trace + warm-up) is reported apart, then the median of
``--repeats`` steps. Timings are machine-dependent: printed here, never asserted in a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tabulate import tabulate  # noqa: E402

import keras_cnns  # noqa: E402
from keras_cnns.layers import GroupedConv2D  # noqa: E402
from reproductions._timing import time_forward  # noqa: E402

MODELS = {
    "c": ("ResNeXt-50 32x4d, form (c) grouped conv", dict(cardinality=32, width=4, form="c")),
    "c-xla": ("ResNeXt-50 32x4d, form (c), Keras XLA grouped conv",
              dict(cardinality=32, width=4, form="c")),
    "a": ("ResNeXt-50 32x4d, form (a) 32 paths", dict(cardinality=32, width=4, form="a")),
    "b": ("ResNeXt-50 32x4d, form (b) early concat", dict(cardinality=32, width=4, form="b")),
    "resnet50": ("ResNet-50 (1x64d, stride on 3x3)", dict(cardinality=1, width=64, form="c")),
}


def time_step(model: keras.Model, batch: int, repeats: int) -> tuple[float, float]:
    """(seconds of the first step incl. tracing, median seconds of the next ``repeats``)."""
    rng = np.random.default_rng(0)
    images = tf.constant(rng.uniform(size=(batch, *model.input.shape[1:])).astype("float32"))
    labels = tf.constant(rng.integers(0, model.output.shape[-1], size=(batch,)))
    optimizer = keras.optimizers.SGD(0.01, momentum=0.9)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    start = time.perf_counter()
    step(images, labels).numpy()
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step(images, labels).numpy()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["c", "a", "resnet50"], choices=MODELS)
    parser.add_argument("--forward", action="store_true",
                        help="also time an inference forward pass (separates the backward)")
    args = parser.parse_args(argv)
    rows = []
    for key in args.models:
        label, kwargs = MODELS[key]
        start = time.perf_counter()
        model = keras_cnns.ResNeXt(50, input_shape=(args.size, args.size, 3), **kwargs)
        built = time.perf_counter() - start
        if key == "c-xla":
            for layer in model.layers:
                if isinstance(layer, GroupedConv2D):
                    layer.implementation = "xla"
        macs = keras_cnns.profile(model).macs
        first, median = time_step(model, args.batch, args.repeats)
        forward = f"{time_forward(model, args.batch, args.repeats):.2f}" if args.forward else "-"
        rows.append([label, len(model.layers), f"{macs / 1e9:.2f}", f"{built:.1f}",
                     f"{first:.1f}", median, f"{args.batch / median:.1f}", forward])
        print(f"{label}: step {median:.2f} s", flush=True)
        del model
        keras.backend.clear_session()
    reference = next((row[5] for row, key in zip(rows, args.models) if key == "resnet50"), None)
    for row in rows:
        row.append(f"{row[5] / reference:.2f}x" if reference else "-")
        row[5] = f"{row[5]:.2f}"
    cpu = platform.processor() or platform.machine()
    print(f"\nOne training step, batch {args.batch} at {args.size}x{args.size}, median of "
          f"{args.repeats}; TensorFlow {tf.__version__}, {cpu}, "
          f"{os.cpu_count()} CPUs, inter/intra threads "
          f"{tf.config.threading.get_inter_op_parallelism_threads()}/"
          f"{tf.config.threading.get_intra_op_parallelism_threads()} (0 = default)\n")
    print(tabulate(rows, headers=["model", "layers", "GMACs (224)" if args.size == 224 else
                                  f"GMACs ({args.size})", "build s", "first step s",
                                  "step s", "images/s", "forward s", "step / ResNet-50"],
                   tablefmt="github"))


if __name__ == "__main__":
    main()
