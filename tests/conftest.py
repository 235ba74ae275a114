import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# oneDNN CPU kernels wherever the suite runs (as tox.ini sets): TensorFlow turns them on by
# default only on CPUs with AVX-512-class features. Read when TensorFlow is first imported.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
# One intra-op and one inter-op thread per TensorFlow process (the workers and the processes
# they start): two pytest workers and the JAX leg share two cores, and idle pool threads spin
# on cores the other processes need. Measured on the 2-core CI machine, same commit, half an
# hour apart: 1400 s of pytest (user CPU 43 min) with TensorFlow's default pools, 1167 s
# (35 min) with these.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_session():
    """Keep layer-name counters independent between tests."""
    yield
    # free_memory=False skips clear_session's gc.collect(), which costs 0.2-0.4 s per test
    # with TensorFlow loaded: most of the time of the one-test-per-cell fidelity suite.
    keras.backend.clear_session(free_memory=False)


@pytest.fixture(autouse=True)
def _op_determinism_restored():
    """A training run with ``deterministic=True`` turns on TensorFlow's op determinism for
    the whole process, and TensorFlow has no public switch back: turn it off again after the
    test, so that the tests after it run as they would alone (XLA, for one, has no
    deterministic MaxPool gradient and refuses to compile one)."""
    from tensorflow.python.framework import config

    before = config.is_op_determinism_enabled()
    yield
    if config.is_op_determinism_enabled() and not before:
        config.disable_op_determinism()


#: Modules that run in one worker process, in this order: the contract builds and profiles
#: every registered model once (``reproductions.measure`` keeps each profile for the
#: process), and the paper tables then read those profiles instead of building the models a
#: second time in the other worker (measured on the 2-core CI machine: 174 s + 193 s apart,
#: 234 s together).
SHARED_BUILDS = ("test_contract.py", "test_paper_fidelity.py")

#: The other modules by their measured share of the suite's time, heaviest first. Work units
#: (a module, or the shared-builds group) go to the two workers in collection order, the
#: next one to whichever worker runs out first; pytest-xdist would otherwise order them by
#: number of tests, which sends the few-test, slow modules (learning, smoke runs) last and
#: leaves one worker running them alone. Modules not listed follow in name order.
HEAVIEST_FIRST = (*SHARED_BUILDS, "test_recipe_smoke.py", "test_export.py", "test_learning.py",
                  "test_training.py", "test_pretrained.py")


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's ``loadfile`` with the shared-builds modules as one unit of work.
    (Its ``xdist_group`` marks do not group under pytest 9, whose node ids ignore the
    suffix that pytest-xdist 3.8 writes for them.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ModulesSharingBuilds(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            return "shared-builds" if module.rsplit("/", 1)[-1] in SHARED_BUILDS else module

    return ModulesSharingBuilds(config, log)


def pytest_collection_modifyitems(config, items):
    """Order the work units heaviest first."""
    rank = {name: index for index, name in enumerate(HEAVIEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable within modules
