"""CIFAR ResNet, pre-activation ResNet and Wide ResNet builders: structure, counts printed in
the papers (He et al. 2015 Table 6; the WRN authors' code), the shortcut-mapping options and
every argument rule."""

import sys

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns.blocks import stage
from keras_cnns.uninitialised import uninitialised
from reproductions.measure import measure
from reproductions.cells import parse_printed


def _trainable(model):
    return keras_cnns.profile(model).total("trainable")


@pytest.mark.parametrize("depth, printed", [(20, "0.27"), (32, "0.46"), (44, "0.66"), (56, "0.85")])
def test_resnet_cifar_params_match_he_2015_table_6(depth, printed):
    # He et al. 2015, Table 6 "# params" column (option A, CIFAR-10).
    value, half_ulp = parse_printed(printed)
    assert abs(_trainable(keras_cnns.ResNetCIFAR(depth)) / 1e6 - value) <= half_ulp


def test_option_a_is_parameter_free_and_option_b_projects():
    a, b = keras_cnns.ResNetCIFAR(20, shortcut="A"), keras_cnns.ResNetCIFAR(20, shortcut="B")
    profile_a, profile_b = keras_cnns.profile(a), keras_cnns.profile(b)
    pads = profile_a.select("ZeroPadShortcut")
    assert len(pads) == 2 and all(p.params == 0 for p in pads)
    projections = [p for p in profile_b.select("Conv2D") if p.name.endswith("_0_conv")]
    assert [p.weights for p in projections] == [16 * 32, 32 * 64]
    assert profile_b.total("trainable") - profile_a.total("trainable") == 16 * 32 + 32 * 64 + 2 * (32 + 64)


def test_zero_pad_shortcut_subsamples_and_pads_channels():
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 16)).astype("float32")
    y = np.asarray(keras_cnns.ZeroPadShortcut(32, 2)(x))
    assert y.shape == (2, 4, 4, 32)
    np.testing.assert_array_equal(y[..., 8:24], x[:, ::2, ::2, :])
    assert not y[..., :8].any() and not y[..., 24:].any()


def test_resnet_cifar_structure_and_names():
    model = keras_cnns.ResNetCIFAR(20, classes=100)
    assert not any(isinstance(layer, keras.Model) for layer in model.layers)  # 9 blocks: flat
    assert model.output.shape == (None, 100)
    assert model.get_layer("conv4_block1_1_conv").strides == (2, 2)
    assert model.get_layer("conv4_block3_out").output.shape == (None, 8, 8, 64)
    weight_layers = len(keras_cnns.profile(model).select(("Conv2D", "Dense")))
    assert weight_layers == 20


@pytest.mark.parametrize("mapping, extra_types", [
    ("identity", set()), ("scaled", {"Rescaling"}), ("gated", {"Multiply", "Rescaling"}),
    ("shortcut_gated", {"Multiply", "Rescaling"}), ("conv", set()), ("dropout", {"Dropout"}),
])
def test_shortcut_mappings_are_options_of_resnet_cifar(mapping, extra_types):
    model = keras_cnns.ResNetCIFAR(20, shortcut_mapping=mapping)
    types = {layer.type for layer in keras_cnns.profile(model).layers}
    assert extra_types <= types
    block = model.get_layer
    if mapping in ("gated", "shortcut_gated"):
        gate = block("conv2_block1_gate")
        expected = -6.0 if mapping == "gated" else 0.0
        assert np.allclose(gate.bias.numpy(), expected)
        assert gate.activation.__name__ == "sigmoid"
        gated = {layer.name for layer in model.layers if isinstance(layer, keras.layers.Multiply)}
        assert ("conv2_block1_gated" in gated) == (mapping == "gated")
    if mapping == "conv":
        assert block("conv2_block1_0_conv").kernel_size == (1, 1)
    if mapping == "scaled":
        assert block("conv2_block1_0_scale").scale == 0.5
    if mapping == "dropout":
        assert block("conv2_block1_0_dropout").rate == 0.5


def test_exclusive_gating_computes_the_gated_sum():
    model = keras_cnns.ResNetCIFAR(8, shortcut_mapping="gated", include_top=False)
    block = keras.Model(model.get_layer("conv1_relu").output,
                        [model.get_layer("conv2_block1_add").output,
                         model.get_layer("conv2_block1_gate").output,
                         model.get_layer("conv2_block1_2_bn").output])
    x = np.random.default_rng(1).normal(size=(1, 32, 32, 16)).astype("float32")
    y, g, f = (np.asarray(t) for t in block(x))
    np.testing.assert_allclose(y, (1 - g) * x + g * f, rtol=1e-5, atol=1e-6)


def test_preact_units_put_bn_relu_before_the_convs_and_nothing_after_the_add():
    model = keras_cnns.PreActResNet(20)  # basic, 6n+2
    names = [layer.name for layer in model.layers]
    assert names.index("conv2_block1_1_bn") < names.index("conv2_block1_1_conv")
    assert names.index("conv2_block1_2_bn") < names.index("conv2_block1_2_conv")
    # the stage ends on an addition: no ReLU after it
    assert names[names.index("conv2_block3_add") + 1] == "conv3_block1_1_bn"
    assert not any(name.endswith("_out") for name in names)
    assert model.get_layer("post_bn") and model.get_layer("post_relu")
    bottleneck = keras_cnns.PreActResNet(29, bottleneck=True)  # 9n+2, n=3
    kernels = [layer.kernel_size for layer in bottleneck.layers
               if isinstance(layer, keras.layers.Conv2D) and "conv3_block2" in layer.name]
    assert kernels == [(1, 1), (3, 3), (1, 1)]
    assert bottleneck.get_layer("conv4_block3_add").output.shape == (None, 8, 8, 256)


