"""Benchmark: the complexity engine against TensorFlow's profiler route, on VGG-16.

Run ``python -m reproductions.bench_complexity``. Prints both times and the speed-up;
figures depend on the machine, so they live here and not in a test.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> None:
    import keras

    from keras_cnns import profile
    from keras_cnns.crosscheck import tf_profiler_macs

    model = keras.applications.VGG16(weights=None)
    start = time.perf_counter()
    repeats = 20
    for _ in range(repeats):
        ours = profile(model)
    engine = (time.perf_counter() - start) / repeats
    start = time.perf_counter()
    theirs = tf_profiler_macs(model, freeze=True)
    profiler = time.perf_counter() - start
    print(f"VGG-16 multiply-adds: engine {ours.macs:,}, TF profiler {sum(theirs.values()):,}")
    print(f"engine (mean of {repeats}): {engine * 1e3:.2f} ms")
    print(f"TF profiler, frozen graph: {profiler:.2f} s")
    print(f"speed-up: {profiler / engine:,.0f}x (target: at least 10x)")


if __name__ == "__main__":
    main()
