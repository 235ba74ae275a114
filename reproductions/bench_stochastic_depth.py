"""Training-step time of ResNet-110 on CIFAR-sized batches with and without stochastic depth.

``python -m reproductions.bench_stochastic_depth [--batch 32] [--steps 12]``

Both nets are ``keras_cnns.StochasticDepthResNet(110)``: ``p_L=1`` keeps every block (the
plain ResNet-110), ``p_L=0.5`` is the paper's linear decay rule. Each step is a compiled
``train_on_batch`` on random data, the two models taking turns; the first steps (tracing)
are not timed. Prints the
median step time of each and the saving beside the paper's ~25% (Huang et al. 2016, Sec. 3)
and the expected mult-add saving of the rule.

Where the gap between the two goes: probe nets of one and of seven kept blocks at each
stage's feature-map size (32x32x16, 16x16x32, 8x8x64; the same mult-adds per block) give the
step time one block adds per stage, so the bench also prints the share of the blocks' time
the rule skips with blocks weighted by their measured time instead of their mult-adds (the
rule drops the late, 8x8 blocks most often, which take less time per mult-add than the
early, 32x32 ones). The probes' per-block times carry their own overheads, so only their
ratios are used. ``--overhead`` times a third ResNet-110 whose every block sits behind its
conditional but is (almost) never dropped (``p_L = 1 - 1e-6``): its excess over the plain
net is what the conditionals cost the kept blocks (TensorFlow lowers each ``If`` to
``Switch``/``Merge`` nodes on every input and output of the branch, and wraps the
intermediates the gradient needs in optionals).
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


def _compiled(model: keras.Model) -> keras.Model:
    """``model`` compiled as the paper trains: SGD with momentum 0.9, cross-entropy on logits."""
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _take_turns(runs: list[tuple[keras.Model, np.ndarray]], y: np.ndarray, steps: int,
                warmup: int) -> list[list[float]]:
    """Seconds per ``train_on_batch`` of each (model, batch) of ``runs``; the models take
    turns step by step, so a change in the machine's load hits all of them alike, and the
    first ``warmup`` rounds (tracing) are not timed."""
    times: list[list[float]] = [[] for _ in runs]
    for index in range(warmup + steps):
        for (model, x), record in zip(runs, times):
            start = time.perf_counter()
            model.train_on_batch(x, y)
            if index >= warmup:
                record.append(time.perf_counter() - start)
    keras.backend.clear_session()
    return times


def step_times(p_Ls: tuple[float, ...], batch: int, steps: int, warmup: int,
               seed: int) -> list[list[float]]:
    """Seconds per training step of one ResNet-110 per ``p_L``, taking turns."""
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, size=batch)
    models = [_compiled(keras_cnns.StochasticDepthResNet(110, p_L=p_L, seed=seed,
                                                         classifier_activation=None))
              for p_L in p_Ls]
    return _take_turns([(model, x) for model in models], y, steps, warmup)


#: ``p_L`` of the overhead probe: every block behind its conditional; ``sum_l (1 - p_l)`` is
#: 2.75e-5 for 54 blocks, one drop in about 36,000 steps.
KEEP_ALL = 1 - 1e-6

#: Feature-map shape of each stage of a CIFAR ResNet (He et al. 2016, Sec. 4.2).
STAGES = ((32, 32, 16), (16, 16, 32), (8, 8, 64))


def _probe(shape: tuple, blocks: int, seed: int) -> keras.Model:
    """``blocks`` kept stochastic-depth blocks (survival 1) at feature-map ``shape``, pooled,
    under a 10-way classifier, compiled as the ResNet-110s are."""
    from keras_cnns.stochastic_depth import stochastic_block

    inputs = keras.Input(shape)
    x = inputs
    for index in range(blocks):
        x = stochastic_block(x, shape[-1], 1, name=f"probe{index}", survival_probability=1.0,
                             seed=seed)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return _compiled(keras.Model(inputs, keras.layers.Dense(10)(x)))


def block_times(batch: int, steps: int, warmup: int, seed: int) -> list[float]:
    """Seconds one kept block adds to a training step, per stage: the median step of a probe
    of seven blocks minus that of one block, over six (the probes take turns)."""
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    probes = [(_probe(shape, n, seed), rng.normal(size=(batch, *shape)).astype("float32"))
              for shape in STAGES for n in (1, 7)]
    y = rng.integers(0, 10, size=batch)
    medians = [statistics.median(t) for t in _take_turns(probes, y, steps, warmup)]
    return [(medians[2 * s + 1] - medians[2 * s]) / 6 for s in range(len(STAGES))]


def time_weighted_saving(per_stage: list[float], blocks: int = 54, p_L: float = 0.5) -> float:
    """Expected share of the blocks' time the linear decay rule skips, for ``blocks`` blocks
    in three equal stages, each block weighted by its stage's time ``per_stage``."""
    from keras_cnns.stochastic_depth import survival_probabilities

    stage = [per_stage[3 * index // blocks] for index in range(blocks)]
    skipped = sum((1 - p) * t for p, t in zip(survival_probabilities(blocks, p_L), stage))
    return skipped / sum(stage)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reproductions.bench_stochastic_depth",
                                     description=__doc__)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-probes", dest="probes", action="store_false",
                        help="skip the per-stage block timings")
    parser.add_argument("--overhead", action="store_true",
                        help="also time a net with every conditional but no drops")
    args = parser.parse_args(argv)
    p_Ls = (1.0, 0.5, KEEP_ALL) if args.overhead else (1.0, 0.5)
    plain, stochastic, *kept = step_times(p_Ls, args.batch, args.steps, args.warmup, args.seed)
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
    if kept:
        c = statistics.median(kept[0])
        print(f"  every block behind its conditional, none dropped "
              f"(p_L=1-{1 - KEEP_ALL:.0e}): median {c * 1000:.1f} ms/step, "
              f"{100 * (c / a - 1):+.1f}% over p_L=1 (total "
              f"{100 * (sum(kept[0]) / sum(plain) - 1):+.1f}%)")
    if args.probes:
        per_stage = block_times(args.batch, args.steps, args.warmup, args.seed)
        print("  one kept block's step time by stage (32x32x16, 16x16x32, 8x8x64; equal "
              "mult-adds): " + ", ".join(f"{t * 1000:.1f} ms" for t in per_stage))
        print(f"  share of the blocks' time the rule skips, blocks weighted by these times: "
              f"{100 * time_weighted_saving(per_stage):.1f}% (by mult-adds: "
              f"{100 * time_weighted_saving([1.0, 1.0, 1.0]):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
