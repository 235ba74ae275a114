"""Design-space search with keras-tuner over the papers' scaling spaces, under a budget.

A :class:`Space` is a paper's design space as a ``keras_tuner.HyperModel``:

* :class:`EfficientNetSpace`: step 1 of EfficientNet (Tan & Le 2019, arXiv:1905.11946,
  Sec. 4): at ``phi = 1``, a grid over depth ``alpha``, width ``beta`` and resolution
  ``gamma`` (``d = alpha^phi``, ``w = beta^phi``, ``r = gamma^phi``, Eq. 3) restricted to
  ``alpha * beta^2 * gamma^2 ~ 2`` and ``alpha, beta, gamma >= 1``;
* :class:`MobileNetSpace`: MobileNet's width multiplier x input resolution (Howard et al.
  2017, arXiv:1704.04861, Tables 6-7);
* :class:`WRNSpace`: Wide ResNet's depth x widening factor (Zagoruyko & Komodakis 2016,
  arXiv:1605.07146, Table 4);
* :class:`DenseNetBCSpace`: DenseNet-BC's depth x growth rate (Huang et al. 2017,
  arXiv:1608.06993, Table 2).

A :class:`Budget` (multiply-adds or parameters) is enforced by the complexity engine before
any training: :class:`BudgetOracle` builds each candidate's network
:func:`~keras_cnns.uninitialised.uninitialised` (no weights), counts it with :func:`keras_cnns.profile`, and never
proposes a point over the budget as a trial. A rejected point is recorded with its cost, not
failed: keras-tuner's own size limit (``max_model_size``) fails such trials, and three
consecutive failures stop its search. Each trial is a short proxy training run through the
training engine (:func:`keras_cnns.training.engine.train`), on a tfds dataset (or the
generated ``synthetic`` set), and its objective is the accuracy on a held-out validation
split: the last 10% of the training split by default, never the test split.

Runs are resumable: the oracle and every trial's state live in the run directory, and a
trial's training run checkpoints there, so a killed search started again with the same
arguments re-enters the unfinished trial at its last checkpoint. For a seed, the order of
the grid, every trial's data order and initialisation, and so the results, are the same
(TensorFlow op determinism is switched on for the proxy runs).

Library use::

    from keras_cnns import search
    space = search.EfficientNetSpace()
    budget = search.Budget.parse("2.6x", space, image_size=32, classes=10)
    results = search.run(space, budget, "runs/effnet-step1", search.ProxyRun("cifar10"))

A budget relative to the baseline counts real networks: the paper's alpha = 1.2, beta = 1.1,
gamma = 1.15 has alpha beta^2 gamma^2 = 1.92, but once layers and channels are rounded its
network costs 2.5-2.6 times B0's multiply-adds, so "2x" would reject it.
``python -m reproductions efficientnet --search --dataset cifar10 --budget 2.6x`` is the
command line (see ``reproductions/search.py``).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import os
import pathlib
import random

import keras
import keras_tuner as kt

from keras_cnns.arguments import check_choice, check_int, check_number, fail
from keras_cnns.uninitialised import uninitialised

__all__ = ["Budget", "BudgetOracle", "DenseNetBCSpace", "EfficientNetSpace", "MobileNetSpace",
           "SPACES", "SearchTuner", "Space", "WRNSpace", "assess", "run"]

METRICS = ("macs", "params")
OBJECTIVE = "val_accuracy"


# --------------------------------------------------------------------------- spaces


class Space(kt.HyperModel):
    """A paper's design space: named axes of discrete choices, a rule on them, and the
    network of a point. ``classes`` and ``image_shape`` are the dataset's."""

    key = "space"
    #: The paper the space comes from (printed in results).
    paper = ""

    def __init__(self, axes: dict[str, tuple], classes: int = 10,
                 image_shape: tuple = (32, 32, 3)):
        super().__init__(name=self.key)
        self.axes = {name: tuple(values) for name, values in axes.items()}
        for name, values in self.axes.items():
            if not values:
                fail(f"The {self.key} space needs at least one value of {name}.", name, values)
        self.classes = classes
        self.image_shape = tuple(image_shape)
        self.costs: dict = {}  # assess() cache

    # keras-tuner -------------------------------------------------------------------------
    def declare_hyperparameters(self, hp):
        for name, values in self.axes.items():
            hp.Choice(name, list(values), ordered=True)

    def build(self, hp):
        """The trainable model of ``hp``'s point (keras-tuner's API)."""
        return self.model(dict(hp.values), self.classes, self.image_shape)

    # the space ---------------------------------------------------------------------------
    def points(self) -> list[dict]:
        """Every point of the grid the rule admits, in the grid's order."""
        names = list(self.axes)
        grid = (dict(zip(names, combo)) for combo in itertools.product(*self.axes.values()))
        return [values for values in grid if self.admits(values)]

    def admits(self, values: dict) -> bool:
        """The space's own rule (EfficientNet's ``alpha beta^2 gamma^2 ~ 2``)."""
        return True

    def baseline(self) -> dict:
        """The unscaled point, the reference of a relative budget (``"2x"``)."""
        raise NotImplementedError

    def resolution(self, values: dict, size: int) -> int:
        """The input size the network of ``values`` works at, for dataset images of ``size``."""
        return size

    def network(self, values: dict, classes: int, resolution: int, inputs=None) -> keras.Model:
        """The network of ``values`` at ``resolution`` (or on the tensor ``inputs``)."""
        raise NotImplementedError

    def model(self, values: dict, classes: int, image_shape: tuple, dropout=None) -> keras.Model:
        """The trainable model (logits) for dataset images of ``image_shape``: the network,
        behind a bilinear resize where the point's resolution differs from the images'."""
        size = self.resolution(values, image_shape[0])
        inputs = keras.Input(tuple(image_shape), name="image")
        x = inputs
        if size != image_shape[0] or size != image_shape[1]:
            x = keras.layers.Resizing(size, size, name="resize")(inputs)
        return self.network(values, classes, size, inputs=x)

    def label(self, values: dict) -> str:
        return ", ".join(f"{name}={_text(values[name])}" for name in self.axes)


