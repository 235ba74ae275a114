"""The attention modules and networks of CBAM, ECA-Net, scSE, SKNet, ResNeSt, ResNet-D,
the Residual Attention Network and CMPE-SE: each module's equation against NumPy, its
complexity rule (pooling and gating ops as other ops), the counts of the authors' released
models, and the keras.applications twin of MobileNetV2."""

import math

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns import blocks
from keras_cnns.complexity import profile
from keras_cnns.layers import ChannelPool, RadixSelect, RadixSum, ResizeTo
from keras_cnns.uninitialised import uninitialised
from reproductions.measure import measure

RNG = np.random.default_rng(0)
KINDS = ("cbam", "channel", "eca", "cse", "sse", "scse", "sk", "split-attention",
         "cmpe-se", "residual-attention")


def _model(fn, shape=(6, 6, 16)):
    inputs = keras.Input(shape)
    return keras.Model(inputs, fn(inputs))


def _randomise(model):
    for variable in model.weights:
        kind = variable.path.rsplit("/", 1)[-1]
        value = (np.abs(RNG.normal(1, 0.1, variable.shape)) if kind in ("gamma", "moving_variance")
                 else RNG.normal(0, 0.3, variable.shape))
        variable.assign(value.astype("float32"))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _bn(model, name, x):
    layer = model.get_layer(name)
    gamma, beta, mean, var = (np.asarray(w) for w in layer.weights)
    return gamma * (x - mean) / np.sqrt(var + layer.epsilon) + beta


@pytest.mark.parametrize("kind", KINDS)
def test_every_module_is_selectable_by_name_and_keeps_the_shape(kind):
    assert kind in blocks.ATTENTION
    attend = blocks.get_attention(kind, **({"G": 4} if kind == "sk" else {}))
    x = keras.Input((8, 8, 32))
    y = attend(x, "b", identity=x) if kind == "cmpe-se" else attend(x, "b")
    assert tuple(y.shape) == (None, 8, 8, 32)
    if kind not in ("cmpe-se", "residual-attention"):  # a residual block's branch
        with uninitialised():
            z = blocks.bottleneck_block(keras.Input((8, 8, 64)), 16, name="b", attention=kind
                                        if kind != "sk" else ("sk", {"G": 4}))
        assert tuple(z.shape) == (None, 8, 8, 64)


def test_cmpe_se_refuses_a_branch_without_its_identity():
    with pytest.raises(ValueError, match="Received: identity=None"):
        blocks.get_attention("cmpe-se")(keras.Input((4, 4, 32)), "b")


