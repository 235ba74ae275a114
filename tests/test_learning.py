"""Learning is real: every family's smallest member with every block type learns a
learnable task (held-out error well below chance) in a few epochs on CPU.

Each run stops at the first epoch whose test error is at or below ``TARGET_ERROR`` (the
engine's ``target_error``, time to a target as MLPerf measures it), within the epochs
listed below, which bound it."""

import math

import pytest

import keras_cnns
from keras_cnns.training import engine, recipes
from keras_cnns.uninitialised import uninitialised

#: Test error (%) a run must reach: chance is 75% (4 balanced classes).
TARGET_ERROR = 20.0

#: family -> (registry name of its smallest member with every block type, generated set,
#: steps per epoch, most epochs[, batch]). The bounds were chosen by measurement (2026-12-04,
#: the "tiny" recipe, batch norm momentum 0.9): each net trained to the target and the
#: epochs it took were recorded; each bound is twice that, and at least that plus two.
#: Epochs to a test error <= 20%: tiny-cnn 4, tiny-vgg 3 (32x32); resnet-8 1, wrn-10-1 1,
#: densenet-bc-10-4 2, resnext-11-2x4d 1 (at 16x16, "synthetic-16": the same task at a
#: quarter of the cost per step, for the nets that downsample 4x); mobilenet-0.25-32 2 (it
#: downsamples 32x: 32x32). Batch-norm nets are judged in test mode: with Keras' default
#: momentum 0.99 their moving statistics took 5-9 epochs to settle after the training loss
#: reached 0 (MobileNet 9 epochs, ResNeXt 7), hence the recipe's 0.9.
FAMILIES = {
    "tiny CNN": ("tiny-cnn", "synthetic", 32, 8),
    "VGG-style": ("tiny-vgg", "synthetic", 32, 6),
    "ResNet CIFAR": ("resnet-8", "synthetic-16", 32, 3),  # basic blocks, option A shortcuts
    "WRN": ("wrn-10-1", "synthetic-16", 32, 3),  # pre-activation blocks, projection shortcuts
    # bottleneck layers, compressed transitions
    "DenseNet-BC": ("densenet-bc-10-4", "synthetic-16", 32, 4),
    "MobileNet": ("mobilenet-0.25-32", "synthetic", 32, 4),  # depthwise separable convolutions
    # Form (c): the grouped 3x3 convolution itself (GroupedConv2D). ResNeXt-29's template
    # keeps 256-1024 channels even at 2x4d: batch 16 halves its cost, 16x16 quarters it.
    "ResNeXt": ("resnext-11-2x4d", "synthetic-16", 32, 3, 16),
}


def test_the_resnext_learner_runs_the_grouped_convolution():
    with uninitialised():
        model = keras_cnns.create_model(FAMILIES["ResNeXt"][0], input_shape=(32, 32, 3),
                                        classes=4)
    grouped = [layer for layer in model.layers
               if isinstance(layer, keras_cnns.layers.GroupedConv2D)]
    assert grouped and all(layer.groups == 2 for layer in grouped)


@pytest.mark.parametrize("family", FAMILIES)
def test_learning_is_real(family, tmp_path):
    name, dataset, steps, epochs, *batch = FAMILIES[family]
    config = engine.RunConfig(model=name, dataset=dataset, recipe=recipes.get("tiny"),
                              run_dir=str(tmp_path), epochs=epochs, steps_per_epoch=steps,
                              batch_size=batch[0] if batch else None, strategy="cpu", verbose=0,
                              target_error=TARGET_ERROR)
    result = engine.train(config)
    # 4 balanced classes: chance is 75% error and a test loss of ln 4 (uniform predictions).
    last = result.history[-1]
    assert last["test_error"] <= TARGET_ERROR and last["test_loss"] < math.log(4), result.history
    assert not result.full_schedule
