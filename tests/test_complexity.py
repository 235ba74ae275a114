"""The complexity engine against hand-derived formulas and independent counters."""

import keras
import numpy as np
import pytest

from keras_cnns import complexity
from keras_cnns.complexity import Cost, UnsupportedLayerError, profile


def single(layer, shape):
    inputs = keras.Input(shape)
    model = keras.Model(inputs, layer(inputs))
    return profile(model).layers[-1]


@pytest.mark.parametrize("kwargs, shape, out_hw", [
    (dict(filters=64, kernel_size=3, padding="same"), (32, 32, 16), 32),
    (dict(filters=64, kernel_size=3, strides=2, padding="valid"), (32, 32, 16), 15),
    (dict(filters=64, kernel_size=3, dilation_rate=2, padding="valid"), (32, 32, 16), 28),
    (dict(filters=64, kernel_size=3, groups=4, padding="same"), (32, 32, 16), 32),
    (dict(filters=96, kernel_size=11, strides=4, padding="valid"), (227, 227, 3), 55),
])
def test_conv2d_macs_follow_output_size_times_kernel_volume(kwargs, shape, out_hw):
    layer = single(keras.layers.Conv2D(**kwargs), shape)
    groups = kwargs.get("groups", 1)
    k = kwargs["kernel_size"]
    assert layer.output_shape == (out_hw, out_hw, kwargs["filters"])
    assert layer.macs == out_hw * out_hw * kwargs["filters"] * k * k * shape[-1] // groups
    assert layer.weights == k * k * shape[-1] // groups * kwargs["filters"]
    assert layer.biases == kwargs["filters"]


def test_depthwise_separable_and_dense():
    dw = single(keras.layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False),
                (14, 14, 512))
    assert dw.macs == 7 * 7 * 512 * 9 and dw.weights == 9 * 512 and dw.biases == 0
    sep = single(keras.layers.SeparableConv2D(256, 3, padding="same"), (14, 14, 128))
    assert sep.macs == 14 * 14 * 128 * 9 + 14 * 14 * 128 * 256
    assert sep.weights == 9 * 128 + 128 * 256 and sep.biases == 256
    dense = single(keras.layers.Dense(10), (4096,))
    assert dense.macs == 40960 and dense.params == 40970
    per_position = single(keras.layers.Dense(8), (5, 16))
    assert per_position.macs == 5 * 16 * 8


def test_conv_transpose_and_conv1d():
    up = single(keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same"), (7, 7, 4))
    assert up.output_shape == (14, 14, 8) and up.macs == 7 * 7 * 4 * 9 * 8
    conv1d = single(keras.layers.Conv1D(8, 5, padding="valid"), (20, 3))
    assert conv1d.macs == 16 * 8 * 5 * 3


def test_batchnorm_split_and_other_ops():
    bn = single(keras.layers.BatchNormalization(), (8, 8, 32))
    assert (bn.weights, bn.biases, bn.bn, bn.non_trainable) == (0, 0, 64, 64)
    assert bn.macs == 0 and bn.other_ops == 2 * 8 * 8 * 32
    relu = single(keras.layers.ReLU(), (8, 8, 32))
    assert relu.macs == 0 and relu.other_ops == 8 * 8 * 32
    pool = single(keras.layers.MaxPooling2D(2), (8, 8, 32))
    assert pool.other_ops == 4 * 4 * 32 * 4


def test_memory_counts_outputs_and_skips_views():
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.5)(x)
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    result = profile(model, batch_size=32, dtype_bytes=2)
    assert result.activations == 8 * 8 * 3 + 8 * 8 * 4 + 2
    assert result.activation_bytes == result.activations * 32 * 2


def test_add_counts_elementwise_ops_and_shared_layers_count_each_call():
    inputs = keras.Input((10,))
    shared = keras.layers.Dense(10, name="shared")
    y = keras.layers.Add()([shared(inputs), shared(shared(inputs))])
    result = profile(keras.Model(inputs, y))
    layer = {entry.name: entry for entry in result.layers}
    assert layer["shared"].macs == 3 * 100 and layer["shared"].params == 110
    assert result.other_ops == 10


