"""Build a model's graph and variable shapes without drawing any initial value.

Counting (:mod:`keras_cnns.complexity`) and structure checks read a model's layers, their
configurations and each variable's shape and dtype, never a value. ``keras.StatelessScope``
defers variable initialisation but, by default, initialises every deferred variable when
the scope exits; :func:`uninitialised` leaves them undrawn. Measured on the 2-core CI
machine: ResNet-152 builds in 0.5 s instead of 1.2 s and holds a few megabytes instead of
about 270 MB; every registered model, built one after another, in 100 s and under 1 GB.

Reading such a variable's value draws a fresh sample from its initialiser (Keras' own
placeholder for shape inference), so the model still runs, with weights that mean nothing.
"""

from __future__ import annotations

import contextlib

import keras
from keras.src.backend.common import global_state

__all__ = ["uninitialised"]


@contextlib.contextmanager
def uninitialised():
    """Inside, layers create their variables without initial values, and nothing
    initialises them afterwards.

    Keras registers each variable created in a ``StatelessScope`` for initialisation at the
    exit of the next outermost scope that initialises; the variables created here are taken
    off that list at exit, so that a later scope does not initialise every model built here.
    """
    pending = list(global_state.get_global_attribute("uninitialized_variables") or [])
    try:
        with keras.StatelessScope(initialize_variables=False):
            yield
    finally:
        global_state.set_global_attribute("uninitialized_variables", pending)
