"""The training engine end to end: learning, replicas, workers, kill-and-resume, bad input.

Subprocess tests run on 127.0.0.1 only, with timeouts; everything they write goes to
pytest's temporary folders (``--run-dir``/``--runs-dir``), never into the repository.
"""

import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from keras_cnns.training import checkpoints, engine, recipes, strategy
from reproductions import __main__ as cli

ROOT = pathlib.Path(__file__).resolve().parent.parent
TINY = ["tiny", "--train", "--model", "tiny-cnn", "--dataset", "synthetic", "--quiet",
        "--deterministic", "--strategy", "cpu"]


def _env(**extra):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
    env.update(extra)
    return env


def _run_here(args):
    """A CLI run in this process: for runs that need no process of their own (the test
    compares them with runs that do), without another TensorFlow start-up (about 9 s of CPU
    per tiny-CNN run on the 2-core CI machine, most of it importing)."""
    assert cli.main(args) == 0


def _record(runs_dir: pathlib.Path) -> dict:
    (path,) = runs_dir.glob("*.json")
    return json.loads(path.read_text())


# --- replicas and workers -----------------------------------------------------------------

_MIRRORED = """
import json, sys, tempfile
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from keras_cnns.training import engine, recipes
out = {}
for name in ("cpu", "mirrored"):
    cfg = engine.RunConfig(model="tiny-cnn", dataset="synthetic", recipe=recipes.get("tiny"),
                           run_dir=tempfile.mkdtemp(dir=sys.argv[1]), epochs=3, steps_per_epoch=6,
                           eval_steps=2, strategy=name, verbose=0, deterministic=True)
    r = engine.train(cfg)
    out[name] = {"replicas": r.hardware["replicas"], "history": r.history}
print(json.dumps(out))
"""


