"""Every registered family exports for inference: its smallest member, with random weights
and random batch-norm statistics, written as a SavedModel (:func:`keras_cnns.export.
export_saved_model`), reloaded with ``tf.saved_model.load`` and converted to TFLite from that
same SavedModel (:func:`keras_cnns.export.to_tflite`, built-in operators only) gives the
Keras model's logits through the serving endpoint and in the TFLite interpreter. This covers
every custom layer at inference (LRN, the zero-padding shortcut, stochastic depth, drop-path,
the attention modules, highway and grouped convolutions).

Which families: the suite exports :data:`SUITE_FAMILIES` and :data:`BLOCKS` (small graphs
of the blocks whose layers only deep ImageNet members hold), which between them hold every
layer class of every family's smallest member (what export, reload and conversion act on is
each layer; a test checks this against the registry); ``KERAS_CNNS_EXPORT_ALL=1``
(``tox -e export``) exports every family whole.

Time: one trace, one export, one reload and one conversion per family, at the family's
``min_size`` (32 at least for the MobileNet/EfficientNet names that fix a resolution) and
batch 2. The cost grows with the number of operations (tracing, the SavedModel's function
library, which the reload and the converter each import again, the MLIR conversion), not
with the input size. Measured with ``-n 0`` on the 2-core machine: 587 s for the module, of
which 2-5 s for each CIFAR-sized family and 20-66 s for each deep ImageNet member
(SE-Inception-ResNet-v2 66 s, Attention-56 36 s, Attention-92 (CIFAR) 35 s, Inception-v4
33 s, Inception-ResNet-v1 30 s, DenseNet-121 26 s, Inception-v3 23 s, CBAM-MobileNet 21 s,
SE-BN-Inception 21 s, SE-ResNet-50 20 s).
"""

import os
import pathlib
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_cnns  # noqa: E402
from keras_cnns import registry  # noqa: E402
from keras_cnns.export import build_for_export, export_saved_model, main, to_tflite  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import runtime_contract  # noqa: E402
from runtime_contract import block_model, randomise  # noqa: E402

FAMILIES = registry.families()

#: Small families whose smallest members hold between them, with :data:`BLOCKS`, every layer
#: class of every family's smallest member (a greedy cover by layers, as the contract's
#: ``layer_cover``): e.g. LRN (alexnet), ZeroPadShortcut (resnext-cifar), StochasticDepth,
#: DropPathSampler and FractalJoin, HighwayConv2D, Conv1D (eca), ChannelShuffle and
#: GroupedConv2D (shufflenet). Where the only member holding a class is a deep ImageNet net
#: (20-45 s each to export, reload and convert: ChannelPool in CBAM, RadixSelect/RadixSum in
#: SKNet/ResNeSt, ResizeTo in Residual Attention, Rescaling in Inception-ResNet,
#: SeparableConv2D in Xception), the suite exports the block that holds it in a small graph
#: instead (:data:`BLOCKS`); ``tox -e export`` exports those families whole.
SUITE_FAMILIES = ("alexnet", "cmpe-se-wrn", "eca-resnet", "fractalnet", "highway", "lenet",
                  "mobilenet", "resnext-cifar", "shufflenet", "stochastic-depth", "tiny")
EXPORTED = (sorted(FAMILIES) if os.environ.get("KERAS_CNNS_EXPORT_ALL") == "1"
            else SUITE_FAMILIES)


#: The blocks of ``runtime_contract`` (small graphs, built by the families' own block
#: functions) that the suite exports: all but Inception-ResNet's block C, whose layer classes
#: are those of its block B.
BLOCKS = tuple(block for block in runtime_contract.BLOCKS if block != "inception-resnet-c-block")

#: Relative tolerance on the logits; the absolute one is this times the largest logit.
#: float32 everywhere; TFLite's kernels (XNNPACK) sum in another order than oneDNN.
TOLERANCE = 1e-4


def smallest_build(family: str) -> keras.Model:
    """The family's smallest member with its top (5 classes, logits) at its smallest input;
    headless and average-pooled where the top is fully connected and sized for the paper's
    input (VGG, AlexNet, ZFNet, GoogLeNet refuse other sizes with their top)."""
    spec = FAMILIES[family]
    info = keras_cnns.model_info(spec.smallest)
    size = max(32, spec.min_size) if "resolution" in info.kwargs else spec.min_size
    options = {"include_top": True, "classes": 5, "classifier_activation": None}
    try:
        return build_for_export(spec.smallest, input_size=size, **options)
    except ValueError as error:
        if "include_top=True needs" not in str(error):
            raise
    return build_for_export(spec.smallest, input_size=size, include_top=False, pooling="avg")


