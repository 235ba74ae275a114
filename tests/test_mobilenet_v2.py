"""MobileNetV2: Table 2's layout, the reference channel rounding, the inverted residual block
(Table 1), the width multiplier rule of Sec. 4, and keras.applications as a twin."""

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns.mobilenet_v2 import BOTTLENECKS, last_channels, make_divisible
from keras_cnns.pretrained import copy_from_twin as copy_weights_from_keras
from keras_cnns.uninitialised import uninitialised
from reproductions import mobilenetv2 as repro
from runtime_contract import randomise


@pytest.mark.parametrize("value, expected", [
    (32 * 0.35, 16),   # 11.2 -> 8 would be more than 10% below: raised to 16
    (16 * 0.35, 8),    # at least the divisor
    (24 * 0.75, 24),   # 18 -> 16 is 11% below: 24
    (96 * 1.4, 136), (64 * 1.4, 88), (1280 * 1.4, 1792), (160 * 0.5, 80),
])
def test_make_divisible_is_the_reference_rounding(value, expected):
    assert make_divisible(value) == expected


def test_table2_regenerated_from_the_graph():
    rows = [r for r in repro.layout() if r["operator"] == "bottleneck"]
    assert [(r["t"], r["c"], r["n"], r["s"]) for r in rows] == list(BOTTLENECKS)


def test_blocks_are_inverted_residuals_with_linear_bottlenecks():
    with uninitialised():
        model = keras_cnns.MobileNetV2()
    names = {layer.name for layer in model.layers}
    assert "block1_expand" not in names and "block2_expand" in names  # t = 1: no expansion
    assert model.get_layer("block2_expand").filters == 6 * 16  # t applied to the input
    adds = sorted(int(n[5:-4]) for n in names if n.endswith("_add"))
    assert adds == [3, 5, 6, 8, 9, 10, 12, 13, 15, 16]  # stride 1 and equal channels only
    for number in range(1, 18):  # the projection is linear: BN, then the addition or nothing
        assert f"block{number}_project_relu6" not in names
        assert model.get_layer(f"block{number}_dw_relu6").activation.__name__ == "relu6"
    assert model.get_layer("conv_last").filters == 1280
    assert model.count_params() == 3_538_984  # keras.applications.MobileNetV2's count


def test_width_multiplier_spares_the_last_layer_below_one():
    assert last_channels(0.35) == last_channels(1.0) == 1280 and last_channels(1.4) == 1792
    with uninitialised():
        model = keras_cnns.create_model("mobilenetv2-0.35-96")
    assert model.input.shape == (None, 96, 96, 3)
    assert model.get_layer("conv1").filters == 16 and model.get_layer("conv_last").filters == 1280


@pytest.mark.parametrize("alpha", [1.0, 0.35])
def test_equal_outputs_to_keras_applications_after_copying_weights(alpha):
    theirs = keras.applications.MobileNetV2(alpha=alpha, input_shape=(32, 32, 3), weights=None,
                                            classifier_activation=None)
    ours = keras_cnns.MobileNetV2(alpha=alpha, input_shape=(32, 32, 3),
                                  classifier_activation=None)
    randomise(theirs, seed=1)  # weights and batch-norm moving statistics
    assert copy_weights_from_keras(theirs, ours) == 105
    x = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    expected = np.asarray(theirs(x, training=False))
    np.testing.assert_allclose(ours(x, training=False), expected,
                               atol=1e-5 * np.abs(expected).max())


def test_copy_refuses_a_different_structure():
    with uninitialised():
        theirs = keras.applications.MobileNetV2(alpha=0.35, input_shape=(32, 32, 3),
                                                weights=None, include_top=False)
        ours = keras_cnns.MobileNetV2(alpha=0.35, input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="not the same structure"):
        copy_weights_from_keras(theirs, ours)


@pytest.mark.parametrize("kwargs, message", [
    (dict(alpha=0), r"alpha must be in \(0, 4\] .*Received: alpha=0"),
    (dict(alpha="1.0"), r"Received: alpha='1.0'"),
    (dict(resolution=100), r"multiple of 32 .*Received: resolution=100"),
    (dict(resolution=160, input_shape=(224, 224, 3)), r"must agree .*Received: input_shape"),
    (dict(dropout=1.0), r"Received: dropout=1.0"),
])
def test_bad_arguments_state_the_rule(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras_cnns.MobileNetV2(**kwargs)
