"""ResNeXt and SE builders: Fig. 3's equivalence of forms (a), (b), (c), the template's
structure, and the bad-argument rules."""

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns import resnext

C, D, FILTERS = 4, 3, 8  # one block: 16 -> 32 channels, bottleneck width C*D = 12


def _block_model(form, stride=2, attention=None, channels=16):
    inputs = keras.Input((8, 8, channels))
    outputs = resnext.resnext_block(inputs, FILTERS, stride, name="blk", cardinality=C,
                                    width=C * D, form=form, attention=attention)
    return keras.Model(inputs, outputs, name=f"form_{form}")


def _randomise(model, seed=0):
    """Random weights everywhere, including BN moving statistics (variance > 0)."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        weights = [rng.normal(scale=0.3, size=w.shape) for w in layer.get_weights()]
        if isinstance(layer, keras.layers.BatchNormalization):
            weights[3] = np.abs(weights[3]) + 0.5  # moving variance
        layer.set_weights([np.asarray(w, "float32") for w in weights])


@pytest.mark.parametrize("stride, attention", [(2, None), (1, None), (2, ("se", {"ratio": 4}))],
                         ids=["projection", "identity", "with-SE"])
def test_forms_a_b_c_are_equivalent(stride, attention):
    """Xie et al. Fig. 3: the weights of (c) copied into (a) and (b) give the same outputs."""
    channels = 16 if stride == 2 else 4 * FILTERS
    models = {form: _block_model(form, stride, attention, channels) for form in "abc"}
    _randomise(models["c"])
    x = np.random.default_rng(1).normal(size=(2, 8, 8, channels)).astype("float32")
    reference = models["c"](x, training=False).numpy()
    for form in "ab":
        resnext.copy_weights(models["c"], models[form])
        ours = models[form](x, training=False).numpy()
        np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-4 * np.abs(reference).max())
    # a test that cannot fail is a defect: a wrong slice must break the equality
    bad = models["a"].get_layer("blk_path1_2_conv")
    bad.set_weights([w[..., ::-1] for w in bad.get_weights()])
    assert not np.allclose(models["a"](x, training=False).numpy(), reference, atol=1e-3)


def test_forms_have_the_same_complexity():
    stats = {form: keras_cnns.profile(_block_model(form)) for form in "abc"}
    assert len({s.total("trainable") for s in stats.values()}) == 1
    assert len({s.macs for s in stats.values()}) == 1


def test_forms_whole_network_equivalent():
    """copy_weights over a whole (small) net: ResNeXt-11 CIFAR template, C=2, d=4."""
    kwargs = dict(depth=11, cardinality=2, width=4, input_shape=(16, 16, 3), classes=5,
                  classifier_activation=None)
    c = keras_cnns.ResNeXtCIFAR(form="c", **kwargs)
    a = keras_cnns.ResNeXtCIFAR(form="a", **kwargs)
    _randomise(c, seed=3)
    resnext.copy_weights(c, a)
    x = np.random.default_rng(2).normal(size=(2, 16, 16, 3)).astype("float32")
    reference = c(x, training=False).numpy()
    np.testing.assert_allclose(a(x, training=False).numpy(), reference, rtol=1e-4,
                               atol=1e-4 * np.abs(reference).max())


def test_copy_weights_names_a_missing_source():
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="odd")])
    with pytest.raises(ValueError, match="No source for layer 'odd'"):
        resnext.copy_weights(_block_model("c"), other)


def test_template_structure():
    model = keras_cnns.ResNeXt(50, 32, 4, input_shape=(64, 64, 3), classes=10)
    assert model.name == "resnext50_32x4d"
    first = model.get_layer("conv3_block1_2_conv")
    assert (first.groups, first.filters, first.strides) == (32, 256, (2, 2))
    assert model.get_layer("conv3_block1_1_conv").strides == (1, 1)  # the 3x3 carries the stride
    assert model.get_layer("conv5_block3_3_conv").filters == 2048
    assert model.get_layer("conv2_block1_0_conv").filters == 256  # projection shortcut
    assert "conv2_block2_0_conv" not in {layer.name for layer in model.layers}
    assert model.output.shape == (None, 10)


def test_form_a_and_b_layer_names():
    a, b = _block_model("a"), _block_model("b")
    names_a, names_b = {layer.name for layer in a.layers}, {layer.name for layer in b.layers}
    assert {"blk_aggregate", f"blk_path{C}_3_conv"} <= names_a
    assert {"blk_concat", "blk_3_conv"} <= names_b and "blk_path1_3_conv" not in names_b


def test_cifar_template():
    model = keras_cnns.ResNeXtCIFAR(29, 8, 64)
    assert model.input.shape == (None, 32, 32, 3) and model.output.shape == (None, 10)
    assert model.get_layer("conv1_conv").kernel_size == (3, 3)
    assert model.get_layer("conv2_block1_2_conv").filters == 512
    assert model.get_layer("conv4_block3_3_conv").filters == 1024
    assert model.get_layer("conv4_block1_2_conv").strides == (2, 2)
    keras.backend.clear_session()


def test_se_resnet_structure():
    model = keras_cnns.SEResNet(50, input_shape=(64, 64, 3))
    assert model.get_layer("conv2_block1_se_reduce").units == 16
    assert model.get_layer("conv5_block3_se_expand").units == 2048
    assert model.get_layer("conv3_block1_1_conv").strides == (2, 2)  # released SE-ResNet
    assert model.get_layer("conv5_block3_se_scale").output.shape[-1] == 2048
    se = keras_cnns.SEResNeXt(50, input_shape=(64, 64, 3))
    assert se.get_layer("conv4_block1_se_reduce").units == 64
    assert se.get_layer("conv4_block1_2_conv").groups == 32


def test_se_resnet_stride_on_the_3x3_moves_the_stride_and_keeps_the_counts():
    # stride_at="3x3": ResNet v1.5's placement (timm's seresnet50), nothing else changes
    from keras_cnns.uninitialised import uninitialised
    with uninitialised():
        paper, v15 = keras_cnns.SEResNet(50), keras_cnns.SEResNet(50, stride_at="3x3")
    for stage in (3, 4, 5):
        assert paper.get_layer(f"conv{stage}_block1_1_conv").strides == (2, 2)
        assert paper.get_layer(f"conv{stage}_block1_2_conv").strides == (1, 1)
        assert v15.get_layer(f"conv{stage}_block1_1_conv").strides == (1, 1)
        assert v15.get_layer(f"conv{stage}_block1_2_conv").strides == (2, 2)
    assert v15.count_params() == paper.count_params()
    assert v15.output.shape == paper.output.shape


def test_squeeze_excite_on_any_tensor():
    inputs = keras.Input((5, 5, 32))
    outputs = keras_cnns.squeeze_excite(inputs, ratio=8, name="x")
    model = keras.Model(inputs, outputs)
    x = np.ones((1, 5, 5, 32), "float32")
    y = model(x).numpy()
    assert y.shape == x.shape and np.all((y > 0) & (y < 1))  # ones scaled by sigmoid gates
    assert keras_cnns.profile(model).weights == 32 * 4 + 4 * 32


@pytest.mark.parametrize("build, message", [
    (lambda: keras_cnns.ResNeXt(34), "Received: depth=34"),
    (lambda: keras_cnns.ResNeXt(50, cardinality=0), "Received: cardinality=0"),
    (lambda: keras_cnns.ResNeXt(50, width=0), "Received: width=0"),
    (lambda: keras_cnns.ResNeXt(50, form="d"), "Received: form='d'"),
    (lambda: resnext.resnext_block(keras.Input((8, 8, 16)), 8, name="b", cardinality=5,
                                   width=12),
     "cardinality must divide the group width .* Received: cardinality=5"),
    (lambda: keras_cnns.ResNeXtCIFAR(30), "9n\\+2.* Received: depth=30"),
    (lambda: keras_cnns.ResNeXtCIFAR(29, width=-1), "Received: width=-1"),
    (lambda: keras_cnns.SEResNet(34), "Received: depth=34"),
    (lambda: keras_cnns.SEResNet(50, ratio=3), "r must divide .* Received: ratio=3"),
    (lambda: keras_cnns.SEResNeXt(152), "Received: depth=152"),
    (lambda: keras_cnns.SEResNet(50, stride_at="2x2"), "'1x1'.*'3x3'.*Received: stride_at='2x2'"),
    (lambda: keras_cnns.SEResNet(50, padding="valid"),
     "'same'.*'symmetric'.*Received: padding='valid'"),
    (lambda: keras_cnns.SEResNeXt(50, padding=None), "'symmetric'.*Received: padding=None"),
    (lambda: keras_cnns.SEResNet(50, padding="ceil"), "'caffe'.*Received: padding='ceil'"),
    (lambda: keras_cnns.ResNeXt(50, padding="caffe"), "'symmetric'.*Received: padding='caffe'"),
    (lambda: keras_cnns.ResNetD(50, padding="caffe"), "'symmetric'.*Received: padding='caffe'"),
    (lambda: keras_cnns.SKNet(50, padding="caffe"), "'symmetric'.*Received: padding='caffe'"),
    (lambda: keras_cnns.ResNetD(50, attention="ecaa"), "'?eca.*Received: attention='ecaa'"),
    (lambda: keras_cnns.squeeze_excite(keras.Input((4, 4, 24)), ratio=16),
     "r must divide the block's 24 channels. Received: ratio=16"),
    (lambda: keras_cnns.ResNeXt(50, pooling="min", include_top=False), "Received: pooling='min'"),
])
def test_bad_arguments(build, message):
    with pytest.raises(ValueError, match=message):
        build()


@pytest.mark.parametrize("build", [
    lambda padding: keras_cnns.ResNeXt(50, 2, 4, padding=padding, form="c"),
    lambda padding: keras_cnns.ResNeXt(50, 2, 4, padding=padding, form="b"),
    lambda padding: keras_cnns.create_model("wrn-50-0.25-bottleneck", padding=padding),
    lambda padding: keras_cnns.SEResNet(50, stride_at="3x3", padding=padding),
    lambda padding: keras_cnns.SEResNeXt(50, 2, 4, padding=padding),
    lambda padding: keras_cnns.SKNet(26, G=8, padding=padding),
], ids=["resnext-c", "resnext-b", "wrn-bottleneck", "se-resnet-v1.5", "se-resnext", "sknet"])
def test_symmetric_padding_pads_the_pool_and_strided_3x3s(build):
    # padding="symmetric" (the authors' Torch code, torchvision): explicit one-pixel pads
    # before the max-pool and each strided 3x3, valid convolutions; counts and shapes equal
    from keras_cnns.uninitialised import uninitialised
    with uninitialised():
        same, symmetric = build("same"), build("symmetric")
    pads = sorted(layer.name for layer in symmetric.layers if layer.name.endswith("_pad")
                  and layer.name != "conv1_pad")
    assert "pool1_pad" in pads and len(pads) > 1
    assert all(name == "pool1_pad" or "block1_" in name for name in pads)  # stride 2 only
    assert not any(layer.name in pads for layer in same.layers)
    assert symmetric.count_params() == same.count_params()
    assert symmetric.output.shape == same.output.shape


def test_resnet_d_symmetric_padding_pads_the_deep_stem_too():
    from keras_cnns.uninitialised import uninitialised
    with uninitialised():
        same = keras_cnns.ResNetD(50)
        symmetric = keras_cnns.ResNetD(50, padding="symmetric")
    pads = {layer.name: layer.padding for layer in symmetric.layers if layer.name.endswith("_pad")}
    assert {"conv1_1_pad", "pool1_pad", "conv3_block1_2_pad", "conv4_block1_2_pad",
            "conv5_block1_2_pad"} == set(pads)
    assert set(pads.values()) == {((1, 1), (1, 1))}
    assert not any(layer.name.endswith("_pad") for layer in same.layers)
    assert symmetric.count_params() == same.count_params()


@pytest.mark.parametrize("size, pooled", [(64, 16), (65, 16), (67, 17)])
def test_caffe_padding_pools_in_ceil_mode_and_pads_strided_3x3s_on_each_side(size, pooled):
    # the released Caffe SE-ResNeXt: 3x3/2 pool unpadded with ceil((n - 3) / 2) + 1 outputs
    # (n = 32, 33, 34 after the stem's 7x7/2), strided 3x3s one pixel on each side
    from keras_cnns.uninitialised import uninitialised
    with uninitialised():
        caffe = keras_cnns.SEResNeXt(50, 2, 4, padding="caffe", input_shape=(size, size, 3))
        same = keras_cnns.SEResNeXt(50, 2, 4, input_shape=(size, size, 3))
        se_resnet = keras_cnns.SEResNet(50, padding="caffe", input_shape=(size, size, 3))
    stem = caffe.get_layer("conv1_relu").output.shape[1]
    assert caffe.get_layer("pool1_pad").padding == ((0, 1), (0, 1))
    assert caffe.get_layer("pool1_pool").output.shape[1] == pooled == -(-(stem - 3) // 2) + 1
    assert same.get_layer("pool1_pool").output.shape[1] == -(-stem // 2)  # one more if odd
    assert caffe.get_layer("conv3_block1_2_pad").padding == ((1, 1), (1, 1))
    assert caffe.count_params() == same.count_params()
    # SE-ResNet's released models stride the first 1x1: only the pool is padded
    assert [layer.name for layer in se_resnet.layers if layer.name.endswith("_pad")] == [
        "conv1_pad", "pool1_pad"]


def test_ceil_mode_pool_is_same_on_an_even_size_and_valid_on_an_odd_one_after_a_relu():
    from keras_cnns.blocks import strided_max_pool
    rng = np.random.default_rng(0)
    for size in (8, 9):
        x = np.maximum(rng.normal(size=(2, size, size, 3)), 0).astype("float32")
        inputs = keras.Input((size, size, 3))
        ceil = keras.Model(inputs, strided_max_pool(inputs, stride_padding="ceil"))(x)
        same = keras.layers.MaxPooling2D(3, 2, padding="same")(x)
        valid = keras.layers.MaxPooling2D(3, 2)(x)
        np.testing.assert_array_equal(ceil, same if size % 2 == 0 else valid)


def test_bad_padding_states_the_rule():
    with pytest.raises(ValueError, match="'same'.*'symmetric'.*Received: padding='valid'"):
        keras_cnns.ResNeXt(50, 2, 4, padding="valid")
    with pytest.raises(ValueError, match="'same'.*'symmetric'.*Received: padding=1"):
        keras_cnns.create_model("wrn-50-0.25-bottleneck", padding=1)
