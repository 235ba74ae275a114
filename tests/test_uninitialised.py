"""Models built for counting: no initial values drawn, and optionally no TensorFlow
checkpoint bookkeeping; the graph, the variables and the counts are those of a normal build."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_cnns
from keras_cnns.uninitialised import uninitialised

#: Nested residual branches with seed generators, grouped and depthwise convolutions,
#: attention modules, dense concatenation, inverted residuals, the highway gate.
MODELS = ["stochastic-depth-resnet-8", "resnext-11-2x4d", "sknet-26-m2-g8-r16",
          "densenet-bc-10-4", "efficientnet-w0.25-d0.25-r32", "highway-19"]


def _variables(model):
    return [(v.path, tuple(v.shape), str(v.dtype), v.trainable) for v in model.weights]


def _dependencies(model) -> int:
    checkpoint = tf.train.Checkpoint(model=model)  # the view holds it by a weak reference
    return len(tf.train.TrackableView(checkpoint).descendants())


@pytest.mark.parametrize("name", MODELS)
def test_untracked_build_has_the_variables_layers_and_counts_of_a_normal_one(name):
    with uninitialised():
        tracked = keras_cnns.create_model(name)
    keras.backend.clear_session(free_memory=False)  # the same layer names in both builds
    with uninitialised(checkpointable=False):
        untracked = keras_cnns.create_model(name)
    assert _variables(untracked) == _variables(tracked)
    assert [layer.name for layer in untracked.layers] == [layer.name for layer in tracked.layers]
    a, b = keras_cnns.profile(tracked), keras_cnns.profile(untracked)
    assert (a.params, a.macs, a.weights, len(a.layers)) == (b.params, b.macs, b.weights,
                                                            len(b.layers))
    # TensorFlow's checkpoint view is what the option leaves out (one node per layer and
    # variable in the normal build; the checkpoint and its root here)
    assert _dependencies(tracked) > len(tracked.weights) > _dependencies(untracked)


def test_the_attribute_hook_is_restored_and_later_builds_are_checkpointable():
    from keras.src.backend.tensorflow.trackable import KerasAutoTrackable

    hook = KerasAutoTrackable.__dict__["__setattr__"]
    with pytest.raises(RuntimeError, match="inside"):
        with uninitialised(checkpointable=False):
            assert KerasAutoTrackable.__dict__["__setattr__"] is not hook
            raise RuntimeError("inside")
    assert KerasAutoTrackable.__dict__["__setattr__"] is hook
    model = keras_cnns.create_model("resnet-8")
    assert _dependencies(model) > len(model.weights)
    x = np.zeros((1, 32, 32, 3), "float32")
    assert model(x).shape == (1, 10)


def test_the_bookkeeping_shortcuts_answer_as_the_code_they_bypass():
    """Inside ``uninitialised(checkpointable=False)`` Keras' tracker, the backend's
    ``is_tensor`` and ``inspect.signature``/``getfullargspec`` take shortcuts; each gives
    what the original gives, and all are restored at exit."""
    import inspect

    from keras.src import backend
    from keras.src.utils import tracking

    originals = (tracking.Tracker.__dict__["track"], backend.is_tensor, inspect.signature,
                 inspect.getfullargspec)
    layer = keras.layers.Dense(3)
    samples = [keras.KerasTensor((None, 4)), 3, 2.5, True, "same", b"x", None,
               tf.constant([1.0]), tf.Variable(1.0), np.zeros(2), [1, 2], (1,), {"a": 1}]
    functions = [keras.layers.Conv2D.__init__, keras.layers.BatchNormalization.build,
                 layer.call, keras_cnns.ResNet, lambda x, *a, k=1, **kw: x, len,
                 keras.layers.Dense]
    expected_tensor = [originals[1](x) for x in samples]
    expected_signatures = [inspect.signature(f) for f in functions]
    expected_specs = [inspect.getfullargspec(f) for f in functions[:5]]
    with uninitialised(checkpointable=False):
        assert (tracking.Tracker.__dict__["track"], backend.is_tensor, inspect.signature,
                inspect.getfullargspec) != originals  # the shortcuts are in place
        assert [backend.is_tensor(x) for x in samples] == expected_tensor
        for _ in range(2):  # computed, then from the cache
            assert [inspect.signature(f) for f in functions] == expected_signatures
            assert [inspect.getfullargspec(f) for f in functions[:5]] == expected_specs
        for value in samples[1:7]:
            assert layer._tracker.track(value) is value
        tracked = layer._tracker.track([keras.layers.ReLU()])  # containers still wrapped
        assert type(tracked).__name__ == "TrackedList"
    assert (tracking.Tracker.__dict__["track"], backend.is_tensor, inspect.signature,
            inspect.getfullargspec) == originals
