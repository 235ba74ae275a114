"""DenseNet builders: CIFAR DenseNet / DenseNet-BC structure (Huang et al. 2017, Sec. 3),
ImageNet DenseNets against keras.applications, and every argument rule."""

import keras
import numpy as np
import pytest

import keras_cnns
import keras_cnns.densenet
from keras_cnns.uninitialised import uninitialised
from reproductions.measure import measure


def _conv_widths(model, stage):
    return [layer.filters for layer in model.layers
            if isinstance(layer, keras.layers.Conv2D) and layer.name.startswith(f"{stage}_")]


def test_densenet_bc_widths_bottleneck_and_compression():
    model = keras_cnns.DenseNetBC(k=12, depth=40)  # n = 6 bottleneck layers per block
    assert model.get_layer("conv1_conv").filters == 24  # 2k
    assert _conv_widths(model, "conv2")[:2] == [48, 12]  # 4k bottleneck, then k
    assert model.get_layer("conv2_block6_concat").output.shape[-1] == 24 + 6 * 12
    assert model.get_layer("pool2_conv").filters == (24 + 72) // 2
    assert model.get_layer("pool2_pool").output.shape == (None, 16, 16, 48)
    assert model.get_layer("conv4_block6_concat").output.shape[1:3] == (8, 8)
    weight_layers = len(keras_cnns.profile(model).select(("Conv2D", "Dense")))
    assert weight_layers == 40


def test_densenet_has_a_16_filter_stem_no_bottleneck_and_no_compression():
    model = keras_cnns.DenseNet(depth=13, k=4)  # n = 3
    assert model.get_layer("conv1_conv").filters == 16
    assert _conv_widths(model, "conv2") == [4, 4, 4]
    assert model.get_layer("pool2_conv").filters == 16 + 3 * 4
    assert model.get_layer("conv2_block1_1_conv").kernel_size == (3, 3)


def test_dropout_follows_every_conv_but_the_first():
    model = keras_cnns.DenseNetBC(k=4, depth=10, dropout=0.2)
    dropouts = [layer for layer in keras_cnns.profile(model).layers if layer.type == "Dropout"]
    convs = keras_cnns.profile(model).select("Conv2D")
    assert len(dropouts) == len(convs) - 1
    assert model.get_layer("pool2_dropout").rate == 0.2


def test_dense_layer_concatenates_its_input():
    model = keras_cnns.DenseNet(depth=7, k=5, include_top=False)
    x = np.random.default_rng(0).normal(size=(1, 32, 32, 3)).astype("float32")
    outputs = [model.get_layer("conv1_conv").output, model.get_layer("conv2_block1_concat").output]
    stem, out = (np.asarray(t) for t in keras.Model(model.input, outputs)(x))
    np.testing.assert_allclose(out[..., :16], stem, rtol=1e-6)


def test_densenet121_matches_keras_applications():
    ours = measure("densenet-121").profile  # keras_cnns.DenseNet121(), shared with the tables
    with uninitialised():
        reference = keras_cnns.profile(keras.applications.DenseNet121(weights=None))
    assert ours.params == reference.params == 8_062_504
    assert ours.macs == reference.macs
    assert ours.total("trainable") == reference.total("trainable")


def test_imagenet_densenets_follow_table_1():
    widths = {121: 1024, 169: 1664, 201: 1920}  # keras.applications' final feature widths
    for depth, width in widths.items():
        blocks, k = keras_cnns.densenet.IMAGENET[depth]
        assert k == 32 and blocks[:2] == (6, 12)
        profile = measure(f"densenet-{depth}").profile
        assert profile.layers[-1].output_shape == (1000,)
        final_bn = [layer for layer in profile.layers if layer.name == "post_bn"][0]
        assert final_bn.output_shape[-1] == width


def test_densenet161_uses_k48_and_a_96_filter_stem():
    with uninitialised():
        model = keras_cnns.DenseNet161(include_top=False, input_shape=(64, 64, 3))
    assert model.get_layer("conv1_conv").filters == 96
    assert model.get_layer("conv5_block24_concat").output.shape[-1] == 2208  # torchvision's width


@pytest.mark.parametrize("builder, kwargs, message", [
    (keras_cnns.DenseNet, dict(depth=41), r"DenseNet depth must be 3n\+4.*Received: depth=41"),
    (keras_cnns.DenseNetBC, dict(depth=101), r"DenseNet-BC depth must be 6n\+4.*Received: depth=101"),
    (keras_cnns.DenseNetBC, dict(depth=4), r"6n\+4.*Received: depth=4"),
    (keras_cnns.DenseNet, dict(k=0), r"k must be an integer >= 1. Received: k=0"),
    (keras_cnns.DenseNetBC, dict(compression=0.0), r"compression theta must be in \(0, 1\]. Received: compression=0.0"),
    (keras_cnns.DenseNetBC, dict(compression=1.5), r"Received: compression=1.5"),
    (keras_cnns.DenseNetBC, dict(dropout=1.0), r"dropout` must be a rate in \[0, 1\). Received: dropout=1.0"),
    (keras_cnns.DenseNet, dict(dropout=-0.2), r"Received: dropout=-0.2"),
    (keras_cnns.DenseNetImageNet, dict(depth=100), r"121, 169, 201, 264, 161. Received: depth=100"),
])
def test_bad_arguments_state_the_rule(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(**kwargs)