def test_preact_default_unit_type_follows_the_paper():
    with uninitialised():
        basic, bottleneck = keras_cnns.PreActResNet(110), keras_cnns.PreActResNet(164)
    assert basic.get_layer("conv4_block18_add").output.shape[-1] == 64
    assert bottleneck.get_layer("conv4_block18_add").output.shape[-1] == 256


def test_wrn_28_10_equals_the_authors_count():
    # szagoruyko/wide-residual-networks (PyTorch) prints 36,479,194 parameters for WRN-28-10.
    assert measure("wrn-28-10").profile.total("trainable") == 36_479_194


def test_wrn_block_has_dropout_between_the_convs_and_projection_where_width_changes():
    model = keras_cnns.WideResNet(16, k=2, dropout=0.3)
    names = [layer.name for layer in model.layers]
    assert names.index("conv2_block1_1_conv") < names.index("conv2_block1_2_dropout") \
        < names.index("conv2_block1_2_conv")
    assert model.get_layer("conv2_block1_2_dropout").rate == 0.3
    assert "conv2_block1_0_conv" in names and "conv2_block2_0_conv" not in names
    assert model.get_layer("conv4_block2_add").output.shape == (None, 8, 8, 128)
    keras.backend.clear_session()
    # k=1 keeps 16 filters in conv2: no projection there.
    names = [layer.name for layer in keras_cnns.WideResNet(10, k=1).layers]
    assert "conv2_block1_0_conv" not in names


def test_headless_pooling_and_input_tensor():
    model = keras_cnns.WideResNet(10, k=1, include_top=False, pooling="avg", input_shape=(64, 64, 3))
    assert model(np.zeros((1, 64, 64, 3), "float32")).shape == (1, 64)
    tensor = keras.Input((32, 32, 3))
    model = keras_cnns.ResNetCIFAR(8, input_tensor=tensor)
    assert model.inputs[0] is tensor


@pytest.mark.parametrize("builder, kwargs, message", [
    (keras_cnns.ResNetCIFAR, dict(depth=21), r"ResNet \(CIFAR\) depth must be 6n\+2.*Received: depth=21"),
    (keras_cnns.ResNetCIFAR, dict(depth=2), r"depth must be 6n\+2.*Received: depth=2"),
    (keras_cnns.ResNetCIFAR, dict(shortcut="C"), r"'A' \(zero-padding\) or 'B'.*Received: shortcut='C'"),
    (keras_cnns.ResNetCIFAR, dict(shortcut_mapping="half"), r"Received: shortcut_mapping='half'"),
    (keras_cnns.ResNetCIFAR, dict(classes=0), r"Received: classes=0"),
    (keras_cnns.PreActResNet, dict(depth=165), r"\(bottleneck\) depth must be 9n\+2.*Received: depth=165"),
    (keras_cnns.PreActResNet, dict(depth=111), r"\(basic\) depth must be 6n\+2.*Received: depth=111"),
    (keras_cnns.PreActResNet, dict(depth=32, bottleneck=True), r"9n\+2.*Received: depth=32"),
    (keras_cnns.WideResNet, dict(depth=27), r"WRN depth must be 6n\+4.*Received: depth=27"),
    (keras_cnns.WideResNet, dict(depth=28, k=0), r"k must be an integer >= 1. Received: k=0"),
    (keras_cnns.WideResNet, dict(depth=28, k=2.5), r"Received: k=2.5"),
    (keras_cnns.WideResNet, dict(depth=16, k=1, dropout=1.0), r"dropout` must be a rate in \[0, 1\). Received: dropout=1.0"),
    (keras_cnns.WideResNet, dict(depth=16, k=1, dropout=-0.1), r"Received: dropout=-0.1"),
    (keras_cnns.WideResNet, dict(depth=16, k=1, input_shape=(4, 4, 3)), r"at least 8x8"),
])
def test_bad_arguments_state_the_rule(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(**kwargs)


def test_deep_nets_nest_their_stages_and_leave_the_recursion_limit_alone():
    limit = sys.getrecursionlimit()
    for name in ("resnet-1202", "preact-resnet-1001"):  # built once per process, as the tables
        measured = measure(name)
        assert measured.profile.params > 10_000_000
        stages = [layer.name for layer in measured.model.layers if isinstance(layer, keras.Model)]
        assert stages == ["conv2", "conv3", "conv4"]
        assert [part.name for part in measured.model.get_layer("conv2").layers[1:]][:2] == \
            ["conv2_part1", "conv2_part2"]
    assert sys.getrecursionlimit() == limit


def test_long_stages_are_split_into_nested_parts():
    inputs = keras.Input((4, 4, 2))
    blocks = [lambda t, i=i: keras.layers.ReLU(name=f"relu{i}")(t) for i in range(5)]
    model = keras.Model(inputs, stage(inputs, blocks, "conv2", max_blocks=2))
    nested = model.get_layer("conv2")
    assert [layer.name for layer in nested.layers[1:]] == ["conv2_part1", "conv2_part2", "conv2_part3"]
    assert [len(part.layers) - 1 for part in nested.layers[1:]] == [2, 2, 1]
    short = keras.Model(inputs, stage(inputs, blocks[:2], "conv3", max_blocks=2))
    assert [layer.name for layer in short.get_layer("conv3").layers[1:]] == ["relu0", "relu1"]


def test_parse_printed_accepts_bounds():
    assert parse_printed("> 20") == (20.0, 0.5)
    assert parse_printed("4.92(4.64)") == (4.92, 0.005)
