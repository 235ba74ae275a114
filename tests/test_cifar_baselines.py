"""Network in Network, All-CNN-C and the highway networks: their layer tables against the
papers and the authors' released models, the highway gate equation, and their parameter
counts worked out from the layer tables by hand."""

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns.layers.highway import HighwayConv2D
from reproductions import cifar_baselines as repro
from reproductions.measure import measure


def _table(model):
    """(name, type, kernel, width, stride, padding) of every layer with weights or a window."""
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if isinstance(layer, keras.layers.Dense):
            rows.append((layer.name, kind, 1, layer.units, 1, None))
        elif hasattr(layer, "kernel_size") or hasattr(layer, "filters"):
            kernel = layer.kernel_size if isinstance(layer, HighwayConv2D) else layer.kernel_size[0]
            stride = 1 if isinstance(layer, HighwayConv2D) else layer.strides[0]
            padding = "same" if isinstance(layer, HighwayConv2D) else layer.padding
            rows.append((layer.name, kind, kernel, layer.filters, stride, padding))
        elif hasattr(layer, "pool_size"):
            rows.append((layer.name, kind, layer.pool_size[0], None, layer.strides[0],
                         layer.padding))
    return rows


def test_nin_is_the_released_caffe_model_of_the_cifar10_net():
    model = measure("nin-cifar10").model
    conv, cccp = "Conv2D", "Conv2D"
    assert _table(model) == [
        ("conv1", conv, 5, 192, 1, "same"), ("cccp1", cccp, 1, 160, 1, "same"),
        ("cccp2", cccp, 1, 96, 1, "same"), ("pool1", "MaxPooling2D", 3, None, 2, "same"),
        ("conv2", conv, 5, 192, 1, "same"), ("cccp3", cccp, 1, 192, 1, "same"),
        ("cccp4", cccp, 1, 192, 1, "same"), ("pool2", "AveragePooling2D", 3, None, 2, "same"),
        ("conv3", conv, 3, 192, 1, "same"), ("cccp5", cccp, 1, 192, 1, "same"),
        ("predictions", "Dense", 1, 10, 1, None)]
    # Caffe's ceil-mode pooling: 32 -> 16 -> 8; every convolution rectified, cccp6 too
    assert model.get_layer("pool1").output.shape[1:3] == (16, 16)
    assert model.get_layer("predictions").output.shape[1:] == (8, 8, 10)
    assert all(model.get_layer(n).activation.__name__ == "relu"
               for n in ("conv1", "cccp1", "cccp2", "conv2", "cccp3", "cccp4", "conv3", "cccp5"))
    assert model.get_layer("predictions_relu").get_config()["activation"] == "relu"
    assert [(layer.name, layer.rate) for layer in model.layers
            if isinstance(layer, keras.layers.Dropout)] == [("drop1", 0.5), ("drop2", 0.5)]


def test_all_cnn_c_is_table_2():
    model = measure("all-cnn-c").model
    assert _table(model) == [
        ("conv1", "Conv2D", 3, 96, 1, "same"), ("conv2", "Conv2D", 3, 96, 1, "same"),
        ("conv3", "Conv2D", 3, 96, 2, "same"), ("conv4", "Conv2D", 3, 192, 1, "same"),
        ("conv5", "Conv2D", 3, 192, 1, "same"), ("conv6", "Conv2D", 3, 192, 2, "same"),
        ("conv7", "Conv2D", 3, 192, 1, "valid"), ("conv8", "Conv2D", 1, 192, 1, "valid"),
        ("predictions", "Dense", 1, 10, 1, None)]
    # "global averaging over 6 x 6 spatial dimensions"; no pooling layer anywhere
    assert model.get_layer("predictions").output.shape[1:] == (6, 6, 10)
    assert [(layer.name, layer.rate) for layer in model.layers
            if isinstance(layer, keras.layers.Dropout)] == [
        ("input_dropout", 0.2), ("dropout1", 0.5), ("dropout2", 0.5)]
    assert model.layers[1].name == "input_dropout"


def test_highway_19_is_the_released_network():
    model = measure("highway-19").model
    table = _table(model)
    highway = [(width, kernel) for _, kind, kernel, width, _, _ in table if kind == "HighwayConv2D"]
    assert highway == [(32, 3)] * 4 + [(80, 3)] * 5 + [(128, 3)] * 5
    plain = [(name, kernel, width) for name, kind, kernel, width, _, _ in table if kind == "Conv2D"]
    assert plain == [("conv1", 3, 32), ("conv6", 3, 80), ("conv12", 3, 128), ("conv18", 1, 100)]
    assert table[-1] == ("predictions", "Dense", 1, 10, 1, None)
    assert len([r for r in table if r[1] != "MaxPooling2D"]) == 19
    assert all(layer.transform_bias == -2.0 for layer in model.layers
               if isinstance(layer, HighwayConv2D))


