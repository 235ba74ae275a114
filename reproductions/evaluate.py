"""``python -m reproductions <paper> --evaluate``: released weights on ImageNet validation.

Builds a registered model with ``weights=`` (``"imagenet"``: the keras.applications twin's
released weights converted into our builder; or the path of a ``.weights.h5`` file), runs it
over ImageNet's validation split (tensorflow-datasets ``imagenet2012``, prepared from the
manually downloaded tar files, :mod:`keras_cnns.training.data`) under the training path's
strategy selection (TPU, several GPUs, one GPU, CPU: :mod:`keras_cnns.training.strategy`),
prints top-1 and top-5 error and images/s, and writes a ledger record of kind
``"released-weights"`` (:mod:`reproductions.ledger`).

Commands::

    # ResNet-50's released weights, He et al. 2016 Table 3 (10-crop), cells looked up
    python -m reproductions resnet --evaluate --model resnet-50 --weights imagenet \\
        --protocol 10-crop --data-dir ~/tensorflow_datasets
    # a local weights file, one explicit cell, the tar files elsewhere
    python -m reproductions vgg --evaluate --model vgg-16 --weights /path/vgg16.weights.h5 \\
        --cell TABLE/ROW/COLUMN --data-dir DIR --manual-dir /data/imagenet-tars
    # end to end on tfds.testing.mock_data (no ImageNet needed; recorded as mock, never a cell)
    python -m reproductions mobilenet --evaluate --model mobilenet-0.25-32 \\
        --weights /tmp/w.weights.h5 --mock --batch-size 4

Protocols (:data:`keras_cnns.training.data.EVAL_PROTOCOLS`, each at the model's own input
size, read from the built model, e.g. 299 for Inception-v3, 300 for EfficientNet-B3):
``centre-crop`` (resize the shorter side to 256/224 of the input size, central crop; the
papers' "single-crop" columns and keras.applications' evaluation), ``10-crop`` (corners, centre
and their flips of that image, softmax averaged: Krizhevsky et al. 2012, He et al. 2016
Table 3), ``central-fraction`` (TF-slim's 0.875 central crop resized to 299: Inception,
Xception) and ``efficientnet-crop`` (Tan & Le 2019's padded centre crop, bicubic). The default
is the family's own (:data:`DEFAULT_PROTOCOL`), else ``centre-crop``.

Preprocessing (``--preprocess``): the one the weights expect, keras.applications'
``preprocess_input`` modes (``caffe``: BGR minus the ImageNet means; ``tf``: scaled to
[-1, 1]; ``torch``: [0, 1] then per-channel ImageNet mean/std), ``unit`` (x/255) or ``none``
(0..255). By default the keras.applications twin's (:func:`default_preprocess`), for
``weights="imagenet"`` (``none`` where ``weights="imagenet"`` prepends the twin's in-graph
preprocessing: EfficientNet, MobileNetV3) and, as an assumption stated in the record, for a
weights file too; a family without a twin needs ``--preprocess``. Weights trained here on ImageNet use ``torch``
(the recipes' "channel" normalisation, with the same ImageNet statistics).

Which cell a record fills: ``--cell TABLE/ROW/COLUMN`` (an accuracy cell of ``<paper>`` naming
the model), or the paper's ImageNet accuracy cells of that model whose protocol (10-crop or
single-crop, read from the cell's source, row and column) agrees; one record per cell (a top-1
and a top-5 column both take the one evaluation); two cells of the same metric are an
ambiguity, refused with the candidates listed. Only an evaluation of the whole validation set
(50,000 images) on the real dataset is ``full_length`` and may fill a cell (its note then says
"released weights (<source>), evaluated here: <protocol>, ledger <file>", never a training
run); ``--mock`` or ``--limit`` runs are recorded as mock/smoke, by default outside the
repository (:func:`reproductions.ledger.default_runs_dir`).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime
import os
import pathlib
import re
import sys
import tempfile
import time

from keras_cnns.arguments import check_choice, check_int, fail
from keras_cnns.training import data, models, strategy as strategies
from reproductions import ledger

DATASET = "imagenet2012"
SPLIT = "validation"
VALIDATION_IMAGES = 50_000
PREPROCESS = ("caffe", "tf", "torch", "unit", "none")

#: keras.applications' ``preprocess_input`` mode of each family's twin. MobileNetV3 and
#: EfficientNet build their preprocessing into keras's model (``include_preprocessing``,
#: Rescaling + Normalization); ours built from a weights file has none, and the twin's layers
#: compute ``tf`` and ``torch`` respectively.
TWIN_PREPROCESS = {
    "vgg": "caffe", "resnet": "caffe", "densenet-imagenet": "torch",
    "mobilenet": "tf", "mobilenetv2": "tf", "mobilenetv3": "tf",
    "inception-v3": "tf", "inception-resnet": "tf", "xception": "tf", "efficientnet": "torch",
}

#: The family's own test-time protocol where it is not the 256/224 centre crop.
DEFAULT_PROTOCOL = {
    "inception-v3": "central-fraction", "inception-v4": "central-fraction",
    "inception-resnet": "central-fraction", "se-inception-resnet": "central-fraction",
    "xception": "central-fraction", "efficientnet": "efficientnet-crop",
}

_TEN_CROP = re.compile(r"10[- ]?crops?|ten[- ]crops?", re.I)
_SINGLE_CROP = re.compile(r"single[- ]crop|1[- ]crop|cent(?:er|re)[- ]crop|single crop", re.I)
_OTHER_CROPS = re.compile(r"multi[- ]?(?:crop|scale)|dense|fully[- ]conv|\d{2,}[- ]crops|"
                          r"\d+ ?x ?\d+ crops", re.I)
_NOT_IMAGENET = re.compile(r"cifar|svhn|mnist", re.I)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m reproductions PAPER --evaluate",
                                description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paper", help="the reproduction whose cells the evaluation may fill")
    p.add_argument("--model", required=True, help="registered model name, e.g. resnet-50")
    p.add_argument("--weights", required=True,
                   help="'imagenet' (released, through the keras.applications twin) or the "
                        "path of a .weights.h5 file")
    p.add_argument("--data-dir", help="tensorflow-datasets data_dir")
    p.add_argument("--manual-dir", help="ImageNet tar files (default: <data-dir>/downloads/manual)")
    p.add_argument("--protocol", help=f"one of: {', '.join(data.EVAL_PROTOCOLS)} (default: the "
                                      "family's own, else centre-crop)")
    p.add_argument("--preprocess", help=f"one of: {', '.join(PREPROCESS)} (default: the family's "
                                        "keras.applications twin's)")
    p.add_argument("--batch-size", type=int, default=100, help="global batch (default: 100)")
    p.add_argument("--strategy", default="auto", help=f"one of: {', '.join(strategies.STRATEGIES)}")
    p.add_argument("--limit", type=int, help="evaluate the first N images only (a smoke run)")
    p.add_argument("--mock", action="store_true", help="tfds.testing.mock_data examples")
    p.add_argument("--mock-examples", type=int, default=12,
                   help="how many mock validation images (default: 12)")
    p.add_argument("--cell", help="the accuracy cell this evaluation fills: TABLE/ROW/COLUMN")
    p.add_argument("--runs-dir", type=pathlib.Path, help="where the ledger record goes")
    p.add_argument("--log", type=pathlib.Path,
                   help="per-batch log (CSV; default: ~/.cache/keras-cnns/evaluations/, a "
                        "temporary folder for mock and smoke runs)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


# --- preprocessing and protocol ------------------------------------------------------------

def default_preprocess(model: str, weights: str = "imagenet") -> str:
    """The input ``model``'s ``weights`` expect: its keras.applications twin's
    (:data:`keras_cnns.pretrained.TWINS`, else the family's twin, :data:`TWIN_PREPROCESS`);
    ``none`` for released weights whose twin preprocesses in its graph (EfficientNet,
    MobileNetV3: ``weights="imagenet"`` prepends those layers to ours). ``ValueError`` for a
    family without a twin."""
    name, family = models.info(model).name, models.info(model).family
    try:
        from keras_cnns.pretrained import TWINS
    except ImportError:  # released weights not available in this tree
        TWINS = {}
    if name in TWINS and TWINS[name].preprocess == "in-graph" and weights == "imagenet":
        return "none"
    if name in TWINS and TWINS[name].preprocess != "in-graph":
        return TWINS[name].preprocess
    if family not in TWIN_PREPROCESS:
        fail(f"{family} has no keras.applications twin whose preprocessing its weights would "
             f"share; pass --preprocess (one of {', '.join(PREPROCESS)}).", "model", model)
    return TWIN_PREPROCESS[family]


def default_protocol(model: str) -> str:
    return DEFAULT_PROTOCOL.get(models.info(model).family, "centre-crop")


def preprocess(images, mode: str):
    """``images`` (float32, RGB, 0..255) as the weights expect them (keras.applications'
    ``imagenet_utils.preprocess_input`` for caffe/tf/torch)."""
    check_choice("preprocess", mode, PREPROCESS)
    if mode == "none":
        return images
    if mode == "unit":
        return images / 255.0
    from keras.applications import imagenet_utils
    return imagenet_utils.preprocess_input(images, data_format="channels_last", mode=mode)


# --- cells ---------------------------------------------------------------------------------

def metric_of(cell) -> tuple[str, str]:
    """``(top-1|top-5, error|accuracy)`` of an accuracy cell, read from the first of its
    column, row, stated convention and source that names a k (one only; top-1 when none
    does) and the first that says error (which wins: "Accuracy (top-5 error)") or accuracy
    (``ValueError`` when none says either)."""
    texts = (cell.column, cell.row, cell.convention, cell.source)
    top = "top-1"
    for text in texts:
        one, five = re.search(r"top[- ]?1\b", text, re.I), re.search(r"top[- ]?5\b", text, re.I)
        if bool(one) != bool(five):
            top = "top-1" if one else "top-5"
            break
    for text in texts:  # "Accuracy (top-5 error)" prints an error
        if re.search(r"\berr", text, re.I):
            return top, "error"
        if re.search(r"\bacc", text, re.I):
            return top, "accuracy"
    raise ValueError(f"The cell {cell.row}/{cell.column} does not say whether it prints an "
                     f"error or an accuracy. Received: cell={cell.row}/{cell.column}")


def cell_value(cell, top1_error: float, top5_error: float) -> float:
    """The evaluation as ``cell`` prints it: its metric, in percent (unit "%") or as a
    fraction (no unit)."""
    top, sense = metric_of(cell)
    error = top1_error if top == "top-1" else top5_error
    value = error if sense == "error" else 100.0 - error
    if cell.unit == "%":
        return value
    if cell.unit == "":
        return value / 100.0
    raise ValueError(f"An accuracy cell is printed in % or as a fraction. "
                     f"Received: unit={cell.unit!r}")


def cell_protocols(text: str) -> tuple[str, ...]:
    """The protocols a cell's text (source, row, column) allows: 10-crop, a single crop (any
    single-crop protocol; also when the cell states none), or nothing we run (multi-crop,
    multi-scale, dense)."""
    if _TEN_CROP.search(text):
        return ("10-crop",)
    if _OTHER_CROPS.search(text) and not _SINGLE_CROP.search(text):
        return ()
    return tuple(p for p in data.EVAL_PROTOCOLS if p != "10-crop")


def _cell_text(cell) -> str:
    return f"{cell.source} {cell.row} {cell.column}"


def candidate_cells(paper: str, model: str, protocol: str) -> list[tuple[str, object]]:
    """``(table id, Published)`` of ``paper``'s ImageNet accuracy cells of ``model`` (by its
    canonical name) measured under ``protocol``."""
    from reproductions import load

    canonical = models.info(model).name
    out = []
    for table, published in load(paper).PUBLISHED.items():
        for cell in published:
            if (cell.kind != "accuracy" or cell.ensemble or cell.model is None
                    or _NOT_IMAGENET.search(_cell_text(cell))):
                continue
            try:
                if models.info(cell.model).name != canonical:
                    continue
            except ValueError:
                continue
            if protocol in cell_protocols(_cell_text(cell)):
                out.append((table, cell))
    return out


def cells_to_fill(paper: str, model: str, protocol: str, cell: str | None):
    """The cells one evaluation fills: ``[(table, Published)]`` (possibly empty)."""
    from reproductions import PAPERS, load

    if paper not in PAPERS:
        fail(f"Unknown paper; choose from {', '.join(PAPERS)}.", "paper", paper)
    if cell is not None:
        parts = cell.split("/")
        if len(parts) != 3:
            fail("--cell must be TABLE/ROW/COLUMN.", "cell", cell)
        table, row, column = parts
        found = [c for c in load(paper).PUBLISHED.get(table, [])
                 if (c.row, c.column) == (row, column) and c.kind == "accuracy"]
        if not found:
            fail(f"--cell must name an accuracy cell of {paper}.", "cell", cell)
        if found[0].model is None or models.info(found[0].model).name != models.info(model).name:
            fail(f"--cell names a cell of {found[0].model}, not of {models.info(model).name}.",
                 "cell", cell)
        metric_of(found[0])
        return [(table, found[0])]
    by_metric: dict[tuple, list] = {}
    for table, c in candidate_cells(paper, model, protocol):
        by_metric.setdefault(metric_of(c)[0], []).append((table, c))
    ambiguous = [found for found in by_metric.values() if len(found) > 1]
    if ambiguous:
        listed = "; ".join(f"{t}/{c.row}/{c.column}" for found in ambiguous for t, c in found)
        fail(f"Several cells of {paper} fit {model} under {protocol} ({listed}): pass "
             "--cell TABLE/ROW/COLUMN.", "cell", cell)
    return [found[0] for found in by_metric.values()]


# --- the evaluation ------------------------------------------------------------------------

@dataclasses.dataclass
class Evaluation:
    top1_error: float  # percent
    top5_error: float
    examples: int
    split_examples: int
    seconds: float
    images_per_second: float
    image_size: int
    crops: int
    hardware: dict
    params: int
    chief: bool  # this process writes the record (several workers)


def _progress(verbose: bool):
    """A redirect of keras' progress bar (it prints to stdout) to stderr."""
    return contextlib.redirect_stdout(sys.stderr) if verbose else contextlib.nullcontext()


