"""VGG builders: structure against the paper's Table 1 and independent references."""

import keras
import numpy as np
import pytest

import keras_cnns
from keras_cnns import LocalResponseNormalization


def test_vgg16_and_vgg19_match_keras_applications_parameter_for_parameter():
    for ours, reference in [(keras_cnns.VGG16, keras.applications.VGG16),
                            (keras_cnns.VGG19, keras.applications.VGG19)]:
        a, b = ours(), reference(weights=None)
        assert [w.shape for w in a.weights] == [w.shape for w in b.weights]
        keras.backend.clear_session()


def test_config_c_has_the_1x1_convolutions():
    model = keras_cnns.VGG("C", include_top=False)
    kernels = [layer.kernel_size for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert kernels.count((1, 1)) == 3
    assert [model.get_layer(f"block{s}_conv3").kernel_size for s in (3, 4, 5)] == [(1, 1)] * 3


def test_a_lrn_places_lrn_after_the_first_conv_with_paper_constants():
    model = keras_cnns.VGG("A-LRN", include_top=False)
    names = [layer.name for layer in model.layers]
    assert names.index("block1_lrn") == names.index("block1_conv1") + 1
    lrn = model.get_layer("block1_lrn")
    assert (lrn.size, lrn.k, lrn.alpha, lrn.beta) == (5, 2.0, 1e-4, 0.75)


def test_lrn_equals_tensorflow_reference():
    import tensorflow as tf

    x = np.random.default_rng(0).normal(size=(2, 5, 5, 16)).astype("float32") * 10
    ours = LocalResponseNormalization()(x)
    reference = tf.nn.local_response_normalization(x, depth_radius=2, bias=2.0, alpha=1e-4,
                                                   beta=0.75)
    np.testing.assert_allclose(ours, reference, rtol=1e-5)


def test_headless_model_runs_on_small_inputs_and_pools():
    model = keras_cnns.VGG("A", include_top=False, input_shape=(32, 32, 3), pooling="avg")
    assert model(np.zeros((1, 32, 32, 3), "float32")).shape == (1, 512)


def test_custom_classes_and_logits():
    model = keras_cnns.VGG11(classes=10, classifier_activation=None)
    assert model.output.shape == (None, 10)
    assert model.get_layer("predictions").activation.__name__ == "linear"


@pytest.mark.parametrize("kwargs, message", [
    (dict(config="F"), "Table 1's columns .* Received: config='F'"),
    (dict(include_top=False, input_shape=(31, 64, 3)), "at least 32x32 .* Received: input_shape"),
    (dict(input_shape=(256, 256, 3)), "needs 224x224 inputs .* Received: input_shape"),
    (dict(classes=0), "integer >= 1. Received: classes=0"),
    (dict(include_top=False, pooling="sum"), "Received: pooling='sum'"),
    (dict(dropout=1.0), "Received: dropout=1.0"),
    (dict(include_top=False, input_shape=(64, 64)), "height, width, channels"),
])
def test_bad_arguments_state_the_rule(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras_cnns.VGG(**kwargs)


def test_lrn_rejects_even_size():
    with pytest.raises(ValueError, match="odd integer. Received: size=4"):
        LocalResponseNormalization(size=4)


def test_batch_norm_variant_follows_each_conv_before_its_relu():
    # the later variant of torchvision's vgg*_bn (not the paper's): conv (with bias), BN, ReLU
    from keras_cnns.uninitialised import uninitialised
    with uninitialised():
        plain, bn = keras_cnns.create_model("vgg-a"), keras_cnns.create_model("vgg-a-bn")
    assert bn.name == "vgg_a_bn"
    names = [layer.name for layer in bn.layers]
    assert names[names.index("block1_conv1") + 1:][:2] == ["block1_bn1", "block1_relu1"]
    conv = bn.get_layer("block3_conv2")
    assert conv.use_bias and conv.activation.__name__ == "linear"
    assert bn.get_layer("block3_bn2").epsilon == 1e-5
    bns = [layer for layer in bn.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(bns) == 8  # one per convolution of configuration A
    assert bn.count_params() - plain.count_params() == sum(4 * b.gamma.shape[0] for b in bns)
    with pytest.raises(ValueError, match="True or False. Received: batch_norm=1"):
        keras_cnns.VGG(batch_norm=1)
