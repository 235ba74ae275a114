"""Recipes: the learning rate at the epochs (or iterations) each paper names, and the rules."""

import pytest

from keras_cnns.training import recipes
from keras_cnns.training.recipes import RECIPES, Recipe, Schedule

# (recipe, [(position in the schedule's unit, lr the paper gives there)])
PAPER_SCHEDULES = {
    # He et al. 2016: 0.01 warm-up for ~400 iterations, 0.1, /10 at 32k and 48k iterations.
    "resnet-cifar": [(0, 0.01), (399, 0.01), (400, 0.1), (31_999, 0.1), (32_000, 0.01),
                     (47_999, 0.01), (48_000, 0.001), (63_999, 0.001)],
    "preact-resnet-cifar": [(0, 0.01), (400, 0.1), (32_000, 0.01), (48_000, 0.001)],
    # WRN: 0.1, x0.2 at 60, 120, 160 (CIFAR); 0.01, x0.1 at 80, 120 (SVHN).
    "wrn-cifar": [(0, 0.1), (59.99, 0.1), (60, 0.02), (119.99, 0.02), (120, 0.004),
                  (160, 0.0008), (199.99, 0.0008)],
    "wrn-svhn": [(0, 0.01), (80, 0.001), (120, 0.0001), (159.99, 0.0001)],
    # Stochastic depth: 0.1, /10 after 250 and 375 (CIFAR), after 30 and 35 (SVHN).
    "stochastic-depth-cifar": [(0, 0.1), (249.99, 0.1), (250, 0.01), (375, 0.001)],
    "stochastic-depth-svhn": [(0, 0.1), (30, 0.01), (35, 0.001), (49.99, 0.001)],
    # DenseNet: 0.1, /10 at 50% and 75% of 300 (CIFAR) or 40 (SVHN) epochs.
    "densenet-cifar": [(0, 0.1), (149.99, 0.1), (150, 0.01), (225, 0.001)],
    "densenet-cifar-noaug": [(0, 0.1), (150, 0.01), (225, 0.001)],
    "densenet-svhn": [(0, 0.1), (20, 0.01), (30, 0.001)],
    # ResNeXt: 0.1, /10 at 150 and 225.
    "resnext-cifar": [(0, 0.1), (150, 0.01), (225, 0.001), (299.99, 0.001)],
    # MobileNet via Inception-v3: 0.045 decayed by 0.94 every two epochs.
    "mobilenet-imagenet": [(0, 0.045), (1.99, 0.045), (2, 0.045 * 0.94), (3.99, 0.045 * 0.94),
                           (10, 0.045 * 0.94 ** 5)],
    # GoogLeNet: decreasing by 4% every 8 epochs.
    "googlenet-imagenet": [(0, 0.01), (7.99, 0.01), (8, 0.0096), (16, 0.01 * 0.96 ** 2)],
    # Stochastic depth, ResNet-1202: 0.01 for 10 epochs, then 0.1, /10 at 150 and 225.
    "stochastic-depth-cifar-1202": [(0, 0.01), (9.99, 0.01), (10, 0.1), (150, 0.01),
                                    (225, 0.001)],
    # DenseNet ImageNet: 0.1, /10 at 30 and 60; SENet: 0.6, /10 every 30 epochs.
    "densenet-imagenet": [(0, 0.1), (30, 0.01), (60, 0.001)],
    "senet-imagenet": [(0, 0.6), (29.99, 0.6), (30, 0.06), (60, 0.006), (90, 0.0006)],
    # EfficientNet: 0.256 decayed by 0.97 every 2.4 epochs.
    "efficientnet-imagenet": [(0, 0.256), (2.39, 0.256), (2.4, 0.256 * 0.97),
                              (24, 0.256 * 0.97 ** 10)],
    # Inception-v3/v4 and Xception: 0.045 decayed by 0.94 every two epochs.
    "inception-v3-imagenet": [(0, 0.045), (1.99, 0.045), (2, 0.045 * 0.94),
                              (10, 0.045 * 0.94 ** 5)],
    "inception-v4-imagenet": [(0, 0.045), (2, 0.045 * 0.94), (10, 0.045 * 0.94 ** 5)],
    "xception-imagenet": [(0, 0.045), (1.99, 0.045), (2, 0.045 * 0.94)],
}

