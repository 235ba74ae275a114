"""MobileNet builder and reproduction: structure against Table 1, keras.applications as an
independent reference, the Sec. 3.1 formula, argument rules and the plot."""

import json

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns.mobilenet import SEPARABLE_LAYERS, SHALLOW_REMOVED, reduction_factor, scaled_channels
from reproductions import mobilenet as repro


def _kernels(model):
    return [tuple(w.shape) for w in model.weights]


@pytest.mark.parametrize("alpha", [1.0, 0.25])
def test_body_matches_keras_applications_weight_for_weight(alpha):
    ours = keras_cnns.MobileNet(alpha=alpha, include_top=False)
    reference = keras.applications.MobileNet(alpha=alpha, include_top=False, weights=None,
                                             input_shape=(224, 224, 3))
    assert _kernels(ours) == _kernels(reference)
    assert ours.output.shape == reference.output.shape == (None, 7, 7, scaled_channels(1024, alpha))


def test_layer_order_follows_table1_and_last_depthwise_has_stride_1():
    model = keras_cnns.MobileNet()
    convs = [layer for layer in model.layers
             if isinstance(layer, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D))]
    assert [layer.name for layer in convs] == ["conv1"] + [
        f"conv_{kind}_{block}" for block in range(1, 14) for kind in ("dw", "pw")]
    strides = [layer.strides[0] for layer in convs if isinstance(layer, keras.layers.DepthwiseConv2D)]
    assert strides == [stride for stride, _ in SEPARABLE_LAYERS]
    assert strides[-1] == 1 and model.get_layer("conv_pw_13").output.shape == (None, 7, 7, 1024)
    for block in range(1, 14):  # depthwise 3x3 + BN + ReLU, pointwise 1x1 + BN + ReLU (Fig. 3)
        for kind, kernel in (("dw", (3, 3)), ("pw", (1, 1))):
            layer = model.get_layer(f"conv_{kind}_{block}")
            assert layer.kernel_size == kernel and not layer.use_bias
            assert isinstance(model.get_layer(f"conv_{kind}_{block}_bn"), keras.layers.BatchNormalization)
            relu = model.get_layer(f"conv_{kind}_{block}_relu")
            assert isinstance(relu, keras.layers.Activation) and relu.activation.__name__ == "relu"


def test_channel_rule_is_the_reference_depth_rule():
    assert scaled_channels(32, 0.1) == 8  # min_depth
    assert scaled_channels(1024, 0.75) == 768 and scaled_channels(64, 0.3) == 19
    for alpha in (0.25, 0.5, 0.75, 1.0):  # keras.applications' int(alpha * N) agrees here
        assert all(scaled_channels(n, alpha) == int(n * alpha) for n in (32, 64, 128, 1024))
    model = keras_cnns.MobileNet(alpha=0.1, include_top=False)
    assert model.get_layer("conv1").filters == 8 and model.output.shape[-1] == 102


def test_shallow_removes_the_five_14x14x512_layers():
    model = keras_cnns.MobileNet(shallow=True)
    names = {layer.name for layer in model.layers}
    for block in range(1, 14):
        assert (f"conv_dw_{block}" in names) == (block not in SHALLOW_REMOVED)
    assert model.get_layer("conv_pw_6").output.shape == (None, 14, 14, 512)
    assert model.get_layer("conv_dw_12").input.shape == (None, 14, 14, 512)


def test_conv_mobilenet_replaces_each_pair_by_a_full_3x3_conv():
    model = keras_cnns.MobileNet(separable=False)
    assert not any(isinstance(layer, keras.layers.DepthwiseConv2D) for layer in model.layers)
    for block, (stride, filters) in enumerate(SEPARABLE_LAYERS, start=1):
        layer = model.get_layer(f"conv_full_{block}")
        assert (layer.kernel_size, layer.strides[0], layer.filters) == ((3, 3), stride, filters)
    assert model.output.shape == (None, 1000)


def test_shallow_conv_mobilenet_is_supported():
    model = keras_cnns.MobileNet(shallow=True, separable=False, include_top=False)
    assert "conv_full_7" not in {layer.name for layer in model.layers}
    assert model.output.shape == (None, 7, 7, 1024)


@pytest.mark.parametrize("kwargs, shape", [
    (dict(resolution=128), (None, 128, 128, 3)),
    (dict(input_shape=(160, 160, 3)), (None, 160, 160, 3)),
    (dict(resolution=192, input_shape=(192, 192, 3)), (None, 192, 192, 3)),
])
def test_resolution_sets_the_input(kwargs, shape):
    model = keras_cnns.MobileNet(alpha=0.25, **kwargs)
    assert model.input.shape == shape


def test_input_tensor_is_used_and_checked_against_resolution():
    tensor = keras.Input((96, 96, 3))
    model = keras_cnns.MobileNet(alpha=0.25, input_tensor=tensor, include_top=False)
    assert model.inputs[0] is tensor and model.output.shape == (None, 3, 3, 256)
    with pytest.raises(ValueError, match="must agree .*Received: input_shape=.96, 96, 3"):
        keras_cnns.MobileNet(alpha=0.25, resolution=224, input_tensor=tensor)


