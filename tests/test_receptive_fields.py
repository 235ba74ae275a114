"""keras_cnns.receptive_field: hand computations on three papers' nets, the input pixels a
feature actually depends on (gradients through small graphs), alignment at merges, refusals.

The Distill table itself (twelve nets) is checked cell by cell by test_paper_fidelity."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_cnns
from keras_cnns.receptive_fields import Field
from reproductions.measure import measure


def _by_hand(layers):
    """(r, S, P) of a chain of (kernel, stride, left padding), by the article's Eq. 2, 6, 9
    written as sums over the layers."""
    r, stride, padding = 1, 1, 0
    for kernel, s, p in layers:
        r += (kernel - 1) * stride
        padding += p * stride
        stride *= s
    return r, stride, padding


# The papers' layer tables, written out: (kernel, stride, left padding) up to the last
# feature map.
VGG16 = ([(3, 1, 1)] * 2 + [(2, 2, 0)] + [(3, 1, 1)] * 2 + [(2, 2, 0)]
         + ([(3, 1, 1)] * 3 + [(2, 2, 0)]) * 3)                       # Simonyan & Zisserman, D
ALEXNET = [(11, 4, 0), (3, 2, 0), (5, 1, 2), (3, 2, 0), (3, 1, 1), (3, 1, 1), (3, 1, 1),
           (3, 2, 0)]                                                   # Krizhevsky et al. 2012
# Howard et al. 2017, Table 1: conv 3x3/2, then 13 depthwise 3x3 (each followed by a 1x1);
# strides 1,2,1,2,1,2,1,1,1,1,1,2,1; "same" padding on 224 puts no pixel before a stride 2.
MOBILENET = [(3, 2, 0)] + [(3, s, 0 if s == 2 else 1)
                           for s in (1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1)]


@pytest.mark.parametrize("name, layers, expected", [
    ("vgg-d", VGG16, (212, 32, 90)),
    ("alexnet", ALEXNET, (195, 32, 64)),
    ("mobilenet-1.0-224", MOBILENET, (315, 32, 126)),
])
def test_the_papers_nets_agree_with_a_hand_computation(name, layers, expected):
    assert _by_hand(layers) == expected  # the hand computation is the article's figure
    report = keras_cnns.receptive_field(measure(name).model)
    assert report.output.square() == expected
    assert report.aligned


def test_per_layer_fields_of_vgg16_follow_the_recurrence():
    report = keras_cnns.receptive_field(measure("vgg-d").model)
    convs = [layer for layer in report.layers if layer.type in ("Conv2D", "MaxPooling2D")]
    assert len(convs) == len(VGG16)
    for index, layer in enumerate(convs, start=1):
        assert layer.field.square() == _by_hand(VGG16[:index]), layer.name


def test_three_stride_placements_of_resnet_50():
    """TF-slim's stride on the 3x3 of each stage's last unit (padded one pixel each side)
    and the paper's on the first 1x1 of the next stage put every 3x3 at the same effective
    stride: the same final field, though the stages end at other strides (slim's conv2 ends
    at stride 8). v1.5's stride on the first unit's 3x3 puts the first 3x3 of conv3-conv5
    one stride lower: 483 - (8 + 16 + 32) = 427, and TF's 'same' pads nothing before it
    (on an even size), misaligning it with the 1x1/2 projection shortcut."""
    paper = keras_cnns.receptive_field(measure("resnet-50").model)
    slim = keras_cnns.receptive_field(measure("resnet-50-tf-slim").model)
    v15 = keras_cnns.receptive_field(measure("resnet-50-v1.5").model)
    assert paper.output.square() == slim.output.square() == (483, 32, 239)
    assert paper.aligned and slim.aligned
    assert paper.layer("conv2_block3_out").field.square() == (35, 4, 15)
    assert slim.layer("conv2_block3_out").field.square() == (35, 8, 15)
    assert v15.output.square()[:2] == (427, 32)
    assert {layer.name for layer in v15.layers if not layer.aligned} == {
        "conv3_block1_add", "conv4_block1_add", "conv5_block1_add"}


# ------------------------------------------------------------- against the gradient support


def _support(model, row: int, col: int):
    """The input rows and columns that feature (row, col) of the output depends on."""
    x = tf.constant(np.random.default_rng(0).uniform(0.5, 1.5, (1, *model.input_shape[1:])),
                    dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x)
        target = tf.reduce_sum(y[0, row, col, :])
    grad = np.abs(tape.gradient(target, x).numpy()[0]).sum(axis=-1)
    rows, cols = np.nonzero(grad)
    return (rows.min(), rows.max()), (cols.min(), cols.max())


def _expected(field: Field, index: tuple, size: tuple):
    """Eq. 10-11: feature i sees u = S*i - P .. S*i - P + r - 1, clipped to the image."""
    spans = []
    for axis in (0, 1):
        start = field.stride[axis] * index[axis] - field.padding[axis]
        spans.append((max(start, 0), min(start + field.size[axis] - 1, size[axis] - 1)))
    return tuple(spans)


def _positive(model):
    """Positive weights, no biases' effect: every path adds, none cancels."""
    for layer in model.layers:
        for weight in layer.weights:
            weight.assign(np.random.default_rng(1).uniform(0.1, 1.0, weight.shape))
    return model


