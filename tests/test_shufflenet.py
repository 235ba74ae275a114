"""ShuffleNet: the channel shuffle of Sec. 3.1, the unit of Fig. 2 (grouped pointwise
convolutions, Stage 2's dense first one, the stride-2 concatenation), the widths of Table 1
and of the scaled models, and the no-shuffle ablation."""

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns.layers import ChannelShuffle
from keras_cnns.shufflenet import (STAGE2, bottleneck_channels, first_conv_channels,
                                   stage_channels)
from keras_cnns.uninitialised import uninitialised


def test_channel_shuffle_is_the_papers_reshape_transpose_flatten():
    g, n = 3, 4
    x = np.arange(g * n, dtype="float32").reshape(1, 1, 1, g * n)
    out = np.asarray(ChannelShuffle(g)(x)).ravel()
    expected = x.reshape(g, n).T.ravel()  # reshape into (g, n), transpose, flatten
    np.testing.assert_array_equal(out, expected)
    assert list(out[:g]) == [0, 4, 8]  # one channel of every group, in group order
    # each group of the next grouped convolution receives channels of every group
    groups = out.reshape(g, n)
    assert all(sorted(set((groups[k] // n).astype(int))) == [0, 1, 2] for k in range(g))
    inputs = keras.Input((2, 2, 12))
    stats = keras_cnns.profile(keras.Model(inputs, ChannelShuffle(3)(inputs)))
    assert stats.macs == stats.other_ops == 0


def test_channel_shuffle_checks_its_groups():
    with pytest.raises(ValueError, match="divisible by groups=5"):
        ChannelShuffle(5)(keras.Input((4, 4, 12)))
    with pytest.raises(ValueError, match="Received: groups=0"):
        ChannelShuffle(0)


def test_unit_structure_and_stage2s_dense_first_pointwise():
    with uninitialised():
        model = keras_cnns.ShuffleNet(g=3)
    first = model.get_layer("stage2_unit1_gconv1")
    assert first.groups == 1 and first.filters == 60  # bottleneck = 240 / 4
    assert model.get_layer("stage2_unit1_gconv2").groups == 3
    assert model.get_layer("stage2_unit1_gconv2").filters == 240 - 24  # concat makes 240
    assert model.get_layer("stage2_unit2_gconv1").groups == 3
    assert isinstance(model.get_layer("stage2_unit1_shuffle"), ChannelShuffle)
    assert isinstance(model.get_layer("stage3_unit1_pool"), keras.layers.AveragePooling2D)
    assert model.get_layer("stage3_unit1_concat").output.shape == (None, 14, 14, 480)
    assert model.get_layer("stage3_unit2_add").output.shape == (None, 14, 14, 480)
    # no ReLU after the depthwise convolution (Sec. 3.2)
    assert "stage3_unit2_dw_relu" not in {layer.name for layer in model.layers}
    assert [s for s in range(2, 5) if f"stage{s}_unit1_dw" in
            {layer.name for layer in model.layers}] == [2, 3, 4]
    assert sum(layer.name.endswith("_out") for layer in model.layers) == 16


def test_widths_of_table1_and_of_the_authors_released_scales():
    for g, stage2 in STAGE2.items():
        assert stage_channels(g, 1.0) == (stage2, 2 * stage2, 4 * stage2)
        assert first_conv_channels(g, 1.0) == 24
    # megvii-model/ShuffleNet-Series ShuffleNetV1/network.py, g = 3 and 8
    released = {(3, 0.5): (12, 120), (3, 1.5): (24, 360), (3, 2.0): (48, 480),
                (8, 0.5): (16, 192), (8, 1.5): (24, 576), (8, 2.0): (48, 768)}
    for (g, scale), (conv1, stage2) in released.items():
        assert (first_conv_channels(g, scale), stage_channels(g, scale)[0]) == (conv1, stage2)
        assert bottleneck_channels(stage2, g) == stage2 // 4
    assert bottleneck_channels(136, 4) == 36 and bottleneck_channels(50, 2) == 12


def test_no_shuffle_ablation_removes_only_the_shuffle():
    # (save/load and a training step of ShuffleNet run in tests/test_contract.py)
    with uninitialised():
        plain = keras_cnns.ShuffleNet(g=8, scale=0.25, shuffle=False, include_top=False)
        shuffled = keras_cnns.ShuffleNet(g=8, scale=0.25, include_top=False)
    assert not any(isinstance(layer, ChannelShuffle) for layer in plain.layers)
    assert sum(isinstance(layer, ChannelShuffle) for layer in shuffled.layers) == 16
    assert len(plain.layers) == len(shuffled.layers) - 16
    assert plain.count_params() == shuffled.count_params()


@pytest.mark.parametrize("kwargs, message", [
    (dict(g=5), r"1, 2, 3, 4, 8 .*Received: g=5"),
    (dict(scale=0), r"Received: scale=0"),
    (dict(shuffle="yes"), r"Received: shuffle='yes'"),
    (dict(g=8, scale=0.02), r"too small for g=8.*Received: scale=0.02"),
])
def test_bad_arguments_state_the_rule(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras_cnns.ShuffleNet(**kwargs)
