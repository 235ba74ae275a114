"""Build time of the deepest registered nets: ``python -m reproductions.bench_build [name ...]``.

Each net is built once, in a fresh Keras session, with Python's default recursion limit
untouched (checked before and after). Prints wall and CPU seconds to build (graph +
initialised weights; CPU time is the fairer figure on a shared machine), the seconds of
the same build :func:`~keras_cnns.uninitialised.uninitialised` (graph and variable shapes
only, no initial value drawn: what the reproductions count) and the parameter count. With ``--flat``, also tries ResNet-1202 as
one flat functional graph to show the RecursionError the nested-stage design avoids.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import keras_cnns  # noqa: E402
from keras_cnns.blocks import stages  # noqa: E402
from keras_cnns.uninitialised import uninitialised  # noqa: E402

DEEP = ("resnet-1202", "stochastic-depth-resnet-1202", "preact-resnet-1001",
        "densenet-bc-250-24", "densenet-264")


def flat_resnet1202() -> str:
    """Build ResNet-1202 with every stage in one graph; report what happens."""
    original = stages.MAX_FLAT_BLOCKS
    stages.MAX_FLAT_BLOCKS = 10 ** 9
    start = time.perf_counter()
    try:
        keras_cnns.create_model("resnet-1202")
        return f"built in {time.perf_counter() - start:.1f}s"
    except RecursionError:
        return f"RecursionError after {time.perf_counter() - start:.1f}s"
    finally:
        stages.MAX_FLAT_BLOCKS = original
        keras.backend.clear_session()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reproductions.bench_build", description=__doc__)
    parser.add_argument("nets", nargs="*", default=list(DEEP),
                        help="registry names (default: the deepest nets)")
    parser.add_argument("--flat", action="store_true", help="also try a flat ResNet-1202 graph")
    args = parser.parse_args(argv)
    limit = sys.getrecursionlimit()
    print(f"recursion limit: {limit}")
    print(f"{'net':<30} {'wall s':>7} {'CPU s':>7} {'uninit. s':>12} {'params':>12}")
    for name in args.nets:
        info = keras_cnns.model_info(name)
        cpu, wall = time.process_time(), time.perf_counter()
        model = info.build()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        params = model.count_params()
        del model
        keras.backend.clear_session()
        stateless = time.perf_counter()
        with uninitialised():
            info.build()
        stateless = time.perf_counter() - stateless
        keras.backend.clear_session()
        print(f"{info.name:<30} {wall:>7.1f} {cpu:>7.1f} {stateless:>12.1f} {params:>12,}")
    assert sys.getrecursionlimit() == limit, "a builder changed the recursion limit"
    if args.flat:
        print(f"flat ResNet-1202 (one graph per network): {flat_resnet1202()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
