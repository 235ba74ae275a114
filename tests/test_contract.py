"""The builder contract on every registered model, through the registry (timm-style tests
over the registry, keras-hub-style one harness): a family is tested the moment it registers.

- signature: the paper's arguments first, then the keras.applications head arguments,
  keyword-only, in one order (every family);
- structure: every listed model builds with its classifier named ``predictions`` and is
  counted by the complexity engine (the builds are shared with the paper tables);
- head variants: logits, headless with each pooling, an input tensor (every family);
- bad arguments: any value of any type that a builder refuses is a ``ValueError`` stating
  the rule and ending "Received: <arg>=<value>" (every argument of every family);
- runtime, on TensorFlow here and on JAX in a subprocess beside it: forward, ``.keras`` save
  and load with equal outputs and a compiled training step for the layer cover (the fewest
  registered models and blocks that between them contain every layer type of the registry
  with each of its kernel sizes, strides and groupings; see ``runtime_contract``); nesting
  forced on shallow members; and on TensorFlow a training step of every family (op by op,
  unless its smallest member trained compiled in the layer cover).
"""

import contextlib
import functools
import inspect
import json
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns import blocks, contract, registry
from keras_cnns.uninitialised import uninitialised
from reproductions.measure import measure

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import runtime_contract  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODELS = keras_cnns.list_models()
FAMILIES = registry.families()
HEAD = contract.HEAD_ARGUMENTS


@functools.cache
def _facts(name: str) -> tuple[int, frozenset, list[str]]:
    """(variables, code path, nested stages) of a registered model or a block of
    ``runtime_contract.BLOCKS``, read once (measure() keeps few models)."""
    if name in runtime_contract.BLOCKS:
        with uninitialised(checkpointable=False):
            model = runtime_contract.small_build(name)
    else:
        model = measure(name).model
    return (len(model.weights), runtime_contract.code_path(model),
            [layer.name for layer in model.layers if isinstance(layer, keras.Model)])


def _variables(name: str) -> int:
    return _facts(name)[0]


def _code_path(name: str) -> frozenset:
    return _facts(name)[1]


#: Parsed, unlisted members with the code path of a costly listed member at a fraction of
#: its cost, offered to the cover as candidates (the CMPE-SE pair maps on WRN-10-2 rather
#: than WRN-28-10: 65 variables instead of 216, and about a tenth of the time; ResNeSt-14,
#: one block per stage, has ResNeSt-50's 405 variables' code path in 129).
SMALL_TWINS = {
    "cmpe-se-wrn-28-10-2x1": "cmpe-se-wrn-10-2-2x1",
    "cmpe-se-wrn-28-10-3x3": "cmpe-se-wrn-10-2-3x3",
    "cmpe-se-wrn-28-10-double-fc": "cmpe-se-wrn-10-2-double-fc",
    "resnest-50": "resnest-14",
}

#: Parsed, unlisted members offered to the cover for an item that only costlier members hold:
#: ECA-ResNet-18 with the per-stage 1-D kernels 3, 5, 5, 7 has the kernel 7 of ECA-ResNet-50's
#: adaptive psi(2048) and the 3 and 5 of ECA-ResNet-18's (110 variables; ECA-ResNet-50, 283,
#: was in the cover for its kernel 7 alone).
STAND_INS = ("eca-resnet-18-k3557",)

#: Blocks offered to the cover for items that only costly members hold: Residual Attention's
#: soft mask (ResizeTo; Attention-56), Inception-ResNet's blocks B and C (1x7, 7x1, 1x3, 3x1,
#: Rescaling; Inception-ResNet-v1), Xception's 3x3 stride-1 separable convolution, CBAM's
#: attention (its 7x7 convolution and channel max-pooling; CBAM-ResNet-18) and ResNeSt's
#: split attention (ResNeSt-14). Those members took 15-35 s of CPU each to build, save, load
#: and train on the two backends on the CI machine; each block is a small graph built by its
#: family's own block function (``runtime_contract.BLOCKS``). What serialisation and a
#: backend act on is each layer; how a family composes its layers is trained for every
#: family by its training step. (SKNet's block holds no item that a cheaper candidate lacks.)
BLOCKS = tuple(block for block in runtime_contract.BLOCKS if block != "selective-kernel-block")


