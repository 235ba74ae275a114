"""Receptive fields of a Keras model: size, effective stride and effective padding per layer.

After Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks",
Distill 2019 (doi:10.23915/distill.00021). For a chain of layers with kernel ``k_l``, stride
``s_l`` and left (top) padding ``p_l``, the field of a feature at layer ``L`` on the input is

- size ``r = 1 + sum_l (k_l - 1) * S_(l-1)``, with ``S_l = s_1 * ... * s_l`` (Eq. 2),
- effective stride ``S_L`` (Eq. 6), and
- effective padding ``P = sum_l p_l * S_(l-1)`` (Eq. 9),

so the feature at index ``i`` of layer ``L`` sees the input pixels ``S_L * i - P`` to
``S_L * i - P + r - 1`` (Eq. 10-11). A dilated kernel counts as ``d * (k - 1) + 1``. Where
paths merge (residual additions, Inception concatenations) the article keeps the path with
the largest field, and requires the paths to be *aligned*: the same effective stride and the
same centre offset ``(r - 1) / 2 - P`` (Sec. "Handling multiple paths"); we compute the same,
and report a misaligned merge instead of refusing the model (``strict=True`` refuses it).

Padding is read from the graph: ``ZeroPadding2D`` and ``Cropping2D`` layers, and for
``padding="same"`` the left (top) padding Keras and TensorFlow apply, ``total // 2`` with
``total = max(k - (n % s or s), 0)`` on an input of size ``n``, which is why ``same``
convolutions with stride 2 depend on the input size (pass ``input_size`` for a model built
without one).

Conventions (the article's, named):
- A feature that pools over the whole map (global pooling, ``Flatten`` + ``Dense``) sees
  every pixel; the field reported for such a tensor, and for the model's output, is the one
  of the last feature map it was computed from (the article's "final feature map": pool5 of
  VGG, Mixed_7c of Inception-v3).
- A channel gate computed from a global pool (squeeze-and-excitation, CBAM's channel gate,
  split attention) multiplies a feature map without moving its field: merges ignore inputs
  that have no spatial extent.
- Element-wise layers (normalisation, activations, dropout, channel shuffles, LRN across
  channels, pooling across channels) keep the field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import keras
from tabulate import tabulate

from keras_cnns.layers import (ChannelPool, ChannelShuffle, HighwayConv2D,
                               LocalResponseNormalization, RadixSelect, RadixSum, ResizeTo,
                               StochasticDepth, ZeroPadShortcut)

__all__ = ["Field", "LayerField", "ReceptiveFieldReport", "receptive_field"]


@dataclasses.dataclass(frozen=True)
class Field:
    """The receptive field of a feature map, per axis ``(rows, columns)``.

    ``padding`` is ``None`` where it is undefined (``same`` padding with a stride, on an
    input of unknown size).
    """

    size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int] | None

    @property
    def centre_offset(self) -> tuple[float, float] | None:
        """``(r - 1) / 2 - P`` per axis: the input coordinate of feature 0's centre."""
        if self.padding is None:
            return None
        return tuple((r - 1) / 2 - p for r, p in zip(self.size, self.padding))

    def through(self, kernel: Sequence[int], stride: Sequence[int],
                padding: Sequence[int] | None) -> "Field":
        """The field after one layer with ``kernel``, ``stride`` and left ``padding``."""
        size = tuple(r + (k - 1) * s for r, k, s in zip(self.size, kernel, self.stride))
        new_stride = tuple(s * t for s, t in zip(self.stride, stride))
        if self.padding is None or padding is None:
            return Field(size, new_stride, None)
        return Field(size, new_stride,
                     tuple(p + q * s for p, q, s in zip(self.padding, padding, self.stride)))

    def square(self) -> tuple[int, int, int | None]:
        """``(r, S, P)`` of a field equal on both axes (a ``ValueError`` otherwise)."""
        if self.size[0] != self.size[1] or self.stride[0] != self.stride[1] or (
                self.padding is not None and self.padding[0] != self.padding[1]):
            raise ValueError(f"The field differs between rows and columns. Received: {self}")
        return self.size[0], self.stride[0], None if self.padding is None else self.padding[0]


_INPUT = Field((1, 1), (1, 1), (0, 0))


