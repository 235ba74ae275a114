"""Backbone features: a model whose outputs are the ends of a network's stages.

``feature_extractor(model_or_name)`` returns a functional model with one output per
stride level, a dict ``{"P<k>": tensor}`` where level ``P<k>`` has stride ``2**k`` to the
input (the pyramid names of keras-hub and of the detection literature). The endpoint of a
level is the last layer of the (top-level) graph at that stride: ``conv2_block3_out`` of
ResNet-50 for P2, VGG-16's ``block3_conv3`` for P2 (the pool after it starts P3); in
pre-activation networks, the next unit's BN-ReLU of a stage's last addition. By default
the levels are P2-P5 (strides 4-32) for networks that reach stride 32, and every level for
the shallower CIFAR networks (each stage).

``extractor.feature_info`` lists, per output, its level, stride, channels and layer name.
"""

from __future__ import annotations

import math

import keras

from keras_cnns.arguments import check_choice, fail, is_int

__all__ = ["endpoints", "feature_extractor"]


def _stride(layer) -> int:
    """The layer's own downsampling factor (1 for layers that keep the size)."""
    strides = getattr(layer, "strides", None)
    if strides is not None and not isinstance(layer, keras.Model):
        value = strides if is_int(strides) else strides[0]
        return int(value)
    if isinstance(layer, keras.Model):  # a nested stage: the ratio of its spatial sizes
        inputs, outputs = layer.inputs[0].shape, layer.outputs[0].shape
        if len(inputs) == 4 and len(outputs) == 4 and inputs[1] and outputs[1]:
            return max(1, round(inputs[1] / outputs[1]))
    return 1


def _height(output):
    if isinstance(output, (list, tuple)) or len(output.shape) != 4:
        return None
    return output.shape[1]


def _parents(layer) -> list:
    parents = []
    for node in layer._inbound_nodes:
        for tensor in node.input_tensors:
            parents.append(tensor._keras_history.operation)
    return parents


def _output(layer):
    """The layer's output in the graph that calls it (for a nested model, not its own)."""
    outputs = layer._inbound_nodes[-1].outputs if layer._inbound_nodes else [layer.output]
    return outputs[0] if len(outputs) == 1 else outputs


def endpoints(model: keras.Model) -> dict[int, keras.layers.Layer]:
    """Stride -> the last top-level layer of ``model`` whose 4-D output has that stride."""
    stride: dict[str, int] = {}
    ends: dict[int, keras.layers.Layer] = {}
    for layer in model.layers:  # functional models list layers in topological order
        output = _output(layer)
        parents = [p for p in _parents(layer) if p.name in stride]
        # A layer with inputs of several sizes (an up-sampling to a reference's size, as
        # in an attention mask) has the stride of the inputs of its own output size.
        alike = [p for p in parents if _height(_output(p)) == _height(output)]
        if len(parents) > 1 and alike:
            parents = alike
        before = max((stride[p.name] for p in parents), default=1)
        stride[layer.name] = before * _stride(layer)
        if isinstance(output, (list, tuple)) or len(output.shape) != 4:
            continue
        ends[stride[layer.name]] = layer
    return dict(sorted(ends.items()))


def feature_extractor(model_or_name, levels=None, **kwargs) -> keras.Model:
    """A model of the stage outputs of ``model_or_name`` (a built model or a registered
    name; ``kwargs`` go to ``create_model``, with ``include_top=False``).

    ``levels``: which pyramid levels ``P<k>`` to return (e.g. ``(3, 4, 5)``); default P2-P5
    for networks reaching stride 32, else every level.
    """
    if isinstance(model_or_name, str):
        from keras_cnns.registry import create_model

        model = create_model(model_or_name, include_top=False, **kwargs)
    elif isinstance(model_or_name, keras.Model):
        if kwargs:
            fail("Builder arguments need a model name, not a built model.", "kwargs", kwargs)
        model = model_or_name
    else:
        fail("`model_or_name` must be a keras.Model or a registered model name.",
             "model_or_name", model_or_name)
    found = {int(round(math.log2(s))): layer for s, layer in endpoints(model).items()
             if s & (s - 1) == 0}
    if levels is None:
        levels = [k for k in found if k >= 2] if max(found) >= 5 else list(found)
    levels = list(levels)
    for level in levels:
        check_choice("levels", level, found,
                     f"`levels` must be among the levels of {model.name}: "
                     f"{', '.join(f'P{k}' for k in found)}.")
    outputs = {f"P{k}": _output(found[k]) for k in levels}
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    extractor = keras.Model(inputs, outputs, name=f"{model.name}_features")
    extractor.feature_info = [
        {"level": f"P{k}", "stride": 2 ** k, "channels": int(_output(found[k]).shape[-1]),
         "layer": found[k].name} for k in levels]
    return extractor