def test_cbam_is_channel_then_spatial_attention():
    """Eq. 2 and 3 of Woo et al.: sigmoid(MLP(avg) + MLP(max)), then sigmoid(f7x7([max; mean]))."""
    model = _model(lambda t: blocks.cbam(t, ratio=4, name="m"))
    _randomise(model)
    x = RNG.normal(size=(2, 6, 6, 16)).astype("float32")
    w1, b1, w2, b2 = (np.asarray(w) for w in model.get_layer("m_mlp_reduce").weights
                      + model.get_layer("m_mlp_expand").weights)
    mlp = lambda v: np.maximum(v @ w1 + b1, 0) @ w2 + b2  # noqa: E731
    f = x * _sigmoid(mlp(x.mean((1, 2))) + mlp(x.max((1, 2))))[:, None, None, :]
    pooled = np.stack([f.max(-1), f.mean(-1)], -1)
    kernel = np.asarray(model.get_layer("m_spatial_conv").weights[0])
    padded = np.pad(pooled, ((0, 0), (3, 3), (3, 3), (0, 0)))
    conv = np.zeros(pooled.shape[:3] + (1,), "float32")
    for i in range(6):
        for j in range(6):
            conv[:, i, j] = np.einsum("bhwc,hwco->bo", padded[:, i:i + 7, j:j + 7], kernel)
    expected = f * _sigmoid(_bn(model, "m_spatial_bn", conv))
    np.testing.assert_allclose(model(x), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("channels, k", [(64, 3), (128, 5), (256, 5), (512, 5), (1024, 5),
                                         (2048, 7)])
def test_eca_kernel_size_is_eq_12(channels, k):
    assert blocks.eca_kernel_size(channels) == k


def test_eca_is_a_1d_convolution_across_channels():
    model = _model(lambda t: blocks.eca(t, k=3, name="m"))
    _randomise(model)
    x = RNG.normal(size=(2, 6, 6, 16)).astype("float32")
    w = np.asarray(model.get_layer("m_conv").weights[0])[:, 0, 0]
    y = np.pad(x.mean((1, 2)), ((0, 0), (1, 1)))
    a = _sigmoid(sum(w[i] * y[:, i:i + 16] for i in range(3)))
    np.testing.assert_allclose(model(x), x * a[:, None, None, :], rtol=1e-5, atol=1e-6)
    assert sum(v.size for v in (np.asarray(w),)) == 3  # k parameters, no bias


def test_scse_adds_channel_and_spatial_excitations():
    model = _model(lambda t: blocks.scse(t, ratio=2, name="m"))
    _randomise(model)
    x = RNG.normal(size=(2, 6, 6, 16)).astype("float32")
    w1, b1 = (np.asarray(w) for w in model.get_layer("m_cse_reduce").weights)
    w2, b2 = (np.asarray(w) for w in model.get_layer("m_cse_expand").weights)
    wq, bq = (np.asarray(w) for w in model.get_layer("m_sse_squeeze").weights)
    cse = x * _sigmoid(np.maximum(x.mean((1, 2)) @ w1 + b1, 0) @ w2 + b2)[:, None, None, :]
    sse = x * _sigmoid(x @ wq[0, 0] + bq)
    np.testing.assert_allclose(model(x), cse + sse, rtol=1e-5, atol=1e-5)


def test_radix_select_is_an_r_softmax_over_cardinal_groups():
    """ResNeSt's rSoftMax: logits laid out (cardinality, radix, C/K), softmax over radix."""
    radix, card, channels = 2, 2, 8
    splits = RNG.normal(size=(1, 3, 3, radix * channels)).astype("float32")
    logits = RNG.normal(size=(1, 1, 1, radix * channels)).astype("float32")
    out = np.asarray(RadixSelect(radix, card)([splits, logits]))
    a = logits.reshape(card, radix, channels // card)
    a = np.exp(a) / np.exp(a).sum(1, keepdims=True)
    a = a.transpose(1, 0, 2).reshape(radix, channels)
    expected = sum(a[r] * splits[..., r * channels:(r + 1) * channels] for r in range(radix))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    gate = np.asarray(RadixSelect(1, 1)([splits[..., :8], logits[..., :8]]))
    np.testing.assert_allclose(gate, splits[..., :8] * _sigmoid(logits[..., :8]), rtol=1e-5)
    np.testing.assert_allclose(RadixSum(2)(splits), splits[..., :8] + splits[..., 8:],
                               rtol=1e-6)


def test_strided_dilated_sk_branch_equals_the_dilated_convolution_subsampled():
    """TensorFlow refuses stride 2 with dilation 2; a 1x1/2 subsampling then the undilated
    3x3 reads the same input pixels (Caffe's alignment)."""
    x = RNG.normal(size=(1, 8, 8, 4)).astype("float32")
    ours = _model(lambda t: blocks.selective_kernel(t, 4, 2, name="sk", G=1, L=2), (8, 8, 4))
    _randomise(ours)
    branch = keras.Model(ours.inputs, ours.get_layer("sk_branch2_conv").output)
    dilated = keras.layers.Conv2D(4, 3, dilation_rate=2, padding="same", use_bias=False)
    dilated.build((None, 8, 8, 4))
    dilated.set_weights(ours.get_layer("sk_branch2_conv").get_weights())
    np.testing.assert_allclose(branch(x), dilated(x)[:, ::2, ::2], rtol=1e-5, atol=1e-5)
    assert profile(ours).select("RadixSelect")[0].output_shape == (4, 4, 4)


def test_residual_attention_module_is_one_plus_mask_times_trunk():
    model = _model(lambda t: blocks.attention_module(t, 2, name="a"), (8, 8, 16))
    _randomise(model)
    x = RNG.normal(size=(1, 8, 8, 16)).astype("float32")
    probe = keras.Model(model.inputs, [model.get_layer("a_trunk2_add").output,
                                       model.get_layer("a_mask_sigmoid").output,
                                       model.get_layer("a_attention").output])
    trunk, mask, out = (np.asarray(t) for t in probe(x))
    np.testing.assert_allclose(out, (1 + mask) * trunk, rtol=1e-5, atol=1e-5)
    types = [type(layer).__name__ for layer in model.layers]
    assert types.count("MaxPooling2D") == 2 and types.count("ResizeTo") == 2


def test_cmpe_se_squeezes_branch_and_identity():
    """1x1 pair-view: a 1x1 conv (C/16 maps) over the C x 2 pair, BN, mean, fc, fc."""
    inputs = keras.Input((4, 4, 32))
    identity = keras.Input((4, 4, 32))
    model = keras.Model([inputs, identity], blocks.cmpe_se(inputs, identity, "1x1", name="c"))
    _randomise(model)
    r, i = (RNG.normal(size=(2, 4, 4, 32)).astype("float32") for _ in range(2))
    pair = np.stack([r.mean((1, 2)), i.mean((1, 2))], -1)[..., None]  # (b, C, 2, 1)
    maps = _bn(model, "c_pair_bn", pair * np.asarray(model.get_layer("c_pair_conv").weights[0])[0, 0])
    z = maps.mean(-1).reshape(2, -1)
    w1 = np.asarray(model.get_layer("c_reduce").weights[0])
    w2 = np.asarray(model.get_layer("c_excite").weights[0])
    s = _sigmoid(np.maximum(z @ w1, 0) @ w2)
    np.testing.assert_allclose(model([r, i]), r * s[:, None, None, :], rtol=1e-4, atol=1e-5)


def test_complexity_counts_pooling_and_gating_as_other_ops():
    x = keras.Input((8, 8, 32))
    y = blocks.cbam(x, 16, name="c")
    y = blocks.eca(y, 3, name="e")
    y = blocks.scse(y, name="s")
    y = blocks.split_attention(y, 32, name="p", radix=2, cardinality=2)
    y = blocks.attention_module(y, 1, name="a")
    stats = {layer.name: layer for layer in profile(keras.Model(x, y)).layers}
    elements = 8 * 8 * 32
    assert stats["c_avg_pool"].other_ops == stats["c_max_pool"].other_ops == elements
    assert stats["c_channel_scale"].other_ops == stats["c_spatial_scale"].other_ops == elements
    assert stats["c_channel_pool"].other_ops == 2 * elements  # max and mean over channels
    assert stats["c_channel_gate"].other_ops == 32 and stats["c_spatial_gate"].other_ops == 64
    assert stats["c_mlp_reduce"].macs == 2 * 32 * 2  # the shared MLP runs on both descriptors
    assert stats["e_conv"].macs == 3 * 32 and stats["e_squeeze"].other_ops == elements
    assert stats["s_add"].other_ops == elements and stats["s_sse_scale"].other_ops == elements
    assert stats["p_sum"].other_ops == elements  # radix 2: one addition per output
    assert stats["p_select"].other_ops == 3 * 64 + 3 * elements  # softmax + 2R-1 per output
    assert stats["a_mask_up0_resize"].other_ops == 4 * elements  # bilinear
    assert stats["a_masked"].other_ops == stats["a_attention"].other_ops == elements


@pytest.mark.parametrize("name, trainable, macs", [
    # the authors' released models, counted layer by layer from their prototxts:
    # Attention-{56,92}-deploy.prototxt (fwang91/residual-attention-network) and
    # sknet50.prototxt (implus/SKNet): conv weights + 2 per BN channel, conv/fc MACs
    ("attention-56", 31_810_728, 6_270_836_736),
    ("attention-92", 52_466_344, 10_533_789_696),
    ("sknet-50", 27_479_784, 4_462_710_784),
])
def test_counts_equal_the_authors_released_models(name, trainable, macs):
    stats = measure(name).profile
    assert (stats.total("trainable"), stats.macs) == (trainable, macs)


def test_published_parameter_counts_of_the_papers():
    counts = {name: measure(name).profile.total("trainable") for name in (
        "cbam-resnet-50", "cbam-resnext-101-32x4d-v1", "resnest-50", "resnest-101",
        "resnet-50-d", "cmpe-se-wrn-28-10")}
    assert round(counts["cbam-resnet-50"] / 1e6, 2) == 28.09  # CBAM, Table 4
    assert round(counts["cbam-resnext-101-32x4d-v1"] / 1e6, 2) == 48.96  # lecture 002
    assert round(counts["resnest-50"] / 1e6, 1) == 27.5  # ResNeSt, Table 1
    assert round(counts["resnest-101"] / 1e6, 1) == 48.3
    assert round(counts["resnet-50-d"] / 1e6, 1) == 25.6  # ResNeSt, Table 3
    assert round(counts["cmpe-se-wrn-28-10"] / 1e6, 1) == 36.9  # CMPE-SE README table
    layers = measure("eca-resnet-50-k3557").profile.select("Conv1D")
    assert sum(layer.weights for layer in layers) == 80  # ECA-Net abstract: "80 parameters"


def test_eca_resnet_d_puts_adaptive_eca_on_every_block_of_resnet_d():
    # timm's ecaresnet50d: ECA after each block's last BN; Eq. 12's k for C = 256..2048
    eca = measure("eca-resnet-50-d").model
    kernels = [layer.kernel_size[0] for layer in eca.layers
               if isinstance(layer, keras.layers.Conv1D)]
    assert kernels == [5] * 3 + [5] * 4 + [5] * 6 + [7] * 3
    assert eca.count_params() == measure("resnet-50-d").model.count_params() + sum(kernels)
    names = [layer.name for layer in eca.layers]
    assert names.index("conv2_block1_3_bn") < names.index("conv2_block1_eca_squeeze")
    assert names.index("conv2_block1_eca_scale") < names.index("conv2_block1_add")


def test_resnet_d_and_resnest_use_the_deep_stem_and_average_pool_downsampling():
    for name in ("resnet-50-d", "resnest-50"):
        model = measure(name).model
        assert [model.get_layer(f"conv1_{i}_conv").filters for i in (1, 2, 3)] == [32, 32, 64]
        pool = model.get_layer("conv3_block1_0_pool")
        assert pool.pool_size == (2, 2) and model.get_layer("conv3_block1_0_conv").strides == (1, 1)
    resnest = measure("resnest-50").model
    assert resnest.get_layer("conv3_block1_avd").pool_size == (3, 3)
    assert resnest.get_layer("conv3_block1_2_conv").strides == (1, 1)
    fast = measure("resnest-50-fast").model
    assert ([layer.name for layer in fast.layers].index("conv3_block1_avd")
            < [layer.name for layer in fast.layers].index("conv3_block1_2_conv"))


def test_mobilenet_v2_equals_its_keras_applications_twin():
    from keras_cnns.pretrained import copy_from_twin as copy_weights_from_keras

    source = keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), classes=10,
                                            classifier_activation=None)
    target = keras_cnns.ECAMobileNetV2(attention=None, input_shape=(32, 32, 3), classes=10,
                                    classifier_activation=None)
    assert source.count_params() == target.count_params()
    _randomise(source)
    copy_weights_from_keras(source, target)
    x = RNG.normal(size=(2, 32, 32, 3)).astype("float32")
    expected = np.asarray(source(x, training=False))
    np.testing.assert_allclose(target(x, training=False), expected, rtol=1e-5,
                               atol=1e-5 * np.abs(expected).max())


