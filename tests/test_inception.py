"""The Inception family and Xception: keras.applications twins give equal outputs, the
Inception-ResNet block equation, the auxiliary classifier, the separable stem, the SE
placements, and the counts the keras.applications documentation prints."""

import functools
import pathlib
import sys

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns.pretrained import copy_from_twin as copy_weights_from_keras
from keras_cnns.inception_v4 import RESIDUAL_BRANCHES, inception_resnet_block
from keras_cnns.uninitialised import uninitialised
from reproductions.inception import keras_depth

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from runtime_contract import randomise  # noqa: E402

TWINS = {  # ours, keras.applications twin, smallest input, Keras' documented depth
    "InceptionV3": (keras_cnns.InceptionV3, keras.applications.InceptionV3, 75, 159),
    "InceptionResNetV2": (lambda **k: keras_cnns.InceptionResNet(layout="tf-slim", **k),
                          keras.applications.InceptionResNetV2, 75, 572),
    "Xception": (keras_cnns.Xception, keras.applications.Xception, 71, 126),
}


@functools.cache
def _pair(twin):
    """The twin with random weights and batch-norm statistics, and ours with its weights."""
    ours_builder, twin_builder, size, _ = TWINS[twin]
    options = dict(weights=None, input_shape=(size, size, 3), classes=5,
                   classifier_activation=None)
    source, target = twin_builder(**options), ours_builder(**options)
    randomise(source, seed=1)
    randomise(target, seed=2)  # anything not copied would show
    copy_weights_from_keras(source, target)
    return source, target


@pytest.mark.parametrize("twin", TWINS)
def test_keras_applications_weights_give_equal_outputs(twin):
    """Random weights and batch-norm statistics in the twin, copied into ours by structure:
    the logits agree, so no batch norm, bias, padding or branch order differs."""
    source, target = _pair(twin)
    size, depth = TWINS[twin][2:]
    x = np.random.default_rng(0).normal(size=(2, size, size, 3)).astype("float32")
    expected = np.asarray(source(x, training=False))
    ours = np.asarray(target(x, training=False))
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    assert np.abs(expected).max() > 1e-3  # the comparison is not between zeros
    # Keras' documented "topological depth" counts the twin's layers; ours under the same
    # count (dropout and the separate residual scaling not counted) is the same
    assert keras_depth(source) == keras_depth(target) == depth


def test_weight_copy_refuses_another_network():
    with pytest.raises(ValueError, match="Received: target="):
        copy_weights_from_keras(_pair("Xception")[0], _pair("InceptionV3")[1])


def test_inception_resnet_block_is_relu_of_x_plus_scaled_residual():
    inputs = keras.Input((9, 9, 64))
    out = inception_resnet_block(inputs, RESIDUAL_BRANCHES[2][0], 0.17, name="b")
    model = keras.Model(inputs, out)
    randomise(model)
    probe = keras.Model(inputs, [model.get_layer("b_up").output, out])
    x = np.random.default_rng(3).normal(size=(2, 9, 9, 64)).astype("float32")
    up, y = (np.asarray(t) for t in probe(x, training=False))
    np.testing.assert_allclose(y, np.maximum(x + 0.17 * up, 0), rtol=1e-5, atol=1e-5)
    assert model.get_layer("b_up").use_bias and "b_up_bn" not in [l.name for l in model.layers]


def test_inception_resnet_layouts_and_scale():
    small = dict(include_top=False, input_shape=(75, 75, 3))
    with uninitialised():
        paper = keras_cnns.InceptionResNetV2(**small)
        v1 = keras_cnns.InceptionResNetV1(**small)
    released = _pair("InceptionResNetV2")[1]
    # Figs. 17 and 19 print expansions of 1154 and 2048; the blocks expand to their input
    assert [paper.get_layer(f"{b}_1_up").filters for b in ("block35", "block17", "block8")] == [
        384, 1152, 2144]
    assert [released.get_layer(f"{b}_1_up").filters
            for b in ("block35", "block17", "block8")] == [320, 1088, 2080]
    assert [v1.get_layer(f"{b}_1_up").filters for b in ("block35", "block17", "block8")] == [
        256, 896, 1792]
    names = [layer.name for layer in paper.layers]
    assert sum(n.endswith("_add") for n in names) == 5 + 10 + 5  # Fig. 15
    assert sum(n.endswith("_add") for n in (l.name for l in released.layers)) == 10 + 20 + 10
    assert [v1.get_layer(f"{b}_2_scale").scale for b in ("block35", "block17", "block8")] == [
        0.17, 0.1, 0.2]
    # the released model's last block is unscaled and has no ReLU (TF-slim block8_10)
    assert "block8_10_scale" not in [l.name for l in released.layers]
    assert "block8_10_out" not in [l.name for l in released.layers]
    for bad in (1.5, 0, (0.1, 0.2), "0.1", True):
        with pytest.raises(ValueError, match="Received: scale="):
            keras_cnns.InceptionResNet(scale=bad)
    with pytest.raises(ValueError, match="Received: layout='tf-slim'"):
        keras_cnns.InceptionResNet(version=1, layout="tf-slim")


