"""Argument checks and pieces shared by every builder (input, classifier head)."""

from __future__ import annotations

from collections.abc import Iterable

import keras


def check_choice(name: str, value, choices: Iterable, rule: str | None = None) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        rule = rule or f"`{name}` must be one of {', '.join(map(repr, choices))}."
        raise ValueError(f"{rule} Received: {name}={value!r}")


def check_positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")


def check_head(include_top: bool, pooling, classes, classifier_activation) -> None:
    """Validate the keras.applications-style head arguments."""
    check_choice("pooling", pooling, (None, "avg", "max"))
    if include_top:
        check_positive_int("classes", classes)


def model_input(input_shape, input_tensor, default_shape: tuple, min_size: int,
                fixed_size: int | None = None, model_name: str = "model"):
    """Return ``(inputs, x)`` for a builder, checking the image size.

    ``min_size`` is the smallest height/width the downsampling allows; ``fixed_size`` is
    the only size the classifier head accepts (``None`` when any size >= min works).
    """
    if input_tensor is not None:
        shape = tuple(input_tensor.shape[1:])
    else:
        shape = tuple(default_shape if input_shape is None else input_shape)
    if len(shape) != 3:
        raise ValueError(f"{model_name} takes images of shape (height, width, channels). "
                         f"Received: input_shape={shape}")
    height, width = shape[0], shape[1]
    if height is not None and width is not None:
        if height < min_size or width < min_size:
            raise ValueError(f"{model_name} needs inputs of at least {min_size}x{min_size} "
                             f"for its downsampling. Received: input_shape={shape}")
        if fixed_size is not None and (height, width) != (fixed_size, fixed_size):
            raise ValueError(
                f"{model_name} with include_top=True needs {fixed_size}x{fixed_size} inputs "
                "(its fully-connected head is sized for them); use include_top=False for "
                f"other sizes. Received: input_shape={shape}")
    elif fixed_size is not None:
        raise ValueError(f"{model_name} with include_top=True needs a fixed "
                         f"{fixed_size}x{fixed_size} input. Received: input_shape={shape}")
    if input_tensor is None:
        inputs = keras.Input(shape=shape, name="input")
        return inputs, inputs
    if not keras.backend.is_keras_tensor(input_tensor):
        inputs = keras.Input(tensor=input_tensor, shape=shape, name="input")
        return inputs, inputs
    return keras.utils.get_source_inputs(input_tensor), input_tensor


def pooled_head(x, include_top: bool, pooling, classes: int, classifier_activation,
                dropout: float = 0.0):
    """Global-average-pooling classifier (``include_top``) or optional feature pooling."""
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name="dropout")(x)
        return keras.layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    return feature_pooling(x, pooling)


def feature_pooling(x, pooling):
    if pooling == "avg":
        return keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return keras.layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x
