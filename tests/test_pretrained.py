"""weights="imagenet" through the keras.applications twins, offline: the structural mapping of
every twin, equal outputs for the families no other test compares (VGG, ResNet, DenseNet,
MobileNet; Inception-v3, Inception-ResNet-v2 and Xception in test_inception.py, MobileNetV2
in test_mobilenet_v2.py, MobileNetV3 in test_mobilenet_v3.py, EfficientNet in
test_efficientnet.py), and the "imagenet" path end to end with the twin's loader replaced."""

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns import pretrained
from keras_cnns.pretrained import TWINS, copy_from_twin, pair_layers, pretrained_models
from keras_cnns.uninitialised import uninitialised
from runtime_contract import randomise

#: Twin structures whose outputs another test compares after the copy (the copy checks the
#: structural mapping first): here (VGG-16, ResNet-50, DenseNet-121, MobileNet 0.25,
#: EfficientNet-B0), test_inception.py, test_mobilenet_v2.py, test_mobilenet_v3.py and
#: test_efficientnet.py.
COMPARED = {"vgg-d", "resnet-50", "densenet-121", "mobilenet-0.25-224", "efficientnet-b0",
            "efficientnet-b3", "inception-v3", "inception-resnet-v2-tf-slim", "xception",
            "mobilenetv2-1.0-224", "mobilenetv2-0.35-224", "mobilenetv3-large-1.0",
            "mobilenetv3-small-0.75", "mobilenetv3-small-minimalistic-1.0"}
#: One name per distinct twin structure (the names differing only in input resolution share
#: their weights' shapes), the compared ones left out.
STRUCTURES = [name for name in {(t.application, tuple(sorted(t.kwargs.items()))): name
                                for name, t in reversed(TWINS.items())}.values()
              if name not in COMPARED]