@dataclasses.dataclass(frozen=True)
class _Global:
    """A tensor with no spatial extent; ``source`` is the last feature map it came from."""

    source: Field | None


@dataclasses.dataclass(frozen=True)
class LayerField:
    """One layer call: its name (nested models prefixed ``outer/``), type, output size and
    the field of its output (``global_`` if it has no spatial extent; ``field`` is then the
    one of the feature map it was computed from); ``aligned`` is False where the paths it
    merges are misaligned."""

    name: str
    type: str
    output_size: tuple | None
    field: Field | None
    global_: bool
    aligned: bool = True


@dataclasses.dataclass(frozen=True)
class ReceptiveFieldReport:
    """Per-layer fields of a model, in graph order, and the field at its output."""

    model: str
    layers: tuple[LayerField, ...]
    output: Field

    @property
    def aligned(self) -> bool:
        return all(layer.aligned for layer in self.layers)

    def layer(self, name: str) -> LayerField:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No layer named {name!r} in {self.model}. Received: name={name!r}")

    def table(self, tablefmt: str = "github") -> str:
        """One row per layer with a spatial output: r, S, P (rows x columns where they differ)."""
        def text(pair):
            if pair is None:
                return "?"
            return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}x{pair[1]}"

        rows = [(layer.name, layer.type, text(layer.field.size), text(layer.field.stride),
                 text(layer.field.padding), "" if layer.aligned else "misaligned")
                for layer in self.layers if not layer.global_ and layer.field is not None]
        return tabulate(rows, headers=("layer", "type", "r", "S", "P", ""), tablefmt=tablefmt)


# ------------------------------------------------------------------------------ layer rules

#: Layers that keep the field: element-wise in space (ours: pooling across channels,
#: shuffling channels, LRN across channels, summing radix splits).
_POINTWISE = (keras.layers.BatchNormalization, keras.layers.LayerNormalization,
              keras.layers.GroupNormalization, keras.layers.Activation, keras.layers.ReLU,
              keras.layers.LeakyReLU, keras.layers.PReLU, keras.layers.ELU,
              keras.layers.Softmax, keras.layers.Dropout, keras.layers.SpatialDropout2D,
              keras.layers.GaussianNoise, keras.layers.Rescaling, keras.layers.Normalization,
              keras.layers.Identity, keras.layers.Dense, ChannelPool, ChannelShuffle,
              LocalResponseNormalization, RadixSum)
#: Layers that merge paths (RadixSelect: splits weighted by a gate).
_MERGE = (keras.layers.Add, keras.layers.Concatenate, keras.layers.Multiply,
          keras.layers.Average, keras.layers.Maximum, keras.layers.Minimum,
          keras.layers.Subtract, RadixSelect)
_WINDOWED = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D,
             keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
_FLATTENING = (keras.layers.GlobalAveragePooling2D, keras.layers.GlobalMaxPooling2D,
               keras.layers.Flatten)
_UPSAMPLING = (ResizeTo, keras.layers.UpSampling2D, keras.layers.Resizing)


def _spatial(shape) -> tuple | None:
    return tuple(shape[1:3]) if len(shape) == 4 else None


def _same_padding(kernel: int, stride: int, size: int | None) -> int | None:
    """The left (top) padding of ``padding="same"`` on an input of ``size``."""
    if kernel == 1:
        return 0
    if stride == 1:
        return (kernel - 1) // 2
    if size is None:
        return None
    total = max(kernel - (size % stride or stride), 0)
    return total // 2


def _window(layer) -> tuple[tuple, tuple, str, tuple]:
    """(kernel, strides, padding, dilation) of a convolution or pooling layer."""
    if isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)):
        return tuple(layer.pool_size), tuple(layer.strides), layer.padding, (1, 1)
    return (tuple(layer.kernel_size), tuple(layer.strides), layer.padding,
            tuple(layer.dilation_rate))


