"""The model registry: names in the papers' notation, parsed where the paper has a formula,
aliases, clear errors, and the links to recipes, reproductions and tox environments."""

import configparser
import fnmatch
import pathlib

import pytest

import keras_cnns
from keras_cnns import registry
from keras_cnns.training import recipes
from keras_cnns.uninitialised import uninitialised
from reproductions import PAPERS

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name, builder, kwargs", [
    ("wrn-16-1", "WideResNet", {"depth": 16, "k": 1}),
    ("wrn-28-10", "WideResNet", {"depth": 28, "k": 10}),
    ("resnet-110", "ResNetCIFAR", {"depth": 110}),
    ("resnet-50", "ResNet", {"depth": 50}),
    ("resnet-cifar-50", "ResNetCIFAR", {"depth": 50}),
    ("resnet-50-v1.5", "ResNet", {"depth": 50, "stride_at": "3x3"}),
    ("densenet-bc-190-40", "DenseNetBC", {"depth": 190, "k": 40}),
    ("densenet-121", "DenseNetImageNet", {"depth": 121}),
    ("resnext-29-8x64d", "ResNeXtCIFAR", {"depth": 29, "cardinality": 8, "width": 64}),
    ("resnext-101-32x4d", "ResNeXt", {"depth": 101, "cardinality": 32, "width": 4}),
    ("mobilenet-0.5-160", "MobileNet", {"alpha": 0.5, "resolution": 160}),
    ("vgg-d", "VGG", {"config": "D"}),
    ("vgg-a-lrn", "VGG", {"config": "A-LRN"}),
    ("resnet-110-shortcut-gated", "ResNetCIFAR", {"depth": 110, "shortcut_mapping": "shortcut_gated"}),
])
def test_names_in_the_papers_notation_parse_to_builder_arguments(name, builder, kwargs):
    info = keras_cnns.model_info(name)
    assert info.name == name and info.builder is getattr(keras_cnns, builder)
    assert dict(info.kwargs) == kwargs


@pytest.mark.parametrize("alias, canonical", [
    ("vgg-16", "vgg-d"), ("vgg16", "vgg-d"), ("resnet50", "resnet-50"), ("mobilenet", "mobilenet-1.0-224"),
    ("mobilenet-1-224", "mobilenet-1.0-224"), ("densenet121", "densenet-121"), ("ResNet-50", "resnet-50"),
    ("inception-v1", "googlenet"), ("resnet20", "resnet-20"), ("preact-resnet164", "preact-resnet-164"),
])
def test_aliases_and_spellings_resolve_to_one_canonical_name(alias, canonical):
    assert keras_cnns.model_info(alias).name == canonical


def test_create_model_builds_parsed_names_and_passes_arguments():
    with uninitialised():
        model = keras_cnns.create_model("wrn-16-1", classes=100, dropout=0.3)
    assert model.name == "wrn_16_1" and model.output.shape == (None, 100)
    assert model.get_layer("conv2_block1_2_dropout").rate == 0.3


def test_unknown_names_list_close_matches():
    with pytest.raises(ValueError, match=r"Close matches: .*wrn-28-10.*Received: name='wrn-28'"):
        keras_cnns.model_info("wrn-28")
    with pytest.raises(ValueError, match=r"Received: name='alexnett'") as error:
        keras_cnns.create_model("alexnett")
    assert "alexnet" in str(error.value)
    with pytest.raises(ValueError, match="must be a string. Received: name=50"):
        keras_cnns.model_info(50)


def test_parsed_names_the_builder_refuses_raise_its_rule():
    with pytest.raises(ValueError, match=r"6n\+2 .*Received: depth=51"):
        keras_cnns.create_model("resnet-51")


def test_every_listed_name_is_canonical_and_unique():
    names = keras_cnns.list_models()
    assert len(names) == len(set(names)) >= 90
    assert all(keras_cnns.model_info(name).name == name for name in names)
    assert keras_cnns.list_models("resnet-1*") == ["resnet-18", "resnet-101", "resnet-101-d",
                                                   "resnet-101-tf-slim", "resnet-101-v1.5",
                                                   "resnet-110", "resnet-110-conv",
                                                   "resnet-110-dropout", "resnet-110-gated",
                                                   "resnet-110-scaled",
                                                   "resnet-110-shortcut-gated", "resnet-152",
                                                   "resnet-152-d", "resnet-152-tf-slim",
                                                   "resnet-152-v1.5",
                                                   "resnet-164-bottleneck",
                                                   "resnet-1001-bottleneck", "resnet-1202"]
    assert keras_cnns.list_models(family="wrn")[:2] == ["wrn-16-4", "wrn-16-8"]


def test_model_info_gives_paper_reproduction_input_and_call():
    info = keras_cnns.model_info("wrn-28-10")
    assert "Zagoruyko" in info.paper and info.reproduction == "wrn"
    assert (info.input_shape, info.classes, info.min_size) == ((32, 32, 3), 10, 8)
    assert info.call == "keras_cnns.WideResNet(depth=28, k=10)"
    assert info.accepts("dropout") and not info.accepts("groups")
    assert info.profile().total("trainable") == 36_479_194  # computed, never stored


def test_every_family_names_a_paper_and_an_existing_reproduction():
    for family in registry.families().values():
        assert family.paper and family.models
        assert family.reproduction in (*PAPERS, None), family.name
        assert family.reproduction is not None or family.name == "tiny"


@pytest.mark.parametrize("recipe", recipes.RECIPES.values(), ids=lambda r: r.name)
def test_every_recipe_trains_registered_models_of_a_reproduction(recipe):
    listed = keras_cnns.list_models()
    for pattern in recipe.models:
        assert fnmatch.filter(listed, pattern), f"{recipe.name}: {pattern!r} matches no model"
    assert recipe.paper in (*PAPERS, "tiny")


def test_tox_has_one_reproduction_environment_per_paper():
    config = configparser.ConfigParser()
    config.read(ROOT / "tox.ini")
    section = next(s for s in config.sections() if s.startswith("testenv:repro-"))
    envs = section.removeprefix("testenv:repro-{").removesuffix("}").split(",")
    assert envs == ["all", *PAPERS]
    commands = config[section]["commands"]
    for key in PAPERS:
        assert f"{key}: python -m reproductions {key} {{posargs}}" in commands


def test_register_refuses_a_listed_name_that_is_not_canonical():
    with pytest.raises(ValueError, match="not a canonical name"):
        registry.register("broken", paper="p", input_shape=(8, 8, 3), classes=2, min_size=8,
                          names=["wrn-{depth}-{k}"], models=["wrn-28-10"])(lambda: None)
    assert "broken" not in registry.families()