@functools.cache
def layer_cover() -> list[str]:
    """The fewest models and blocks (fewest variables) that between them contain every item
    of every code path in the registry: every layer type with each of its kernel sizes,
    strides and groupings, and each number of outputs. Candidates are the listed models and
    each family's ``smallest`` (e.g. ``stochastic-depth-resnet-8``, whose layers are those
    of ResNet-110 with stochastic depth), :data:`SMALL_TWINS`, :data:`STAND_INS` and
    :data:`BLOCKS`. Serialisation and the backends act per layer; how a family composes its
    layers is Keras' functional graph, run for every family by its training step."""
    candidates = {name: m for family in _runtime_members().values() for name, m in family.items()}
    for name in [*(smallest(family) for family in FAMILIES), *SMALL_TWINS.values(), *STAND_INS,
                 *BLOCKS]:
        candidates[name] = (_variables(name), _code_path(name) - {("nested stage",)})
    return runtime_contract.cover(candidates)


@functools.cache
def _runtime_members() -> dict[str, dict[str, tuple[int, frozenset]]]:
    """family -> {listed member: (variables, code path)} for those under MAX_VARIABLES."""
    members = {}
    for name in MODELS:
        variables = _variables(name)
        if variables <= runtime_contract.MAX_VARIABLES:
            family = keras_cnns.model_info(name).family
            members.setdefault(family, {})[name] = (variables,
                                                    _code_path(name) - {("nested stage",)})
    return members


def smallest(family: str) -> str:
    """The family's smallest member (the registry's ``smallest``)."""
    return FAMILIES[family].smallest


# --- signature and structure ---------------------------------------------------------------

@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_builder_signature_puts_the_head_arguments_last_and_keyword_only(family):
    parameters = inspect.signature(FAMILIES[family].builder).parameters
    names = list(parameters)
    assert tuple(names[-len(HEAD):]) == HEAD
    assert all(parameters[n].kind is inspect.Parameter.KEYWORD_ONLY for n in HEAD)
    assert all(parameters[n].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
               for n in names[:-len(HEAD)])
    assert all(p.default is not inspect.Parameter.empty for p in parameters.values())
    assert parameters["name"].default is None and parameters["weights"].default is None
    assert parameters["classes"].default == FAMILIES[family].classes


def _receptive_field_or_upsampling(model):
    """Every layer of a registered model has a receptive-field rule; only interpolation
    (Residual Attention's mask branch) is refused, by name."""
    try:
        field = keras_cnns.receptive_field(model).output
    except ValueError as error:
        assert "upsamples" in str(error), error
        return
    assert field.padding is not None and min(field.size) > 1


@pytest.mark.parametrize("name", MODELS)
def test_registered_model_builds_with_its_classifier_and_is_counted(name):
    info = keras_cnns.model_info(name)
    assert info.name == name and info.listed
    built = measure(name)
    predictions = built.model.get_layer("predictions")
    assert isinstance(predictions, keras.layers.Dense) and predictions.units == info.classes
    assert built.model.outputs[0].shape == (None, info.classes)
    resolution = info.kwargs.get("resolution")
    expected = (resolution, resolution, 3) if resolution else info.input_shape
    assert tuple(built.model.inputs[0].shape[1:]) == tuple(expected)
    assert built.profile.params > 0 and built.profile.macs > 0
    _facts(name)  # read now, while the model is among those measure() keeps
    _receptive_field_or_upsampling(built.model)
    assert keras_cnns.model_info(built.name).call == info.call


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_head_variants_of_the_smallest_model(family):
    name = smallest(family)
    info = keras_cnns.model_info(name)
    with uninitialised(checkpointable=False):
        logits = info.build(classes=7, classifier_activation=None, name="mine")
        predictions = logits.get_layer("predictions")
        assert predictions.units == 7 and predictions.activation.__name__ == "linear"
        assert logits.name == "mine"
        ranks = {}
        for pooling in (None, "avg", "max"):
            headless = runtime_contract.small_build(name, pooling=pooling)
            assert "predictions" not in {layer.name for layer in headless.layers}
            ranks[pooling] = len(headless.outputs[0].shape)
        assert ranks == {None: 4, "avg": 2, "max": 2}
        tensor = keras.Input(tuple(headless.inputs[0].shape[1:]))
        overrides = {k: v for k, v in {"resolution": None}.items() if k in info.kwargs}
        assert info.build(include_top=False, input_tensor=tensor, **overrides).inputs[0] is tensor


# --- bad arguments -------------------------------------------------------------------------

class _Accepted(Exception):
    """Raised instead of building: every check of the builder passed."""