def tflite_outputs(flatbuffer: bytes, x: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():  # tf.lite.Interpreter's deprecation in favour of LiteRT
        warnings.simplefilter("ignore")
        interpreter = tf.lite.Interpreter(model_content=flatbuffer)
    (inputs,), (outputs,) = interpreter.get_input_details(), interpreter.get_output_details()
    interpreter.resize_tensor_input(inputs["index"], x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(inputs["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(outputs["index"])


def assert_same(actual, expected):
    expected = np.asarray(expected)
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=TOLERANCE,
                               atol=TOLERANCE * max(1.0, float(np.abs(expected).max())))


def _layer_classes(model: keras.Model) -> set[str]:
    classes = set()
    for layer in model.layers:
        classes.add(type(layer).__name__)
        for inner in (layer, getattr(layer, "residual", None)):
            if isinstance(inner, keras.Model) and inner is not model:
                classes |= _layer_classes(inner)
    return classes


def test_suite_families_and_blocks_hold_every_layer_class_of_every_family():
    from keras_cnns.uninitialised import uninitialised

    with uninitialised():
        classes = {family: _layer_classes(smallest_build(family)) for family in sorted(FAMILIES)}
    exported = set().union(*(classes[family] for family in SUITE_FAMILIES),
                           *(_layer_classes(block_model(block)) for block in BLOCKS))
    missing = {family: sorted(found - exported) for family, found in classes.items()
               if found - exported}
    assert not missing, missing
    assert {"LocalResponseNormalization", "ZeroPadShortcut", "StochasticDepth", "FractalJoin",
            "GroupedConv2D", "HighwayConv2D", "ResizeTo", "RadixSelect"} <= exported


def _exports_with_equal_outputs(model: keras.Model, directory) -> None:
    randomise(model)
    x = np.random.default_rng(1).standard_normal((2, *model.input_shape[1:])).astype("float32")
    expected = model(x, training=False)

    path = export_saved_model(model, directory / "saved_model")
    served = tf.saved_model.load(path)
    assert_same(served.serve(tf.constant(x)), expected)
    signature = served.signatures["serving_default"]
    assert_same(next(iter(signature(tf.constant(x)).values())), expected)

    flatbuffer = to_tflite(path)  # TFLITE_BUILTINS only: SELECT_TF_OPS would fail here
    assert_same(tflite_outputs(flatbuffer, x), expected)


@pytest.mark.parametrize("family", EXPORTED)
def test_smallest_member_exports_to_saved_model_and_tflite_with_equal_outputs(family, tmp_path):
    _exports_with_equal_outputs(smallest_build(family), tmp_path)


@pytest.mark.parametrize("block", BLOCKS)
def test_block_exports_to_saved_model_and_tflite_with_equal_outputs(block, tmp_path):
    _exports_with_equal_outputs(block_model(block), tmp_path)


def test_to_tflite_takes_a_model_and_writes_the_file(tmp_path):
    model = keras_cnns.create_model("tiny-cnn", input_shape=(8, 8, 3), classes=5,
                                    classifier_activation=None)
    x = np.random.default_rng(2).standard_normal((1, 8, 8, 3)).astype("float32")
    flatbuffer = to_tflite(model, tmp_path / "tiny.tflite")
    assert (tmp_path / "tiny.tflite").read_bytes() == flatbuffer
    assert_same(tflite_outputs(flatbuffer, x), model(x))


def test_command_line_writes_the_saved_model_and_the_flatbuffer(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["tiny-cnn", "--out", str(out), "--tflite", "--input-size", "8",
                 "--classes", "5"]) == 0
    assert (out / "saved_model" / "saved_model.pb").is_file()
    assert (out / "tiny-cnn.tflite").stat().st_size > 0
    assert "TFLite" in capsys.readouterr().out


@pytest.mark.parametrize("call, argument", [
    (lambda p: export_saved_model("model", p), "model"),
    (lambda p: export_saved_model(keras_cnns.create_model("tiny-cnn"), 3), "path"),
    (lambda p: to_tflite(os.fspath(p)), "model_or_saved_model_path"),
    (lambda p: to_tflite(os.fspath(p), optimizations="DEFAULT"), "optimizations"),
    (lambda p: build_for_export("tiny-cnn", input_size="8"), "input_size"),
])
def test_bad_arguments_are_value_errors_that_state_the_rule(call, argument, tmp_path):
    with pytest.raises(ValueError, match=rf"Received: {argument}="):
        call(tmp_path)