def test_inception_v3_auxiliary_classifier():
    with uninitialised():
        model = keras_cnns.InceptionV3(aux_logits=True, classes=10)
        small = keras_cnns.InceptionV3(aux_logits=True, input_shape=(107, 107, 3))
    assert [tuple(o.shape) for o in model.outputs] == [(None, 10), (None, 10)]
    # on the last 17x17 module (Fig. 8), batch-normalised, 5x5 conv 768 over the pooled map
    assert model.get_layer("aux_avgpool").input.shape[1:3] == (17, 17)
    assert model.get_layer("aux_2_conv").kernel_size == (5, 5)
    assert model.get_layer("aux_2_conv").filters == 768 and model.get_layer("aux_2_bn")
    assert small.get_layer("aux_2_conv").kernel_size == (1, 1)  # TF-slim shrinks it
    with pytest.raises(ValueError, match="Received: input_shape=\\(106, 106, 3\\)"):
        keras_cnns.InceptionV3(aux_logits=True, input_shape=(106, 106, 3))
    with pytest.raises(ValueError, match="Received: include_top=False"):
        keras_cnns.InceptionV3(aux_logits=True, include_top=False)


def test_bn_inception_separable_stem_and_se_placements():
    with uninitialised():
        bn, se = (keras_cnns.create_model(name, include_top=False, input_shape=(32, 32, 3))
                  for name in ("bn-inception", "se-bn-inception"))
    conv1 = bn.get_layer("conv1_conv")
    assert isinstance(conv1, keras.layers.SeparableConv2D) and conv1.depth_multiplier == 8
    assert conv1.count_params() == 7 * 7 * 3 * 8 + 3 * 8 * 64  # appendix: depth multiplier 8
    assert isinstance(se.get_layer("conv1_conv"), keras.layers.Conv2D)  # the released stem
    # SE-BN-Inception: an SE block after every Inception module (Hu et al., Fig. 2)
    scales = [layer for layer in se.layers if layer.name.endswith("_se_scale")]
    assert [layer.name for layer in scales] == [
        f"inception_{m}_se_scale" for m in ("3a", "3b", "3c", "4a", "4b", "4c", "4d", "4e",
                                            "5a", "5b")]
    assert se.get_layer("inception_4e_se_reduce").units == 1056 // 16
    # SE-Inception-ResNet-v2: on the residual branch, after the expansion, before the scale
    # (the block the builder repeats; the registry entry passes attention="se" to every one)
    assert keras_cnns.model_info("se-inception-resnet-v2").kwargs["attention"] == "se"
    inputs = keras.Input((9, 9, 1088))
    se_ir = keras.Model(inputs, inception_resnet_block(inputs, RESIDUAL_BRANCHES[2][1], 0.1,
                                                       name="block17_3", attention="se"))
    scale = se_ir.get_layer("block17_3_se_scale")
    assert scale._inbound_nodes[0].input_tensors[0]._keras_history.operation.name == "block17_3_up"
    assert se_ir.get_layer("block17_3_scale").input.shape[-1] == 1088
    nodes = se_ir.get_layer("block17_3_scale")._inbound_nodes[0].input_tensors
    assert nodes[0]._keras_history.operation.name == "block17_3_se_scale"


def test_xception_has_36_convolutions_in_its_feature_base():
    """Chollet 2017, Sec. 3: "36 convolutional layers forming the feature extraction base"
    (the four 1x1 shortcut projections are not among them)."""
    model = _pair("Xception")[1]
    convs = [layer for layer in model.layers
             if isinstance(layer, (keras.layers.Conv2D, keras.layers.SeparableConv2D))]
    assert len(convs) == 40 and sum("shortcut" in layer.name for layer in convs) == 4


def test_recipes_reach_the_optimizer():
    """Inception-v3 Sec. 8: RMSProp (decay 0.9, epsilon 1.0), gradient clipping at 2.0 and a
    running average of the parameters; Xception Sec. 4.2: SGD with momentum 0.9."""
    from keras_cnns.training import engine, recipes

    v3 = engine._optimizer(recipes.get("inception-v3-imagenet"), "fp32")
    assert isinstance(v3, keras.optimizers.RMSprop)
    assert (v3.rho, v3.epsilon, v3.global_clipnorm, v3.use_ema) == (0.9, 1.0, 2.0, True)
    xception = engine._optimizer(recipes.get("xception-imagenet"), "fp32")
    assert isinstance(xception, keras.optimizers.SGD) and xception.global_clipnorm is None
    assert recipes.find("inception", "inception-resnet-v2-tf-slim", "imagenet2012").name == (
        "inception-v4-imagenet")