def test_small_model_runs_and_heads():
    model = keras_cnns.MobileNet(alpha=0.25, resolution=64, classes=10)
    probabilities = model(np.zeros((2, 64, 64, 3), "float32"))
    assert probabilities.shape == (2, 10)
    np.testing.assert_allclose(np.sum(probabilities, axis=1), 1.0, rtol=1e-5)
    for pooling, shape in (("avg", (None, 256)), ("max", (None, 256)), (None, (None, 2, 2, 256))):
        headless = keras_cnns.MobileNet(alpha=0.25, resolution=64, include_top=False,
                                        pooling=pooling)
        assert headless.output.shape == shape
    logits = keras_cnns.MobileNet(alpha=0.25, resolution=64, classes=5, classifier_activation=None,
                                  dropout=0.0)
    assert logits.get_layer("predictions").activation.__name__ == "linear"
    assert "dropout" not in {layer.name for layer in logits.layers}


@pytest.mark.parametrize("kwargs, message", [
    (dict(alpha=0), r"alpha must be in \(0, 1\] .* Received: alpha=0"),
    (dict(alpha=-0.5), r"Received: alpha=-0.5"),
    (dict(alpha=1.4), r"alpha must be in \(0, 1\] .* Received: alpha=1.4"),
    (dict(alpha=True), r"Received: alpha=True"),
    (dict(resolution=200), r"multiple of 32 and at least 32 .* Received: resolution=200"),
    (dict(resolution=0), r"Received: resolution=0"),
    (dict(resolution=16), r"Received: resolution=16"),
    (dict(resolution=224.0), r"Received: resolution=224.0"),
    (dict(resolution=128, input_shape=(160, 160, 3)), r"must agree .* Received: input_shape=.160"),
    (dict(include_top=False, input_shape=(31, 64, 3)), r"at least 32x32 .* Received: input_shape"),
    (dict(dropout=1.0), r"dropout` must be a rate in \[0, 1\). Received: dropout=1.0"),
    (dict(classes=0), r"integer >= 1. Received: classes=0"),
    (dict(include_top=False, pooling="sum"), r"Received: pooling='sum'"),
])
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras_cnns.MobileNet(**kwargs)


# --------------------------------------------------------------------------- reproduction


def test_formula_of_sec_3_1_equals_the_measured_reduction_of_every_layer():
    rows = repro.reductions()
    assert len(rows) == 13
    for row in rows:
        assert row["measured"] == pytest.approx(reduction_factor(row["N"]), rel=1e-12)
    assert min(r["measured"] for r in rows) == pytest.approx(7.89, abs=0.01)  # N = 64
    assert max(r["measured"] for r in rows) == pytest.approx(8.92, abs=0.01)  # N = 1024


def test_table2_uses_weights_without_biases_and_its_printed_column_does_not_add_up():
    base = repro.measure("mobilenet-1.0-224").profile
    fc = next(layer for layer in base.layers if layer.name == "predictions")
    assert (fc.weights, fc.biases) == (1_024_000, 1_000)
    assert round(100 * fc.weights / base.weights, 2) == 24.33  # the paper's FC share
    assert round(100 * (fc.weights + fc.biases) / (base.weights + fc.biases), 2) != 24.33
    printed = [float(c.printed) for c in repro.PUBLISHED["table2"] if c.column == "Mult-Adds"]
    assert sum(printed) == pytest.approx(99.29)  # the Conv 3x3 deviation's evidence


def test_deviation_evidence_figures():
    conv = repro.measure("conv-mobilenet-1.0-224").profile
    assert conv.macs == 4_867_293_184 and conv.macs - 1_024_000 == 4_866_269_184
    assert repro.measure("mobilenet-1.0-160").profile.macs == 290_675_200
    assert repro.measure("mobilenet-1.0-224").profile.macs == 568_740_352
    deviations = [(t, c.row, c.column) for t, cells in repro.PUBLISHED.items() for c in cells
                  if c.deviation is not None]
    assert len(deviations) == 4


def test_table1_regenerated_rows_cover_every_printed_row():
    rows = repro.table1_rows()
    assert [row["layer"] for row in rows] == [row[0] for row in repro._TABLE1_ROWS]
    assert len(rows) == 30


def test_plot_is_written_and_deterministic(tmp_path):
    first = repro.artifacts(tmp_path / "a")[0].read_bytes()
    second = repro.artifacts(tmp_path / "b")[0].read_bytes()
    assert first.startswith(b"\x89PNG") and first == second
    assert len(repro.plot_points()) == 7


def test_command_writes_results_and_plot_and_exits_zero(tmp_path, capsys):
    from reproductions.__main__ import main

    assert main(["mobilenet", "--results", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / repro.PLOT).exists()
    summary = json.loads((tmp_path / "mobilenet.json").read_text())["summary"]
    assert summary["mismatch"] == 0 and summary["deviation"] == 4
    assert "[mobilenet]" in capsys.readouterr().out


def test_benchmark_ratios_are_relative_to_mobilenet_224():
    from reproductions import bench_mobilenet

    rows = [{"model": "Conv MobileNet", "macs": 8e6, 1: 0.03},
            {"model": "1.0 MobileNet-224", "macs": 1e6, 1: 0.02}]
    text = bench_mobilenet.render(rows, [1])
    assert "relative to 1.0 MobileNet-224" in text
    assert "| Conv MobileNet    | 8.0             | 8.000            | 30.0           | 1.500" in text
