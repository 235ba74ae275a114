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
