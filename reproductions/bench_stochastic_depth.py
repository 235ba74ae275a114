"""Training-step time of ResNet-110 on CIFAR-sized batches with and without stochastic depth.

``python -m reproductions.bench_stochastic_depth [--batch 32] [--steps 12]``

Both nets are ``keras_cnns.StochasticDepthResNet(110)``: ``p_L=1`` keeps every block (the
plain ResNet-110), ``p_L=0.5`` is the paper's linear decay rule. Each step is a compiled
``train_on_batch`` on random data, the two models taking turns; the first steps (tracing)
are not timed. Prints the
median step time of each and the saving beside the paper's ~25% (Huang et al. 2016, Sec. 3)
and the expected mult-add saving of the rule.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_cnns  # noqa: E402


def _compiled(p_L: float, seed: int) -> keras.Model:
    model = keras_cnns.StochasticDepthResNet(110, p_L=p_L, seed=seed, classifier_activation=None)
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def step_times(p_Ls: tuple[float, ...], batch: int, steps: int, warmup: int,
               seed: int) -> list[list[float]]:
    """Seconds per training step of one model per ``p_L``; the models take turns step by
    step, so a change in the machine's load hits all of them alike."""
    keras.utils.set_random_seed(seed)
    models = [_compiled(p_L, seed) for p_L in p_Ls]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, size=batch)
    times: list[list[float]] = [[] for _ in models]
    for index in range(warmup + steps):
        for model, record in zip(models, times):
            start = time.perf_counter()
            model.train_on_batch(x, y)
            if index >= warmup:
                record.append(time.perf_counter() - start)
    keras.backend.clear_session()
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reproductions.bench_stochastic_depth",
                                     description=__doc__)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    plain, stochastic = step_times((1.0, 0.5), args.batch, args.steps, args.warmup, args.seed)
    a, b = statistics.median(plain), statistics.median(stochastic)
    from reproductions.stochastic_depth import _expected_saving

    expected = 100 * _expected_saving("stochastic-depth-resnet-110")
    print(f"ResNet-110, batch {args.batch}, {args.steps} timed steps after {args.warmup} warm-up")
    print(f"  without stochastic depth (p_L=1):   median {a * 1000:8.1f} ms/step "
          f"(total {sum(plain):.1f}s)")
    print(f"  with stochastic depth (p_L=0.5):    median {b * 1000:8.1f} ms/step "
          f"(total {sum(stochastic):.1f}s)")
    print(f"  saving: median {100 * (1 - b / a):.1f}%, total {100 * (1 - sum(stochastic) / sum(plain)):.1f}% "
          f"(paper: ~25%; expected mult-add saving of the rule: {expected:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
