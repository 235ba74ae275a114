"""Learning is real: every family's smallest member with every block type learns a
learnable task (held-out error well below chance) in a few epochs on CPU."""

import pytest

import keras_cnns
from keras_cnns.training import engine, recipes
from keras_cnns.uninitialised import uninitialised

#: family -> (registry name of its smallest member with every block type, generated set,
#: steps per epoch, epochs[, batch]). Epochs were chosen by measurement: each net trained 10
#: epochs of 32 steps and the test error per epoch was recorded; the count below is about
#: twice the first epoch at 0% (never less than the measured epoch + 2). Measured epochs to
#: 0% test error at 32x32: resnet-8 2, wrn-10-1 2, tiny-vgg 2, tiny-cnn 5, densenet-bc-10-4
#: 5, mobilenet-0.25-32 10, resnext-11-2x4d 8; at 16x16 ("synthetic-16", the same task at a
#: quarter of the cost per step, for the nets that downsample 4x): resnet-8 1, wrn-10-1 1,
#: densenet-bc-10-4 4, resnext-11-2x4d 8. Batch-norm nets are judged in test mode, so their
#: moving statistics (momentum 0.99) must settle: MobileNet and ResNeXt reach 0% training
#: loss long before their test error leaves chance. MobileNet downsamples 32x: it needs 32.
FAMILIES = {
    "tiny CNN": ("tiny-cnn", "synthetic", 32, 6),
    "VGG-style": ("tiny-vgg", "synthetic", 32, 4),
    "ResNet CIFAR": ("resnet-8", "synthetic-16", 32, 4),  # basic blocks, option A shortcuts
    "WRN": ("wrn-10-1", "synthetic-16", 32, 4),  # pre-activation blocks, projection shortcuts
    # bottleneck layers, compressed transitions
    "DenseNet-BC": ("densenet-bc-10-4", "synthetic-16", 32, 8),
    "MobileNet": ("mobilenet-0.25-32", "synthetic", 32, 10),  # depthwise separable convolutions
    # Form (c): the grouped 3x3 convolution itself (GroupedConv2D). ResNeXt-29's template
    # keeps 256-1024 channels even at 2x4d: batch 16 halves its cost, 16x16 quarters it.
    "ResNeXt": ("resnext-11-2x4d", "synthetic-16", 32, 10, 16),
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
                              batch_size=batch[0] if batch else None, strategy="cpu", verbose=0)
    result = engine.train(config)
    # 4 balanced classes: chance is 75% error. The generated set is learnable.
    assert result.history[-1]["test_error"] < 25.0, result.history
    assert result.history[-1]["loss"] < result.history[0]["loss"]
    assert not result.full_schedule