def test_nested_models_are_walked_and_repeated_calls_multiply():
    inner_in = keras.Input((8, 8, 3))
    inner = keras.Model(inner_in, keras.layers.Conv2D(4, 3, padding="same", name="c")(inner_in),
                        name="inner")
    inputs = keras.Input((8, 8, 3))
    y = keras.layers.Add()([inner(inputs), inner(inputs)])
    result = profile(keras.Model(inputs, y))
    names = [entry.name for entry in result.layers]
    assert "inner/c" in names
    assert result.macs == 2 * 8 * 8 * 4 * 27
    assert result.params == 4 * 27 + 4


def test_unsupported_layer_is_an_error_naming_it():
    class Mystery(keras.layers.Layer):
        def call(self, x):
            return x * 2

    inputs = keras.Input((4,))
    model = keras.Model(inputs, Mystery(name="mystery")(inputs))
    with pytest.raises(UnsupportedLayerError, match="'mystery' of type .*Mystery"):
        profile(model)


def test_custom_layers_can_declare_their_cost():
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return x * 2

        def complexity(self, input_shapes, output_shapes):
            return Cost(other_ops=int(np.prod(output_shapes[0])))

    class Halver(keras.layers.Layer):
        def call(self, x):
            return x / 2

    complexity.register(Halver)(lambda layer, i, o: Cost(macs=7))
    inputs = keras.Input((4,))
    result = profile(keras.Model(inputs, Halver()(Doubler()(inputs))))
    assert (result.macs, result.other_ops) == (7, 4)


def test_bad_arguments():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    with pytest.raises(ValueError, match="Received: batch_size=0"):
        profile(model, batch_size=0)
    with pytest.raises(ValueError, match="keras.Model"):
        profile("vgg")


#: keras.applications models and their arguments. VGG-16 runs without its 224x224-only top at
#: 64x64 here (plain convolutions: the same rule as at 224; the full VGG-16 cross-check is in
#: ``python -m reproductions.bench_complexity``); the others keep their dense tops.
APPLICATIONS = {"VGG16": dict(include_top=False, input_shape=(64, 64, 3)), "ResNet50": {},
                "MobileNet": {}, "DenseNet121": {}}


@pytest.fixture(scope="module", params=list(APPLICATIONS))
def application(request):
    model = getattr(keras.applications, request.param)(weights=None,
                                                       **APPLICATIONS[request.param])
    yield model
    keras.backend.clear_session()


def test_engine_agrees_with_tf_profiler_and_count_params(application):
    """Cross-check against TensorFlow's profiler on the frozen graph (Conv2D, depthwise, MatMul)."""
    from keras_cnns.crosscheck import tf_profiler_macs

    result = profile(application)
    tf_macs = tf_profiler_macs(application, freeze=True)
    assert result.params == application.count_params()
    assert result.macs == sum(tf_macs.values())
    conv_macs = sum(entry.macs for entry in result.layers if entry.type != "Dense")
    assert tf_macs.get("Conv2D", 0) + tf_macs.get("DepthwiseConv2dNative", 0) == conv_macs


def test_rendered_table_has_every_layer_and_totals():
    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, keras.layers.Conv2D(4, 3, name="conv")(inputs))
    text = profile(model).table(biases=False)
    assert "conv" in text and "TOTAL" in text and "params (no biases)" in text


def test_composite_custom_layer_splits_parameters_by_role():
    class ConvBN(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.conv = keras.layers.Conv2D(8, 3, padding="same", use_bias=False)
            self.norm = keras.layers.BatchNormalization()

        def call(self, x):
            return self.norm(self.conv(x))

        def complexity(self, input_shapes, output_shapes):
            return Cost(macs=int(np.prod(output_shapes[0])) * 9 * input_shapes[0][-1])

    inputs = keras.Input((6, 6, 4))
    layer = profile(keras.Model(inputs, ConvBN()(inputs))).layers[-1]
    assert (layer.weights, layer.biases, layer.bn, layer.non_trainable) == (288, 0, 16, 16)
    assert layer.macs == 6 * 6 * 8 * 9 * 4