def test_highway_32_alternates_3x3_and_1x1_in_32_layers():
    table = _table(measure("highway-32").model)
    kernels = [kernel for _, kind, kernel, _, _, _ in table if kind == "HighwayConv2D"]
    assert kernels == [3, 1, 3, 1, 3, 1, 3, 1, 3] * 3
    assert len([r for r in table if r[1] != "MaxPooling2D"]) == 32


def test_parameter_counts_from_the_layer_tables():
    def conv(k, cin, cout):
        return k * k * cin * cout + cout

    nin = (conv(5, 3, 192) + conv(1, 192, 160) + conv(1, 160, 96) + conv(5, 96, 192)
           + 2 * conv(1, 192, 192) + conv(3, 192, 192) + conv(1, 192, 192) + conv(1, 192, 10))
    all_cnn = (conv(3, 3, 96) + 2 * conv(3, 96, 96) + conv(3, 96, 192) + 3 * conv(3, 192, 192)
               + conv(1, 192, 192) + conv(1, 192, 10))
    top = conv(1, 128, 100) + 100 * 10 + 10
    highway_19 = (conv(3, 3, 32) + 4 * 2 * conv(3, 32, 32) + conv(3, 32, 80)
                  + 5 * 2 * conv(3, 80, 80) + conv(3, 80, 128) + 5 * 2 * conv(3, 128, 128) + top)
    assert (nin, all_cnn, highway_19) == (966_986, 1_369_738, 2_256_838)
    for name, count in (("nin-cifar10", nin), ("all-cnn-c", all_cnn),
                        ("highway-19", highway_19)):
        assert measure(name).profile.total("trainable") == count
    # "~2.3M" (Srivastava et al. Table 2) and "2.3M" (He et al. Table 6)
    assert round(highway_19 / 1e6, 1) == 2.3
    # our reading of Highway C is not the paper's ~1.25M net (no width fitted to it)
    assert measure("highway-32").profile.total("trainable") == 2_467_718


def _highway(transform_bias, kernel_size=1):
    layer = HighwayConv2D(2, kernel_size, transform_bias=transform_bias)
    layer.build((None, 3, 3, 2))
    rng = np.random.default_rng(0)
    h_kernel = rng.normal(size=layer.kernel.shape).astype("float32")
    layer.kernel.assign(h_kernel)
    layer.bias.assign(np.array([0.1, -0.2], "float32"))
    layer.transform_kernel.assign(np.zeros(layer.transform_kernel.shape, "float32"))
    return layer, h_kernel


def test_highway_gate_carries_at_t_0_and_transforms_at_t_1():
    x = np.random.default_rng(1).normal(size=(1, 3, 3, 2)).astype("float32")
    carry, _ = _highway(-60.0)  # T = sigmoid(-60) ~ 0: y = x
    np.testing.assert_allclose(carry(x), x, atol=1e-6)
    transform, h_kernel = _highway(60.0)  # T = 1: y = H(x) = relu(conv(x))
    h = np.maximum(np.einsum("bhwc,cd->bhwd", x, h_kernel[0, 0]) + [0.1, -0.2], 0)
    np.testing.assert_allclose(transform(x), h, atol=1e-5)
    half, _ = _highway(0.0)  # T = 1/2: the mean of both
    np.testing.assert_allclose(half(x), (h + x) / 2, atol=1e-5)


def test_highway_layer_starts_carrying_counts_two_convolutions_and_refuses_other_widths():
    layer = HighwayConv2D(4, 3)
    layer.build((None, 5, 5, 4))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.bias_transform), [-2.0] * 4)
    cost = layer.complexity([(5, 5, 4)], [(5, 5, 4)])
    assert cost.macs == 2 * 5 * 5 * 4 * 3 * 3 * 4
    clone = HighwayConv2D.from_config(layer.get_config())
    assert (clone.filters, clone.kernel_size, clone.transform_bias) == (4, 3, -2.0)
    profile = measure("highway-19").profile
    conv2 = next(p for p in profile.layers if p.name == "conv2")
    assert (conv2.weights, conv2.biases) == (2 * 9 * 32 * 32, 2 * 32)  # H and T
    with pytest.raises(ValueError, match=r"needs 4 channels .* Received: input_shape="):
        HighwayConv2D(4, 3).build((None, 5, 5, 3))
    with pytest.raises(ValueError, match=r"Received: depth=20"):
        keras_cnns.HighwayNet(depth=20)


def test_reproduction_cells_hold():
    tables = {table.id: table for table in repro.tables()}
    statuses = {cell.status for table in tables.values() for cell in table.cells}
    assert statuses <= {"match", "not-run"}
    assert all(cell.status == "match" for tid in ("nin_layers", "allcnn_table2", "highway_config")
               for cell in tables[tid].cells)