def _through_window(layer, field: Field, in_size: tuple) -> tuple[Field, tuple]:
    kernel, strides, padding, dilation = _window(layer)
    kernel = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if padding == "valid":
        pads = (0, 0)
        size = tuple(None if n is None else (n - k) // s + 1
                     for n, k, s in zip(in_size, kernel, strides))
    elif padding == "same":
        pads = tuple(_same_padding(k, s, n) for k, s, n in zip(kernel, strides, in_size))
        pads = None if None in pads else pads
        size = tuple(None if n is None else -(-n // s) for n, s in zip(in_size, strides))
    else:
        raise ValueError(f"Layer {layer.name!r} has padding {padding!r}: the receptive field "
                         f"is defined for 'valid' and 'same'. Received: padding={padding!r}")
    return field.through(kernel, strides, pads), size


def _explicit_padding(layer, field: Field, in_size: tuple, sign: int) -> tuple[Field, tuple]:
    """ZeroPadding2D (``sign=+1``) or Cropping2D (``-1``): the top and left amounts."""
    amounts = layer.padding if sign > 0 else layer.cropping
    size = tuple(None if n is None else n + sign * sum(a) for n, a in zip(in_size, amounts))
    return field.through((1, 1), (1, 1), (sign * amounts[0][0], sign * amounts[1][0])), size


def _merge(fields: list[Field], strict: bool, name: str) -> tuple[Field, bool]:
    """The article's rule at a merge, per axis: the largest field, provided the paths are
    aligned (the same effective stride and centre offset)."""
    sizes, strides, pads, aligned = [], [], [], True
    for axis in (0, 1):
        best = max(fields, key=lambda f: f.size[axis])
        sizes.append(best.size[axis])
        strides.append(best.stride[axis])
        pads.append(None if best.padding is None else best.padding[axis])
        for f in fields:
            if f.stride[axis] != best.stride[axis]:
                aligned = False
            elif f.padding is not None and best.padding is not None and (
                    f.centre_offset[axis] != best.centre_offset[axis]):
                aligned = False
    if not aligned and strict:
        raise ValueError(f"Layer {name!r} merges misaligned paths (different effective "
                         "strides or centre offsets (r - 1) / 2 - P). Received: fields="
                         f"{fields}")
    return Field(tuple(sizes), tuple(strides), None if None in pads else tuple(pads)), aligned


# ----------------------------------------------------------------------------- graph walk


def _node_out(layer, inputs: list, in_shapes: list, out_shape, strict: bool, prefix: str):
    """(state, size, aligned) of the output of one call of ``layer``.

    ``inputs`` are ``(state, size)`` pairs: the field (or :class:`_Global`) of each input and
    its spatial size as we propagate it (``None`` where unknown); ``in_shapes`` and
    ``out_shape`` are the static shapes of the call, which tell spatial maps from gates.
    """
    name = prefix + layer.name
    spatial = [(f, n) for (f, n), shape in zip(inputs, in_shapes)
               if isinstance(f, Field) and _spatial(shape) is not None]
    sources = [f.source if isinstance(f, _Global) else f for f, _ in inputs]
    sources = [s for s in sources if s is not None]
    if not spatial:
        # Nothing spatial comes in: a global tensor (pooled, or a gate computed from one).
        return _Global(max(sources, key=lambda f: f.size, default=None)), None, True
    if isinstance(layer, _FLATTENING) or _spatial(out_shape) is None:
        return _Global(max((f for f, _ in spatial), key=lambda f: f.size)), None, True
    if isinstance(layer, _UPSAMPLING):
        raise ValueError(
            f"Layer {name!r} ({type(layer).__name__}) upsamples: a receptive field through an "
            "interpolation is not defined by Araujo et al.'s rules (convolutions, poolings, "
            f"paddings, element-wise layers). Received: layer={type(layer).__name__}")
    if len(spatial) > 1 or isinstance(layer, _MERGE):
        field, aligned = _merge([f for f, _ in spatial], strict, name)
        return field, spatial[0][1], aligned
    field, size = spatial[0]
    if isinstance(layer, _WINDOWED):
        return (*_through_window(layer, field, size), True)
    if isinstance(layer, keras.layers.ZeroPadding2D):
        return (*_explicit_padding(layer, field, size, +1), True)
    if isinstance(layer, keras.layers.Cropping2D):
        return (*_explicit_padding(layer, field, size, -1), True)
    if isinstance(layer, HighwayConv2D):  # H(x) T(x) + x (1 - T(x)): the k x k window wins
        k = layer.kernel_size
        return field.through((k, k), (1, 1), ((k - 1) // 2, (k - 1) // 2)), size, True
    if isinstance(layer, ZeroPadShortcut):  # x[:, ::s, ::s]: a 1x1 window with stride s
        stride = (layer.strides, layer.strides)
        return (field.through((1, 1), stride, (0, 0)),
                tuple(None if n is None else -(-n // layer.strides) for n in size), True)
    if isinstance(layer, _POINTWISE):
        return field, size, True
    raise ValueError(
        f"The receptive field of layer {name!r} ({type(layer).__name__}) is not known: it is "
        "neither a convolution, a pooling, a padding nor an element-wise layer. Received: "
        f"layer={type(layer).__name__}")


def _walk(model: keras.Model, inputs: list, strict: bool, prefix: str,
          rows: list[LayerField]) -> list:
    """Propagate ``(state, size)`` of ``model.inputs`` (``inputs``) through its graph."""
    state = {id(t): f for t, f in zip(model.inputs, inputs)}
    for depth in sorted(model._nodes_by_depth, reverse=True):
        for node in model._nodes_by_depth[depth]:
            layer = node.operation
            if layer is None or node.is_input:
                continue
            tensors = node.input_tensors
            if any(id(t) not in state for t in tensors):
                continue
            fields = [state[id(t)] for t in tensors]
            if isinstance(layer, keras.Model):
                outputs = _walk(layer, fields, strict, f"{prefix}{layer.name}/", rows)
                for tensor, field in zip(node.outputs, outputs):
                    state[id(tensor)] = field
                continue
            if isinstance(layer, StochasticDepth):
                # shortcut + residual(x): the residual branch is a model the layer calls
                (x, size), shortcut = fields
                branch, _ = _walk(layer.residual, [(x, size)], strict,
                                  f"{prefix}{layer.name}/", rows)[0]
                field, aligned = _merge([branch, shortcut[0]], strict, prefix + layer.name)
                state[id(node.outputs[0])] = (field, size)
                rows.append(LayerField(prefix + layer.name, type(layer).__name__, size, field,
                                       False, aligned))
                continue
            field, size, aligned = _node_out(layer, fields, [t.shape for t in tensors],
                                             node.outputs[0].shape, strict, prefix)
            for tensor in node.outputs:
                state[id(tensor)] = (field, size)
            is_global = isinstance(field, _Global)
            rows.append(LayerField(prefix + layer.name, type(layer).__name__, size,
                                   field.source if is_global else field, is_global, aligned))
    return [state[id(t)] for t in model.outputs]


def receptive_field(model: keras.Model, input_size: Sequence[int] | None = None, *,
                    strict: bool = False) -> ReceptiveFieldReport:
    """The receptive field of every layer of ``model`` and of its output.

    Args:
        model: a built Keras functional model (nested models are walked through).
        input_size: ``(height, width)`` of the input; needed only where the model was built
            without one and uses ``padding="same"`` with a stride (the padding then depends
            on the size); default: the model's own input size.
        strict: refuse a model whose paths merge misaligned (as the article's reference
            implementation does); by default the merge keeps the largest field and the
            report marks the layer ``aligned=False``.

    Returns:
        A :class:`ReceptiveFieldReport`: ``layers`` in graph order and ``output``, the field
        of the model's (first) output, or of the last feature map it was computed from.
    """
    if not isinstance(model, keras.Model) or not hasattr(model, "_nodes_by_depth"):
        raise ValueError("receptive_field() takes a functional keras.Model. Received: "
                         f"model={model!r}")
    if len(model.inputs) != 1 or _spatial(model.inputs[0].shape) is None:
        raise ValueError("receptive_field() needs a model with one image input (batch, height, "
                         f"width, channels). Received: inputs={model.inputs}")
    size = _spatial(model.inputs[0].shape)
    if input_size is not None:
        if (not isinstance(input_size, (tuple, list)) or len(input_size) != 2
                or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0
                           for n in input_size)):
            raise ValueError("input_size must be (height, width), two positive integers. "
                             f"Received: input_size={input_size!r}")
        size = tuple(input_size)
    rows: list[LayerField] = []
    out, _ = _walk(model, [(_INPUT, size)], strict, "", rows)[0]
    field = out.source if isinstance(out, _Global) else out
    if field is None:
        raise ValueError(f"The output of {model.name} does not come from a feature map.")
    return ReceptiveFieldReport(model.name, tuple(rows), field)
