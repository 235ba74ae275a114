"""Complexity engine: parameters, multiply-adds and activation memory of a Keras model.

``profile(model)`` walks the real Keras graph (nested models included) and counts, per
leaf layer and in total:

* the output shape;
* parameters split by role: ``weights`` (kernels), ``biases``, ``bn`` (batch-norm
  gamma/beta) and ``non_trainable`` (moving statistics), so that each paper's convention
  can be chosen (VGG counts biases; the CS231n-style lecture tables do not);
* multiply-adds with the convention of the CNN papers: only Conv (any rank, stride,
  padding, dilation, ``groups``), DepthwiseConv, SeparableConv, Conv2DTranspose and Dense
  count, one multiply-add per weight use, biases excluded;
* "other ops": batch-norm (2 per element: scale and shift), activations (1 per element),
  pooling (one per window element per output), element-wise merges (``n - 1`` per
  element); these are 0 in the papers' convention and reported separately;
* activation memory: elements of each layer's output, times batch size and dtype bytes;
  outputs that alias their input (Flatten, Reshape, Dropout at inference) count 0.

A layer type the engine does not know raises :class:`UnsupportedLayerError` naming the
layer and its type; it is never counted as 0. Custom layers can be supported with
:func:`register` or by defining ``complexity(input_shapes, output_shapes)`` on the layer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence

import keras

__all__ = [
    "Cost",
    "LayerProfile",
    "ModelProfile",
    "UnsupportedLayerError",
    "profile",
    "register",
]


class UnsupportedLayerError(TypeError):
    """The complexity engine has no rule for a layer type."""


@dataclasses.dataclass(frozen=True)
class Cost:
    """Multiply-adds and other ops of one call of a layer (batch size 1)."""

    macs: int = 0
    other_ops: int = 0


@dataclasses.dataclass(frozen=True)
class LayerProfile:
    """Complexity of one leaf layer, for one input image."""

    name: str
    type: str
    output_shape: tuple  # without the batch dimension; a tuple of shapes for multi-output
    weights: int
    biases: int
    bn: int
    non_trainable: int
    macs: int
    other_ops: int
    activations: int  # output elements per image
    #: Its class and the layer classes it derives from (``GroupedConv2D`` is a ``Conv2D``).
    bases: tuple[str, ...] = ()

    def is_a(self, *types: str) -> bool:
        """Whether the layer is of one of ``types`` (class names, subclasses included)."""
        return any(t == self.type or t in self.bases for t in types)

    @property
    def params(self) -> int:
        """All parameters, as Keras ``count_params()`` counts them."""
        return self.weights + self.biases + self.bn + self.non_trainable

    @property
    def trainable(self) -> int:
        return self.weights + self.biases + self.bn


_SUMMED = ("weights", "biases", "bn", "non_trainable", "macs", "other_ops", "activations")


@dataclasses.dataclass(frozen=True)
class ModelProfile:
    """Per-layer complexity of a model and its totals (see :func:`profile`)."""

    name: str
    layers: tuple[LayerProfile, ...]
    batch_size: int = 1
    dtype_bytes: int = 4

    def total(self, field: str) -> int:
        if field == "params":
            return sum(layer.params for layer in self.layers)
        if field == "trainable":
            return sum(layer.trainable for layer in self.layers)
        if field not in _SUMMED:
            raise ValueError(f"Unknown total {field!r}; expected one of {_SUMMED + ('params', 'trainable')}.")
        return sum(getattr(layer, field) for layer in self.layers)

    @property
    def params(self) -> int:
        return self.total("params")

    @property
    def weights(self) -> int:
        return self.total("weights")

    @property
    def macs(self) -> int:
        return self.total("macs")

    @property
    def other_ops(self) -> int:
        return self.total("other_ops")

    @property
    def activations(self) -> int:
        """Output elements of all layers for one image (the input layer included)."""
        return self.total("activations")

    @property
    def activation_bytes(self) -> int:
        """Activation memory of a forward pass for ``batch_size`` images of ``dtype_bytes``."""
        return self.activations * self.batch_size * self.dtype_bytes

    def select(self, types: Sequence[str] | str) -> list[LayerProfile]:
        """Leaf layers of one of ``types`` (class names; subclasses included)."""
        types = (types,) if isinstance(types, str) else tuple(types)
        return [layer for layer in self.layers if layer.is_a(*types)]

    def table(self, tablefmt: str = "github", biases: bool = True) -> str:
        """A per-layer table (name, type, output, memory, params, MACs) and the totals."""
        from tabulate import tabulate

        rows = []
        for layer in self.layers:
            params = layer.params if biases else layer.weights
            rows.append([layer.name, layer.type, _shape_text(layer.output_shape),
                         layer.activations, params, layer.macs])
        total_params = self.params if biases else self.weights
        rows.append(["TOTAL", "", "", self.activations, total_params, self.macs])
        headers = ["layer", "type", "output", "memory (elements)",
                   "params" if biases else "params (no biases)", "mult-adds"]
        return tabulate(rows, headers=headers, tablefmt=tablefmt, intfmt=",")


def _shape_text(shape) -> str:
    if shape and isinstance(shape[0], tuple):
        return ", ".join(_shape_text(s) for s in shape)
    return "x".join(str(d) for d in shape)


# --------------------------------------------------------------------------- rules

CostRule = Callable[[keras.layers.Layer, list[tuple], list[tuple]], Cost]
_RULES: dict[type, CostRule] = {}


def register(*layer_types: type) -> Callable[[CostRule], CostRule]:
    """Register ``fn(layer, input_shapes, output_shapes) -> Cost`` for layer types.

    Shapes exclude the batch dimension. Rules are looked up along the MRO, so a rule for a
    base class covers its subclasses unless they have their own.
    """

    def decorator(fn: CostRule) -> CostRule:
        for layer_type in layer_types:
            _RULES[layer_type] = fn
        return fn

    return decorator


def _elements(shape: tuple) -> int:
    return math.prod(int(d) for d in shape)


def _conv_macs(layer, in_shape, out_shape) -> int:
    kernel = layer.kernel_size
    groups = getattr(layer, "groups", 1) or 1
    if layer.data_format == "channels_first":
        in_channels, out_spatial, filters = in_shape[0], out_shape[1:], out_shape[0]
    else:
        in_channels, out_spatial, filters = in_shape[-1], out_shape[:-1], out_shape[-1]
    return _elements(out_spatial) * filters * math.prod(kernel) * (in_channels // groups)


def _channels(layer, shape) -> tuple[int, tuple]:
    if getattr(layer, "data_format", "channels_last") == "channels_first":
        return shape[0], shape[1:]
    return shape[-1], shape[:-1]


@register(keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)
def _conv(layer, inputs, outputs) -> Cost:
    return Cost(macs=_conv_macs(layer, inputs[0], outputs[0]))


@register(keras.layers.Conv2DTranspose, keras.layers.Conv1DTranspose, keras.layers.Conv3DTranspose)
def _conv_transpose(layer, inputs, outputs) -> Cost:
    in_channels, in_spatial = _channels(layer, inputs[0])
    filters, _ = _channels(layer, outputs[0])
    return Cost(macs=_elements(in_spatial) * in_channels * math.prod(layer.kernel_size) * filters)


@register(keras.layers.DepthwiseConv1D, keras.layers.DepthwiseConv2D)
def _depthwise(layer, inputs, outputs) -> Cost:
    _, out_spatial = _channels(layer, outputs[0])
    out_channels, _ = _channels(layer, outputs[0])
    return Cost(macs=_elements(out_spatial) * out_channels * math.prod(layer.kernel_size))


@register(keras.layers.SeparableConv1D, keras.layers.SeparableConv2D)
def _separable(layer, inputs, outputs) -> Cost:
    in_channels, _ = _channels(layer, inputs[0])
    filters, out_spatial = _channels(layer, outputs[0])
    mid = in_channels * layer.depth_multiplier
    depthwise = _elements(out_spatial) * mid * math.prod(layer.kernel_size)
    pointwise = _elements(out_spatial) * mid * filters
    return Cost(macs=depthwise + pointwise)


@register(keras.layers.Dense)
def _dense(layer, inputs, outputs) -> Cost:
    return Cost(macs=_elements(inputs[0]) * layer.units)


@register(keras.layers.BatchNormalization, keras.layers.LayerNormalization,
          keras.layers.GroupNormalization)
def _normalization(layer, inputs, outputs) -> Cost:
    return Cost(other_ops=2 * _elements(outputs[0]))


@register(keras.layers.Activation, keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU,
          keras.layers.ELU, keras.layers.Softmax)
def _activation(layer, inputs, outputs) -> Cost:
    return Cost(other_ops=_elements(outputs[0]))


@register(keras.layers.MaxPooling1D, keras.layers.MaxPooling2D, keras.layers.MaxPooling3D,
          keras.layers.AveragePooling1D, keras.layers.AveragePooling2D,
          keras.layers.AveragePooling3D)
def _pooling(layer, inputs, outputs) -> Cost:
    return Cost(other_ops=_elements(outputs[0]) * math.prod(layer.pool_size))


@register(keras.layers.GlobalAveragePooling1D, keras.layers.GlobalAveragePooling2D,
          keras.layers.GlobalAveragePooling3D, keras.layers.GlobalMaxPooling1D,
          keras.layers.GlobalMaxPooling2D, keras.layers.GlobalMaxPooling3D)
def _global_pooling(layer, inputs, outputs) -> Cost:
    return Cost(other_ops=_elements(inputs[0]))


@register(keras.layers.Add, keras.layers.Subtract, keras.layers.Multiply, keras.layers.Average,
          keras.layers.Maximum, keras.layers.Minimum)
def _merge(layer, inputs, outputs) -> Cost:
    return Cost(other_ops=(len(inputs) - 1) * _elements(outputs[0]))


@register(keras.layers.Rescaling, keras.layers.Normalization)
def _affine(layer, inputs, outputs) -> Cost:
    return Cost(other_ops=2 * _elements(outputs[0]))


#: Layers whose output aliases their input at inference (a reshape, an identity): they hold
#: no activation memory of their own, as the papers' memory tables assume.
VIEW_LAYERS = (keras.layers.Flatten, keras.layers.Reshape, keras.layers.Dropout,
               keras.layers.SpatialDropout1D, keras.layers.SpatialDropout2D,
               keras.layers.SpatialDropout3D, keras.layers.GaussianNoise,
               keras.layers.GaussianDropout, keras.layers.AlphaDropout, keras.layers.Identity,
               keras.layers.ActivityRegularization)


@register(keras.layers.InputLayer, keras.layers.Permute, *VIEW_LAYERS,
          keras.layers.Concatenate, keras.layers.ZeroPadding1D, keras.layers.ZeroPadding2D,
          keras.layers.ZeroPadding3D, keras.layers.Cropping1D, keras.layers.Cropping2D,
          keras.layers.Cropping3D, keras.layers.RandomFlip, keras.layers.RandomCrop, keras.layers.RandomTranslation)
def _free(layer, inputs, outputs) -> Cost:
    return Cost()


def _rule_for(layer) -> CostRule | None:
    own = getattr(layer, "complexity", None)
    if callable(own):
        return lambda layer, inputs, outputs: own(inputs, outputs)
    for cls in type(layer).__mro__:
        if cls in _RULES:
            return _RULES[cls]
    return None


# --------------------------------------------------------------------------- walking


def _shapes(tensors) -> list[tuple]:
    flat = keras.tree.flatten(tensors)
    return [tuple(t.shape[1:]) for t in flat]


def _classify_params(layer) -> dict[str, int]:
    """Split a layer's variables by role, from their names, so composite layers split too."""
    counts = {"weights": 0, "biases": 0, "bn": 0, "non_trainable": 0}
    for variable in layer.weights:
        size = math.prod(int(d) for d in variable.shape)
        short = variable.path.rsplit("/", 1)[-1]
        if not variable.trainable:
            counts["non_trainable"] += size
        elif short in ("gamma", "beta"):
            counts["bn"] += size
        elif short.startswith("bias"):
            counts["biases"] += size
        else:
            counts["weights"] += size
    return counts


