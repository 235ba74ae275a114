"""LeNet-5, AlexNet, ZFNet, GoogLeNet and ResNet builders: structure and bad arguments."""

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns import googlenet, resnet
from keras_cnns.blocks import bottleneck_block
from keras_cnns.contract import Head
from keras_cnns.uninitialised import uninitialised


def test_lenet5_shapes_parameters_and_activation_option():
    model = keras_cnns.LeNet5()
    assert [model.get_layer(n).output.shape[1:] for n in ("c1", "s2", "c3", "s4")] == [
        (28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16)]
    # 156 + 2,416 + 48,120 + 10,164 + 850 (C3 fully connected to S2; see the docstring)
    assert model.count_params() == 61_706
    assert keras_cnns.LeNet5(activation="sigmoid").get_layer("c1").activation.__name__ == "sigmoid"


def test_lenet5_pads_mnist_sized_inputs_to_32():
    model = keras_cnns.LeNet5(input_shape=(28, 28, 1))
    assert model.get_layer("c1").output.shape[1:] == (28, 28, 6)
    assert model(np.zeros((2, 28, 28, 1), "float32")).shape == (2, 10)


def test_alexnet_two_gpu_form_groups_conv2_4_5_only():
    model = keras_cnns.AlexNet(groups=2)
    groups = {n: model.get_layer(n).groups for n in ("conv1", "conv2", "conv3", "conv4", "conv5")}
    assert groups == {"conv1": 1, "conv2": 2, "conv3": 1, "conv4": 2, "conv5": 2}
    assert model.count_params() == 60_965_224  # the paper's "60 million", summary's 61M


def test_alexnet_224_input_is_padded_to_227():
    model = keras_cnns.AlexNet(input_shape=(224, 224, 3))
    assert model.get_layer("input_pad").output.shape[1:3] == (227, 227)
    assert model.get_layer("conv1").output.shape[1:] == (55, 55, 96)


def test_zfnet_follows_zeiler_fergus_sizes():
    model = keras_cnns.ZFNet()
    sizes = [model.get_layer(n).output.shape[1] for n in ("conv1", "pool1", "conv2", "pool2",
                                                          "conv5", "pool5")]
    assert sizes == [110, 55, 26, 13, 13, 6]


def test_headless_alexnet_and_zfnet_run_at_their_minimum_sizes():
    for builder, size in ((keras_cnns.AlexNet, 67), (keras_cnns.ZFNet, 53)):
        model = builder(include_top=False, input_shape=(size, size, 3), pooling="max")
        assert model(np.zeros((1, size, size, 3), "float32")).shape == (1, 256 if size == 67 else 512)


def test_googlenet_aux_heads_follow_section_5():
    model = keras_cnns.GoogLeNet(aux_logits=True, classes=10)
    assert [o.shape for o in model.outputs] == [(None, 10)] * 3
    assert model.get_layer("aux1_avg_pool").output.shape[1:] == (4, 4, 512)
    assert model.get_layer("aux2_avg_pool").output.shape[1:] == (4, 4, 528)
    assert model.get_layer("aux1_conv").filters == 128
    assert model.get_layer("aux1_fc").units == 1024
    assert model.get_layer("aux1_dropout").rate == 0.7
    assert model.get_layer("dropout").rate == 0.4
    assert googlenet.AUX_LOSS_WEIGHTS == [1.0, 0.3, 0.3]
    model.compile(loss="sparse_categorical_crossentropy", loss_weights=googlenet.AUX_LOSS_WEIGHTS)


def test_googlenet_lrn_placement_and_headless_run():
    model = keras_cnns.GoogLeNet(include_top=False, input_shape=(64, 64, 3), pooling="avg")
    names = [layer.name for layer in model.layers]
    assert names.index("pool1_norm") == names.index("pool1_3x3") + 1
    assert names.index("conv2_norm") == names.index("conv2_3x3") + 1
    assert model(np.zeros((1, 64, 64, 3), "float32")).shape == (1, 1024)


@pytest.fixture(scope="module")
def resnet50():
    model = keras_cnns.ResNet50()
    yield model
    keras.backend.clear_session()


def test_resnet50_matches_keras_applications_without_conv_biases(resnet50):
    reference = keras.applications.ResNet50(weights=None)
    kept = [w.shape for w in reference.weights
            if not (w.path.endswith("/bias") and "_conv/" in w.path)]
    assert [w.shape for w in resnet50.weights] == kept