def test_two_replicas_give_the_one_replica_loss_curve(tmp_path):
    done = subprocess.run([sys.executable, "-c", _MIRRORED, str(tmp_path)], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert (out["cpu"]["replicas"], out["mirrored"]["replicas"]) == (1, 2)
    for one, two in zip(out["cpu"]["history"], out["mirrored"]["history"]):
        for key in ("loss", "train_error", "test_loss", "test_error"):
            assert two[key] == pytest.approx(one[key], rel=1e-5, abs=1e-6), key
    losses = [h["loss"] for h in out["cpu"]["history"]]
    assert len(set(losses)) == 3  # the curve moves: this is not a comparison of constants


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_workers_on_localhost_match_one_process(tmp_path):
    args = ["--epochs", "2", "--steps-per-epoch", "6", "--eval-steps", "2"]
    ports = [_free_port(), _free_port()]
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    workers = []
    for index in (0, 1):
        tf_config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
        command = [sys.executable, "-m", "reproductions", *TINY[:-1], "multiworker", *args,
                   "--run-dir", str(tmp_path / "run"), "--runs-dir", str(tmp_path / "workers")]
        workers.append(subprocess.Popen(command, cwd=ROOT, env=_env(TF_CONFIG=tf_config),
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    try:
        for worker in workers:
            _, err = worker.communicate(timeout=240)
            assert worker.returncode == 0, err[-3000:]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    _run_here([*TINY, *args, "--run-dir", str(tmp_path / "single"),
               "--runs-dir", str(tmp_path / "single_runs")])
    multi, single = _record(tmp_path / "workers"), _record(tmp_path / "single_runs")
    assert multi["hardware"]["workers"] == 2 and multi["hardware"]["replicas"] == 2
    assert single["hardware"]["replicas"] == 1
    for a, b in zip(multi["history"], single["history"]):
        assert a["loss"] == pytest.approx(b["loss"], rel=1e-5)
        assert a["test_error"] == pytest.approx(b["test_error"], abs=1e-6)


# --- runs that survive --------------------------------------------------------------------

def _weights(run_dir: pathlib.Path):
    latest = run_dir / (run_dir / "latest").read_text().strip()
    with np.load(latest / "model.npz") as arrays:
        return [arrays[k] for k in sorted(arrays.files)]


def test_killed_run_resumes_and_equals_an_uninterrupted_run(tmp_path):
    args = [*TINY, "--epochs", "3", "--steps-per-epoch", "12", "--checkpoint-every", "5"]
    killed_dir = tmp_path / "killed"
    command = [sys.executable, "-m", "reproductions", *args, "--run-dir", str(killed_dir),
               "--runs-dir", str(tmp_path / "killed_runs")]
    process = subprocess.Popen(command, cwd=ROOT, env=_env(KERAS_CNNS_STEP_DELAY="0.15"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    ckpt = checkpoints.Checkpointer(killed_dir)
    deadline = time.time() + 180
    try:
        while time.time() < deadline:  # wait for a mid-epoch checkpoint in the 2nd epoch
            state = ckpt.read_state()
            if state and state["global_step"] >= 15 and state["step"]:
                break
            assert process.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("no mid-epoch checkpoint appeared")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    killed_at = ckpt.read_state()
    assert process.returncode == -signal.SIGKILL
    assert 0 < killed_at["step"] < 12 and killed_at["epoch"] < 3
    assert not (tmp_path / "killed_runs").exists()  # no record for an unfinished run

    # the resumed and the uninterrupted run need no process of their own
    _run_here([*args, "--run-dir", str(killed_dir), "--runs-dir", str(tmp_path / "killed_runs")])
    _run_here([*args, "--run-dir", str(tmp_path / "whole"),
               "--runs-dir", str(tmp_path / "whole_runs")])
    resumed, whole = _record(tmp_path / "killed_runs"), _record(tmp_path / "whole_runs")
    assert resumed["resumed_from_step"] == killed_at["global_step"]
    assert whole["resumed_from_step"] is None
    assert [h["loss"] for h in resumed["history"]] == pytest.approx(
        [h["loss"] for h in whole["history"]], rel=1e-6)
    assert [h["test_error"] for h in resumed["history"]] == [h["test_error"] for h in whole["history"]]
    for a, b in zip(_weights(killed_dir), _weights(tmp_path / "whole")):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    rows = (killed_dir / "log.csv").read_text().strip().splitlines()
    assert len(rows) == 1 + 3  # header + one row per epoch, none repeated after the restart
    assert any((killed_dir / "tb").iterdir())


# --- the CLI: bad input (the recipe smoke runs: test_recipe_smoke.py) -----------------------


def test_image_size_trains_imagenet_models_smaller_and_is_refused_elsewhere(tmp_path):
    recipe = recipes.get("resnet-imagenet")
    common = dict(recipe=recipe, run_dir=str(tmp_path), epochs=1, steps_per_epoch=1,
                  eval_steps=1, batch_size=2, strategy="cpu", verbose=0, mock=True,
                  data_dir=str(tmp_path / "tfds"))
    result = engine.train(engine.RunConfig(model="resnet-18", dataset="imagenet2012",
                                           image_size=64, **common))
    assert not result.full_schedule and len(result.history) == 1
    with pytest.raises(ValueError, match="Received: image_size=16"):
        engine.validate(engine.RunConfig(model="resnet-20", dataset="cifar10", image_size=16,
                                         **dict(common, recipe=recipes.get("resnet-cifar"))))
    with pytest.raises(ValueError, match="Received: image_size=4"):
        engine.validate(engine.RunConfig(model="resnet-18", dataset="imagenet2012",
                                         image_size=4, **common))
    with pytest.raises(ValueError, match="Received: model="):  # built for 32x32 only
        engine.validate(engine.RunConfig(model="mobilenet-0.25-32", dataset="imagenet2012",
                                         image_size=64, **dict(common, recipe=recipes.get(
                                             "mobilenet-imagenet"))))


@pytest.mark.parametrize("args, message", [
    (["--model", "nope", "--dataset", "synthetic"], "Received: model='nope'"),
    (["--model", "tiny-cnn", "--dataset", "mnist"], "Received: dataset='mnist'"),
    (["--model", "tiny-cnn", "--dataset", "synthetic", "--strategy", "gpus"],
     "Received: strategy='gpus'"),
    (["--model", "tiny-cnn", "--dataset", "synthetic", "--precision", "fp8"],
     "Received: precision='fp8'"),
    (["--model", "tiny-cnn", "--dataset", "synthetic", "--batch-size", "0"],
     "Received: batch_size=0"),
    (["--model", "tiny-cnn", "--dataset", "synthetic", "--cell", "t/r"], "Received: cell='t/r'"),
])
def test_bad_cli_input_is_a_clear_error_and_writes_nothing(args, message, tmp_path, capsys):
    code = cli.main(["tiny", "--train", *args, "--run-dir", str(tmp_path / "run"),
                     "--runs-dir", str(tmp_path / "runs")])
    assert code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_readme_training_commands_name_real_cells_and_options():
    """Every ``--train`` command line of the README parses and its ``--cell`` is an accuracy
    cell of its paper."""
    import shlex

    from reproductions import train as train_cli
    text = (ROOT / "README.md").read_text().replace("\\\n", " ")
    commands = [line.split("#")[0] for line in text.splitlines()
                if line.startswith("python -m reproductions ") and " --train" in line]
    assert len(commands) >= 3
    for command in commands:
        words = shlex.split(command)[3:]
        args = train_cli.parser().parse_args([words[0], *words[2:]])
        if args.cell:
            train_cli._check_cell(words[0], args.cell)


def test_missing_imagenet_is_a_clear_error(tmp_path, capsys):
    code = cli.main(["vgg", "--train", "--model", "vgg11", "--dataset", "imagenet2012",
                     "--data-dir", str(tmp_path / "tfds"), "--run-dir", str(tmp_path / "run"),
                     "--runs-dir", str(tmp_path / "runs"), "--strategy", "cpu"])
    assert code == 2
    err = capsys.readouterr().err
    assert "ILSVRC2012_img_train.tar" in err and str(tmp_path / "tfds" / "downloads" / "manual") in err
    assert not (tmp_path / "run").exists() and not (tmp_path / "runs").exists()


def test_batch_not_divisible_by_replicas():
    class TwoReplicas:
        num_replicas_in_sync = 2
    with pytest.raises(ValueError, match="divisible by the 2 replicas. Received: batch_size=33"):
        strategy.per_replica_batch(33, TwoReplicas())
    assert strategy.per_replica_batch(32, TwoReplicas()) == 16


def test_checkpoint_of_another_model_is_refused_and_kept(tmp_path):
    common = dict(dataset="synthetic", recipe=recipes.get("tiny"), run_dir=str(tmp_path),
                  epochs=1, steps_per_epoch=2, eval_steps=1, strategy="cpu", verbose=0)
    engine.train(engine.RunConfig(model="tiny-cnn", **common))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(checkpoints.CheckpointMismatchError, match="model: checkpoint 'tiny-cnn'"):
        engine.train(engine.RunConfig(model="tiny-vgg", **common))
    with pytest.raises(checkpoints.CheckpointMismatchError, match="steps_per_epoch: checkpoint 2"):
        engine.train(engine.RunConfig(model="tiny-cnn", **dict(common, steps_per_epoch=3)))
    with pytest.raises(checkpoints.CheckpointMismatchError, match="seed: checkpoint 0"):
        engine.train(engine.RunConfig(model="tiny-cnn", **common, seed=1))
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before


def test_finished_run_is_not_trained_again(tmp_path):
    common = dict(model="tiny-cnn", dataset="synthetic", recipe=recipes.get("tiny"),
                  run_dir=str(tmp_path), epochs=1, steps_per_epoch=2, eval_steps=1,
                  strategy="cpu", verbose=0)
    first = engine.train(engine.RunConfig(**common))
    again = engine.train(engine.RunConfig(**common))
    assert again.resumed_from == 2 and again.history == first.history


@pytest.mark.parametrize("precision, xla", [("bf16", False), ("fp16", False), ("float32", True)])
def test_mixed_precision_and_xla_options_train(precision, xla, tmp_path):
    config = engine.RunConfig(model="tiny-cnn", dataset="synthetic", recipe=recipes.get("tiny"),
                              run_dir=str(tmp_path), epochs=1, steps_per_epoch=3, eval_steps=1,
                              strategy="cpu", verbose=0, precision=precision, xla=xla)
    try:
        result = engine.train(config)
    finally:
        strategy.set_precision("float32")
    assert np.isfinite(result.history[0]["loss"])


def test_eager_steps_are_the_compiled_computation(tmp_path):
    """``--eager`` (the recipe smoke runs) runs the same steps op by op: the same loss curve
    and test error as the traced steps, with auxiliary heads and weight decay in the loss."""
    import dataclasses
    recipe = dataclasses.replace(recipes.get("tiny"), aux_loss_weights=(0.3, 0.3),
                                 weight_decay=5e-4)
    histories = {}
    for eager in (False, True):
        config = engine.RunConfig(model="tiny-cnn-aux", dataset="synthetic", recipe=recipe,
                                  run_dir=str(tmp_path / str(eager)), epochs=2, steps_per_epoch=3,
                                  eval_steps=2, strategy="cpu", verbose=0, deterministic=True,
                                  eager=eager)
        histories[eager] = engine.train(config).history
    for traced, eager in zip(histories[False], histories[True]):
        for key in ("loss", "train_error", "test_loss", "test_error"):
            assert eager[key] == pytest.approx(traced[key], rel=1e-5, abs=1e-6), key
    assert histories[True][0]["loss"] != histories[True][1]["loss"]  # it trained
    with pytest.raises(ValueError, match="Received: eager=True, xla=True"):
        engine.train(dataclasses.replace(config, xla=True))


def test_target_error_stops_at_the_first_epoch_that_reaches_it(tmp_path):
    common = dict(model="tiny-cnn", dataset="synthetic", recipe=recipes.get("tiny"),
                  run_dir=str(tmp_path), epochs=3, steps_per_epoch=2, eval_steps=1,
                  strategy="cpu", verbose=0)
    first = engine.train(engine.RunConfig(**common, target_error=100.0))  # any error reaches it
    assert len(first.history) == 1 and not first.full_schedule
    again = engine.train(engine.RunConfig(**common, target_error=100.0))  # reached: no training
    assert again.resumed_from == 2 and again.history == first.history
    rest = engine.train(engine.RunConfig(**common))  # no target: the remaining epochs
    assert len(rest.history) == 3 and rest.history[0] == first.history[0]
    with pytest.raises(ValueError, match="Received: target_error=-1"):
        engine.train(engine.RunConfig(**common, target_error=-1))


def test_recipe_bn_momentum_reaches_every_batch_norm_layer_nested_ones_too():
    import dataclasses

    import keras
    inner = keras.Sequential([keras.Input((4, 4, 2)), keras.layers.BatchNormalization()])
    inputs = keras.Input((4, 4, 2))
    model = keras.Model(inputs, keras.layers.BatchNormalization()(inner(inputs)))
    engine._set_bn_momentum(model, 0.9)
    layers = model._flatten_layers(include_self=False, recursive=True)
    assert sorted(layer.momentum for layer in layers
                  if isinstance(layer, keras.layers.BatchNormalization)) == [0.9, 0.9]
    assert recipes.get("tiny").bn_momentum == 0.9 and "bn_momentum" in recipes.get("tiny").covered()
    with pytest.raises(ValueError, match="Received: bn_momentum=1"):
        dataclasses.replace(recipes.get("tiny"), bn_momentum=1)


def test_auxiliary_losses_are_weighted_into_the_objective(tmp_path):
    import dataclasses
    losses = {}
    for weights in ((), (0.3, 0.3)):
        recipe = dataclasses.replace(recipes.get("tiny"), aux_loss_weights=weights)
        config = engine.RunConfig(model="tiny-cnn-aux", dataset="synthetic", recipe=recipe,
                                  run_dir=str(tmp_path / str(len(weights))), epochs=1,
                                  steps_per_epoch=1, eval_steps=1, strategy="cpu", verbose=0)
        losses[weights] = engine.train(config).history[0]["loss"]
    # Same initial weights and batch: each auxiliary cross-entropy is close to ln 4 at start.
    assert losses[(0.3, 0.3)] - losses[()] == pytest.approx(0.6 * np.log(4), rel=0.15)


def test_strategy_choice_on_a_cpu_only_machine(monkeypatch):
    import tensorflow as tf
    if tf.config.list_logical_devices("GPU"):
        pytest.skip("this machine has a GPU")
    chosen = strategy.make("auto")
    assert isinstance(chosen, tf.distribute.OneDeviceStrategy)
    assert chosen.num_replicas_in_sync == 1 and strategy.is_chief(chosen)
    with pytest.raises(ValueError, match="Received: strategy='gpu'"):
        strategy.make("gpu")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG.*Received: strategy='multiworker'"):
        strategy.make("multiworker")
    with pytest.raises(ValueError, match="Received: strategy='horovod'"):
        strategy.make("horovod")


# --- the papers' evaluation protocols -------------------------------------------------------

def test_holdout_splits_are_disjoint_and_per_class_counts_hold():
    import tensorflow as tf

    from keras_cnns.training import data
    images = np.arange(60, dtype=np.uint8).reshape(60, 1, 1, 1)
    labels = np.repeat(np.arange(3), 20)
    ds = tf.data.Dataset.from_tensor_slices((images, labels))
    kept, n_kept, held, n_held = data.split_holdout(ds, 60, None, 10)
    assert (n_kept, n_held) == (50, 10)
    assert [int(x[0, 0, 0]) for x, _ in held] == list(range(50, 60))
    kept, n_kept, held, n_held = data.split_holdout(ds, 60, labels, {"per_class": 4}, seed=1)
    held_labels = [int(y) for _, y in held]
    assert (n_kept, n_held) == (48, 12) and sorted(held_labels) == [0] * 4 + [1] * 4 + [2] * 4
    pixels = {int(x[0, 0, 0]) for x, _ in kept} | {int(x[0, 0, 0]) for x, _ in held}
    assert pixels == set(range(60))


def test_holdout_reports_the_test_error_at_the_lowest_validation_error(tmp_path):
    import dataclasses
    recipe = dataclasses.replace(recipes.get("tiny"), holdout={"train": 256})
    config = engine.RunConfig(model="tiny-cnn", dataset="synthetic", recipe=recipe,
                              run_dir=str(tmp_path), epochs=3, steps_per_epoch=4, eval_steps=2,
                              strategy="cpu", verbose=0)
    result = engine.train(config)
    assert all("val_error" in row for row in result.history)
    best = min(result.history, key=lambda r: (r["val_error"], r["epoch"]))
    assert result.test_error == best["test_error"]


def test_polyak_averaging_evaluates_the_averaged_weights_and_trains_the_others(tmp_path):
    import dataclasses
    results = {}
    for decay in (None, 1.0):  # 1.0: the average never moves from the initial weights
        recipe = dataclasses.replace(recipes.get("tiny"), polyak_decay=decay)
        config = engine.RunConfig(model="tiny-cnn", dataset="synthetic", recipe=recipe,
                                  run_dir=str(tmp_path / str(decay)), epochs=2, steps_per_epoch=32,
                                  eval_steps=4, strategy="cpu", verbose=0, deterministic=True)
        results[decay] = engine.train(config).history
    plain, frozen = results[None], results[1.0]
    assert [r["loss"] for r in frozen] == pytest.approx([r["loss"] for r in plain], rel=1e-4)
    assert frozen[-1]["test_error"] > plain[-1]["test_error"] + 20  # initial weights: near chance
