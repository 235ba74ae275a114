"""Throughput of the CIFAR training pipeline (pad, crop, flip, normalise, batch) on this machine.

``python -m reproductions.bench_data [--examples 50000] [--batch 128]`` prints images/s for
one epoch of generated 32x32 images: the input pipeline alone, no model.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_cnns.training import data  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m reproductions.bench_data", description=__doc__)
    parser.add_argument("--examples", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (args.examples, 32, 32, 3), dtype=np.uint8)
    labels = rng.integers(0, 10, args.examples).astype(np.int64)
    raw = tf.data.Dataset.from_tensor_slices((images, labels)).cache()
    spec = data.spec("cifar10")
    for epoch in range(2):  # the first epoch fills the cache
        ds = data.train_dataset(raw, args.examples, spec, augment="cifar", normalize="channel",
                                seed=0, epoch=epoch, global_batch=args.batch,
                                per_replica=args.batch)
        start = time.perf_counter()
        count = sum(int(batch[0].shape[0]) for batch in ds)
        seconds = time.perf_counter() - start
        print(f"epoch {epoch}: {count} images in {seconds:.2f}s = {count / seconds:,.0f} images/s "
              f"({os.cpu_count()} CPU cores)")


if __name__ == "__main__":
    main()
