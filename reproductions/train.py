"""``python -m reproductions <paper> --train --model NAME --dataset NAME [...]``.

Trains a registered model with the paper's recipe, checkpoints it (a re-run of the same
command resumes), and writes a ledger record. A run that may fill a published cell (the
recipe's full schedule on the real dataset, ``--cell`` naming an accuracy cell) is recorded
under ``results/runs/``; smoke runs and mock/generated data go to a temporary folder unless
``--runs-dir`` says otherwise, so tests never touch the repository.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile

from keras_cnns.training import data, models, recipes, strategy
from reproductions import ledger

SMOKE = {"steps_per_epoch": 2, "epochs": 1, "eval_steps": 1, "batch_size": 4}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m reproductions PAPER --train",
                                description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paper", help=f"one of: {', '.join(recipes.papers())}")
    p.add_argument("--model", required=True, help="registered model name, e.g. wrn-28-10")
    p.add_argument("--dataset", required=True, help=f"one of: {', '.join(data.DATASETS)}")
    p.add_argument("--recipe", help="recipe name (default: the paper's recipe for the dataset): "
                   + ", ".join(recipes.RECIPES))
    p.add_argument("--strategy", default="auto", help=f"one of: {', '.join(strategy.STRATEGIES)}")
    p.add_argument("--batch-size", type=int, help="global batch (default: the recipe's; the "
                   "learning rate scales as the recipe says)")
    p.add_argument("--epochs", type=float, help="stop after this many epochs (not full-length)")
    p.add_argument("--steps-per-epoch", type=int, help="shorter epochs (not full-length)")
    p.add_argument("--eval-steps", type=int, help="evaluate on this many batches only")
    p.add_argument("--target-error", type=float,
                   help="stop after the first epoch whose test error (%%) is at or below this "
                        "(time to a target error; not full-length)")
    p.add_argument("--image-size", type=int,
                   help="train and evaluate at this size (ImageNet only; never fills a cell)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--precision", default="float32", help="float32, bf16 or fp16 (mixed)")
    p.add_argument("--xla", action="store_true", help="compile the steps with XLA")
    p.add_argument("--eager", action="store_true",
                   help="run the steps op by op, untraced (the same computation: smoke runs of "
                        "deep nets on a CPU, where tracing the step dominates)")
    p.add_argument("--deterministic", action="store_true", help="enable TF op determinism")
    p.add_argument("--checkpoint-every", type=int, default=0,
                   help="also checkpoint every N steps (always at the end of an epoch)")
    p.add_argument("--run-dir", type=pathlib.Path,
                   help="checkpoints and logs (default: ~/.cache/keras-cnns/runs/<run>, a fresh "
                        "temporary folder for --smoke); an existing checkpoint there is resumed")
    p.add_argument("--runs-dir", type=pathlib.Path, help="where the ledger record goes")
    p.add_argument("--data-dir", help="tensorflow-datasets data_dir")
    p.add_argument("--manual-dir", help="ImageNet tar files (default: <data-dir>/downloads/manual)")
    p.add_argument("--mock-data", action="store_true", help="tfds.testing.mock_data examples")
    p.add_argument("--smoke", action="store_true",
                   help="a few steps end to end: " + ", ".join(f"{k}={v}" for k, v in SMOKE.items())
                        + "; mock data unless the dataset is already prepared")
    p.add_argument("--cell", help="the accuracy cell this run fills: TABLE/ROW/COLUMN")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _prepared(dataset: str, data_dir) -> bool:
    ds_spec = data.spec(dataset)
    if ds_spec.tfds_name is None:
        return True
    import tensorflow_datasets as tfds
    path = tfds.builder(ds_spec.tfds_name, data_dir=data_dir).data_path
    return path.exists() and any(path.glob("*.tfrecord*"))


def _check_cell(paper: str, cell: str | None):
    if cell is None:
        return None, None, None
    from reproductions import PAPERS, load
    parts = cell.split("/")
    if len(parts) != 3:
        raise ValueError(f"--cell must be TABLE/ROW/COLUMN. Received: cell={cell!r}")
    if paper not in PAPERS:
        raise ValueError(f"Paper {paper!r} has no reproduction module with cells yet. "
                         f"Received: cell={cell!r}")
    table, row, column = parts
    cells = load(paper).PUBLISHED.get(table, [])
    if not any(c.row == row and c.column == column and c.kind == "accuracy" for c in cells):
        raise ValueError(f"--cell must name an accuracy cell of {paper}. Received: cell={cell!r}")
    return table, row, column


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    from keras_cnns.training import engine  # noqa: imports TensorFlow
    model_entry = models.info(args.model)
    model = model_entry.name  # canonical: recipes, run names and records use it
    ds_spec = data.spec(args.dataset)
    strategy_name = args.strategy
    strategy.check(strategy_name)
    recipe = (recipes.get(args.recipe) if args.recipe
              else recipes.find(args.paper, model, args.dataset))
    if args.recipe and recipe.paper != args.paper:
        raise ValueError(f"Recipe {recipe.name} belongs to {recipe.paper}. Received: paper={args.paper!r}")
    table, row, column = _check_cell(args.paper, args.cell)
    options = {"batch_size": args.batch_size, "epochs": args.epochs,
               "steps_per_epoch": args.steps_per_epoch, "eval_steps": args.eval_steps}
    mock = args.mock_data
    if args.smoke:
        options = {k: (v if v is not None else SMOKE[k]) for k, v in options.items()}
        if not mock and not _prepared(args.dataset, args.data_dir):
            print(f"--smoke: {args.dataset} is not prepared in the tfds data_dir; using "
                  "tfds.testing.mock_data examples.", file=sys.stderr)
            mock = True
    may_fill = not (args.smoke or mock or data.generated(args.dataset))
    run_name = f"{args.paper}-{model}-{args.dataset}-b{recipe.batch_size if args.batch_size is None else args.batch_size}-s{args.seed}"
    run_dir = args.run_dir or (pathlib.Path(tempfile.mkdtemp(prefix="keras-cnns-smoke-"))
                               if args.smoke else
                               pathlib.Path(os.path.expanduser("~/.cache/keras-cnns/runs")) / run_name)
    config = engine.RunConfig(
        model=model_entry.name, dataset=ds_spec.name, recipe=recipe, run_dir=str(run_dir),
        seed=args.seed, strategy=strategy_name, precision=args.precision, xla=args.xla,
        eager=args.eager, target_error=args.target_error,
        deterministic=args.deterministic, checkpoint_every=args.checkpoint_every,
        data_dir=args.data_dir, manual_dir=args.manual_dir, mock=mock,
        image_size=args.image_size, verbose=0 if args.quiet else 1, **options)
    result = engine.train(config)
    full = result.full_schedule and may_fill
    record = {
        "paper": args.paper, "table": table, "row": row, "column": column,
        "value": result.test_error if (full and table) else None,
        "metric": "top-1 test error (%)", "test_error": result.test_error,
        "command": ledger.command_line(argv_with_train(argv)), "commit": ledger.git_commit(),
        "versions": ledger.versions(), "hardware": result.hardware,
        "dataset": args.dataset, "dataset_version": _dataset_version(args.dataset, args.data_dir),
        "mock": mock, "smoke": args.smoke, "model": model, "params": result.model_params,
        "recipe": recipe.name, "recipe_source": recipe.source, "seed": args.seed,
        "global_batch": result.global_batch, "epochs": result.epochs,
        "recipe_epochs": recipe.epochs, "steps_per_epoch": result.steps_per_epoch,
        "train_examples": result.train_examples, "test_examples": result.test_examples,
        "full_length": full, "resumed_from_step": result.resumed_from,
        "history": result.history, "log": str(pathlib.Path(run_dir) / "log.csv"),
    }
    if result.hardware["workers"] > 1 and not _chief():
        return 0  # the chief writes the record
    runs_dir = args.runs_dir or ledger.default_runs_dir(full)
    path = ledger.write(record, runs_dir)
    print(f"[{args.paper}] {model} on {args.dataset}: test error {result.test_error:.2f}% "
          f"after {len(result.history)} epoch(s); full-length: {full}; record: {path}")
    return 0


def _chief() -> bool:
    import json
    task = json.loads(os.environ.get("TF_CONFIG", "{}")).get("task", {})
    return task.get("type") == "chief" or (task.get("type", "worker") == "worker"
                                           and task.get("index", 0) == 0)


def argv_with_train(argv: list[str]) -> list[str]:
    return [argv[0], "--train", *argv[1:]] if argv else ["--train"]


def _dataset_version(dataset: str, data_dir) -> str:
    ds_spec = data.spec(dataset)
    if ds_spec.tfds_name is None:
        return "generated"
    import tensorflow_datasets as tfds
    return f"{ds_spec.tfds_name}:{tfds.builder(ds_spec.tfds_name, data_dir=data_dir).info.version}"
