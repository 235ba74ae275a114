"""``python -m reproductions efficientnet --search --dataset cifar10 --budget 2.6x [...]``.

A design-space search with keras-tuner (:mod:`keras_cnns.search`): by default EfficientNet's
step 1 (Tan & Le 2019, Sec. 4): at phi = 1, a grid over alpha (depth), beta (width) and
gamma (resolution) with alpha * beta^2 * gamma^2 ~ 2, each point scored by a short proxy
training run through the training engine, every point over the budget rejected by the
complexity engine before anything is built for training. ``--space`` picks another of the
papers' spaces (mobilenet, wrn, densenet-bc). The results table (``results.md``,
``results.json``) and plot (``results.png``) go to the run directory; running the same
command again resumes a killed search. A ledger record of the search is written at the end
(to ``results/runs`` only for a real dataset and ``--record``).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import tempfile

from keras_cnns import search
from keras_cnns.training import data
from reproductions import ledger

#: The default space of each paper key.
DEFAULT_SPACE = {"efficientnet": "efficientnet", "mobilenet": "mobilenet", "wrn": "wrn",
                 "densenet": "densenet-bc"}


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in text.split(","))


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(v) for v in text.split(","))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m reproductions PAPER --search", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paper", help=f"one of: {', '.join(DEFAULT_SPACE)}")
    p.add_argument("--dataset", required=True, help=f"one of: {', '.join(data.DATASETS)}")
    p.add_argument("--budget", required=True,
                   help="'2.6x' (times the space's baseline: B0 for EfficientNet), or a count "
                        "such as '60M', '1.5G' (multiply-adds; parameters with --budget-metric)")
    p.add_argument("--budget-metric", default="macs", choices=search.METRICS)
    p.add_argument("--space", choices=sorted(search.SPACES), help="default: the paper's")
    p.add_argument("--alphas", type=_floats, help="EfficientNet: comma-separated alphas")
    p.add_argument("--betas", type=_floats, help="EfficientNet: comma-separated betas")
    p.add_argument("--gammas", type=_floats, help="EfficientNet: comma-separated gammas")
    p.add_argument("--phi", type=float, default=1.0, help="EfficientNet: phi of the grid (1)")
    p.add_argument("--target", type=float, default=2.0,
                   help="EfficientNet: alpha * beta^2 * gamma^2 ~ target (2)")
    p.add_argument("--tolerance", type=float, default=0.1,
                   help="EfficientNet: |alpha * beta^2 * gamma^2 - target| <= tolerance (0.1)")
    p.add_argument("--base-width", type=float, default=1.0,
                   help="EfficientNet: width of the proxy B0 (below 1: a smaller proxy)")
    p.add_argument("--base-depth", type=float, default=1.0,
                   help="EfficientNet: depth of the proxy B0 (below 1: a smaller proxy)")
    p.add_argument("--depths", type=_ints, help="wrn, densenet-bc: comma-separated depths")
    p.add_argument("--widths", type=_ints, help="wrn: widening factors; densenet-bc: growth rates")
    p.add_argument("--alphas-mobilenet", type=_floats, dest="mobilenet_alphas",
                   help="mobilenet: width multipliers")
    p.add_argument("--resolutions", type=_ints, help="mobilenet: input resolutions")
    p.add_argument("--max-trials", type=int, help="stop after this many trained points")
    p.add_argument("--epochs", type=float, help="proxy epochs (default: the recipe's, 10)")
    p.add_argument("--steps-per-epoch", type=int, help="shorter proxy epochs")
    p.add_argument("--eval-steps", type=int, help="validate on this many batches only")
    p.add_argument("--batch-size", type=int, help="proxy batch (default 128)")
    p.add_argument("--holdout", type=float, default=0.1,
                   help="fraction of the training split held out to select on (0.1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--run-dir", type=pathlib.Path,
                   help="where the search lives (default ~/.cache/keras-cnns/search/<name>); "
                        "an existing search there is resumed")
    p.add_argument("--data-dir", help="tensorflow-datasets data_dir")
    p.add_argument("--mock-data", action="store_true", help="tfds.testing.mock_data examples")
    p.add_argument("--runs-dir", type=pathlib.Path, help="where the ledger record goes")
    p.add_argument("--record", action="store_true",
                   help="record a real-data search in results/runs (the ledger)")
    p.add_argument("--quiet", action="store_true")
    return p


def make_space(args) -> search.Space:
    key = args.space or DEFAULT_SPACE.get(args.paper)
    if key is None:
        raise ValueError(f"No search space for paper {args.paper!r}; choose --space from "
                         f"{', '.join(sorted(search.SPACES))}. Received: paper={args.paper!r}")
    if key == "efficientnet":
        options = {k: v for k, v in (("alphas", args.alphas), ("betas", args.betas),
                                     ("gammas", args.gammas)) if v is not None}
        return search.EfficientNetSpace(phi=args.phi, target=args.target,
                                        tolerance=args.tolerance, base_width=args.base_width,
                                        base_depth=args.base_depth, **options)
    if key == "mobilenet":
        options = {k: v for k, v in (("alphas", args.mobilenet_alphas),
                                     ("resolutions", args.resolutions)) if v is not None}
        return search.MobileNetSpace(**options)
    if key == "wrn":
        options = {k: v for k, v in (("depths", args.depths), ("widths", args.widths))
                   if v is not None}
        return search.WRNSpace(**options)
    options = {k: v for k, v in (("depths", args.depths), ("growth_rates", args.widths))
               if v is not None}
    return search.DenseNetBCSpace(**options)


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    ds_spec = data.spec(args.dataset)
    space = make_space(args)
    budget = search.Budget.parse(args.budget, space, ds_spec.image_shape[0], ds_spec.classes,
                                 args.budget_metric)
    proxy = search.ProxyRun(args.dataset, epochs=args.epochs,
                            steps_per_epoch=args.steps_per_epoch, eval_steps=args.eval_steps,
                            batch_size=args.batch_size, holdout=args.holdout, seed=args.seed,
                            mock=args.mock_data, data_dir=args.data_dir)
    name = f"{space.key}-{args.dataset}-{args.budget_metric}{budget.limit:.0f}-s{args.seed}"
    run_dir = args.run_dir or (pathlib.Path(os.path.expanduser("~/.cache/keras-cnns/search"))
                               / name)
    data.check_available(args.dataset, args.data_dir, mock=args.mock_data)
    results = search.run(space, budget, run_dir, proxy, max_trials=args.max_trials,
                         verbose=0 if args.quiet else 1)
    real = not (args.mock_data or ds_spec.tfds_name is None)
    record = {
        "paper": args.paper, "table": "search", "row": space.key, "column": OBJECTIVE_COLUMN,
        "value": None, "kind": "search", "command": ledger.command_line(["--search", *argv]),
        "commit": ledger.git_commit(), "versions": ledger.versions(),
        "hardware": _hardware(), "dataset": args.dataset, "mock": args.mock_data,
        "full_length": False, "seed": args.seed, "budget": results["budget"],
        "best": results["best"], "points": results["points"],
        "log": str(pathlib.Path(run_dir) / "results.json"),
    }
    runs_dir = args.runs_dir or (ledger.RUNS_DIR if (real and args.record)
                                 else pathlib.Path(tempfile.gettempdir()) / "keras-cnns-runs")
    path = ledger.write(record, runs_dir)
    trained = sum(1 for r in results["points"] if r["status"] == "trained")
    over = sum(1 for r in results["points"] if r["status"] == "over budget")
    best = results["best"]
    print(f"[{args.paper}] {space.key} search on {args.dataset}: {trained} trained, {over} over "
          f"budget ({budget.text()}); best: "
          + (f"{best['label']} at {100 * best['val_accuracy']:.2f}%" if best else "none")
          + f"; results: {pathlib.Path(run_dir) / 'results.md'}; record: {path}")
    return 0


OBJECTIVE_COLUMN = "validation accuracy (proxy)"


def _hardware() -> dict:
    from keras_cnns.training import strategy

    return strategy.hardware(strategy.make("auto"))