def evaluate(model_name: str, weights: str, *, protocol: str, preprocess_mode: str,
             batch_size: int = 100, strategy: str = "auto", data_dir=None, manual_dir=None,
             mock: bool = False, mock_examples: int = 12, limit: int | None = None,
             log: pathlib.Path | None = None, verbose: bool = True) -> Evaluation:
    """Top-1/top-5 error (%) of ``model_name`` with ``weights`` on ImageNet validation."""
    import keras
    import numpy as np
    import tensorflow as tf

    entry = models.info(model_name)
    check_choice("protocol", protocol, data.EVAL_PROTOCOLS)
    check_choice("preprocess", preprocess_mode, PREPROCESS)
    check_int("batch_size", batch_size)
    if limit is not None:
        check_int("limit", limit)
    check_int("mock_examples", mock_examples)
    strategies.check(strategy)
    data.check_available(DATASET, data_dir, manual_dir, mock)
    chosen = strategies.make(strategy)
    per_replica = strategies.per_replica_batch(batch_size, chosen)
    with chosen.scope():
        model = entry.build(weights=weights, classifier_activation=None)
    size = model.input_shape[1]
    if model.input_shape[1:] != (size, size, 3) or model.output_shape[-1] != 1000:
        fail(f"ImageNet evaluation needs a square RGB input and 1000 classes; {entry.name} "
             f"takes {model.input_shape[1:]} and gives {model.output_shape[-1]}.",
             "model", model_name)

    with tfds_mock(mock, mock_examples):
        raw, n = data.load(DATASET, SPLIT, data_dir, mock=mock, manual_dir=manual_dir)
    split_examples = n
    if limit is not None and limit < n:
        raw, n = raw.take(limit), limit
    crops = data.protocol_crops(protocol)
    crop = data.eval_crops(protocol, size)
    ds_spec = data.spec(DATASET)

    def dataset(ctx):
        return data.eval_dataset(raw, n, ds_spec, normalize="channel", global_batch=batch_size,
                                 per_replica=per_replica, pipelines=ctx.num_input_pipelines,
                                 pipeline_id=ctx.input_pipeline_id,
                                 transform=lambda image, label: (crop(image), label))

    def replica_eval(images, labels, weights_):
        flat = preprocess(tf.reshape(images, [-1, size, size, 3]), preprocess_mode)
        outputs = model(flat, training=False)
        logits = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
        probs = tf.nn.softmax(tf.cast(logits, tf.float32))
        probs = tf.reduce_mean(tf.reshape(probs, [-1, crops, probs.shape[-1]]), axis=1)
        top = tf.math.top_k(probs, k=5).indices
        hits = tf.cast(tf.equal(top, tf.cast(labels[:, None], top.dtype)), tf.float32)
        return (tf.reduce_sum(hits[:, 0] * weights_),
                tf.reduce_sum(tf.reduce_max(hits, axis=1) * weights_), tf.reduce_sum(weights_))

    @tf.function
    def step(iterator):
        return [chosen.reduce(tf.distribute.ReduceOp.SUM, v, axis=None)
                for v in chosen.run(replica_eval, args=next(iterator))]

    batches = -(-n // batch_size)
    iterator = iter(chosen.distribute_datasets_from_function(dataset))
    totals = np.zeros(3)
    rows = []
    progbar = keras.utils.Progbar(batches, verbose=1 if verbose else 0,
                                  stateful_metrics=["top-1 err", "top-5 err"])
    started = time.perf_counter()
    for batch in range(batches):
        totals += np.array([float(t) for t in step(iterator)])
        rows.append({"batch": batch + 1, "examples": int(totals[2]),
                     "top1_correct": int(totals[0]), "top5_correct": int(totals[1]),
                     "seconds": round(time.perf_counter() - started, 3)})
        with _progress(verbose):
            progbar.update(batch + 1, [("top-1 err", 100 * (1 - totals[0] / totals[2])),
                                       ("top-5 err", 100 * (1 - totals[1] / totals[2]))])
    seconds = time.perf_counter() - started
    if log is not None and strategies.is_chief(chosen):
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    examples = int(totals[2])
    return Evaluation(top1_error=float(100 * (1 - totals[0] / examples)),
                      top5_error=float(100 * (1 - totals[1] / examples)),
                      examples=examples, split_examples=split_examples, seconds=seconds,
                      images_per_second=examples / seconds, image_size=size, crops=crops,
                      hardware=strategies.hardware(chosen), params=model.count_params(),
                      chief=strategies.is_chief(chosen))


def tfds_mock(mock: bool, examples: int):
    """``tfds.testing.mock_data`` with ``examples`` images per split, or nothing."""
    if not mock:
        return contextlib.nullcontext()
    import tensorflow_datasets as tfds
    return tfds.testing.mock_data(num_examples=examples)


def _dataset_version(data_dir, mock: bool) -> str:
    import tensorflow_datasets as tfds
    version = tfds.builder(DATASET, data_dir=data_dir).info.version
    return f"{DATASET}:{version}" + (" (tfds.testing.mock_data)" if mock else "")


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    entry = models.info(args.model)
    protocol = args.protocol or default_protocol(entry.name)
    check_choice("protocol", protocol, data.EVAL_PROTOCOLS)
    preprocess_mode = args.preprocess or default_preprocess(entry.name, args.weights)
    check_choice("preprocess", preprocess_mode, PREPROCESS)
    filled = cells_to_fill(args.paper, entry.name, protocol, args.cell)
    smoke = args.limit is not None
    may_fill = not (args.mock or smoke)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    logs = (pathlib.Path(os.path.expanduser("~/.cache/keras-cnns/evaluations")) if may_fill
            else pathlib.Path(tempfile.gettempdir()) / "keras-cnns-evaluations")
    log = args.log or logs / f"{entry.name}-{protocol}-{stamp}.csv"
    result = evaluate(entry.name, args.weights, protocol=protocol,
                      preprocess_mode=preprocess_mode, batch_size=args.batch_size,
                      strategy=args.strategy, data_dir=args.data_dir, manual_dir=args.manual_dir,
                      mock=args.mock, mock_examples=args.mock_examples, limit=args.limit,
                      log=log, verbose=not args.quiet)
    full = (may_fill and result.examples == result.split_examples == VALIDATION_IMAGES)
    print(f"[{args.paper}] {entry.name} ({args.weights}, {protocol}, {result.image_size}x"
          f"{result.image_size}, preprocess {preprocess_mode}) on {DATASET} {SPLIT}, "
          f"{result.examples} images: top-1 error {result.top1_error:.2f}%, top-5 error "
          f"{result.top5_error:.2f}%, {result.images_per_second:.1f} images/s")
    if not result.chief:
        return 0  # the chief writes the record
    base = {
        "kind": "released-weights", "paper": args.paper, "model": entry.name,
        "weights": str(args.weights),
        "weights_preprocessing": preprocess_mode,
        "preprocessing_source": ("stated: --preprocess" if args.preprocess else
                                 "the family's keras.applications twin"
                                 + ("" if args.weights == "imagenet" else
                                    " (assumed for a weights file)")),
        "protocol": protocol, "image_size": result.image_size, "crops": result.crops,
        "dataset": DATASET, "dataset_version": _dataset_version(args.data_dir, args.mock),
        "split": SPLIT, "examples": result.examples, "split_examples": result.split_examples,
        "top1_error": result.top1_error, "top5_error": result.top5_error,
        "images_per_second": result.images_per_second, "seconds": result.seconds,
        "global_batch": args.batch_size, "params": result.params,
        "command": ledger.command_line([argv[0], "--evaluate", *argv[1:]]),
        "commit": ledger.git_commit(), "versions": ledger.versions(),
        "hardware": result.hardware, "mock": args.mock, "smoke": smoke,
        "full_length": full, "log": str(log),
    }
    runs_dir = args.runs_dir or ledger.default_runs_dir(full)
    for table, cell in filled or [(None, None)]:
        record = dict(base, table=table, row=None, column=None, value=None)
        if cell is not None:
            top, sense = metric_of(cell)
            record.update(row=cell.row, column=cell.column,
                          metric=f"{top} {sense} ({'%' if cell.unit == '%' else 'fraction'})")
            if full:
                record["value"] = cell_value(cell, result.top1_error, result.top5_error)
        path = ledger.write(record, runs_dir)
        where = f"{table}/{cell.row}/{cell.column}" if cell is not None else "no cell"
        print(f"[{args.paper}] record ({where}; full-length: {full}): {path}")
    return 0
