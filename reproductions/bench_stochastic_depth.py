"""Training-step time of ResNet-110 on CIFAR-sized batches with and without stochastic depth.

``python -m reproductions.bench_stochastic_depth [--batch 128] [--steps 40] [--overhead]``

Both nets are ``keras_cnns.StochasticDepthResNet(110)``: ``p_L=1`` keeps every block (the
plain ResNet-110), ``p_L=0.5`` is the paper's linear decay rule. Each step is a compiled
``train_on_batch`` on random data at the paper's mini-batch of 128 (Sec. 4), the models
taking turns; the first steps (tracing) are not timed. Prints the saving of the timed steps'
total time and of the median step beside the paper's ~25% (Huang et al. 2016, Sec. 3) and
the expected mult-add saving of the rule.

The drops are seeded, so a run of a few dozen steps drops more or fewer blocks than the
rule's expectation (13.75 of 54 per step), the same in every run with the same seed and step
count: the bench reads which blocks each timed step dropped
(:meth:`keras_cnns.StochasticDepth.upcoming_keeps`, checked afterwards against the draws
the layers made) and prints the share they skipped beside the expected share.

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
from keras_cnns.stochastic_depth import expected_blocks  # noqa: E402


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
    return times


def step_times(p_Ls: tuple[float, ...], batch: int, steps: int, warmup: int,
               seed: int) -> tuple[list[list[float]], list[np.ndarray]]:
    """Seconds per training step of one ResNet-110 per ``p_L``, taking turns, and which
    blocks each timed step dropped (``(steps, 54)`` per model)."""
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, size=batch)
    models = [_compiled(keras_cnns.StochasticDepthResNet(110, p_L=p_L, seed=seed,
                                                         classifier_activation=None))
              for p_L in p_Ls]
    before = [np.array(_draws_made(model)) for model in models]
    drops = [planned_drops(model, warmup + steps)[warmup:] for model in models]
    times = _take_turns([(model, x) for model in models], y, steps, warmup)
    for model, made in zip(models, before):  # the drops read are the drops the steps made
        drawing = np.array([layer.survival_probability < 1 for layer in _blocks(model)])
        if not np.array_equal(np.array(_draws_made(model)) - made, drawing * (warmup + steps)):
            raise RuntimeError("The stochastic-depth layers drew other than once per step.")
    keras.backend.clear_session()
    return times, drops


#: Huang et al. 2016, Sec. 4: "trained with SGD for 500 epochs, with a mini-batch size 128".
PAPER_BATCH = 128

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
    keras.backend.clear_session()
    return [(medians[2 * s + 1] - medians[2 * s]) / 6 for s in range(len(STAGES))]


def time_weighted_saving(per_stage: list[float], blocks: int = 54, p_L: float = 0.5,
                         drop_rates: list[float] | None = None) -> float:
    """Share of the blocks' time skipped, for ``blocks`` blocks in three equal stages, each
    block weighted by its stage's time ``per_stage``: the linear decay rule's expectation,
    or, given each block's ``drop_rates`` (the fraction of the timed steps that dropped it),
    the share those steps really skipped."""
    from keras_cnns.stochastic_depth import survival_probabilities

    if drop_rates is None:
        drop_rates = [1 - p for p in survival_probabilities(blocks, p_L)]
    stage = [per_stage[3 * index // blocks] for index in range(blocks)]
    return sum(rate * t for rate, t in zip(drop_rates, stage)) / sum(stage)


def planned_drops(model: keras.Model, rounds: int) -> np.ndarray:
    """``(rounds, blocks)``: whether each of the model's next ``rounds`` training steps drops
    each block, in graph order (:meth:`keras_cnns.StochasticDepth.upcoming_keeps`)."""
    return ~np.array([layer.upcoming_keeps(rounds) for layer in _blocks(model)]).T


def _draws_made(model: keras.Model) -> list[int]:
    """How many draws each stochastic-depth layer's seed generator has made."""
    return [int(np.asarray(layer.seed_generator.state.value)[1]) for layer in _blocks(model)]


def _blocks(model: keras.Model) -> list[keras_cnns.StochasticDepth]:
    """The model's stochastic-depth layers, in graph order."""
    return [layer for layer in model.layers if isinstance(layer, keras_cnns.StochasticDepth)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reproductions.bench_stochastic_depth",
                                     description=__doc__)
    parser.add_argument("--batch", type=int, default=PAPER_BATCH)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-probes", dest="probes", action="store_false",
                        help="skip the per-stage block timings")
    parser.add_argument("--overhead", action="store_true",
                        help="also time a net with every conditional but no drops")
    args = parser.parse_args(argv)
    p_Ls = (1.0, 0.5, KEEP_ALL) if args.overhead else (1.0, 0.5)
    times, drops = step_times(p_Ls, args.batch, args.steps, args.warmup, args.seed)
    plain, stochastic, *kept = times
    a, b = statistics.median(plain), statistics.median(stochastic)
    from reproductions.stochastic_depth import _expected_saving

    expected = 100 * _expected_saving("stochastic-depth-resnet-110")
    rates = list(drops[1].mean(axis=0))  # fraction of the timed steps that dropped each block
    paper_batch = " (the paper's mini-batch, Sec. 4)" if args.batch == PAPER_BATCH else ""
    print(f"ResNet-110, batch {args.batch}{paper_batch}, {args.steps} timed steps after "
          f"{args.warmup} warm-up")
    print(f"  without stochastic depth (p_L=1):   median {a * 1000:8.1f} ms/step "
          f"(total {sum(plain):.1f}s)")
    print(f"  with stochastic depth (p_L=0.5):    median {b * 1000:8.1f} ms/step "
          f"(total {sum(stochastic):.1f}s)")
    print(f"  saving: total {100 * (1 - sum(stochastic) / sum(plain)):.1f}%, median "
          f"{100 * (1 - b / a):.1f}% (paper: ~25%; expected mult-add saving of the rule: "
          f"{expected:.1f}%)")
    print(f"  drops in the timed steps: {drops[1].sum(axis=1).mean():.2f} blocks per step "
          f"(the rule's expectation: {54 - expected_blocks(54, 0.5):.2f}), "
          f"{100 * time_weighted_saving([1.0, 1.0, 1.0], drop_rates=rates):.1f}% of the "
          f"blocks' mult-adds (expected: {100 * time_weighted_saving([1.0, 1.0, 1.0]):.1f}%)")
    if kept:
        c = statistics.median(kept[0])
        print(f"  every block behind its conditional, none dropped "
              f"(p_L=1-{1 - KEEP_ALL:.0e}, {int(drops[2].sum())} drops): median "
              f"{c * 1000:.1f} ms/step, {100 * (c / a - 1):+.1f}% over p_L=1 (total "
              f"{100 * (sum(kept[0]) / sum(plain) - 1):+.1f}%)")
    if args.probes:
        per_stage = block_times(args.batch, args.steps, args.warmup, args.seed)
        print("  one kept block's step time by stage (32x32x16, 16x16x32, 8x8x64; equal "
              "mult-adds): " + ", ".join(f"{t * 1000:.1f} ms" for t in per_stage))
        print(f"  share of the blocks' time skipped, blocks weighted by these times: "
              f"{100 * time_weighted_saving(per_stage, drop_rates=rates):.1f}% in the timed "
              f"steps (the rule's expectation: {100 * time_weighted_saving(per_stage):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
