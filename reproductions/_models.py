"""Build a model a reproduction needs, profile it, and reset the Keras session."""

from __future__ import annotations

import keras

import keras_cnns


def built(builder: str, **kwargs):
    """``(model, profile)`` of ``keras_cnns.<builder>(**kwargs)``.

    Deliberately not cached across calls: keeping big models alive makes every later
    ``keras.backend.clear_session()`` (run after each test) walk them in its ``gc.collect``.
    The model is built inside ``keras.StatelessScope``: layers and variable shapes exist
    (all the complexity engine reads) but no weights are initialised, which halves the time.
    """
    with keras.StatelessScope():
        model = getattr(keras_cnns, builder)(**kwargs)
    stats = keras_cnns.profile(model)
    keras.backend.clear_session()
    return model, stats