def test_nested_attention_modules_round_trip(tmp_path, monkeypatch):
    """Attention-236/452 nest each module (too many layers for one flat graph); run that
    path on the smallest CIFAR net with nesting forced, through a .keras file."""
    from keras_cnns import residual_attention

    monkeypatch.setattr(residual_attention, "MAX_FLAT_MODULES", 0)
    model = keras_cnns.ResidualAttentionNetCIFAR(92, include_top=False, pooling="avg",
                                                 input_shape=(8, 8, 3))
    assert isinstance(model.get_layer("stage1_attention1"), keras.Model)
    _randomise(model)
    x = RNG.normal(size=(2, 8, 8, 3)).astype("float32")
    model.save(tmp_path / "nested.keras")
    restored = keras.models.load_model(tmp_path / "nested.keras")
    np.testing.assert_allclose(model(x), restored(x), rtol=1e-5, atol=1e-5)


def test_layers_refuse_bad_arguments_with_the_rule():
    with pytest.raises(ValueError, match="Received: modes="):
        ChannelPool(("min",))
    with pytest.raises(ValueError, match="Received: radix=0"):
        RadixSum(0)
    with pytest.raises(ValueError, match="Received: interpolation='cubic'"):
        ResizeTo("cubic")
    assert math.isclose(blocks.eca_kernel_size(256, gamma=2, b=1), 5)


