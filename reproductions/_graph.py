"""Graph measures the papers' tables use: layers on the deepest path of a Keras model."""

from __future__ import annotations

from collections.abc import Callable

import keras

#: Layers the papers count as one weight layer (a depthwise-separable convolution is one).
WEIGHT_LAYERS = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D,
                 keras.layers.SeparableConv2D, keras.layers.Dense)


def _inbound(layer) -> list:
    layers = []
    for node in layer._inbound_nodes:
        for tensor in node.input_tensors:
            layers.append(tensor._keras_history.operation)
    return layers


def path_depths(model: keras.Model,
                counts: Callable[[keras.layers.Layer], bool] = lambda layer: isinstance(
                    layer, WEIGHT_LAYERS)) -> dict[str, int]:
    """For every layer, the most ``counts`` layers on any path from the input to its output.

    With the default this is "depth" as GoogLeNet's Table 1 and ResNet's names use it (weight
    layers on the longest path); pass ``counts`` to count only convolutions, say.
    """
    depth: dict[str, int] = {}
    for layer in model.layers:  # functional models list layers in topological order
        before = max((depth[parent.name] for parent in _inbound(layer)), default=0)
        depth[layer.name] = before + int(bool(counts(layer)))
    return depth


def deepest(model: keras.Model, counts=None) -> int:
    """Largest :func:`path_depths` value of the model (its depth in the papers' sense)."""
    depths = path_depths(model) if counts is None else path_depths(model, counts)
    return max(depths.values())


def stage_blocks(model: keras.Model, stage: int) -> list[str]:
    """Block names (``block1``, ``block2``, ...) of stage ``conv<stage>`` of a ResNet-style model."""
    prefix = f"conv{stage}_block"
    return sorted({layer.name.split("_")[1] for layer in model.layers
                   if layer.name.startswith(prefix)})
