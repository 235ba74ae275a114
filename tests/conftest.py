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
