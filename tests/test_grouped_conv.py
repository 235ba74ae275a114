"""GroupedConv2D: every implementation computes Conv2D(groups=g) exactly, forward and backward."""

import numpy as np
import pytest
import tensorflow as tf

import keras
import keras_cnns
from keras_cnns.layers import GroupedConv2D, grouped_conv

CASES = [  # (channels in, filters, groups, kernel, strides, dilation)
    (16, 16, 4, 3, 1, 1),
    (16, 32, 4, 3, 2, 1),
    (12, 24, 3, 1, 1, 1),   # ShuffleNet's pointwise group convolution
    (8, 8, 2, 5, 2, 1),
    (8, 16, 2, 3, 1, 2),
]


def _outputs_and_gradients(layer, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * tf.sin(y))
    grad_x, grad_kernel, grad_bias = tape.gradient(loss, [x, layer.kernel, layer.bias])
    return [y.numpy(), grad_x.numpy(), grad_kernel.numpy(), grad_bias.numpy()]


def _available():
    """Every implementation this machine can differentiate (TensorFlow CPU builds without
    oneDNN have no grouped-convolution gradient: ``auto`` then means ``split``)."""
    if grouped_conv.resolve("auto") == "native":
        return grouped_conv.IMPLEMENTATIONS
    return tuple(i for i in grouped_conv.IMPLEMENTATIONS if i != "native")


@pytest.mark.parametrize("case", CASES, ids=lambda c: "in{}-f{}-g{}-k{}-s{}-d{}".format(*c))
def test_every_implementation_equals_keras_grouped_conv(case):
    channels, filters, groups, kernel, strides, dilation = case
    x = tf.constant(np.random.default_rng(0).normal(size=(2, 11, 11, channels)), tf.float32)
    options = dict(groups=groups, strides=strides, dilation_rate=dilation, padding="same")
    reference = keras.layers.Conv2D(filters, kernel, bias_initializer="random_normal", **options)
    reference.build(x.shape)
    expected = _outputs_and_gradients(reference, x)
    for how in _available():
        layer = GroupedConv2D(filters, kernel, implementation=how, **options)
        layer.build(x.shape)
        assert layer.kernel.shape == reference.kernel.shape  # the same weights layout
        layer.set_weights(reference.get_weights())
        for got, want in zip(_outputs_and_gradients(layer, x), expected):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


def test_auto_is_the_native_kernel_where_it_can_be_differentiated():
    expected = "native" if grouped_conv.tensorflow_cpu_has_grouped_gradient() else "split"
    assert grouped_conv.resolve("auto") == expected
    assert grouped_conv.resolve("split") == "split"


@pytest.mark.parametrize("bad", ["fast", None, 1, ["native"]])
def test_bad_implementation_is_refused(bad):
    with pytest.raises(ValueError, match="Received: implementation="):
        GroupedConv2D(8, 3, groups=2, implementation=bad)


def test_blocks_build_grouped_layers_and_the_engine_counts_them_as_conv2d():
    inputs = keras.Input((8, 8, 16))
    y = keras_cnns.blocks.conv(inputs, 32, 3, name="grouped", groups=4)
    y = keras_cnns.blocks.conv(y, 32, 1, name="plain")
    model = keras.Model(inputs, y)
    assert type(model.get_layer("grouped")) is GroupedConv2D
    assert type(model.get_layer("plain")) is keras.layers.Conv2D
    grouped, plain = keras_cnns.profile(model).select("Conv2D")
    assert (grouped.type, grouped.is_a("Conv2D")) == ("GroupedConv2D", True)
    assert grouped.macs == 8 * 8 * 3 * 3 * (16 // 4) * 32
    assert grouped.weights == 3 * 3 * (16 // 4) * 32


def test_a_saved_model_keeps_the_layer_and_its_implementation(tmp_path):
    inputs = keras.Input((6, 6, 8))
    model = keras.Model(inputs, GroupedConv2D(8, 3, groups=4, implementation="split")(inputs))
    path = tmp_path / "grouped.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.layers[-1].implementation == "split"
    x = np.random.default_rng(1).normal(size=(1, 6, 6, 8)).astype("float32")
    np.testing.assert_allclose(loaded(x), model(x), atol=1e-6)
