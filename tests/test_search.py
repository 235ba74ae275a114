"""keras_cnns.search on generated data with tiny budgets: EfficientNet's step-1 grid, the
budget enforced before training (never a failed trial, never an aborted search), resuming a
killed search, determinism for a seed, and the command line."""

import json
import pathlib

import pytest

from keras_cnns import search
from keras_cnns.training import checkpoints, engine
from keras_cnns.uninitialised import uninitialised
from reproductions import __main__ as reproductions_cli

PROXY = search.ProxyRun("synthetic", epochs=1, steps_per_epoch=2, eval_steps=1, batch_size=8,
                        seed=0)


def _wrn():
    """WRN-10/16 x k = 1, 2, 4 on 32x32: 12.5M to 393M multiply-adds."""
    return search.WRNSpace(depths=(10, 16), widths=(1, 2, 4))


def _outcomes(results):
    return [(r["label"], r["status"], r.get("val_accuracy")) for r in results["points"]]


def test_efficientnet_step1_grid_holds_the_papers_point_and_the_constraint():
    space = search.EfficientNetSpace()
    points = space.points()
    assert {"alpha": 1.2, "beta": 1.1, "gamma": 1.15} in points  # Sec. 4, step 1
    for p in points:
        assert min(p.values()) >= 1.0
        assert abs(p["alpha"] * p["beta"] ** 2 * p["gamma"] ** 2 - 2.0) <= 0.1 + 1e-9
    assert {"alpha": 1.4, "beta": 1.2, "gamma": 1.2} not in points  # 2.90: off the constraint


def test_budget_is_enforced_by_the_complexity_engine_before_training(monkeypatch):
    space = search.EfficientNetSpace(alphas=(1.0, 1.2, 1.4), betas=(1.0, 1.1, 1.2),
                                     gammas=(1.0, 1.15, 1.3), tolerance=0.25,
                                     base_width=0.25, base_depth=0.25, classes=4)
    budget = search.Budget.parse("1.9x", space, 32, 4)
    base = search.assess(space, space.baseline(), 32, 4)
    assert budget.limit == pytest.approx(1.9 * base["macs"])
    monkeypatch.setattr(engine, "train", lambda config: pytest.fail("trained while assessing"))
    oracle = search.BudgetOracle(space, budget, 32, 4, seed=3)
    fits = [oracle.assess(p)["fits"] for p in oracle.ordered_points()]
    assert True in fits and False in fits
    for p in oracle.ordered_points():
        cost = oracle.assess(p)
        assert cost["fits"] == (cost["macs"] <= budget.limit)
        assert cost["resolution"] == round(32 * p["gamma"])
    first = oracle.populate_space("0")
    assert first["values"] == next(p for p in oracle.ordered_points() if oracle.assess(p)["fits"])
    # the trainable model takes the dataset's 32x32 images and resizes them to gamma * 32
    with uninitialised():
        model = space.model({"alpha": 1.2, "beta": 1.1, "gamma": 1.15}, 4, (32, 32, 3))
    assert model.inputs[0].shape[1:] == (32, 32, 3)
    assert model.get_layer("resize").output.shape[1:3] == (37, 37)


def test_search_respects_the_budget_resumes_after_a_kill_and_is_deterministic(tmp_path,
                                                                              monkeypatch):
    budget = search.Budget.parse("3x", _wrn(), 32, 4)  # WRN-10-1 and WRN-16-1 fit
    whole = search.run(_wrn(), budget, tmp_path / "whole", PROXY, max_trials=1)
    trained = [r for r in whole["points"] if r["status"] == "trained"]
    over = [r for r in whole["points"] if r["status"] == "over budget"]
    assert len(trained) == 1 and all(r["macs"] <= budget.limit for r in trained)
    assert len(over) == 3 and all(r["macs"] > budget.limit for r in over)
    statuses = [r["status"] for r in whole["points"]]
    assert statuses[:4] == ["over budget"] * 3 + ["trained"]  # three rejections did not stop it
    for name in ("results.md", "results.json", "results.png"):
        assert (tmp_path / "whole" / name).is_file()

    class Killed(BaseException):
        """A kill: not an Exception, so keras-tuner cannot catch it as a failed trial."""

    save = checkpoints.Checkpointer.save

    def save_then_die(self, model, optimizer, state):
        path = save(self, model, optimizer, state)
        if state["global_step"] == 1:
            raise Killed
        return path

    with monkeypatch.context() as patch:
        patch.setattr(checkpoints.Checkpointer, "save", save_then_die)
        patch.setattr(search.SearchTuner, "checkpoint_every", 1)
        with pytest.raises(Killed):  # killed after the first of the trial's two steps
            search.run(_wrn(), budget, tmp_path / "killed", PROXY, max_trials=1)
    runs = []
    train = engine.train

    def counted(config):
        runs.append(config.run_dir)
        return train(config)

    monkeypatch.setattr(engine, "train", counted)
    resumed = search.run(_wrn(), budget, tmp_path / "killed", PROXY, max_trials=1)
    assert len(runs) == 1
    trial = pathlib.Path(runs[0]).parent
    proxy = json.loads((trial / "proxy.json").read_text())
    assert proxy["resumed_from_step"] == 1  # the unfinished trial re-entered at its checkpoint
    assert _outcomes(resumed) == _outcomes(whole)  # the same points, the same accuracy
    # a finished search run again trains nothing and reports the same
    again = search.run(_wrn(), budget, tmp_path / "killed", PROXY, max_trials=1)
    assert len(runs) == 1 and _outcomes(again) == _outcomes(whole)


def test_command_line_runs_efficientnet_step1_on_generated_data(tmp_path, capsys):
    code = reproductions_cli.main([
        "efficientnet", "--search", "--dataset", "synthetic", "--budget", "3x", "--alphas", "1.0,1.2",
        "--betas", "1.0,1.1", "--gammas", "1.0,1.15", "--tolerance", "0.1",
        "--base-width", "0.25", "--base-depth", "0.25", "--max-trials", "1", "--epochs", "1",
        "--steps-per-epoch", "1", "--eval-steps", "1", "--batch-size", "8",
        "--run-dir", str(tmp_path / "run"), "--runs-dir", str(tmp_path / "runs"), "--quiet"])
    assert code == 0, capsys.readouterr().err
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert [r["values"] for r in results["points"]] == [{"alpha": 1.2, "beta": 1.1,
                                                          "gamma": 1.15}]
    assert results["points"][0]["status"] == "trained"
    record = json.loads(next((tmp_path / "runs").glob("*.json")).read_text())
    assert record["kind"] == "search" and record["full_length"] is False
    assert "1 trained" in capsys.readouterr().out


def test_bad_budgets_are_clear_errors():
    space = _wrn()
    for text in ("", "lots", "-3M", "0x"):
        with pytest.raises(ValueError, match="Received"):
            search.Budget.parse(text, space, 32, 4)