PAPER_SETTINGS = {
    "resnet-cifar": dict(batch_size=128, weight_decay=1e-4, epochs=64_000 * 128 / 50_000),
    "wrn-cifar": dict(batch_size=128, weight_decay=5e-4, epochs=200, augment="cifar-reflect"),
    "wrn-svhn": dict(weight_decay=5e-4, epochs=160, augment="none", dropout=0.4,
                     train_splits=("train", "extra")),
    "stochastic-depth-cifar": dict(batch_size=128, weight_decay=1e-4, epochs=500,
                                   holdout={"train": 5000}, normalize="channel"),
    "stochastic-depth-svhn": dict(epochs=50, augment="none", normalize="channel",
                                  train_splits=("train", "extra"),
                                  holdout={"train": {"per_class": 400},
                                           "extra": {"per_class": 200}}),
    "densenet-cifar": dict(batch_size=64, weight_decay=1e-4, epochs=300, augment="cifar",
                           dropout=None),
    "densenet-cifar-noaug": dict(batch_size=64, epochs=300, augment="none", dropout=0.2),
    "densenet-svhn": dict(batch_size=64, epochs=40, augment="none", dropout=0.2,
                          holdout={"train": {"per_class": 400}, "extra": {"per_class": 200}},
                          normalize="unit"),
    "resnext-cifar": dict(batch_size=128, weight_decay=5e-4, epochs=300),
    "mobilenet-imagenet": dict(label_smoothing=0.0, weight_decay=4e-5,
                               weight_decay_on="kernels-except-depthwise"),
    "googlenet-imagenet": dict(aux_loss_weights=(0.3, 0.3), dropout=0.4, polyak_decay=0.9999),
    "stochastic-depth-cifar-1202": dict(epochs=300),
    "alexnet-imagenet": dict(batch_size=128, weight_decay=5e-4, epochs=90, dropout=0.5),
    "resnet-imagenet": dict(batch_size=256, weight_decay=1e-4, scale_range=(256, 480)),
    "densenet-imagenet": dict(batch_size=256, weight_decay=1e-4, epochs=90),
    "resnext-imagenet": dict(batch_size=256, weight_decay=1e-4),
    "senet-imagenet": dict(batch_size=1024, epochs=100),
    "vgg-imagenet": dict(batch_size=256, weight_decay=5e-4, epochs=74, dropout=0.5,
                         scale_range=(256, 512)),
    "efficientnet-imagenet": dict(weight_decay=1e-5, dropout=None),
    "inception-v3-imagenet": dict(batch_size=32, epochs=100, label_smoothing=0.1,
                                  gradient_clip_norm=2.0, polyak_decay=0.9999),
    "xception-imagenet": dict(weight_decay=1e-5, dropout=0.5, polyak_decay=0.9999),
}


@pytest.mark.parametrize("name, points", PAPER_SCHEDULES.items())
def test_learning_rate_at_the_papers_epochs(name, points):
    schedule = RECIPES[name].schedule
    for position, lr in points:
        assert schedule.lr(position) == pytest.approx(lr, rel=1e-9), (name, position)


@pytest.mark.parametrize("name, settings", PAPER_SETTINGS.items())
def test_recipe_settings_are_the_papers(name, settings):
    recipe = RECIPES[name]
    for key, value in settings.items():
        assert getattr(recipe, key) == pytest.approx(value) if isinstance(value, float) \
            else getattr(recipe, key) == value, (name, key)