def _chain(size):
    inputs = keras.Input((*size, 2))
    x = keras.layers.Conv2D(3, 3, strides=2, padding="same")(inputs)
    x = keras.layers.ZeroPadding2D(((2, 1), (0, 3)))(x)
    x = keras.layers.Conv2D(3, (3, 5), dilation_rate=(2, 1))(x)
    x = keras.layers.AveragePooling2D(2, strides=2, padding="same")(x)
    x = keras.layers.DepthwiseConv2D(5, strides=2, padding="same")(x)
    x = keras.layers.Conv2D(2, 1)(x)
    return keras.Model(inputs, x)


def _branches(size):
    inputs = keras.Input((*size, 2))
    x = keras.layers.Conv2D(3, 3, padding="same")(inputs)
    a = keras.layers.Conv2D(3, 5, padding="same")(x)
    b = keras.layers.Conv2D(3, 1)(keras.layers.AveragePooling2D(3, 1, padding="same")(x))
    c = keras.layers.Conv2D(3, (1, 7), padding="same")(x)
    x = keras.layers.Concatenate()([a, b, c])
    y = keras.layers.Conv2D(6, 3, strides=2, padding="valid")(x)
    s = keras.layers.Conv2D(6, 1, strides=2, padding="valid")(
        keras.layers.Cropping2D(((1, 1), (1, 1)))(x))
    x = keras.layers.Add()([y, s])
    return keras.Model(inputs, keras.layers.SeparableConv2D(4, 3, padding="same")(x))


@pytest.mark.parametrize("build", [_chain, _branches])
@pytest.mark.parametrize("size", [(37, 40), (32, 33)])
def test_field_is_exactly_the_input_a_feature_depends_on(build, size):
    model = _positive(build(size))
    report = keras_cnns.receptive_field(model)
    field = report.output
    out_size = model.output_shape[1:3]
    for index in [(0, 0), (out_size[0] // 2, out_size[1] // 2),
                  (out_size[0] - 1, out_size[1] - 1)]:
        assert _support(model, *index) == _expected(field, index, size), index


def test_a_misaligned_merge_is_reported_and_refused_when_strict():
    inputs = keras.Input((16, 16, 1))
    a = keras.layers.Conv2D(1, 3, strides=2, padding="same")(inputs)  # pads 0 before, 1 after
    b = keras.layers.Conv2D(1, 1, strides=2)(inputs)
    model = keras.Model(inputs, keras.layers.Add(name="merge")([a, b]))
    report = keras_cnns.receptive_field(model)
    assert not report.layer("merge").aligned and not report.aligned
    assert report.output == Field((3, 3), (2, 2), (0, 0))
    with pytest.raises(ValueError, match="misaligned.*Received: fields="):
        keras_cnns.receptive_field(model, strict=True)


def test_input_size_settles_same_padding_of_a_model_built_without_one():
    model = keras_cnns.MobileNet(input_shape=(None, None, 3), include_top=False)
    assert keras_cnns.receptive_field(model).output.padding is None
    assert keras_cnns.receptive_field(model, input_size=(224, 224)).output.square() == (
        315, 32, 126)
    # an odd size puts a pixel before each stride-2 window: the padding grows
    assert keras_cnns.receptive_field(model, input_size=(225, 225)).output.square()[2] > 126


def test_a_squeeze_excitation_gate_does_not_move_the_field():
    inputs = keras.Input((8, 8, 4))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    pooled = keras.layers.GlobalAveragePooling2D(keepdims=True)(x)
    gate = keras.layers.Dense(4, activation="sigmoid")(pooled)
    model = keras.Model(inputs, keras.layers.Multiply()([x, gate]))
    assert keras_cnns.receptive_field(model).output == Field((3, 3), (1, 1), (1, 1))


@pytest.mark.parametrize("bad", [(224,), (0, 224), (224.0, 224), "224", (True, 3)])
def test_bad_input_size_is_a_value_error(bad):
    model = keras_cnns.MobileNet(input_shape=(None, None, 3), include_top=False)
    with pytest.raises(ValueError, match=r"Received: input_size="):
        keras_cnns.receptive_field(model, input_size=bad)


def test_an_unknown_spatial_layer_is_refused_by_name():
    inputs = keras.Input((8, 8, 1))
    model = keras.Model(inputs, keras.layers.UpSampling2D()(inputs))
    with pytest.raises(ValueError, match=r"up_sampling2d.*Received: layer=UpSampling2D"):
        keras_cnns.receptive_field(model)
    with pytest.raises(ValueError, match="Received: model="):
        keras_cnns.receptive_field("resnet-50")


def test_stochastic_depth_walks_the_residual_branch_it_calls():
    """StochasticDepth calls its residual branch itself: its field is the plain ResNet's."""
    plain = keras_cnns.receptive_field(measure("resnet-110").model).output
    assert keras_cnns.receptive_field(
        measure("stochastic-depth-resnet-110").model).output == plain
    # conv1 3 + stage 1: 18 x 2 x 2 + stage 2: 2 + 4 + 17 x 8 + stage 3: 4 + 8 + 17 x 16
    assert plain.size == (3 + 72 + 142 + 284,) * 2 and plain.stride == (4, 4)


def test_upsampling_is_refused_by_name():
    model = measure("attention-56").model
    with pytest.raises(ValueError, match=r"upsamples.*Received: layer=ResizeTo"):
        keras_cnns.receptive_field(model)


def test_layers_on_one_pixel_maps_still_grow_the_field():
    """At 32x32 MobileNet's last stage runs on 1x1 maps; its 3x3 windows still count (a map
    is global only once pooled over, not because it has one pixel)."""
    model = keras_cnns.MobileNet(0.25, input_shape=(32, 32, 3), include_top=False)
    assert model.output.shape[1:3] == (1, 1)
    assert keras_cnns.receptive_field(model).output.square() == (315, 32, 126)
