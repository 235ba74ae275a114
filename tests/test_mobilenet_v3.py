"""MobileNetV3: Tables 1 and 2 row by row (kernel, exp size, #out, SE, NL, stride), h-swish and
the hard sigmoid, the SE width, the minimalistic models, and keras.applications as a twin."""

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns.mobilenet_v2 import make_divisible
from keras_cnns.pretrained import copy_from_twin as copy_weights_from_keras
from keras_cnns.uninitialised import uninitialised
from reproductions import mobilenetv3 as repro
from runtime_contract import randomise


@pytest.mark.parametrize("table_id", ["table1", "table2"])
def test_every_row_of_the_table_including_se_and_nonlinearity(table_id):
    name, _, printed = repro.LAYOUTS[table_id]
    rows = repro.layout(name)
    assert len(rows) == len(printed)
    for (_, operator, exp, out, se, nl, stride), row in zip(printed, rows):
        if operator.startswith("bneck"):
            assert row["kernel"] == int(operator[-1]) and row["exp"] == int(exp)
        if out != "-":
            assert row["out"] == int(out)
        if "s" in row:
            assert row["s"] == int(stride)
        if nl != "-":
            assert row["nl"] == nl
        if se != "-" and operator != "conv2d, 1x1":  # Small's last 1x1 conv: no SE (see doc)
            assert row["se"] == se, (operator, exp)
        elif se == "-":
            assert row.get("se", "-") == "-"


def test_h_swish_and_hard_sigmoid_are_the_papers_functions():
    x = np.linspace(-8, 8, 801).astype("float32")
    relu6 = np.clip(x + 3, 0, 6)
    np.testing.assert_allclose(keras.activations.get("hard_swish")(x), x * relu6 / 6,
                               atol=1e-6)
    np.testing.assert_allclose(keras.activations.get("hard_sigmoid")(x), relu6 / 6, atol=1e-6)


def test_se_is_a_quarter_of_the_expansion_rounded_to_8_and_after_the_depthwise():
    with uninitialised():
        model = keras_cnns.MobileNetV3Large()
    for number, exp in ((4, 72), (5, 120), (12, 672), (15, 960)):
        assert model.get_layer(f"block{number}_se_reduce").filters == make_divisible(exp / 4)
        assert model.get_layer(f"block{number}_se_expand").filters == exp
        assert model.get_layer(f"block{number}_se_squeeze").input.shape == \
            model.get_layer(f"block{number}_dw_bn").output.shape
    assert make_divisible(72 / 4) == 24
    assert model.get_layer("block4_se_hard_sigmoid").activation.__name__ == "hard_sigmoid"


def test_minimalistic_drops_se_h_swish_and_5x5():
    with uninitialised():
        model = keras_cnns.create_model("mobilenetv3-large-minimalistic-1.0")
    kinds = {type(layer).__name__ for layer in model.layers}
    assert "Multiply" not in kinds
    assert all(layer.activation.__name__ in ("relu", "softmax", "linear")
               for layer in model.layers if hasattr(layer, "activation"))
    assert {layer.kernel_size for layer in model.layers
            if isinstance(layer, keras.layers.DepthwiseConv2D)} == {(3, 3)}


def test_small_last_layer_is_table2s_1024_and_the_earlier_1280_on_request():
    with uninitialised():
        paper = keras_cnns.MobileNetV3Small()
        earlier = keras_cnns.MobileNetV3Small(last_channels=1280)
        minimal = keras_cnns.MobileNetV3Small(minimalistic=True)
    assert paper.get_layer("conv_head").units == minimal.get_layer("conv_head").units == 1024
    assert earlier.get_layer("conv_head").units == 1280
    assert paper.count_params() == 2_554_968  # keras.applications.MobileNetV3Small's count


@pytest.mark.parametrize("builder, kwargs, ours_kwargs", [
    (keras.applications.MobileNetV3Large, {}, {}),
    (keras.applications.MobileNetV3Small, {"alpha": 0.75}, {"alpha": 0.75}),
    (keras.applications.MobileNetV3Small, {"minimalistic": True}, {"minimalistic": True}),
])
def test_equal_outputs_to_keras_applications_after_copying_weights(builder, kwargs,
                                                                  ours_kwargs):
    theirs = builder(input_shape=(32, 32, 3), weights=None, include_preprocessing=False,
                     classifier_activation=None, **kwargs)
    ours = (keras_cnns.MobileNetV3Large if builder is keras.applications.MobileNetV3Large
            else keras_cnns.MobileNetV3Small)(input_shape=(32, 32, 3),
                                              classifier_activation=None, **ours_kwargs)
    randomise(theirs, seed=2)
    copy_weights_from_keras(theirs, ours)
    x = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    expected = np.asarray(theirs(x, training=False))
    np.testing.assert_allclose(ours(x, training=False), expected,
                               atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize("kwargs, message", [
    (dict(size="medium"), r"'large' .* or 'small' .*Received: size='medium'"),
    (dict(alpha=-1), r"Received: alpha=-1"),
    (dict(minimalistic=1), r"Received: minimalistic=1"),
    (dict(last_channels=0), r"Received: last_channels=0"),
])
def test_bad_arguments_state_the_rule(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras_cnns.MobileNetV3(**kwargs)