def test_resnet_stride_placement_switch(resnet50):
    v15 = keras_cnns.ResNet(50, stride_at="3x3")
    assert resnet50.get_layer("conv3_block1_1_conv").strides == (2, 2)
    assert resnet50.get_layer("conv3_block1_2_conv").strides == (1, 1)
    assert v15.get_layer("conv3_block1_1_conv").strides == (1, 1)
    assert v15.get_layer("conv3_block1_2_conv").strides == (2, 2)
    assert v15.count_params() == resnet50.count_params()


def test_resnet_tf_slim_layout_strides_the_last_unit_of_a_stage(resnet50):
    """TF-slim's resnet_v1: the stride on the 3x3 of the last unit of conv2-conv4, padded one
    pixel on each side, a subsampling shortcut there (no projection: the channels stay), a
    projection at stride 1 where the next stage widens; the paper's parameters."""
    slim = keras_cnns.ResNet(50, layout="tf-slim", input_shape=(224, 224, 3))
    for stage, units in (("conv2", 3), ("conv3", 4), ("conv4", 6)):
        assert slim.get_layer(f"{stage}_block{units}_2_conv").strides == (2, 2)
        assert slim.get_layer(f"{stage}_block{units}_2_pad").padding == ((1, 1), (1, 1))
        assert type(slim.get_layer(f"{stage}_block{units}_0_pad")).__name__ == "ZeroPadShortcut"
        assert slim.get_layer(f"{stage}_block1_2_conv").strides == (1, 1)
    for stage in ("conv3", "conv4", "conv5"):
        assert slim.get_layer(f"{stage}_block1_0_conv").strides == (1, 1)
    assert slim.get_layer("conv5_block3_2_conv").strides == (1, 1)
    assert slim.get_layer("conv2_block3_out").output.shape[1:3] == (28, 28)
    assert slim.get_layer("conv5_block3_out").output.shape[1:3] == (7, 7)
    assert slim.count_params() == resnet50.count_params()


def test_resnet_shortcut_options_follow_section_3_3():
    names = {}
    for option in (None, "B", "C"):
        model = keras_cnns.ResNet18(include_top=False, input_shape=(32, 32, 3), shortcut=option)
        names[option] = {layer.name for layer in model.layers}
        keras.backend.clear_session()
    # A (the default for 18/34, Sec. 4.1): zero-padding where the shape changes, no projection
    assert {"conv3_block1_0_pad", "conv4_block1_0_pad", "conv5_block1_0_pad"} <= names[None]
    assert not any(n.endswith("_0_conv") for n in names[None])
    # B: projections only where the shape changes
    assert {"conv3_block1_0_conv", "conv4_block1_0_conv", "conv5_block1_0_conv"} <= names["B"]
    assert "conv2_block1_0_conv" not in names["B"] and "conv3_block2_0_conv" not in names["B"]
    # C: every shortcut projects
    assert {"conv2_block1_0_conv", "conv3_block2_0_conv"} <= names["C"]
    assert keras_cnns.ResNet50(include_top=False, input_shape=(32, 32, 3)).get_layer(
        "conv2_block1_0_conv")  # B for the bottleneck depths


def test_resnet_template_takes_a_block_function():
    calls = []

    def block(x, filters, strides=1, *, name, **kwargs):
        calls.append((filters, strides, kwargs))
        return bottleneck_block(x, filters, strides, name=name, groups=2, width=2 * filters)

    head = Head(include_top=False, input_shape=(32, 32, 3))
    model = resnet.imagenet_resnet(head, resnet.stage_specs((1, 1, 1, 1)), block, "grouped",
                                   extra=1)
    assert [c[:2] for c in calls] == [(64, 1), (128, 2), (256, 2), (512, 2)]
    assert calls[0][2] == {"extra": 1}
    assert model.get_layer("conv2_block1_2_conv").groups == 2
    assert model.output.shape[-1] == 2048