def test_resnest_symmetric_padding_pads_as_the_authors_code_with_the_same_parameters():
    # padding="symmetric" (the authors' PyTorch code, timm's port): one pixel each side of
    # the stem's strided 3x3 and max-pool and of the avd 3x3 pool ("valid": divides by 9)
    with uninitialised():
        same = keras_cnns.create_model("resnest-14", input_shape=(65, 65, 3))
        sym = keras_cnns.create_model("resnest-14", padding="symmetric", input_shape=(65, 65, 3))
        fast = keras_cnns.create_model("resnest-14-fast", padding="symmetric")
    assert sym.count_params() == same.count_params()
    assert sym.output_shape == same.output_shape
    pads = [layer.name for layer in sym.layers if isinstance(layer, keras.layers.ZeroPadding2D)]
    assert pads == ["conv1_1_pad", "pool1_pad"] + [f"conv{s}_block1_avd_pad" for s in (3, 4, 5)]
    assert all(sym.get_layer(name).padding == ((1, 1), (1, 1)) for name in pads)
    assert sym.get_layer("conv1_1_conv").padding == "valid"
    assert sym.get_layer("pool1_pool").padding == "valid"
    assert sym.get_layer("conv3_block1_avd").padding == "valid"
    assert not any(isinstance(layer, keras.layers.ZeroPadding2D) for layer in same.layers)
    names = [layer.name for layer in fast.layers]
    assert names.index("conv3_block1_avd_pad") < names.index("conv3_block1_2_conv")
    with pytest.raises(ValueError, match=r"ResNeSt padding must be.*Received: padding='valid'"):
        keras_cnns.ResNeSt(14, padding="valid")