def _nodes(layer):
    """(input_shapes, output_shapes) of every call of ``layer`` in its graph."""
    calls = []
    for node in getattr(layer, "_inbound_nodes", []):
        inputs = [tuple(t.shape[1:]) for t in node.input_tensors]
        outputs = _shapes(node.outputs)
        calls.append((inputs, outputs))
    if not calls:
        if isinstance(layer, keras.layers.InputLayer):
            return [([], _shapes(layer.output))]
        raise ValueError(f"Layer {layer.name!r} ({type(layer).__name__}) was never called: "
                         "build the model on an input before profiling it.")
    return calls


def _walk(model, prefix: str, repeats: int, out: list[LayerProfile]) -> None:
    """Append the leaf layers of ``model``; ``repeats`` is how often ``model`` itself runs."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            calls = max(1, len(getattr(layer, "_inbound_nodes", [])))
            _walk(layer, f"{prefix}{layer.name}/", repeats * calls, out)
            continue
        rule = _rule_for(layer)
        if rule is None:
            raise UnsupportedLayerError(
                f"The complexity engine cannot count layer {prefix}{layer.name!r} of type "
                f"{type(layer).__module__}.{type(layer).__name__}. Register a rule with "
                "keras_cnns.complexity.register or give the layer a "
                "`complexity(input_shapes, output_shapes)` method.")
        calls = _nodes(layer)
        # A shared layer owns its parameters once but costs compute at every call.
        macs = other = activations = 0
        for inputs, outputs in calls:
            cost = rule(layer, inputs, outputs)
            macs += cost.macs
            other += cost.other_ops
            activations += sum(_elements(s) for s in outputs)
        if isinstance(layer, VIEW_LAYERS) or (prefix and isinstance(layer, keras.layers.InputLayer)):
            activations = 0  # aliases its input (a nested model's input is the outer tensor)
        shapes = calls[0][1]
        out.append(LayerProfile(
            name=f"{prefix}{layer.name}", type=type(layer).__name__,
            bases=tuple(c.__name__ for c in type(layer).__mro__[1:]
                        if issubclass(c, keras.layers.Layer)),
            output_shape=shapes[0] if len(shapes) == 1 else tuple(shapes),
            macs=macs * repeats, other_ops=other * repeats, activations=activations * repeats,
            **_classify_params(layer)))


def profile(model: keras.Model, batch_size: int = 1, dtype_bytes: int = 4) -> ModelProfile:
    """Profile a built Keras model (functional or Sequential, nested models included).

    Args:
        model: the model; its graph must be built (functional models always are).
        batch_size: images per forward pass, for :attr:`ModelProfile.activation_bytes`.
        dtype_bytes: bytes per activation element (4 for float32).

    Returns:
        A :class:`ModelProfile` with one :class:`LayerProfile` per leaf layer in graph order.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"profile() takes a keras.Model. Received: model={model!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer. Received: batch_size={batch_size}")
    if dtype_bytes < 1:
        raise ValueError(f"dtype_bytes must be a positive integer. Received: dtype_bytes={dtype_bytes}")
    layers: list[LayerProfile] = []
    _walk(model, "", 1, layers)
    return ModelProfile(name=model.name, layers=tuple(layers), batch_size=batch_size,
                        dtype_bytes=dtype_bytes)
