"""The builder contract: the keras.applications head arguments every builder takes.

Every public builder has the paper's own arguments first (in the paper's notation, e.g.
``WideResNet(depth, k, dropout)``), then the same keyword-only head arguments, named and
meaning what they mean in ``keras.applications``::

    include_top=True, weights=None, input_tensor=None, input_shape=None, pooling=None,
    classes=<family default>, classifier_activation="softmax", name=None

A builder validates all its arguments (:class:`Head` validates these) before it creates a
layer, then uses :meth:`Head.inputs` for the input, :meth:`Head.classifier` (or its own
fully-connected top ending in a layer named ``predictions``) for the output, and
:meth:`Head.model` to name the model and load ``weights``. The test suite checks this
contract on every registered model (``tests/test_contract.py``).

``weights="imagenet"`` is answered by the registry's wrapper of every registered builder,
before the builder runs (:mod:`keras_cnns.pretrained`: the released weights of the model's
keras.applications twin, or a ``ValueError`` naming the models that have them); ``Head``
itself takes ``None`` or a ``.weights.h5`` path.
"""

from __future__ import annotations

import dataclasses
import inspect
import os

import keras

from keras_cnns.arguments import (check_activation, check_bool, check_choice, check_int,
                                  check_rate, fail, is_int)

__all__ = ["HEAD_ARGUMENTS", "POOLINGS", "Head", "global_pooling", "load_weights", "variant"]

#: The head arguments, in the order every builder lists them after its own.
HEAD_ARGUMENTS = ("include_top", "weights", "input_tensor", "input_shape", "pooling", "classes",
                  "classifier_activation", "name")
POOLINGS = (None, "avg", "max")


def _check_shape(value) -> None:
    rule = ("`input_shape` must be None or (height, width, channels), each a positive integer "
            "(height and width may be None).")
    if value is None:
        return
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        fail(rule, "input_shape", value)
    height, width, channels = value
    if not (is_int(channels) and channels > 0) or any(
            d is not None and not (is_int(d) and d > 0) for d in (height, width)):
        fail(rule, "input_shape", value)


def _check_weights(value) -> None:
    if value is None:
        return
    if isinstance(value, (str, os.PathLike)) and str(value).endswith(".weights.h5"):
        if not os.path.isfile(value):
            fail("`weights` names a file that does not exist.", "weights", value)
        return
    fail("`weights` must be None (random initialisation), 'imagenet' (the released weights "
         "of a model with a keras.applications twin, keras_cnns.pretrained.pretrained_models(); "
         "registered builders answer it before building) or the path of a .weights.h5 file.",
         "weights", value)


def _check_input_tensor(value) -> None:
    shape = getattr(value, "shape", None)
    if value is not None and (shape is None or len(shape) != 4):
        fail("`input_tensor` must be None or a 4-D image tensor (batch, height, width, "
             "channels).", "input_tensor", value)