def _outputs_agree(theirs, ours, size):
    x = np.random.default_rng(0).normal(size=(2, size, size, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(theirs(x, training=False))
    got = keras.ops.convert_to_numpy(ours(x, training=False))
    assert np.abs(expected).max() > 1e-3  # the comparison is not between zeros
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())


def test_every_twin_is_a_canonical_registry_name():
    assert sorted(pretrained_models()) == sorted(TWINS) and len(TWINS) == 63
    structures = {(t.application, tuple(sorted(t.kwargs.items()))) for t in TWINS.values()}
    assert len(structures) == len(STRUCTURES) + len(COMPARED)  # every structure checked
    for name, entry in TWINS.items():
        info = keras_cnns.model_info(name)
        assert info.name == name and hasattr(keras.applications, entry.application)
        # the builder call of the name, with weights="imagenet", resolves to this twin
        assert pretrained._resolve(info.builder.__wrapped__, dict(info.kwargs))[0] is entry


@pytest.mark.parametrize("name", STRUCTURES)
def test_structural_mapping_pairs_every_weighted_layer(name):
    entry = TWINS[name]
    with uninitialised():
        theirs = pretrained.twin(name, weights=None)
        ours = keras_cnns.create_model(name, **entry.implies)
    pairs = pair_layers(theirs, ours)
    weighted = [layer for layer in pretrained._leaves(ours)]
    assert [ours for _, ours, _ in pairs] == weighted  # every one of ours is set
    folded = sum(folds is not None for _, _, folds in pairs)
    assert folded == (len([p for p in pairs if isinstance(p[1], keras.layers.Conv2D)])
                      if entry.application.startswith("ResNet") else 0)


@pytest.mark.parametrize("application, builder, kwargs, size, include_top", [
    ("VGG16", keras_cnns.VGG16, {}, 32, False),
    ("DenseNet121", keras_cnns.DenseNet121, {"padding": "symmetric"}, 32, True),
    ("MobileNet", keras_cnns.MobileNet, {"alpha": 0.25, "activation": "relu6"}, 32, True),
])
def test_twin_weights_give_equal_outputs(application, builder, kwargs, size, include_top):
    """Random weights and batch-norm statistics in the twin, ours randomised differently
    first: after the copy the outputs agree, so nothing was left out or misplaced."""
    twin_kwargs = {"alpha": kwargs["alpha"]} if "alpha" in kwargs else {}
    options = dict(weights=None, input_shape=(size, size, 3), include_top=include_top)
    if include_top:
        options["classifier_activation"] = None
    theirs = getattr(keras.applications, application)(**options, **twin_kwargs)
    ours = builder(**options, **kwargs)
    randomise(theirs, seed=1)
    randomise(ours, seed=2)
    copy_from_twin(theirs, ours)
    _outputs_agree(theirs, ours, size)


def _offline(monkeypatch, size):
    """Replace the twin's loader: weights=None, randomised, built at ``size``."""
    made = []

    def fake(model_name, include_top=True, weights="imagenet"):
        entry = TWINS[model_name]
        model = getattr(keras.applications, entry.application)(
            include_top=include_top, weights=None, input_shape=(size, size, 3),
            classifier_activation=None, **entry.kwargs)
        randomise(model, seed=3)
        made.append(model)
        return model

    monkeypatch.setattr(pretrained, "twin", fake)
    return made


def test_imagenet_path_gives_the_twins_outputs(monkeypatch):
    """ResNet-50: conv biases folded into the moving means, and padding="symmetric" built
    because the twin needs it."""
    made = _offline(monkeypatch, 64)
    ours = keras_cnns.create_model("resnet-50", weights="imagenet", input_shape=(64, 64, 3),
                                   classifier_activation=None)
    assert ours.get_layer("pool1_pad") is not None  # the twin's pool padding
    _outputs_agree(made[0], ours, 64)


def test_imagenet_prepends_the_twins_preprocessing(monkeypatch):
    """EfficientNet holds its preprocessing in its graph: ours gets it, and takes raw
    pixels as the twin does."""
    made = _offline(monkeypatch, 32)
    ours = keras_cnns.EfficientNet(width=1.0, depth=1.0, resolution=224, weights="imagenet",
                                   input_shape=(32, 32, 3), classifier_activation=None)
    assert isinstance(ours.layers[1], keras.layers.Rescaling)
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(made[0](x, training=False))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x, training=False)), expected,
                               rtol=1e-5, atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize("call, message", [
    (lambda: keras_cnns.create_model("resnet-18", weights="imagenet"),
     r"Models with weights: .*resnet-50.* Received: weights='imagenet'"),
    (lambda: keras_cnns.create_model("vgg-a", weights="imagenet"),
     r"Models with weights: .*vgg-d.* Received: weights='imagenet'"),
    (lambda: keras_cnns.ResNet50(padding="same", weights="imagenet"),
     r"need padding='symmetric'.* Received: padding='same'"),
    (lambda: keras_cnns.MobileNet(alpha=0.5, activation="relu", weights="imagenet"),
     r"need activation='relu6'.* Received: activation='relu'"),
    (lambda: keras_cnns.DenseNet121(weights="imagenet", classes=10),
     r"classes must be 1000.* Received: classes=10"),
    (lambda: keras_cnns.InceptionResNetV2(weights="imagenet"),
     r"inception-resnet-v2-tf-slim.* Received: weights='imagenet'"),
])
def test_imagenet_refusals_state_the_rule(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_imagenet_builds_the_twin_compatible_variant(monkeypatch):
    calls = []
    monkeypatch.setattr(pretrained, "twin", lambda name, **k: calls.append(name))
    monkeypatch.setattr(pretrained, "copy_from_twin", lambda source, target: 0)
    with uninitialised():
        model = keras_cnns.MobileNet(alpha=0.25, input_shape=(128, 128, 3), weights="imagenet")
        dense = keras_cnns.DenseNet121(weights="imagenet", include_top=False)
        big = keras_cnns.MobileNetV2(alpha=1.0, input_shape=(300, 300, 3), weights="imagenet",
                                     include_top=False)
    assert calls == ["mobilenet-0.25-128", "densenet-121", "mobilenetv2-1.0-224"]
    assert model.get_layer("conv1_relu6") is not None and dense.get_layer("conv1_pad")
    assert big.input.shape[1:3] == (300, 300)  # keras' choice: the 224 weights


def test_a_weights_mismatch_names_both_layers():
    with uninitialised():
        theirs = keras.applications.VGG16(weights=None)
        ours = keras_cnns.VGG19()
    with pytest.raises(ValueError, match=r"has 16 layers with weights, .* 19: not the same structure"):
        pair_layers(theirs, ours)
    with uninitialised():
        ours = keras_cnns.VGG16(classes=10)
    with pytest.raises(ValueError, match=r"Layer predictions .* does not fit predictions"):
        pair_layers(theirs, ours)
    with pytest.raises(ValueError, match=r"classes must be 1000\. Received: classes=10"):
        pretrained.load_imagenet("vgg16", ours, source=theirs)