#: Values of every type; most are wrong for every argument, a few are right for some.
GARBAGE = [None, True, False, -1, 0, 3, 2.5, float("nan"), "nonsense", "", (), (1, 2), [],
           {}, object(), np.zeros(2)]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_bad_argument_of_any_type_is_a_value_error_that_states_the_rule(family, monkeypatch):
    entry = FAMILIES[family]
    info = keras_cnns.model_info(entry.models[0])

    def accepted(*args, **kwargs):
        raise _Accepted

    monkeypatch.setattr(contract.Head, "inputs", accepted)
    arguments = list(inspect.signature(entry.builder).parameters)
    for argument in arguments:
        refused = 0
        for value in GARBAGE:
            kwargs = {**info.kwargs, argument: value}
            try:
                entry.builder(**kwargs)
            except _Accepted:
                continue
            except ValueError as error:
                message = str(error)
                named = message.rsplit("Received: ", 1)[-1].split("=")[0]
                assert named in arguments, f"{family}: {argument}={value!r}: {message}"
                assert len(message.split("Received:")[0].strip()) > 15, message  # states a rule
                refused += 1
            except Exception as error:  # noqa: BLE001
                pytest.fail(f"{family}: {argument}={value!r} raised {type(error).__name__}: "
                            f"{error}")
        assert refused >= 8, f"{family}: only {refused} bad values of {argument} were refused"


# --- runtime: TensorFlow here, JAX in a subprocess -----------------------------------------

@pytest.fixture(scope="module")
def jax_results(tmp_path_factory):
    """The JAX leg, started at once and run beside the TensorFlow tests: forward, save, load
    and a compiled training step of the layer cover."""
    names = fits = layer_cover()
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *[p for p in sys.path if p]]), "TF_CPP_MIN_LOG_LEVEL": "3",
           "JAX_PLATFORMS": "cpu",
        # XLA's default optimisation makes each compilation several times slower; these
        # graphs run once.
        "XLA_FLAGS": "--xla_backend_optimization_level=0"}
    log = tmp_path_factory.mktemp("jax") / "results.jsonl"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "runtime_contract.py"), *names, "--fit", *fits],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.PIPE, text=True)
        yield process, log
    if process.poll() is None:
        process.kill()


def _jax(jax_results) -> dict:
    process, log = jax_results
    if not hasattr(_jax, "cache"):
        _, err = process.communicate(timeout=1500)
        assert process.returncode == 0, err[-3000:]
        _jax.cache = {(r["kind"], r["name"]): r for r in map(json.loads, log.read_text().splitlines())}
    return _jax.cache


def test_layer_cover_runs_every_item_of_every_registered_code_path():
    chosen = layer_cover()
    run = set().union(*(_code_path(name) for name in chosen))
    for family, members in _runtime_members().items():
        for name, (_, items) in members.items():
            assert items <= run, (name, items - run)
    for name in ("resnet-50-v1.5", "resnet-110-gated", "conv-mobilenet-1.0-224",
                 "alexnet-2gpu", "vgg-a-lrn", "preact-resnet-164", "resnext-50-32x4d",
                 "stochastic-depth-resnet-110", "xception"):
        assert _code_path(name) - {("nested stage",)} <= run, name
    assert set(_runtime_members()) == set(FAMILIES)
    assert len(chosen) < len(FAMILIES)


def test_cover_runs_every_item_and_prefers_cheap_members():
    members = {"deep": (50, frozenset("abc")), "a": (5, frozenset("ab")),
               "b": (5, frozenset("bc")), "same": (9, frozenset("ab"))}
    assert runtime_contract.cover(members) == ["a", "b"]
    assert runtime_contract.cover({**members, "all": (6, frozenset("abc"))}) == ["all"]


@contextlib.contextmanager
def graph_rewrites_off():
    """TensorFlow's graph optimiser (grappler) off: each training graph of the layer cover
    runs once, and rewriting it cost more than it saved (the cover's compiled steps: 84 s
    with it, 62 s without, measured alone on the 2-core CI machine). The recipe smoke runs,
    the learning tests and the training-engine tests train with it on."""
    import tensorflow as tf

    before = tf.config.optimizer.get_experimental_options().get("disable_meta_optimizer", False)
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": before})


#: Models whose compiled training step passed (finite loss, weights changed) in this process.
_compiled_and_trained: set[str] = set()


def test_forward_save_load_and_a_compiled_training_step_on_tensorflow(tmp_path, jax_results):
    """Over the layer cover (choosing it builds every model, which must not happen when tests
    are collected): forward, ``.keras`` save and load with equal outputs; then a
    ``tf.function`` training step of the loaded model, so that every layer configuration of
    the registry traces, differentiates and trains in a TensorFlow graph after a round trip
    (one build per model serves both)."""
    failures = []
    for name in layer_cover():
        result, restored = runtime_contract.check(name, str(tmp_path))
        if not result["finite"] or result["max_difference"] > 1e-5 * max(1.0, result["scale"]):
            failures.append(result)
        with graph_rewrites_off():
            result = runtime_contract.fit_step(name, features=restored)
        if not (np.isfinite(result["loss"]) and result["changed"] > 0):
            failures.append(result)
        else:
            _compiled_and_trained.add(name)
        keras.backend.clear_session(free_memory=False)
    assert not failures, failures


