"""Training throughput (images/s) of ResNet-50 v1.5, EfficientNet-B0 and WRN-28-10 under
``tf.distribute``, float32 and bf16 mixed precision, with and without XLA, beside the
training throughput NVIDIA publishes for the same model.

Usage: ``python -m reproductions.bench_train [--models resnet-50-v1.5 efficientnet-b0
wrn-28-10] [--precisions float32 bf16] [--xla {off,on,both}] [--strategy auto]
[--batch N] [--size S] [--steps 20] [--warmup 5] [--output results/benchmarks.md]``.

A step is forward + backward + SGD-momentum update (sparse cross-entropy from logits, the
models built with ``classifier_activation=None``) of a ``tf.function`` (``jit_compile`` for
XLA, around ``strategy.run`` as Keras's own ``fit`` does) on random images and labels made
once on each replica's device. The strategy comes from
:func:`keras_cnns.training.strategy.make` (``auto``: every GPU, else the CPU); ``--batch`` is
the global batch (default: 256 per replica for the ImageNet models, 128 for WRN). The first
``--warmup`` steps (tracing, compilation) are not timed; images/s is the global batch over
the median of ``--steps`` steps, each synchronised by reading its loss back.

NVIDIA's figures (:data:`PUBLISHED`) were read from NVIDIA/DeepLearningExamples at commit
729963dd47e7c8bd462ad10bfac7a7b0b604e6dd (2024-04-04):

- ``TensorFlow/Classification/ConvNets/resnet50v1.5/README.md``, "Training performance:
  NVIDIA DGX A100 (8x A100 40GB)" and "... DGX-1 (8x V100 16G)" (TF1 20.06 NGC container,
  XLA, averaged over an epoch of real ImageNet input);
- ``TensorFlow2/Classification/ConvNets/efficientnet_v1/README.md``, "Training performance
  results for EfficientNet v1-B0": "NVIDIA DGX A100 (8x A100 80GB)" and "NVIDIA DGX-1
  (8x V100 32GB)". That table gives no batch size or XLA setting; both are taken from the
  ``efficientnet_v1/B0/training/{AMP,TF32,FP32}/train_benchmark_8x*.sh`` scripts its
  "Training performance benchmark" section names (``--use_xla``, ``--train_batch_size`` per
  GPU). NVIDIA publishes no WRN-28-10 figure.

NVIDIA's "mixed precision" is float16 AMP with loss scaling, not bfloat16; its float32 on
A100 is TF32 (TensorFlow's default on Ampere and later, so also what ``float32`` measures
here on such GPUs). Their input pipeline reads real JPEGs, this one does not: the figures
are a reference point, not a like-for-like target. Timings are machine-dependent: printed
and appended to ``--output``, never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from tabulate import tabulate  # noqa: E402

import keras_cnns  # noqa: E402
from keras_cnns.training import strategy as strategies  # noqa: E402

# registry name -> (input size, classes, default batch per replica)
MODELS = {
    "resnet-50-v1.5": (224, 1000, 256),
    "efficientnet-b0": (224, 1000, 256),
    "wrn-28-10": (32, 10, 128),
}

_DLE = "NVIDIA/DeepLearningExamples@729963dd:"
_R50 = _DLE + "TensorFlow/Classification/ConvNets/resnet50v1.5/README.md"
_B0 = _DLE + "TensorFlow2/Classification/ConvNets/efficientnet_v1/README.md"
_B0_SCRIPTS = "efficientnet_v1/B0/training/{}/train_benchmark_8x{}.sh"


@dataclasses.dataclass(frozen=True)
class Published:
    """One training-throughput figure from an NVIDIA DeepLearningExamples README."""

    model: str          # registry name here
    gpu: str            # as the table's title names it
    gpus: int           # GPUs of that row
    precision: str      # "tf32", "fp32" or "amp-fp16", as the column header says
    xla: bool
    batch_per_gpu: int
    images_per_s: float
    source: str         # file, table title, column, row

    def label(self) -> str:
        return (f"{self.images_per_s:g} ({self.gpus}x {self.gpu}, {self.precision}"
                f"{'+XLA' if self.xla else ''}, {self.batch_per_gpu}/GPU)")


def _r50(title, gpu, gpus, precision, batch, value):
    column = ("Throughput - mixed precision + XLA" if precision == "amp-fp16"
              else f"Throughput - {precision.upper()} + XLA")
    return Published("resnet-50-v1.5", gpu, gpus, precision, True, batch, value,
                     f'{_R50}, table "{title}", column "{column}", row GPUs={gpus}')


def _b0(title, gpu, gpus, precision, batch, value, script):
    column = ("Throughput - mixed precision" if precision == "amp-fp16"
              else f"Throughput - {precision.upper()}")
    return Published("efficientnet-b0", gpu, gpus, precision, True, batch, value,
                     f'{_B0}, table "{title}", column "{column}", row GPUs={gpus}; '
                     f"batch and XLA from {script}")


_A100_R50 = "Training performance: NVIDIA DGX A100 (8x A100 40GB)"
_V100_R50 = "Training performance: NVIDIA DGX-1 (8x V100 16G)"
_A100_B0 = "Training performance results for EfficientNet v1-B0 / NVIDIA DGX A100 (8x A100 80GB)"
_V100_B0 = "Training performance results for EfficientNet v1-B0 / NVIDIA DGX-1 (8x V100 32GB)"

PUBLISHED = (
    _r50(_A100_R50, "A100 40GB", 1, "tf32", 256, 909),
    _r50(_A100_R50, "A100 40GB", 1, "amp-fp16", 256, 2375),
    _r50(_A100_R50, "A100 40GB", 8, "tf32", 256, 7000),
    _r50(_A100_R50, "A100 40GB", 8, "amp-fp16", 256, 17400),
    _r50(_V100_R50, "V100 16GB", 1, "fp32", 128, 412),
    _r50(_V100_R50, "V100 16GB", 1, "amp-fp16", 256, 1270),
    _r50(_V100_R50, "V100 16GB", 8, "fp32", 128, 3170),
    _r50(_V100_R50, "V100 16GB", 8, "amp-fp16", 256, 9510),
    _b0(_A100_B0, "A100 80GB", 1, "tf32", 512, 1209, _B0_SCRIPTS.format("TF32", "A100-80G")),
    _b0(_A100_B0, "A100 80GB", 1, "amp-fp16", 1024, 3454,
        _B0_SCRIPTS.format("AMP", "A100-80G")),
    _b0(_A100_B0, "A100 80GB", 8, "tf32", 512, 9119, _B0_SCRIPTS.format("TF32", "A100-80G")),
    _b0(_A100_B0, "A100 80GB", 8, "amp-fp16", 1024, 20647,
        _B0_SCRIPTS.format("AMP", "A100-80G")),
    _b0(_V100_B0, "V100 32GB", 1, "fp32", 256, 752, _B0_SCRIPTS.format("FP32", "V100-32G")),
    _b0(_V100_B0, "V100 32GB", 1, "amp-fp16", 512, 868, _B0_SCRIPTS.format("AMP", "V100-32G")),
    _b0(_V100_B0, "V100 32GB", 8, "fp32", 256, 4504, _B0_SCRIPTS.format("FP32", "V100-32G")),
    _b0(_V100_B0, "V100 32GB", 8, "amp-fp16", 512, 4880, _B0_SCRIPTS.format("AMP", "V100-32G")),
)


def published_for(model: str, precision: str, replicas: int) -> list[Published]:
    """NVIDIA's figures for ``model`` at ``replicas`` GPUs in the nearest precision
    (float32 -> FP32/TF32, bf16/fp16 -> their float16 AMP)."""
    wanted = ("fp32", "tf32") if precision == "float32" else ("amp-fp16",)
    return [p for p in PUBLISHED
            if p.model == model and p.precision in wanted and p.gpus == replicas]


def _gpu_names() -> list[str]:
    names = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            names.append(tf.config.experimental.get_device_details(gpu).get("device_name",
                                                                            gpu.name))
        except (ValueError, RuntimeError):
            names.append(gpu.name)
    return names


def measure(name: str, precision: str, xla: bool, strategy: tf.distribute.Strategy,
            batch: int | None = None, size: int | None = None, steps: int = 20,
            warmup: int = 5) -> dict:
    """Train ``name`` on random data for ``warmup`` + ``steps`` steps; its timings."""
    default_size, classes, per_replica = MODELS.get(name, (224, 1000, 256))
    size = size or default_size
    replicas = strategy.num_replicas_in_sync
    batch = batch or per_replica * replicas
    local = strategies.per_replica_batch(batch, strategy)
    strategies.set_precision(precision)
    try:
        with strategy.scope():
            model = keras_cnns.create_model(name, input_shape=(size, size, 3),
                                            classes=classes, classifier_activation=None)
            optimizer = keras.optimizers.SGD(0.01, momentum=0.9)
            optimizer.build(model.trainable_variables)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                             reduction=None)

        def data(context):
            seed = context.replica_id_in_sync_group
            return (tf.random.stateless_uniform((local, size, size, 3), (seed, 0)),
                    tf.random.stateless_uniform((local,), (seed, 1), maxval=classes,
                                                dtype=tf.int32))

        images = strategy.experimental_distribute_values_from_function(
            lambda context: data(context)[0])
        labels = strategy.experimental_distribute_values_from_function(
            lambda context: data(context)[1])

        def replica_step(x, y):
            with tf.GradientTape() as tape:
                logits = tf.cast(model(x, training=True), "float32")
                loss = tf.nn.compute_average_loss(loss_fn(y, logits), global_batch_size=batch)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        @tf.function(jit_compile=xla)
        def step(x, y):
            losses = strategy.run(replica_step, args=(x, y))
            return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

        start = time.perf_counter()
        for _ in range(max(warmup, 1)):
            step(images, labels).numpy()
        first = time.perf_counter() - start
        times = []
        for _ in range(steps):
            start = time.perf_counter()
            step(images, labels).numpy()
            times.append(time.perf_counter() - start)
    finally:
        strategies.set_precision("float32")
        keras.backend.clear_session()
    median = statistics.median(times)
    return {"model": name, "size": size, "precision": precision, "xla": xla,
            "replicas": replicas, "batch": batch, "warmup_s": first, "step_s": median,
            "images_per_s": batch / median}


def markdown(results: list[dict], hardware: str) -> str:
    """The results as a markdown table, with hardware, versions, date and NVIDIA's figures."""
    rows, cited = [], []
    for r in results:
        found = published_for(r["model"], r["precision"], r["replicas"])
        cited += [p for p in found if p not in cited]
        rows.append([r["model"], f"{r['size']}x{r['size']}", r["precision"],
                     "on" if r["xla"] else "off", r["replicas"], r["batch"],
                     f"{r['warmup_s']:.1f}", f"{r['step_s'] * 1e3:.1f}",
                     f"{r['images_per_s']:.1f}",
                     "; ".join(p.label() for p in found) or "-"])
    table = tabulate(rows, headers=["model", "input", "precision", "XLA", "replicas",
                                    "global batch", "warm-up s", "step ms (median)",
                                    "images/s", "NVIDIA published images/s"],
                     tablefmt="github")
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"#### bench_train, {when}", "",
             f"Hardware: {hardware}; TensorFlow {tf.__version__}, Keras {keras.__version__}.",
             "", table, ""]
    if cited:
        lines += ["NVIDIA figures (float16 AMP for bf16 rows; XLA; real input pipeline):", ""]
        lines += [f"- {p.images_per_s:g} images/s: {p.source}" for p in cited]
        lines.append("")
    return "\n".join(lines)