def _text(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _grid(low: float, high: float, step: float) -> tuple[float, ...]:
    count = int(round((high - low) / step))
    return tuple(round(low + i * step, 6) for i in range(count + 1))


class EfficientNetSpace(Space):
    """Step 1 of EfficientNet (Sec. 4): ``phi = 1``, grid over alpha (depth), beta (width),
    gamma (resolution), each >= 1, with ``|alpha beta^2 gamma^2 - target| <= tolerance``.

    The network is EfficientNet-B0 (Table 1) with depth ``base_depth * alpha^phi``, width
    ``base_width * beta^phi`` and input ``round(size * gamma^phi)`` for dataset images of
    ``size`` (the images are resized in the model). ``base_width``/``base_depth`` below 1
    give a smaller proxy of B0 (for quick tests). The default grid (step 0.05 over [1, 1.4])
    contains the paper's alpha = 1.2, beta = 1.1, gamma = 1.15.
    """

    key = "efficientnet"
    paper = ("Tan & Le, EfficientNet, ICML 2019 (arXiv:1905.11946), Sec. 4 step 1 and Eq. 3")

    def __init__(self, alphas=_grid(1.0, 1.4, 0.05), betas=_grid(1.0, 1.4, 0.05),
                 gammas=_grid(1.0, 1.4, 0.05), phi: float = 1.0, target: float = 2.0,
                 tolerance: float = 0.1, base_width: float = 1.0, base_depth: float = 1.0,
                 dropout: float = 0.2, **kwargs):
        for name, values in (("alphas", alphas), ("betas", betas), ("gammas", gammas)):
            for value in values:
                check_number(name, value, 1.0, rule=f"EfficientNet's {name} must be >= 1 (Eq. 3).")
        check_number("phi", phi, 0.0, low_open=True)
        check_number("target", target, 1.0, low_open=True)
        check_number("tolerance", tolerance, 0.0)
        super().__init__({"alpha": alphas, "beta": betas, "gamma": gammas}, **kwargs)
        self.phi, self.target, self.tolerance = phi, target, tolerance
        self.base_width, self.base_depth, self.dropout = base_width, base_depth, dropout

    @staticmethod
    def product(values: dict) -> float:
        """``alpha * beta^2 * gamma^2``: the FLOPS factor of Eq. 3 per unit of phi."""
        return values["alpha"] * values["beta"] ** 2 * values["gamma"] ** 2

    def admits(self, values):
        return abs(self.product(values) - self.target) <= self.tolerance + 1e-9

    def baseline(self):
        return {"alpha": 1.0, "beta": 1.0, "gamma": 1.0}

    def resolution(self, values, size):
        return max(32, int(round(size * values["gamma"] ** self.phi)))

    def network(self, values, classes, resolution, inputs=None):
        from keras_cnns.efficientnet import EfficientNet

        shape = None if inputs is not None else (resolution, resolution, 3)
        return EfficientNet(width=self.base_width * values["beta"] ** self.phi,
                            depth=self.base_depth * values["alpha"] ** self.phi,
                            dropout=self.dropout, input_tensor=inputs, input_shape=shape,
                            classes=classes, classifier_activation=None)

    def label(self, values):
        return super().label(values) + f" (alpha*beta^2*gamma^2 = {self.product(values):.3f})"


class MobileNetSpace(Space):
    """MobileNet's width multiplier alpha x input resolution (Howard et al. 2017, Sec. 3.3,
    Tables 6-7); resolutions in pixels (the images are resized in the model)."""

    key = "mobilenet"
    paper = "Howard et al., MobileNets, 2017 (arXiv:1704.04861), Sec. 3.3, Tables 6-7"

    def __init__(self, alphas=(0.25, 0.5, 0.75, 1.0), resolutions=(128, 160, 192, 224),
                 **kwargs):
        for value in resolutions:
            check_int("resolutions", value, 32)
        super().__init__({"alpha": alphas, "resolution": resolutions}, **kwargs)

    def baseline(self):
        return {"alpha": 1.0, "resolution": 224}

    def resolution(self, values, size):
        return values["resolution"]

    def network(self, values, classes, resolution, inputs=None):
        from keras_cnns.mobilenet import MobileNet

        shape = None if inputs is not None else (resolution, resolution, 3)
        return MobileNet(alpha=values["alpha"], input_tensor=inputs, input_shape=shape,
                         classes=classes, classifier_activation=None)


class WRNSpace(Space):
    """Wide ResNet's depth x widening factor k (Zagoruyko & Komodakis 2016, Table 4)."""

    key = "wrn"
    paper = "Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016 (arXiv:1605.07146)"

    def __init__(self, depths=(10, 16, 22, 28, 40), widths=(1, 2, 4, 8, 10), **kwargs):
        for value in depths:
            if not isinstance(value, int) or value < 10 or (value - 4) % 6:
                fail("WRN depths must be 6N + 4 (N >= 1).", "depths", value)
        super().__init__({"depth": depths, "k": widths}, **kwargs)

    def baseline(self):
        return {"depth": min(self.axes["depth"]), "k": 1}

    def network(self, values, classes, resolution, inputs=None):
        from keras_cnns.wide_resnet import WideResNet

        shape = None if inputs is not None else (resolution, resolution, 3)
        return WideResNet(depth=values["depth"], k=values["k"], input_tensor=inputs,
                          input_shape=shape, classes=classes, classifier_activation=None)


class DenseNetBCSpace(Space):
    """DenseNet-BC's depth x growth rate k (Huang et al. 2017, Table 2)."""

    key = "densenet-bc"
    paper = ("Huang et al., Densely Connected Convolutional Networks, CVPR 2017 "
             "(arXiv:1608.06993)")

    def __init__(self, depths=(40, 100, 190, 250), growth_rates=(12, 24, 40), **kwargs):
        for value in depths:
            if not isinstance(value, int) or value < 10 or (value - 4) % 6:
                fail("DenseNet-BC depths must be 6N + 4 (N >= 1).", "depths", value)
        super().__init__({"depth": depths, "k": growth_rates}, **kwargs)

    def baseline(self):
        return {"depth": min(self.axes["depth"]), "k": min(self.axes["k"])}

    def network(self, values, classes, resolution, inputs=None):
        from keras_cnns.densenet import DenseNetBC

        shape = None if inputs is not None else (resolution, resolution, 3)
        return DenseNetBC(depth=values["depth"], k=values["k"], input_tensor=inputs,
                          input_shape=shape, classes=classes, classifier_activation=None)


#: The spaces by key (``--space``).
SPACES = {space.key: space for space in (EfficientNetSpace, MobileNetSpace, WRNSpace,
                                         DenseNetBCSpace)}


# --------------------------------------------------------------------------- budget


@dataclasses.dataclass(frozen=True)
class Budget:
    """At most ``limit`` multiply-adds (``metric="macs"``) or parameters (``"params"``) per
    network, as :func:`keras_cnns.profile` counts them (multiply-adds of one image)."""

    limit: float
    metric: str = "macs"

    def __post_init__(self):
        check_number("limit", self.limit, 0.0, low_open=True,
                     rule="A budget must be a positive number.")
        check_choice("metric", self.metric, METRICS, "A budget counts 'macs' or 'params'.")

    def fits(self, cost: dict) -> bool:
        return cost[self.metric] <= self.limit

    def text(self) -> str:
        return f"{self.metric} <= {self.limit:,.0f}"

    @classmethod
    def parse(cls, text: str, space: Space, image_size: int, classes: int,
              metric: str = "macs") -> Budget:
        """``"2.6x"`` (times the space's baseline point), ``"60M"``, ``"1.5G"``, ``"500K"``
        or a plain number of multiply-adds (or parameters, ``metric="params"``)."""
        check_choice("metric", metric, METRICS, "A budget counts 'macs' or 'params'.")
        rule = ("A budget is a number with an optional K/M/G suffix, or a multiple of the "
                "space's baseline such as '2x'.")
        if not isinstance(text, str) or not text.strip():
            fail(rule, "budget", text)
        raw = text.strip().lower()
        scale = {"k": 1e3, "m": 1e6, "g": 1e9, "b": 1e9}
        try:
            if raw.endswith("x"):
                factor = float(raw[:-1])
                base = assess(space, space.baseline(), image_size, classes)[metric]
                return cls(factor * base, metric)
            if raw[-1] in scale:
                return cls(float(raw[:-1]) * scale[raw[-1]], metric)
            return cls(float(raw), metric)
        except ValueError:
            fail(rule, "budget", text)


def assess(space: Space, values: dict, image_size: int, classes: int) -> dict:
    """Multiply-adds, parameters and input resolution of a point's network, built
    :func:`~keras_cnns.uninitialised.uninitialised` (no weights) and counted by :func:`keras_cnns.profile`;
    cached on the space."""
    from keras_cnns.complexity import profile

    key = (json.dumps(values, sort_keys=True), image_size, classes)
    if key not in space.costs:
        resolution = space.resolution(values, image_size)
        with uninitialised():
            network = space.network(values, classes, resolution)
        counted = profile(network)
        space.costs[key] = {"macs": int(counted.macs), "params": int(counted.params),
                            "resolution": int(resolution)}
        keras.backend.clear_session(free_memory=False)
    return dict(space.costs[key])


# --------------------------------------------------------------------------- oracle


def _hash(values: dict) -> str:
    text = json.dumps(values, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class BudgetOracle(kt.Oracle):
    """Proposes the space's points in a seeded order, skipping (and recording) every point
    whose network is over the budget; the complexity engine decides before anything trains.

    ``assessed`` maps a point's hash to its values, cost and whether it fits; it is part of
    the oracle's saved state, so a resumed search neither re-counts nor re-orders.
    """

    def __init__(self, space: Space, budget: Budget, image_size: int, classes: int,
                 seed: int = 0, max_trials: int | None = None, **kwargs):
        super().__init__(objective=kt.Objective(OBJECTIVE, "max"), max_trials=max_trials,
                         seed=seed + 1, **kwargs)
        self.space, self.budget = space, budget
        self.image_size, self.classes, self.search_seed = image_size, classes, seed
        self.assessed: dict[str, dict] = {}

    def ordered_points(self) -> list[dict]:
        points = self.space.points()
        random.Random(self.search_seed).shuffle(points)
        return points

    def assess(self, values: dict) -> dict:
        key = _hash(values)
        if key not in self.assessed:
            cost = assess(self.space, values, self.image_size, self.classes)
            self.assessed[key] = {"values": dict(values), **cost,
                                  "fits": self.budget.fits(cost)}
        return self.assessed[key]

    def populate_space(self, trial_id):
        for values in self.ordered_points():
            if self._duplicate(values):
                continue
            if not self.assess(values)["fits"]:
                continue  # over the budget: recorded, never built for training
            return {"status": kt.engine.trial.TrialStatus.RUNNING, "values": values}
        return {"status": kt.engine.trial.TrialStatus.STOPPED, "values": None}

    def get_state(self):
        return {**super().get_state(), "assessed": self.assessed}

    def set_state(self, state):
        super().set_state(state)
        self.assessed = dict(state.get("assessed", {}))


# --------------------------------------------------------------------------- tuner


@dataclasses.dataclass(frozen=True)
class ProxyRun:
    """The short training run that scores a point (through the training engine)."""

    dataset: str
    recipe: str = "efficientnet-search-proxy"
    epochs: float | None = None  # default: the recipe's
    steps_per_epoch: int | None = None
    eval_steps: int | None = None
    batch_size: int | None = None
    holdout: float = 0.1  # the last part of the training split, held out to select on
    seed: int = 0
    mock: bool = False
    data_dir: str | None = None

    def splits(self) -> tuple[tuple[str, ...] | None, str | None]:
        """Training and validation splits: a held-out tail of the training split on tfds
        datasets; the generated set's own two splits on ``synthetic``."""
        from keras_cnns.training import data

        if data.spec(self.dataset).tfds_name is None:
            return None, None
        cut = int(round(100 * (1 - self.holdout)))
        return (f"train[:{cut}%]",), f"train[{cut}%:]"


class SearchTuner(kt.engine.base_tuner.BaseTuner):
    """Runs the oracle's trials as proxy training runs of the training engine; each trial's
    run directory is ``<project>/trial_<id>/run`` (checkpointed, resumable)."""

    def __init__(self, oracle: BudgetOracle, proxy: ProxyRun, directory, project_name,
                 overwrite=False):
        self.proxy = proxy
        super().__init__(oracle, hypermodel=oracle.space, directory=directory,
                         project_name=project_name, overwrite=overwrite)

    def _populate_initial_space(self):
        """Declare the axes only: keras-tuner would otherwise build the default model to
        discover hyperparameters, and the spaces declare theirs."""
        hp = self.oracle.get_space()
        self.hypermodel.declare_hyperparameters(hp)
        self.oracle.update_space(hp)

    def on_search_begin(self):
        self.save()  # so that a kill during the first trial resumes from this state

    def run_trial(self, trial, *args, **kwargs):
        from keras_cnns.training import data, engine, recipes

        values = dict(trial.hyperparameters.values)
        space, proxy = self.oracle.space, self.proxy
        ds_spec = data.spec(proxy.dataset)
        train_splits, eval_split = proxy.splits()
        config = engine.RunConfig(
            model=f"{space.key}[{space.label(values)}]", dataset=proxy.dataset,
            recipe=recipes.get(proxy.recipe), run_dir=os.path.join(self.get_trial_dir(
                trial.trial_id), "run"),
            batch_size=proxy.batch_size, epochs=proxy.epochs,
            steps_per_epoch=proxy.steps_per_epoch, eval_steps=proxy.eval_steps,
            seed=proxy.seed, deterministic=True, mock=proxy.mock, data_dir=proxy.data_dir,
            verbose=0, checkpoint_every=self.checkpoint_every,
            build=functools.partial(_build_point, space, values),
            train_splits=train_splits, eval_split=eval_split)
        keras.backend.clear_session(free_memory=False)
        result = engine.train(config)
        accuracy = 1.0 - result.test_error / 100.0
        with open(os.path.join(self.get_trial_dir(trial.trial_id), "proxy.json"), "w") as out:
            json.dump({"values": values, "val_accuracy": accuracy, "epochs": result.epochs,
                       "steps_per_epoch": result.steps_per_epoch,
                       "resumed_from_step": result.resumed_from, "history": result.history,
                       "classes": ds_spec.classes}, out, indent=1)
        return {OBJECTIVE: accuracy}

    checkpoint_every = 0  # steps; a test sets it to checkpoint mid-epoch


def _build_point(space: Space, values: dict, classes: int, image_shape: tuple, dropout=None):
    return space.model(values, classes, image_shape)


# --------------------------------------------------------------------------- run


def run(space: Space, budget: Budget, run_dir, proxy: ProxyRun, max_trials: int | None = None,
        verbose: int = 0) -> dict:
    """Search ``space`` under ``budget``; resumes what ``run_dir`` holds. Returns (and writes
    as ``results.json``, ``results.md`` and ``results.png`` in ``run_dir``) every point of
    the space: trained with its validation accuracy, rejected over the budget, or not
    reached."""
    from keras_cnns.training import data

    ds_spec = data.spec(proxy.dataset)
    if max_trials is not None:
        check_int("max_trials", max_trials)
    space.classes, space.image_shape = ds_spec.classes, ds_spec.image_shape
    run_dir = pathlib.Path(run_dir)
    oracle = BudgetOracle(space, budget, ds_spec.image_shape[0], ds_spec.classes,
                          seed=proxy.seed, max_trials=max_trials)
    tuner = SearchTuner(oracle, proxy, directory=str(run_dir), project_name="tuner")
    tuner.search(verbose=verbose)
    results = summarise(tuner)
    write_results(results, run_dir)
    return results


def summarise(tuner: SearchTuner) -> dict:
    """Every point of the space with its cost and outcome, in the oracle's order."""
    oracle = tuner.oracle
    trained = {}
    for trial in oracle.trials.values():
        if trial.status == "COMPLETED":
            trained[_hash(dict(trial.hyperparameters.values))] = (
                trial.trial_id, trial.score)
    rows = []
    for values in oracle.ordered_points():
        key = _hash(values)
        cost = oracle.assessed.get(key)
        row = {"values": values, "label": oracle.space.label(values)}
        if cost is not None:
            row.update(macs=cost["macs"], params=cost["params"], resolution=cost["resolution"])
        if key in trained:
            row.update(status="trained", trial=trained[key][0], val_accuracy=trained[key][1])
        elif cost is not None and not cost["fits"]:
            row.update(status="over budget")
        else:
            row.update(status="not reached")
        rows.append(row)
    best = max((r for r in rows if r["status"] == "trained"),
               key=lambda r: r["val_accuracy"], default=None)
    return {"space": oracle.space.key, "paper": oracle.space.paper,
            "axes": {k: list(v) for k, v in oracle.space.axes.items()},
            "budget": {"metric": oracle.budget.metric, "limit": oracle.budget.limit},
            "seed": oracle.search_seed, "dataset": tuner.proxy.dataset,
            "proxy": dataclasses.asdict(tuner.proxy), "points": rows, "best": best}


def write_results(results: dict, run_dir) -> list[pathlib.Path]:
    """``results.json``, ``results.md`` and a deterministic ``results.png`` in ``run_dir``."""
    from tabulate import tabulate

    run_dir = pathlib.Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    budget = results["budget"]
    table = [[r["label"], r.get("resolution", ""), _millions(r.get("macs")),
              _millions(r.get("params")), r["status"],
              "" if r.get("val_accuracy") is None else f"{100 * r['val_accuracy']:.2f}"]
             for r in results["points"]]
    best = results["best"]
    lines = [f"# Design-space search: {results['space']}", "",
             f"Space: {results['paper']}. Dataset: {results['dataset']}; seed "
             f"{results['seed']}; budget: {budget['metric']} <= {budget['limit']:,.0f} "
             "(counted by keras_cnns.profile before any training; points over it are never "
             "built for training).", "",
             "Best: " + (f"{best['label']}, validation accuracy "
                         f"{100 * best['val_accuracy']:.2f}%" if best else "none trained yet"),
             "", tabulate(table, headers=["point", "resolution", "multiply-adds (M)",
                                          "parameters (M)", "status", "val. accuracy (%)"],
                          tablefmt="github", disable_numparse=True), ""]
    (run_dir / "results.md").write_text("\n".join(lines))
    return [run_dir / "results.json", run_dir / "results.md", plot(results, run_dir)]


def _millions(value) -> str:
    return "" if value is None else f"{value / 1e6:.2f}"


def plot(results: dict, run_dir) -> pathlib.Path:
    """Validation accuracy against multiply-adds, over-budget points marked (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4.5), dpi=100)
    trained = [r for r in results["points"] if r["status"] == "trained"]
    over = [r for r in results["points"] if r["status"] == "over budget"]
    if trained:
        axes.scatter([r["macs"] / 1e6 for r in trained],
                     [100 * r["val_accuracy"] for r in trained], label="trained")
        best = results["best"]
        axes.scatter([best["macs"] / 1e6], [100 * best["val_accuracy"]], marker="*", s=160,
                     color="tab:red", label=f"best: {best['label']}"[:70])
    for r in over:
        axes.axvline(r["macs"] / 1e6, color="0.85", lw=0.8, zorder=0)
    if results["budget"]["metric"] == "macs":
        axes.axvline(results["budget"]["limit"] / 1e6, color="tab:red", ls="--", label="budget")
    axes.set_xlabel("multiply-adds per image (millions)")
    axes.set_ylabel("validation accuracy (%)")
    axes.set_title(f"{results['space']} search on {results['dataset']} "
                   f"({len(trained)} trained, {len(over)} over budget)", fontsize=9)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=7)
    figure.tight_layout()
    path = pathlib.Path(run_dir) / "results.png"
    figure.savefig(path, metadata={"Software": None})
    plt.close(figure)
    return path