# The cover's candidates, checked after the structure tests above have read every listed
# model's facts (reading them earlier would build each model twice: measure() keeps few).

@pytest.mark.parametrize("listed", SMALL_TWINS)
def test_small_twins_have_the_code_path_of_their_listed_member(listed):
    twin = SMALL_TWINS[listed]
    assert listed in MODELS and twin not in MODELS
    assert keras_cnns.model_info(twin).family == keras_cnns.model_info(listed).family
    assert _code_path(twin) == _code_path(listed) and _variables(twin) < _variables(listed)


@pytest.mark.parametrize("name", [*STAND_INS, *BLOCKS])
def test_stand_ins_and_blocks_hold_only_items_of_listed_models(name):
    # a stand-in or block adds no item of its own (the cover still covers exactly the registry's
    # items) and earns its place in the cover
    listed = frozenset().union(*(_code_path(n) for n in MODELS))
    assert name not in MODELS and _code_path(name) <= listed
    assert name in layer_cover()


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_one_training_step_on_tensorflow(family):
    """Every family trains: gradients reach its weights. A family whose smallest member is in
    the layer cover trained it compiled in the step above (the same assertions, after a save
    and load; that test runs first in this module); the others train it here op by op
    (``run_eagerly``): tracing a ``tf.function`` of the gradient of a 500-layer graph takes
    10-45 s on the CI machine. Every layer configuration is traced and compiled in the
    layer-cover step (and on JAX); the recipe smoke runs and learning tests train whole
    families compiled."""
    name = smallest(family)
    if name not in _compiled_and_trained:  # else it passed these assertions compiled, above
        result = runtime_contract.fit_step(name, eager=True)
        assert np.isfinite(result["loss"]) and result["changed"] > 0, result


def test_forward_save_load_and_a_training_step_on_jax(jax_results):
    results = _jax(jax_results)
    failures = [r for r in results.values() if "error" in r]
    assert not failures, failures[:5]
    for name in layer_cover():
        r = results[("check", name)]
        assert r["backend"] == "jax" and r["finite"], r
        assert r["max_difference"] <= 1e-5 * max(1.0, r["scale"]), r
        r = results[("fit", name)]
        assert np.isfinite(r["loss"]) and r["changed"] > 0 and not r["eager"], r


def test_deep_models_nest_their_stages_and_a_shallow_nested_member_round_trips(tmp_path,
                                                                                  monkeypatch):
    """The models above MAX_VARIABLES differ from their family's shallow members only in
    the nesting of their stages: run that path on small members with nesting forced."""
    deep = [name for name in MODELS if _variables(name) > runtime_contract.MAX_VARIABLES]
    modules = [f"stage{s}_attention{m}" for s in (1, 2, 3) for m in range(1, 7)]
    nesting = {"preact-resnet-1001": ["conv2", "conv3", "conv4"],
               "resnet-1001-bottleneck": ["conv2", "conv3", "conv4"],
               "resnet-1202": ["conv2", "conv3", "conv4"],
               "stochastic-depth-resnet-1202": ["conv2", "conv3", "conv4"],
               # attention modules nest one by one (tests/test_attention.py runs one nested)
               "attention-236": modules, "attention-452": modules,
               "resnest-269": []}  # 89 blocks: flat, as ResNeSt-50 (runtime-tested) is
    assert sorted(deep) == sorted(nesting)
    for name in deep:
        assert _facts(name)[2] == nesting[name]
    monkeypatch.setattr(blocks.stages, "MAX_FLAT_BLOCKS", 0)
    monkeypatch.setattr(blocks.stages, "MAX_BLOCKS_PER_GRAPH", 2)
    for name in ("resnet-20", "preact-resnet-20", "stochastic-depth-resnet-20",
                 "densenet-bc-22-4"):
        model = runtime_contract.small_build(name)
        assert model.get_layer("conv2").get_layer("conv2_part2")  # nested, in parts
        x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")
        model.save(tmp_path / f"{name}.keras")
        restored = keras.models.load_model(tmp_path / f"{name}.keras")
        np.testing.assert_allclose(model(x), restored(x), rtol=1e-5, atol=1e-5)
