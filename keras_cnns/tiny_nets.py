"""Tiny CNNs for testing the training engine and for checking a machine end to end.

Not from a paper: VGG-style stacks of 3x3 convolutions (no batch norm, so the number of
replicas cannot change their maths) between 2x2 max-pools, global average pooling and a
linear classifier; ``aux_heads`` adds GoogLeNet-style auxiliary classifiers on the first
stage, returned as extra outputs.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, check_int, fail
from keras_cnns.contract import Head

PAPER = "not a paper: small nets for tests of the training engine"
WIDTHS = {"cnn": ((8,), (16,)), "vgg": ((8, 8), (16, 16), (32,))}


@registry.register(
    "tiny", paper=PAPER, input_shape=(32, 32, 3), classes=10, min_size=4,
    names=[registry.name("tiny-{kind}", patterns={"kind": "cnn|vgg"}),
           registry.name("tiny-{kind}-aux", patterns={"kind": "cnn"}, aux_heads=2)],
    models=["tiny-cnn", "tiny-vgg", "tiny-cnn-aux"])
def TinyCNN(kind: str = "cnn", aux_heads: int = 0, *, include_top: bool = True, weights=None,
            input_tensor=None, input_shape=None, pooling=None, classes: int = 10,
            classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """``"cnn"``: conv 8 / pool / conv 16 / pool; ``"vgg"``: 8, 8 / 16, 16 / 32 with pools.

    Args:
        kind: ``"cnn"`` or ``"vgg"``.
        aux_heads: auxiliary classifiers on the first stage's output (needs the top).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``.
    """
    check_choice("kind", kind, WIDTHS, "`kind` must be 'cnn' or 'vgg'.")
    check_int("aux_heads", aux_heads, 0)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    if aux_heads and not include_top:
        fail("Auxiliary classifiers are part of the top: aux_heads needs include_top=True.",
             "include_top", include_top)
    stages = WIDTHS[kind]
    inputs, x = head.inputs((32, 32, 3), min_size=2 ** len(stages), model_name="TinyCNN")
    first = None
    for s, widths in enumerate(stages, start=1):
        for i, width in enumerate(widths, start=1):
            x = keras.layers.Conv2D(width, 3, padding="same", activation="relu",
                                    name=f"block{s}_conv{i}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"block{s}_pool")(x)
        first = x if first is None else first
    outputs = head.classifier(x)
    if aux_heads:
        auxes = []
        for i in range(1, aux_heads + 1):
            a = keras.layers.GlobalAveragePooling2D(name=f"aux{i}_pool")(first)
            auxes.append(keras.layers.Dense(classes, activation=classifier_activation,
                                            name=f"aux{i}_predictions")(a))
        outputs = [outputs, *auxes]
    suffix = "_aux" if aux_heads else ""
    return head.model(inputs, outputs, f"tiny_{kind}{suffix}")


__all__ = ["TinyCNN"]
