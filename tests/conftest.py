import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_session():
    """Keep layer-name counters independent between tests."""
    yield
    # free_memory=False skips clear_session's gc.collect(), which costs 0.2-0.4 s per test
    # with TensorFlow loaded: most of the time of the one-test-per-cell fidelity suite.
    keras.backend.clear_session(free_memory=False)


def find_layer(model: keras.Model, name: str) -> keras.layers.Layer:
    """The layer called ``name`` anywhere in ``model``, nested models included."""
    for layer in model.layers:
        if layer.name == name:
            return layer
        if isinstance(layer, keras.Model):
            try:
                return find_layer(layer, name)
            except KeyError:
                pass
    raise KeyError(f"{model.name} has no layer {name!r}")


def layer_names(model: keras.Model) -> list[str]:
    """Names of every leaf layer of ``model`` in graph order, nested models flattened."""
    names = []
    for layer in model.layers:
        names += layer_names(layer) if isinstance(layer, keras.Model) else [layer.name]
    return names