@pytest.mark.parametrize("builder, kwargs, message", [
    (keras_cnns.ResNet, dict(depth=27), "18, 34, 50, 101, 152 or 200 .*Received: depth=27"),
    (keras_cnns.ResNet, dict(depth=34, layout="tf-slim"), "bottleneck .*Received: depth=34"),
    (keras_cnns.ResNet, dict(layout="tf-slim", shortcut="C"), "option B.*Received: shortcut='C'"),
    (keras_cnns.ResNet, dict(layout="v2"), "'tf-slim'.*Received: layout='v2'"),
    (keras_cnns.ResNet, dict(stride_at="7x7"), "'3x3' .*Received: stride_at='7x7'"),
    (keras_cnns.ResNet, dict(classes=0), "Received: classes=0"),
    (keras_cnns.ResNet, dict(input_shape=(16, 16, 3)), "at least 32x32 .*Received: input_shape"),
    (keras_cnns.AlexNet, dict(input_shape=(256, 256, 3)), "227x227 .*Received: input_shape"),
    (keras_cnns.AlexNet, dict(groups=3), "Received: groups=3"),
    (keras_cnns.AlexNet, dict(dropout=1.0), "Received: dropout=1.0"),
    (keras_cnns.AlexNet, dict(include_top=False, input_shape=(66, 66, 3)), "at least 67x67"),
    (keras_cnns.ZFNet, dict(input_shape=(227, 227, 3)), "224x224 .*Received: input_shape"),
    (keras_cnns.ZFNet, dict(include_top=False, pooling="sum"), "Received: pooling='sum'"),
    (keras_cnns.GoogLeNet, dict(include_top=False, aux_logits=True),
     "aux_logits=True needs include_top=True. Received: include_top=False"),
    (keras_cnns.GoogLeNet, dict(input_shape=(256, 256, 3)), "224x224 .*Received: input_shape"),
    (keras_cnns.GoogLeNet, dict(dropout=-0.1), "Received: dropout=-0.1"),
    (keras_cnns.LeNet5, dict(activation="elu"), "tanh' or 'sigmoid'.*Received: activation='elu'"),
    (keras_cnns.LeNet5, dict(input_shape=(30, 30, 1)), "32x32 .*Received: input_shape"),
    (keras_cnns.LeNet5, dict(include_top=False, input_shape=(20, 20, 1)), "at least 28x28"),
    (keras_cnns.LeNet5, dict(classes=0), "Received: classes=0"),
    (keras_cnns.ZFNet, dict(dropout=1.5), "Received: dropout=1.5"),
    (keras_cnns.ZFNet, dict(include_top=False, input_shape=(52, 52, 3)), "at least 53x53"),
    (keras_cnns.GoogLeNet, dict(include_top=False, input_shape=(31, 31, 3)), "at least 32x32"),
    (keras_cnns.ResNet, dict(include_top=False, pooling="sum"), "Received: pooling='sum'"),
    (keras_cnns.ResNet, dict(input_shape=(224, 224)), "height, width, channels"),
])
def test_bad_arguments_state_the_rule(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(**kwargs)


def test_binary_thousand_unit_and_deepest_path():
    from reproductions._graph import deepest
    from reproductions.cells import Published, check

    cell = Published("t", "r", "params", "112K", "Ki")
    assert check(cell, 64 * 64 + 9 * 64 * 192).status == "match"  # 114,688 = 112 x 1024
    assert check(Published("t", "r", "params", "112K", "K"), 114_688).status == "mismatch"
    assert deepest(keras_cnns.GoogLeNet()) == 22
    assert deepest(keras_cnns.ResNet18(include_top=False, input_shape=(32, 32, 3))) == 17


@pytest.mark.parametrize("depth,stride_at", [(18, "1x1"), (50, "3x3")])
def test_resnet_symmetric_padding_centres_every_strided_3x3(depth, stride_at):
    """``padding="symmetric"`` pads the 3x3/2 max-pool and each strided 3x3 one pixel on
    each side (keras.applications' pool, torchvision's convolutions): the strided 3x3 and
    its 1x1/2 shortcut then see aligned grids, which TensorFlow's "same" breaks on even maps;
    the counts do not change."""
    with uninitialised():
        same = keras_cnns.ResNet(depth, stride_at=stride_at, input_shape=(64, 64, 3))
        symmetric = keras_cnns.ResNet(depth, stride_at=stride_at, padding="symmetric",
                                      input_shape=(64, 64, 3))
    strided = "conv3_block1_1" if depth == 18 else "conv3_block1_2"
    assert symmetric.get_layer(f"{strided}_pad").padding == ((1, 1), (1, 1))
    assert symmetric.get_layer(f"{strided}_conv").padding == "valid"
    assert symmetric.get_layer("pool1_pad").padding == ((1, 1), (1, 1))
    assert f"{strided}_pad" not in [layer.name for layer in same.layers]
    assert symmetric.count_params() == same.count_params()
    assert not keras_cnns.receptive_field(same).aligned
    assert keras_cnns.receptive_field(symmetric).aligned
    with pytest.raises(ValueError, match="Received: padding='torch'"):
        keras_cnns.ResNet(depth, padding="torch")
