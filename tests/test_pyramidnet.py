"""PyramidNet (Han, Kim & Kim, CVPR 2017): the unit widths of Eq. 2 and 3 with the authors'
rounding, the zero-padded shortcut, a parameter count of Table 4 and the argument rules."""

import re

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns.pyramidnet import shortcut, widths
from reproductions.cells import parse_printed
from reproductions.measure import measure


def _unit_widths(model, stages=("conv2", "conv3", "conv4"), last="2"):
    return [model.get_layer(f"{stage}_block{i}_{last}_conv").filters
            for stage in stages for i in range(1, 4)]


def test_additive_widths_follow_eq_2_rounded_half_up():
    # depth 20: n = 3 units per stage, N = 9; D_k = 16 + 12 k / 9 rounded half up:
    # 17.33, 18.67, 20, 21.33, 22.67, 24, 25.33, 26.67, 28.
    expected = [17, 19, 20, 21, 23, 24, 25, 27, 28]
    assert widths(9, 12) == expected
    model = keras_cnns.PyramidNet(20, 12)
    assert _unit_widths(model) == expected
    assert model.get_layer("post_bn").output.shape[-1] == 16 + 12
    # Halves go up, as the authors' floor(x + 0.5) (Python's round would give 16 and 18).
    assert widths(4, 2) == [17, 17, 18, 18]


def test_multiplicative_widths_follow_eq_3():
    # D_k = 16 * 2 ** (k / 9): 17.26, 18.66, 20.16, 21.77, 23.52, 25.40, 27.43, 29.63, 32.
    expected = [17, 19, 20, 22, 24, 25, 27, 30, 32]
    assert widths(9, 2, "multiplicative") == expected
    model = keras_cnns.PyramidNet(20, 2, widening="multiplicative")
    assert _unit_widths(model) == expected


def test_bottleneck_units_output_four_times_their_width():
    model = keras_cnns.PyramidNet(29, 12, bottleneck=True)  # 9n + 2, n = 3
    assert _unit_widths(model, last="2") == widths(9, 12)
    assert _unit_widths(model, last="3") == [4 * w for w in widths(9, 12)]


def test_zero_padded_shortcut_pools_and_pads_with_zeros():
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 16)).astype("float32")
    inputs = keras.Input((4, 4, 16))
    model = keras.Model(inputs, shortcut(inputs, 24, 2, name="unit"))
    y = keras.ops.convert_to_numpy(model(x))
    pooled = x.reshape(2, 2, 2, 2, 2, 16).mean(axis=(2, 4))  # 2x2 average pooling, stride 2
    assert y.shape == (2, 2, 2, 24)
    np.testing.assert_allclose(y[..., 4:20], pooled, rtol=1e-6, atol=1e-6)
    assert not y[..., :4].any() and not y[..., 20:].any()
    assert sum(layer.count_params() for layer in model.layers) == 0
    # Same resolution and width: the identity, no layer at all.
    assert shortcut(inputs, 16, 1, name="same") is inputs


def test_table_4_bottleneck_272_params():
    # Table 4: PyramidNet (bottleneck, alpha = 200), depth 272, 26.0M parameters (conv and fc
    # weights and the fc bias).
    profile = measure("pyramidnet-bottleneck-272-200").profile
    value, half_ulp = parse_printed("26.0")
    assert abs((profile.weights + profile.total("biases")) / 1e6 - value) <= half_ulp
    assert len(profile.select(("Conv2D", "Dense"))) == 272


@pytest.mark.parametrize("kwargs, message", [
    ({"depth": 21}, "6n+2"),
    ({"depth": 26, "bottleneck": True}, "9n+2"),
    ({"alpha": -1}, "alpha (additive)"),
    ({"alpha": 0.5, "widening": "multiplicative"}, "alpha (multiplicative)"),
    ({"widening": "linear"}, "widening"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        keras_cnns.PyramidNet(**{"depth": 20, "alpha": 12, **kwargs})


def test_names_resolve_to_the_papers_nets():
    assert keras_cnns.model_info("pyramidnet-110-48").kwargs == {"depth": 110, "alpha": 48}
    assert keras_cnns.model_info("pyramidnet-200-300").family == "pyramidnet-imagenet"
    info = keras_cnns.model_info("pyramidnet-bottleneck-200-240")
    assert info.family == "pyramidnet" and info.kwargs["bottleneck"] is True
    assert keras_cnns.model_info("pyramidnet-mul-110-4.75").kwargs["alpha"] == 4.75