@dataclasses.dataclass(frozen=True)
class Head:
    """The head arguments of one builder call, validated on construction."""

    include_top: bool = True
    weights: str | None = None
    input_tensor: object = None
    input_shape: tuple | None = None
    pooling: str | None = None
    classes: int = 1000
    classifier_activation: object = "softmax"
    name: str | None = None

    def __post_init__(self):
        check_bool("include_top", self.include_top)
        _check_weights(self.weights)
        _check_input_tensor(self.input_tensor)
        _check_shape(self.input_shape)
        check_choice("pooling", self.pooling, POOLINGS,
                     "`pooling` must be None, 'avg' or 'max'.")
        check_int("classes", self.classes, 1)
        check_activation("classifier_activation", self.classifier_activation)
        if self.name is not None and (not isinstance(self.name, str) or not self.name):
            fail("`name` must be None or a non-empty string.", "name", self.name)

    def shape(self, default: tuple) -> tuple:
        """The image shape the model is built for (``input_tensor``, ``input_shape``, default)."""
        if self.input_tensor is not None:
            return tuple(self.input_tensor.shape[1:])
        return tuple(default if self.input_shape is None else self.input_shape)

    def inputs(self, default_shape: tuple, min_size: int, model_name: str,
               fixed_size: int | None = None):
        """Return ``(inputs, x)`` for a builder, checking the image size.

        ``min_size`` is the smallest height/width the downsampling allows; ``fixed_size`` is
        the only size a fully-connected top accepts (checked only with ``include_top``).
        """
        shape = self.shape(default_shape)
        height, width = shape[0], shape[1]
        fixed = fixed_size if self.include_top else None
        name = "input_shape"
        if height is not None and width is not None:
            if height < min_size or width < min_size:
                fail(f"{model_name} needs inputs of at least {min_size}x{min_size} for its "
                     "downsampling.", name, shape)
            if fixed is not None and (height, width) != (fixed, fixed):
                fail(f"{model_name} with include_top=True needs {fixed}x{fixed} inputs (its "
                     "fully-connected top is sized for them); use include_top=False for other "
                     "sizes.", name, shape)
        elif fixed is not None:
            fail(f"{model_name} with include_top=True needs a fixed {fixed}x{fixed} input.",
                 name, shape)
        if self.input_tensor is None:
            inputs = keras.Input(shape=shape, name="input")
            return inputs, inputs
        if not keras.backend.is_keras_tensor(self.input_tensor):
            inputs = keras.Input(tensor=self.input_tensor, shape=shape, name="input")
            return inputs, inputs
        sources = keras.utils.get_source_inputs(self.input_tensor)
        return (sources[0] if len(sources) == 1 else sources), self.input_tensor

    def classifier(self, x, dropout: float = 0.0):
        """Global average pooling, optional dropout and the ``predictions`` layer
        (``include_top``), or the ``pooling`` of the features."""
        if not self.include_top:
            return global_pooling(x, self.pooling)
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        check_rate("dropout", dropout)
        if dropout:
            x = keras.layers.Dropout(dropout, name="dropout")(x)
        return self.predictions(x)

    def predictions(self, x):
        """The last fully-connected layer, ``classes`` wide, named ``predictions``."""
        return keras.layers.Dense(self.classes, activation=self.classifier_activation,
                                  name="predictions")(x)

    def model(self, inputs, outputs, default_name: str) -> keras.Model:
        """The finished model, named ``name`` (or ``default_name``), with ``weights`` loaded."""
        model = keras.Model(inputs, outputs, name=self.name or default_name)
        if self.weights is not None:
            load_weights(model, self.weights)
        return model


def global_pooling(x, pooling):
    """``pooling`` of a headless model's features: None, "avg" or "max"."""
    if pooling == "avg":
        return keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return keras.layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def load_weights(model: keras.Model, path) -> None:
    """Load a ``.weights.h5`` file, naming the layer whose weights do not fit."""
    try:
        model.load_weights(path)
    except ValueError as error:
        raise ValueError(f"The weights in {os.fspath(path)} do not fit {model.name}: {error} "
                         f"Received: weights={os.fspath(path)!r}") from error


def variant(builder, name: str, doc: str, **fixed):
    """A thin public variant of ``builder`` with some arguments fixed (keras.applications'
    ``ResNet50`` over its generic builder): keyword arguments only, its signature the
    builder's minus ``fixed``; passing a fixed argument again is a ``ValueError``."""
    signature = inspect.signature(builder)

    def build(**kwargs):
        for key, value in kwargs.items():
            if key in fixed:
                fail(f"{name} fixes `{key}` to {fixed[key]!r}; call {builder.__name__} to "
                     "choose it.", key, value)
            if key not in signature.parameters:
                raise TypeError(f"{name}() got an unexpected keyword argument {key!r}")
        return builder(**fixed, **kwargs)

    build.__signature__ = signature.replace(parameters=[
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for key, p in signature.parameters.items() if key not in fixed])
    build.__name__ = build.__qualname__ = name
    build.__doc__ = doc
    build.__module__ = builder.__module__
    build.builder, build.fixed = builder, dict(fixed)
    return build
