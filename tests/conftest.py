import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_session():
    """Keep layer-name counters independent between tests. Without the gc.collect that
    ``free_memory=True`` runs (about 0.4 s a test, minutes over hundreds of cells)."""
    yield
    keras.backend.clear_session(free_memory=False)
