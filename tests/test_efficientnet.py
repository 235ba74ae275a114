"""EfficientNet (Tan & Le 2019): Table 1's B0, the reference code's rounding rules, compound
scaling, the keras.applications twins, drop connect, and the design-space search."""

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns import efficientnet
from keras_cnns.efficientnet import (STAGES, VARIANTS, EfficientNet, compound,
                                     round_filters, round_repeats)
from keras_cnns.pretrained import copy_from_twin as copy_weights_from_keras
from keras_cnns.uninitialised import uninitialised
from reproductions.measure import measure

#: keras.applications' EfficientNetB0-B7 (Keras 3.15.1, ``weights=None``): trainable
#: parameters and ``count_params()``, which adds the batch-norm moving statistics and the
#: input ``Normalization`` layer's mean, variance and count (7 values). Recorded by building
#: the twins; ``test_equal_outputs_to_the_keras_applications_twin`` checks B0's and B3's
#: live, and ours must count the same for all eight.
TWIN_COUNTS = {
    "B0": (5_288_548, 5_330_571), "B1": (7_794_184, 7_856_239),
    "B2": (9_109_994, 9_177_569), "B3": (12_233_232, 12_320_535),
    "B4": (19_341_616, 19_466_823), "B5": (30_389_784, 30_562_527),
    "B6": (43_040_704, 43_265_143), "B7": (66_347_960, 66_658_687),
}


def _trainable(model):
    return sum(int(np.prod(v.shape)) for v in model.trainable_weights)


