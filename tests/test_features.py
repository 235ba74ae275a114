"""Backbone features: the stage outputs of every family, named by pyramid level, with strides."""

import numpy as np
import pytest

import keras_cnns
from keras_cnns import registry
from keras_cnns.uninitialised import uninitialised

FAMILIES = registry.families()


def _extractor(name, size):
    info = keras_cnns.model_info(name)
    overrides = {"resolution": size} if "resolution" in info.kwargs else {
        "input_shape": (size, size, info.input_shape[-1])}
    with uninitialised():
        return keras_cnns.feature_extractor(name, **overrides)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_gives_its_stage_outputs_with_their_strides(family):
    name = FAMILIES[family].models[0]
    info = keras_cnns.model_info(name)
    size = 224 if info.input_shape[0] >= 224 else 32
    extractor = _extractor(name, size)
    info_rows = extractor.feature_info
    levels = [row["level"] for row in info_rows]
    if size == 224 or max(row["stride"] for row in info_rows) == 32:  # FractalNet: 32x32 to 1x1
        assert levels == ["P2", "P3", "P4", "P5"], (name, levels)
    else:
        assert levels[0] in ("P0", "P1") and len(levels) >= 2, (name, levels)
    for row in info_rows:
        output = extractor.outputs[levels.index(row["level"])] if isinstance(
            extractor.outputs, list) else extractor.output[row["level"]]
        stride = row["stride"]
        assert output.shape[-1] == row["channels"]
        if family not in ("alexnet", "zfnet", "lenet", "inception-v3", "inception-v4",
                          "inception-resnet", "se-inception-resnet",
                          "xception", "all-cnn"):  # valid convs: sizes are not input/stride
            assert output.shape[1] == -(-size // stride), (name, row)


@pytest.mark.parametrize("name, endpoints", [
    ("resnet-50", {"P2": "conv2_block3_out", "P3": "conv3_block4_out", "P4": "conv4_block6_out",
                   "P5": "conv5_block3_out"}),
    ("vgg-d", {"P2": "block3_conv3", "P5": "block5_pool"}),
    ("mobilenet-1.0-224", {"P2": "conv_pw_3_relu", "P5": "conv_pw_13_relu"}),
    ("densenet-121", {"P2": "pool2_conv", "P5": "post_relu"}),
])
def test_endpoints_are_the_last_layers_of_each_stage(name, endpoints):
    extractor = _extractor(name, 224)
    found = {row["level"]: row["layer"] for row in extractor.feature_info}
    for level, layer in endpoints.items():
        assert found[level] == layer


def test_cifar_nets_give_each_stage_and_nested_stages_work():
    extractor = _extractor("wrn-16-4", 32)
    # pre-activation: a stage ends in an addition, normalised by the next unit's BN-ReLU,
    # which still works at the stage's stride (the next conv carries the stride)
    assert [(r["level"], r["layer"], r["channels"]) for r in extractor.feature_info] == [
        ("P0", "conv3_block1_1_relu", 64), ("P1", "conv4_block1_1_relu", 128),
        ("P2", "post_relu", 256)]
    deep = _extractor("resnet-1202", 32)  # stages are nested models here
    assert [r["layer"] for r in deep.feature_info] == ["conv2", "conv3", "conv4"]


def test_features_run_and_levels_can_be_chosen():
    model = keras_cnns.ResNet18(include_top=False, input_shape=(64, 64, 3))
    extractor = keras_cnns.feature_extractor(model, levels=(3, 5))
    outputs = extractor(np.zeros((1, 64, 64, 3), "float32"))
    assert {k: tuple(v.shape) for k, v in outputs.items()} == {
        "P3": (1, 8, 8, 128), "P5": (1, 2, 2, 512)}
    with pytest.raises(ValueError, match="Received: levels=6"):
        keras_cnns.feature_extractor(model, levels=(6,))
    with pytest.raises(ValueError, match="Received: model_or_name=3"):
        keras_cnns.feature_extractor(3)