def test_optimizers_are_the_papers():
    for name in ("wrn-cifar", "wrn-svhn", "densenet-cifar", "densenet-svhn", "resnext-cifar",
                 "stochastic-depth-cifar", "stochastic-depth-svhn", "densenet-imagenet"):
        assert RECIPES[name].optimizer.nesterov, name
    for name in ("resnet-cifar", "resnext-cifar", "vgg-imagenet", "googlenet-imagenet",
                 "alexnet-imagenet", "resnet-imagenet", "senet-imagenet"):
        assert RECIPES[name].optimizer.kind == "sgd" and RECIPES[name].optimizer.momentum == 0.9
    mobilenet = RECIPES["mobilenet-imagenet"].optimizer
    assert (mobilenet.kind, mobilenet.rho, mobilenet.epsilon) == ("rmsprop", 0.9, 1.0)


def test_vgg_plateau_drops_three_times_at_most():
    schedule = RECIPES["vgg-imagenet"].schedule
    assert [schedule.lr(10, drops) for drops in range(5)] == pytest.approx(
        [1e-2, 1e-3, 1e-4, 1e-5, 1e-5])


def test_every_recipe_cites_its_source():
    for recipe in RECIPES.values():
        assert recipe.source and recipe.models and recipe.datasets, recipe.name
        if recipe.paper not in ("tiny", "alexnet"):  # AlexNet (NIPS 2012) is not on arXiv
            assert "arXiv:" in recipe.source, recipe.name


@pytest.mark.parametrize("recipe", RECIPES.values(), ids=lambda r: r.name)
def test_every_value_keeps_the_sentence_it_comes_from(recipe):
    """Each value the recipe sets is covered by a quote of the paper or a stated assumption."""
    missing = recipe.set_fields() - recipe.covered()
    assert not missing, f"{recipe.name}: no quote or assumption for {sorted(missing)}"
    assert all(q.text and q.section for q in recipe.quotes)


#: The section each recipe's quotes must cite (read in the papers' arXiv versions):
#: MobileNets' training text is Sec. 3.2 (not 3.4), ResNeXt's CIFAR details Appendix A,
#: WRN's dropout ratios Sec. 3, stochastic depth's protocol Sec. 4, GoogLeNet's 40% dropout
#: Table 1 (its Sec. 5 has the auxiliary classifiers' 70%). "code" marks a quote of the
#: reference code a paper points to.
SECTIONS = {
    "resnet-cifar": {"Sec. 4.2"}, "preact-resnet-cifar": {"Appendix"}, "wrn-cifar": {"Sec. 3"},
    "wrn-cifar-zca": {"Sec. 3", "Table 4"}, "wrn-svhn": {"Sec. 3"},
    "stochastic-depth-cifar": {"Sec. 4"},
    "stochastic-depth-cifar-1202": {"Sec. 4"}, "stochastic-depth-svhn": {"Sec. 4"},
    "densenet-cifar": {"Sec. 4.1", "Sec. 4.2"}, "densenet-cifar-noaug": {"Sec. 4.1", "Sec. 4.2"},
    "densenet-svhn": {"Sec. 4.1", "Sec. 4.2"}, "resnext-cifar": {"Appendix A", "code"},
    "mobilenet-imagenet": {"Sec. 3.2"}, "googlenet-imagenet": {"Sec. 5", "Sec. 6", "Table 1"},
    "vgg-imagenet": {"Sec. 3.1"}, "alexnet-imagenet": {"Sec. 4.1", "Sec. 4.2", "Sec. 5"},
    "resnet-imagenet": {"Sec. 3.4"}, "densenet-imagenet": {"Sec. 4.1", "Sec. 4.2"},
    "resnext-imagenet": {"Sec. 4", "code"}, "senet-imagenet": {"Sec. 5.1"}, "tiny": set(),
    "efficientnet-imagenet": {"Sec. 5.2"}, "efficientnet-search-proxy": {"Sec. 5.2"},
    "inception-v3-imagenet": {"Sec. 4", "Sec. 7", "Sec. 8"},
    "inception-v4-imagenet": {"Sec. 4", "Figure 9"}, "xception-imagenet": {"Sec. 4.2", "Sec. 4.3"},
}