def _randomise(model, seed=0):
    """Random weights and batch-norm statistics (variances kept positive) in every layer
    but keras.applications' input ``Normalization`` (left at mean 0, variance 1)."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Normalization):
            continue
        for variable in layer.weights:
            shape = tuple(variable.shape)
            if "moving_variance" in variable.path:
                value = rng.uniform(0.5, 1.5, shape)
            else:
                value = rng.normal(0.0, 0.2, shape)
            variable.assign(value.astype(variable.dtype))


def test_table1_b0_layout():
    model = measure("efficientnet-b0").model
    stem = model.get_layer("stem_conv")
    assert (stem.kernel_size, stem.strides, stem.filters) == ((3, 3), (2, 2), 32)
    sizes = {}
    for stage, (t, k, c, repeats, _) in enumerate(STAGES, start=1):
        blocks = [f"block{stage}{chr(96 + i)}" for i in range(1, repeats + 1)]
        assert f"block{stage}{chr(97 + repeats)}_dwconv" not in {layer.name for layer in model.layers}
        for block in blocks:
            dw = model.get_layer(f"{block}_dwconv")
            assert dw.kernel_size == (k, k)
            assert model.get_layer(f"{block}_project_conv").filters == c
            names = {layer.name for layer in model.layers}
            assert (f"{block}_expand_conv" in names) == (t != 1)
            assert f"{block}_se_reduce" in names
        sizes[stage] = model.get_layer(f"{blocks[0]}_expand_conv" if t != 1 else stem.name).input.shape[1]
    # Table 1's input resolution per stage (stages 2-8): 112, 112, 56, 28, 14, 14, 7
    assert [sizes[s] for s in range(2, 8)] == [112, 56, 28, 14, 14, 7]
    assert model.get_layer("top_conv").filters == 1280
    assert model.get_layer("top_conv").input.shape[1] == 7
    assert model.get_layer("block1a_swish").activation.__name__ in ("silu", "swish")


def test_rounding_rules_of_the_reference_code():
    assert [round_filters(c, 1.1) for c in (32, 16, 24, 40, 80, 112, 192, 320, 1280)] == \
        [32, 16, 24, 48, 88, 120, 208, 352, 1408]
    assert [round_filters(c, 2.0) for c in (32, 16, 24)] == [64, 32, 48]
    assert round_filters(16, 0.25) == 8  # at least the divisor
    assert round_filters(40, 0.25) == 16  # 8 would lose more than 10% of 10
    assert [round_repeats(n, 3.1) for n in (1, 2, 3, 4)] == [4, 7, 10, 13]
    assert compound(0) == (1.0, 1.0, 224)
    width, depth, resolution = compound(1)
    assert (width, depth, resolution) == (pytest.approx(1.1), pytest.approx(1.2), 258)


def test_phi_and_explicit_multipliers_build_the_same_network():
    width, depth, resolution = compound(1)
    with uninitialised():
        by_phi = EfficientNet(phi=1)
        explicit = EfficientNet(width=width, depth=depth, resolution=resolution)
    assert by_phi.count_params() == explicit.count_params()
    assert by_phi.inputs[0].shape[1:3] == (resolution, resolution)
    assert keras_cnns.model_info("efficientnet-phi2").build  # the registry parses phi
    with pytest.raises(ValueError, match="not both. Received: phi=1"):
        EfficientNet(phi=1, width=1.1)


def test_drop_connect_rates_rise_linearly_to_the_last_block():
    model = measure("efficientnet-b0").model
    drops = [layer for layer in model.layers if layer.name.endswith("_drop")]
    total = sum(repeats for *_, repeats, _ in STAGES)
    for layer in drops:
        stage, letter = int(layer.name[5]), layer.name[6]
        number = sum(r for *_, r, _ in STAGES[:stage - 1]) + ord(letter) - 96
        assert layer.rate == pytest.approx(0.2 * (number - 1) / total)
        assert layer.noise_shape == (None, 1, 1, 1)  # per example, the whole branch
    # the last block (7a, 192 -> 320 channels) has no shortcut; 6d is the 15th of 16
    assert max(layer.rate for layer in drops) == pytest.approx(0.2 * 14 / 16)


def test_deep_cost_counts_what_a_full_build_counts():
    """The reproduction counts Fig. 3's deep networks as the depth-1 network plus the added
    blocks; a full build must count the same."""
    from reproductions.efficientnet import deep_cost

    cost = deep_cost(0.5, 1.8, 32 / 224)
    with uninitialised():
        full = keras_cnns.profile(EfficientNet(width=0.5, depth=1.8, resolution=32))
    assert cost == {"macs": full.macs, "trainable": full.total("trainable"),
                    "params": full.params}


@pytest.mark.parametrize("key, size", [("B0", 32), ("B3", 32)])
def test_equal_outputs_to_the_keras_applications_twin(key, size):
    twin = getattr(keras.applications, f"EfficientNet{key}")(
        weights=None, input_shape=(size, size, 3), classifier_activation=None)
    ours = getattr(efficientnet, f"EfficientNet{key}")(input_shape=(size, size, 3),
                                                         classifier_activation=None)
    assert (_trainable(twin), twin.count_params()) == TWIN_COUNTS[key]
    _randomise(twin)
    normalization = [layer for layer in twin.layers
                     if isinstance(layer, keras.layers.Normalization)][0]
    assert np.all(keras.ops.convert_to_numpy(normalization.mean) == 0)  # the twin's input
    assert np.all(keras.ops.convert_to_numpy(normalization.variance) == 1)  # is x * 255
    copied = copy_weights_from_keras(twin, ours)
    assert copied == sum(1 for layer in ours.layers if layer.weights)
    x = np.random.default_rng(1).uniform(0, 1, (2, size, size, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(twin(x * 255.0, training=False))
    got = keras.ops.convert_to_numpy(ours(x, training=False))
    scale = np.abs(expected).max()
    np.testing.assert_allclose(got, expected, atol=1e-5 * max(1.0, scale), rtol=1e-5)
    keras.backend.clear_session()


def test_parameter_counts_of_b0_to_b7_equal_the_keras_applications_twins():
    """B0-B7 counted as the reproduction counts them (the width-w network at depth 1 plus the
    blocks depth adds, ``deep_cost``, checked against a full build above) at 32x32: the
    counts do not depend on the input size."""
    from reproductions.efficientnet import deep_cost

    for key, (width, depth, _, _) in VARIANTS.items():
        cost = deep_cost(width, depth, 32 / 224)
        trainable, total = TWIN_COUNTS[key]
        assert cost["trainable"] == trainable, key
        assert cost["params"] == total - 7, key  # no input Normalization layer here
