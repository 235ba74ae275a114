"""Models for training: a registry name -> a model that outputs logits for a dataset.

Every name of :func:`keras_cnns.list_models` (and every name the registry parses, such as
``wrn-16-1``) can be trained. The model is built for the dataset's image size and classes,
with ``classifier_activation=None``; a recipe's ``dropout`` goes to builders that take
one; GoogLeNet trains with its auxiliary classifiers (extra outputs, weighted by the
recipe's ``aux_loss_weights``).
"""

from __future__ import annotations

import keras

from keras_cnns.arguments import fail
from keras_cnns.registry import ModelInfo, model_info

__all__ = ["build", "check", "info"]


def info(name: str) -> ModelInfo:
    """The registry entry of ``name`` (``ValueError`` naming close matches if unknown)."""
    try:
        return model_info(name)
    except ValueError as error:
        raise ValueError(str(error).replace("Received: name=", "Received: model=")) from None


def check(name: str, image_shape: tuple) -> ModelInfo:
    """``name``'s entry, checked against the dataset's image size."""
    entry = info(name)
    resolution = entry.kwargs.get("resolution")
    if resolution is not None and tuple(image_shape[:2]) != (resolution, resolution):
        fail(f"{entry.name} is built for {resolution}x{resolution} inputs; the dataset gives "
             f"{image_shape[0]}x{image_shape[1]}.", "model", name)
    return entry


def build(name: str, classes: int, image_shape: tuple, dropout: float | None = None) -> keras.Model:
    """Build ``name`` for ``classes`` outputs (logits) on ``image_shape`` images."""
    entry = check(name, image_shape)
    options = {"classes": classes, "input_shape": tuple(image_shape),
               "classifier_activation": None}
    if dropout is not None and entry.accepts("dropout"):
        options["dropout"] = dropout
    if entry.accepts("aux_logits"):
        options["aux_logits"] = True
    return entry.build(**options)