@pytest.mark.parametrize("recipe", RECIPES.values(), ids=lambda r: r.name)
def test_every_quote_cites_its_section(recipe):
    assert {q.section for q in recipe.quotes} <= SECTIONS[recipe.name]
    if recipe.name == "googlenet-imagenet":
        dropout = [q for q in recipe.quotes if "dropout" in q.fields]
        assert [q.section for q in dropout] == ["Table 1"]
    if recipe.name == "wrn-svhn":
        assert any("0.4 on SVHN" in q.text for q in recipe.quotes)
        assert not any("training and additional datasets" in q.text for q in recipe.quotes)


def test_polyak_averaging_and_holdout_are_read_by_the_engine():
    import inspect

    from keras_cnns.training import engine

    source = inspect.getsource(engine)
    assert "recipe.polyak_decay" in source and "recipe.holdout" in source


def test_learning_rate_scales_linearly_with_the_global_batch():
    recipe = RECIPES["wrn-cifar"]
    assert recipe.schedule_for(256).lr(0) == pytest.approx(0.2)
    assert recipe.schedule_for(128) is recipe.schedule
    resnet = RECIPES["resnet-cifar"].schedule_for(64)
    assert (resnet.lr(0), resnet.lr(400)) == pytest.approx((0.005, 0.05))


def test_lr_at_step_uses_the_schedule_unit():
    wrn = RECIPES["wrn-cifar"].schedule
    assert wrn.lr_at_step(60 * 390, 390) == pytest.approx(0.02)
    assert wrn.lr_at_step(60 * 390 - 1, 390) == pytest.approx(0.1)
    assert RECIPES["resnet-cifar"].schedule.lr_at_step(32_000, 390) == pytest.approx(0.01)


def test_find_picks_the_papers_recipe():
    assert recipes.find("wrn", "wrn-28-10", "cifar10").name == "wrn-cifar"
    assert recipes.find("wrn", "wrn-16-8", "svhn").name == "wrn-svhn"
    assert recipes.find("vgg", "vgg-d", "imagenet2012").name == "vgg-imagenet"
    assert recipes.find("resnet", "resnet-110", "cifar10").name == "resnet-cifar"
    assert recipes.find("densenet", "densenet-bc-100-12", "cifar10").name == "densenet-cifar"


@pytest.mark.parametrize("call, message", [
    (lambda: recipes.find("lenet", "x", "cifar10"), "paper='lenet'"),
    (lambda: recipes.find("wrn", "wrn-28-10", "imagenet2012"), "dataset='imagenet2012'"),
    (lambda: recipes.find("wrn", "vgg-d", "cifar10"), "model='vgg-d'"),
    (lambda: recipes.get("nope"), "recipe='nope'"),
    (lambda: Schedule("cosine", 0.1), "kind='cosine'"),
    (lambda: Schedule("step", 0.1, boundaries=(120, 60)), "boundaries=(120, 60)"),
    (lambda: Schedule("exponential", 0.1), "every=0.0"),
    (lambda: Schedule("step", 0.1, unit="week"), "unit='week'"),
    (lambda: recipes.Optimizer("adam"), "kind='adam'"),
])
def test_bad_recipe_input_raises(call, message):
    with pytest.raises(ValueError, match="Received: " + message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_bad_recipe_fields_raise():
    base = RECIPES["tiny"]
    import dataclasses
    for field, value in (("weight_decay_on", "biases"), ("augment", "mixup"),
                         ("normalize", "pca"), ("lr_scaling", "sqrt")):
        with pytest.raises(ValueError, match=f"Received: {field}="):
            dataclasses.replace(base, **{field: value})
    assert isinstance(base, Recipe)
