"""Build each model a reproduction needs once per process (several tables share them)."""

from __future__ import annotations

import functools

import keras

import keras_cnns


@functools.cache
def built(builder: str, **kwargs):
    """``(model, profile)`` of ``keras_cnns.<builder>(**kwargs)``, built once and cached."""
    model = getattr(keras_cnns, builder)(**kwargs)
    stats = keras_cnns.profile(model)
    keras.backend.clear_session()
    return model, stats