def run(argv: list[str] | None = None) -> tuple[list[dict], str]:
    """Parse ``argv``, measure every combination; (results, markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS),
                        help=f"registry names (default: {' '.join(MODELS)})")
    parser.add_argument("--precisions", nargs="+", default=["float32", "bf16"],
                        choices=["float32", "bf16"])
    parser.add_argument("--xla", choices=["off", "on", "both"], default="both")
    parser.add_argument("--strategy", default="auto", choices=strategies.STRATEGIES)
    parser.add_argument("--batch", type=int, default=None,
                        help="global batch (default: 256 per replica, 128 for WRN)")
    parser.add_argument("--size", type=int, default=None, help="override the input size")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--output", default=None, help="append the markdown table to FILE")
    args = parser.parse_args(argv)
    tf.get_logger().setLevel("ERROR")  # one tf.function per measurement: retracing notices
    strategy = strategies.make(args.strategy)
    gpus = _gpu_names()
    hardware = (f"{strategy.num_replicas_in_sync} x {gpus[0]}" if gpus else
                f"CPU ({os.cpu_count()} cores)") + f", {type(strategy).__name__}"
    results = []
    for name in args.models:
        for precision in args.precisions:
            for xla in {"off": [False], "on": [True], "both": [False, True]}[args.xla]:
                r = measure(name, precision, xla, strategy, args.batch, args.size,
                            args.steps, args.warmup)
                nvidia = "; ".join(p.label() for p in published_for(
                    name, precision, r["replicas"])) or "-"
                print(f"{name} {precision} xla={'on' if xla else 'off'}: "
                      f"{r['images_per_s']:.1f} images/s (NVIDIA: {nvidia})", flush=True)
                results.append(r)
    text = markdown(results, hardware)
    if args.output:
        with open(args.output, "a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    return results, text


def main(argv: list[str] | None = None) -> None:
    print("\n" + run(argv)[1])


if __name__ == "__main__":
    main()
