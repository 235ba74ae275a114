"""A smoke run of every recipe through the command line: the recipe wires up (schedule,
optimizer, input pipeline, heads, losses, ledger record) on the smallest member of the family
it trains, for two steps of mock data, op by op (``--eager``: tracing the training step of
DenseNet-121 or Inception-v4 costs 20-40 s on the CI machine, running it eagerly a few;
``test_training.py`` shows the eager steps equal to the traced ones, and the layer cover of
``test_contract.py`` traces and trains every layer configuration compiled).

Its own module so that the test scheduler can run the smoke runs beside the other training
tests (each module is one unit of work for the test scheduler: see conftest.py).
"""

import pytest

import keras_cnns
from keras_cnns.training import recipes
from keras_cnns.training import models as training_models
from keras_cnns.uninitialised import uninitialised
from reproductions import __main__ as cli
from reproductions import ledger


def _smoke_model(recipe):
    """The smallest member (the registry's ``smallest``) of the family the recipe trains, and
    the image size it takes on ImageNet: a smoke run proves the recipe's wiring (schedule,
    optimizer, pipeline, heads, ledger record), which does not depend on the model's size."""
    own = next((n for n in keras_cnns.list_models() if recipe.trains(n)), None)
    if own is None:
        return ("tiny-cnn-aux" if recipe.aux_loss_weights else "tiny-cnn"), None
    family = keras_cnns.registry.families()[keras_cnns.model_info(own).family]
    info = keras_cnns.model_info(family.smallest)
    if recipe.datasets[0] != "imagenet2012":
        return info.name, None
    size = info.kwargs.get("resolution") or max(info.min_size, 32)
    try:  # a fixed-size classifier (VGG, AlexNet, GoogLeNet) or auxiliary head needs more
        with uninitialised():
            training_models.build(info.name, 10, (size, size, 3))
    except ValueError:
        size = info.input_shape[0]
    return info.name, size


def test_smoke_models_are_small_members_of_the_recipes_families():
    for recipe in recipes.RECIPES.values():
        model, size = _smoke_model(recipe)
        own = [n for n in keras_cnns.list_models() if recipe.trains(n)]
        if own:
            assert keras_cnns.model_info(model).family == keras_cnns.model_info(own[0]).family
        assert size is None or size <= keras_cnns.model_info(model).input_shape[0]


@pytest.mark.parametrize("name", list(recipes.RECIPES))
def test_smoke_run_of_each_recipe_through_the_cli(name, tmp_path, capsys):
    recipe = recipes.RECIPES[name]
    model, size = _smoke_model(recipe)
    code = cli.main([recipe.paper, "--train", "--model", model, "--dataset", recipe.datasets[0],
                     "--recipe", name, "--smoke", "--eager", "--batch-size", "2",
                     "--strategy", "cpu", "--quiet", "--run-dir", str(tmp_path / "run"),
                     "--runs-dir", str(tmp_path / "runs"), "--data-dir", str(tmp_path / "tfds"),
                     *(["--image-size", str(size)] if size else [])])
    assert code == 0, capsys.readouterr().err
    (record,) = ledger.records(tmp_path / "runs")
    assert record["smoke"] and not record["full_length"] and record["value"] is None
    assert record["recipe"] == name and record["model"] == model and len(record["history"]) == 1
    assert record["commit"] and record["versions"]["keras"] and record["hardware"]["replicas"] == 1
    assert record["command"].split(" --data-dir ")[1].startswith(str(tmp_path / "tfds"))
