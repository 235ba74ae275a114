"""Wall-clock timing shared by the benchmarks (machine-dependent: printed, never asserted)."""

from __future__ import annotations

import statistics
import time

import keras
import numpy as np
import tensorflow as tf


def time_forward(model: keras.Model, batch: int, repeats: int) -> float:
    """Median seconds of one inference forward pass of ``batch`` random images.

    The first call traces and warms up the ``tf.function`` and is not timed.
    """
    images = tf.constant(np.random.default_rng(0).uniform(
        size=(batch, *model.input.shape[1:])).astype("float32"))
    forward = tf.function(lambda x: model(x, training=False))
    forward(images).numpy()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        forward(images).numpy()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
