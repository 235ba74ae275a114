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


# ------------------------------------------------------------------ deep graphs

#: Most blocks one functional graph holds before :func:`stage` splits it into parts.
MAX_BLOCKS_PER_GRAPH = 24


def check_depth(family: str, depth, rule: str, valid: bool) -> None:
    """Raise ``ValueError`` "<family> depth must be <rule>. Received: depth=<depth>"."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not valid:
        raise ValueError(f"{family} depth must be {rule}. Received: depth={depth!r}")


def check_range(name: str, value, low: float, high: float, low_open: bool, high_open: bool,
                label: str | None = None) -> None:
    """Raise ``ValueError`` unless ``value`` lies in the interval given by the bounds."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok:
        ok = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{label or name} must be in {interval}. Received: {name}={value!r}")


def nested(x, fn, name: str):
    """Run ``fn`` (tensor -> tensor) as a nested functional ``keras.Model`` called on ``x``."""
    inputs = keras.Input(shape=tuple(x.shape[1:]), name=f"{name}_input")
    return keras.Model(inputs, fn(inputs), name=name)(x)


def stage(x, blocks, name: str, max_blocks: int = MAX_BLOCKS_PER_GRAPH):
    """Apply ``blocks`` (tensor -> tensor functions) as one nested model named ``name``.

    A stage of more than ``max_blocks`` blocks is further split into nested parts
    ``<name>_part<i>`` of at most ``max_blocks`` blocks, so no functional graph is deeper
    than a few hundred layers: Keras walks graphs recursively, and a flat graph of a
    thousand-layer network overflows Python's recursion limit. Nothing global is changed.
    """
    blocks = list(blocks)

    def run(tensor, chunk):
        for block in chunk:
            tensor = block(tensor)
        return tensor

    if len(blocks) <= max_blocks:
        return nested(x, lambda t: run(t, blocks), name)
    parts = [blocks[i:i + max_blocks] for i in range(0, len(blocks), max_blocks)]

    def run_parts(tensor):
        for index, chunk in enumerate(parts, start=1):
            tensor = nested(tensor, lambda t, chunk=chunk: run(t, chunk), f"{name}_part{index}")
        return tensor

    return nested(x, run_parts, name)
