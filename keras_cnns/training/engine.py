"""The training loop: a custom loop under any ``tf.distribute`` strategy, resumable.

Why a custom loop: Keras 3's ``model.fit`` does not run under
``tf.distribute.MultiWorkerMirroredStrategy``. This loop builds the model and optimizer in
the strategy's scope, feeds each replica its slice of every global batch with
``distribute_datasets_from_function`` and runs one step with ``strategy.run``; the Keras 3
TensorFlow optimizer all-reduces (sums) the gradients across replicas and workers. The same
code serves one CPU, one GPU, ``MirroredStrategy``, ``MultiWorkerMirroredStrategy`` and
``TPUStrategy``.

The loss of a replica is the sum of its examples' losses divided by the *global* batch, so
the summed gradient is the gradient of the global-batch mean: the number of replicas does
not change the maths (batch normalisation aside, whose statistics are per replica, as in
the papers' multi-GPU training). Weight decay is an L2 term ``wd/2 * ||w||^2`` on the
variables the recipe names (Caffe/Torch weight decay), added once per global batch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import os
import time

import keras
import numpy as np
import tensorflow as tf

from keras_cnns.arguments import check_choice, check_int, check_number
from keras_cnns.training import checkpoints, data, logs, models, recipes, strategy as strategies


@dataclasses.dataclass
class RunConfig:
    """Everything a run depends on. ``None`` fields fall back to the recipe."""

    model: str
    dataset: str
    recipe: recipes.Recipe
    run_dir: str
    batch_size: int | None = None  # global
    epochs: float | None = None
    steps_per_epoch: int | None = None  # shorter epochs (smoke runs)
    eval_steps: int | None = None
    seed: int = 0
    strategy: str = "auto"
    precision: str = "float32"
    xla: bool = False
    # Run the train and eval steps op by op instead of tracing them into graphs: the same
    # computation (tests show equal losses), for smoke runs of deep nets on a CPU, where
    # tracing dominates (measured: an Inception-v3 smoke run, 42 s traced, 25 s eager).
    eager: bool = False
    # Stop after the first epoch whose test error (%) is at or below this: the time to a
    # target error, as MLPerf Training measures it. Such a run is not full-length.
    target_error: float | None = None
    deterministic: bool = False
    checkpoint_every: int = 0  # steps; 0 = only at the end of each epoch
    data_dir: str | None = None
    manual_dir: str | None = None
    mock: bool = False  # tfds.testing.mock_data instead of the real dataset
    # Train and evaluate at image_size x image_size (ImageNet's resizing pipelines only); a
    # run at another size than the dataset's never fills a paper's cell.
    image_size: int | None = None
    verbose: int = 1
    # ``build(classes, image_shape, dropout) -> model`` (logits) instead of the registry name
    # ``model``, which then only names the run (design-space searches: keras_cnns.search).
    build: object = None
    # Splits overriding the recipe's training splits and the dataset's test split (a search
    # holds out part of the training set to select on, e.g. "train[:90%]" / "train[90%:]").
    train_splits: tuple[str, ...] | None = None
    eval_split: str | None = None


@dataclasses.dataclass
class RunResult:
    history: list[dict]
    test_error: float  # percent: the last epoch's, or at the lowest validation error
    epochs: int
    steps_per_epoch: int
    natural_steps_per_epoch: int
    global_batch: int
    train_examples: int
    test_examples: int
    hardware: dict
    resumed_from: int | None
    full_schedule: bool  # every epoch of the recipe, every step, every test example
    model_params: int


def _decayed(model, target: str):
    if target == "all":
        return list(model.trainable_variables)
    out = [v for v in model.trainable_variables if v.path.endswith("kernel")]
    if target == "kernels-except-depthwise":
        out = [v for v in out if not v.path.endswith("depthwise_kernel")]
    return out


def _set_bn_momentum(model, momentum: float) -> None:
    """The recipe's moving-average momentum on every batch norm layer, nested ones too
    (read at each training call: a hyper-parameter of training, not of the graph)."""
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = momentum


def _optimizer(recipe: recipes.Recipe, precision: str):
    o = recipe.optimizer
    # Polyak averaging (GoogLeNet, Sec. 6): exponential moving averages of the weights, kept
    # by the optimizer (so checkpoints hold them) and swapped in for evaluation.
    options = dict(use_ema=True, ema_momentum=recipe.polyak_decay) if recipe.polyak_decay else {}
    # Gradient clipping (Inception-v3, Sec. 8: "gradient clipping with threshold 2.0").
    if recipe.gradient_clip_norm:
        options["global_clipnorm"] = recipe.gradient_clip_norm
    if o.kind == "sgd":
        opt = keras.optimizers.SGD(learning_rate=recipe.schedule.base_lr, momentum=o.momentum,
                                   nesterov=o.nesterov, **options)
    else:
        opt = keras.optimizers.RMSprop(learning_rate=recipe.schedule.base_lr, rho=o.rho,
                                       momentum=o.momentum, epsilon=o.epsilon, **options)
    return keras.optimizers.LossScaleOptimizer(opt) if precision == "fp16" else opt


@contextlib.contextmanager
def _averaged_weights(model, optimizer, enabled: bool):
    """Evaluate with the optimizer's moving averages of the weights, then restore them."""
    if not enabled:
        yield
        return
    inner = getattr(optimizer, "inner_optimizer", optimizer)
    current = [v.numpy() for v in model.trainable_variables]
    inner.finalize_variable_values(model.trainable_variables)
    try:
        yield
    finally:
        for variable, value in zip(model.trainable_variables, current):
            variable.assign(value)


def _concat(parts):
    ds, n = parts[0]
    for more, m in parts[1:]:
        ds, n = ds.concatenate(more), n + m
    return ds, n


def _load_training(config: RunConfig, recipe: recipes.Recipe, holdout):
    """The training examples and, with a hold-out rule, the validation examples."""
    splits = config.train_splits or (
        recipe.train_splits if config.dataset in recipe.datasets else ("train",))
    common = dict(mock=config.mock, manual_dir=config.manual_dir)
    if not holdout:
        return (*data.load(config.dataset, splits, config.data_dir, **common), None, 0)
    train, validation = [], []
    for split in splits:
        ds, n = data.load(config.dataset, split, config.data_dir, **common)
        rule = holdout.get(split)
        if rule is None:
            train.append((ds, n))
            continue
        if config.mock:  # a few dozen mock examples: the rule's form, at the mock's scale
            rule = n // 4 if isinstance(rule, int) else {"per_class": 1}
        labels = data.split_labels(ds) if isinstance(rule, dict) else None
        kept, n_kept, held, n_held = data.split_holdout(ds, n, labels, rule, seed=config.seed)
        train.append((kept, n_kept))
        validation.append((held, n_held))
    return (*_concat(train), *_concat(validation))


def dataset_spec(config: RunConfig) -> data.DatasetSpec:
    """The dataset's spec, at ``config.image_size`` when one is set."""
    ds_spec = data.spec(config.dataset)
    size = config.image_size
    if size is None:
        return ds_spec
    check_int("image_size", size, 8, "image_size must be an integer >= 8.")
    if ds_spec.name != "imagenet2012":
        raise ValueError(f"image_size applies to ImageNet's pipelines, which resize and crop; "
                         f"{ds_spec.name} trains at its own {ds_spec.image_shape[0]}x"
                         f"{ds_spec.image_shape[1]}. Received: image_size={size!r}")
    return dataclasses.replace(ds_spec, image_shape=(size, size, ds_spec.image_shape[2]))


def validate(config: RunConfig) -> None:
    """Check names and sizes before anything is read or written."""
    ds_spec = dataset_spec(config)
    if config.build is None:
        models.check(config.model, ds_spec.image_shape)
    strategies.check(config.strategy)
    check_choice("precision", config.precision, strategies.PRECISIONS)
    if config.dataset not in config.recipe.datasets and config.recipe.name != "tiny":
        raise ValueError(f"Recipe {config.recipe.name} trains on "
                         f"{', '.join(config.recipe.datasets)}. Received: dataset={config.dataset!r}")
    if config.target_error is not None:
        check_number("target_error", config.target_error, 0, 100,
                     rule="target_error must be None or a test error in percent, in [0, 100].")
    if config.eager and config.xla:
        raise ValueError("xla compiles the traced steps, which eager does not trace. "
                         f"Received: eager={config.eager!r}, xla={config.xla!r}")
    batch = config.recipe.batch_size if config.batch_size is None else config.batch_size
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise ValueError(f"batch_size must be a positive integer. Received: batch_size={batch!r}")


def train(config: RunConfig) -> RunResult:
    """Train ``config.model`` on ``config.dataset`` with ``config.recipe``; resume if possible."""
    validate(config)
    recipe = config.recipe
    strategy = strategies.make(config.strategy)
    global_batch = recipe.batch_size if config.batch_size is None else config.batch_size
    per_replica = strategies.per_replica_batch(global_batch, strategy)
    data.check_available(config.dataset, config.data_dir, config.manual_dir, config.mock)
    chief = strategies.is_chief(strategy)
    ckpt = checkpoints.Checkpointer(config.run_dir, write=chief)
    ds_spec = dataset_spec(config)
    epochs = math.ceil(config.epochs if config.epochs is not None else recipe.epochs)

    identity = {"model": config.model, "dataset": config.dataset, "recipe": recipe.name,
                "global_batch": global_batch, "seed": config.seed, "mock": config.mock,
                "image_size": config.image_size}
    saved = ckpt.check(identity)  # raises before anything is written

    strategies.set_precision(config.precision)
    keras.utils.set_random_seed(config.seed)
    if config.deterministic:
        tf.config.experimental.enable_op_determinism()

    mock = contextlib.nullcontext()
    if config.mock:
        import tensorflow_datasets as tfds
        mock = tfds.testing.mock_data(num_examples=max(4 * global_batch, 64))
    holdout = recipe.holdout if config.dataset in recipe.datasets else None
    with mock:
        raw_train, n_train, raw_val, n_val = _load_training(config, recipe, holdout)
        raw_test, n_test = data.load(config.dataset, config.eval_split or ds_spec.test_split,
                                     config.data_dir,
                                     mock=config.mock, manual_dir=config.manual_dir)
    if ds_spec.cache:
        raw_train, raw_test = raw_train.cache(), raw_test.cache()
        raw_val = raw_val.cache() if raw_val is not None else None
    # ZCA: fitted on the examples this run trains on (not the held-out ones, not the test set)
    whitening = data.ZCAWhitening.fit_dataset(raw_train) if recipe.normalize == "zca" else None
    natural_steps = n_train // global_batch
    if natural_steps < 1:
        raise ValueError(f"The global batch is larger than the {n_train} training examples. "
                         f"Received: batch_size={global_batch}")
    steps = min(config.steps_per_epoch or natural_steps, natural_steps)
    eval_batches = math.ceil(n_test / global_batch)
    if config.eval_steps:
        eval_batches = min(eval_batches, config.eval_steps)
    schedule = recipe.schedule_for(global_batch)

    with strategy.scope():
        build = config.build or functools.partial(models.build, config.model)
        model = build(ds_spec.classes, ds_spec.image_shape, recipe.dropout)
        if recipe.bn_momentum is not None:
            _set_bn_momentum(model, recipe.bn_momentum)
        optimizer = _optimizer(recipe, config.precision)
        optimizer.build(model.trainable_variables)
    decayed = _decayed(model, recipe.weight_decay_on)
    identity.update(fingerprint=checkpoints.fingerprint(model), steps_per_epoch=steps)
    if saved is not None:
        ckpt.check(identity)
        ckpt.restore(model, optimizer)
    state = saved or {"epoch": 0, "step": 0, "global_step": 0, "history": [], "sums": [0.0, 0.0, 0.0],
                      "drops": 0, "best": None, "since_best": 0}
    state["identity"] = identity
    resumed_from = saved["global_step"] if saved else None
    replicas = strategy.num_replicas_in_sync
    label_smoothing = recipe.label_smoothing
    aux_weights = recipe.aux_loss_weights

    def cross_entropy(labels, logits):
        logits = tf.cast(logits, tf.float32)
        onehot = tf.one_hot(labels, ds_spec.classes)
        return keras.losses.categorical_crossentropy(onehot, logits, from_logits=True,
                                                     label_smoothing=label_smoothing)

    def replica_step(images, labels):
        with tf.GradientTape() as tape:
            outputs = model(images, training=True)
            outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
            per_example = cross_entropy(labels, outputs[0])
            for weight, aux in zip(aux_weights, outputs[1:]):
                per_example += weight * cross_entropy(labels, aux)
            loss = tf.reduce_sum(per_example) / global_batch
            if recipe.weight_decay and decayed:
                penalty = tf.add_n([tf.reduce_sum(tf.square(tf.cast(v, tf.float32))) for v in decayed])
                loss += 0.5 * recipe.weight_decay * penalty / replicas
            scaled = optimizer.scale_loss(loss) if config.precision == "fp16" else loss
        grads = tape.gradient(scaled, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(outputs[0], -1), labels), tf.float32))
        return tf.reduce_sum(per_example), correct

    def replica_eval(images, labels, weights):
        outputs = model(images, training=False)
        logits = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
        losses = cross_entropy(labels, logits) * weights
        correct = tf.cast(tf.equal(tf.argmax(logits, -1), labels), tf.float32) * weights
        return tf.reduce_sum(losses), tf.reduce_sum(correct), tf.reduce_sum(weights)

    def reduce(values):
        return [strategy.reduce(tf.distribute.ReduceOp.SUM, v, axis=None) for v in values]

    if config.xla:  # compile the per-replica computation; the input iterator stays outside
        replica_step = tf.function(replica_step, jit_compile=True)
        replica_eval = tf.function(replica_eval, jit_compile=True)

    traced = (lambda fn: fn) if config.eager else tf.function

    @traced
    def train_step(iterator):
        images, labels = next(iterator)
        return reduce(strategy.run(replica_step, args=(images, labels)))

    @traced
    def eval_step(iterator):
        return reduce(strategy.run(replica_eval, args=next(iterator)))

    def epoch_data(epoch, skip):
        def fn(ctx):
            return data.train_dataset(
                raw_train, n_train, ds_spec, augment=recipe.augment, normalize=recipe.normalize,
                seed=config.seed, epoch=epoch, global_batch=global_batch, per_replica=per_replica,
                pipelines=ctx.num_input_pipelines, pipeline_id=ctx.input_pipeline_id,
                skip_steps=skip, scale_range=recipe.scale_range, whitening=whitening)
        return iter(strategy.distribute_datasets_from_function(fn))

    def test_data(raw=None, n=None):
        raw, n = (raw_test, n_test) if raw is None else (raw, n)

        def fn(ctx):
            return data.eval_dataset(raw, n, ds_spec, normalize=recipe.normalize,
                                     global_batch=global_batch, per_replica=per_replica,
                                     pipelines=ctx.num_input_pipelines,
                                     pipeline_id=ctx.input_pipeline_id, whitening=whitening)
        return iter(strategy.distribute_datasets_from_function(fn))

    def error(raw=None, n=None, batches=None):
        totals = np.zeros(3)
        iterator = test_data(raw, n)
        for _ in range(batches or eval_batches):
            totals += np.array([float(t) for t in eval_step(iterator)])
        return float(totals[0] / totals[2]), float(100.0 * (1.0 - totals[1] / totals[2]))

    logger = logs.EpochLogger(config.run_dir, enabled=chief)
    # Testing hook: slow each step down so a test can kill the process mid-epoch.
    step_delay = float(os.environ.get("KERAS_CNNS_STEP_DELAY", "0"))
    lr_var = optimizer.inner_optimizer.learning_rate if config.precision == "fp16" else optimizer.learning_rate

    def reached() -> bool:
        return (config.target_error is not None and bool(state["history"])
                and state["history"][-1]["test_error"] <= config.target_error)

    while state["epoch"] < epochs and not reached():
        epoch = state["epoch"]
        progbar = keras.utils.Progbar(steps, verbose=config.verbose if chief else 0,
                                      stateful_metrics=["loss", "acc", "lr"])
        iterator = epoch_data(epoch, state["step"])
        started = time.time()
        while state["step"] < steps:
            lr = schedule.lr_at_step(state["global_step"], natural_steps, state["drops"])
            lr_var.assign(lr)
            loss_sum, correct = train_step(iterator)
            if step_delay:
                time.sleep(step_delay)
            sums = state["sums"]
            sums[0] += float(loss_sum)
            sums[1] += float(correct)
            sums[2] += global_batch
            state["step"] += 1
            state["global_step"] += 1
            progbar.update(state["step"], [("loss", sums[0] / sums[2]), ("acc", sums[1] / sums[2]),
                                           ("lr", lr)])
            if (config.checkpoint_every and state["global_step"] % config.checkpoint_every == 0
                    and state["step"] < steps):
                ckpt.save(model, optimizer, state)
        if not np.isfinite(state["sums"][0]):
            raise FloatingPointError(f"The training loss diverged in epoch {epoch + 1}.")
        with _averaged_weights(model, optimizer, bool(recipe.polyak_decay)):
            test_loss, test_error = error()
            val_error = (error(raw_val, n_val, math.ceil(n_val / global_batch))[1]
                         if raw_val is not None else None)
        sums = state["sums"]
        row = {"epoch": epoch + 1, "loss": sums[0] / sums[2], "train_error": 100 * (1 - sums[1] / sums[2]),
               "test_loss": test_loss, "test_error": test_error,
               "lr": float(lr_var.numpy()), "seconds": round(time.time() - started, 3)}
        if val_error is not None:
            row["val_error"] = val_error
        state["history"].append(row)
        watched = test_error if val_error is None else val_error
        if schedule.kind == "plateau":
            if state["best"] is None or watched < state["best"]:
                state["best"], state["since_best"] = watched, 0
            else:
                state["since_best"] += 1
                if state["since_best"] >= schedule.patience:
                    state["drops"], state["since_best"] = state["drops"] + 1, 0
        state.update(epoch=epoch + 1, step=0, sums=[0.0, 0.0, 0.0])
        logger.write(row)
        ckpt.save(model, optimizer, state)
        if config.verbose and chief:
            print(f"epoch {epoch + 1}/{epochs}: loss {row['loss']:.4f}, "
                  f"test error {test_error:.2f}%", flush=True)
    history = state["history"]
    full = (not config.mock and not data.generated(config.dataset) and steps == natural_steps
            and ds_spec.image_shape == data.spec(config.dataset).image_shape
            and config.train_splits is None and config.eval_split is None and config.build is None
            and not config.eval_steps and config.epochs in (None, recipe.epochs)
            and len(history) == math.ceil(recipe.epochs))
    if history and "val_error" in history[0]:  # the test error at the lowest validation error
        reported = min(history, key=lambda r: (r["val_error"], r["epoch"]))["test_error"]
    else:
        reported = history[-1]["test_error"] if history else float("nan")
    return RunResult(history=history, test_error=reported,
                     epochs=epochs, steps_per_epoch=steps, natural_steps_per_epoch=natural_steps,
                     global_batch=global_batch, train_examples=n_train, test_examples=n_test,
                     hardware=strategies.hardware(strategy), resumed_from=resumed_from,
                     full_schedule=full, model_params=model.count_params())
