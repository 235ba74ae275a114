"""Build time of the CIFAR residual/dense nets: ``python -m reproductions.bench_build [net ...]``.

Each net is built once, in a fresh Keras session, with Python's default recursion limit
untouched (checked before and after). Prints wall and CPU seconds to build (graph + initialised weights; CPU time is the
fairer figure on a shared machine) and the
parameter count. With ``--flat``, also tries ResNet-1202 as one flat functional graph to
show the RecursionError the nested-stage design avoids.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

from reproductions import cifar_nets  # noqa: E402

DEEP = ("resnet1202", "sd_resnet1202", "preact1001", "densenet_bc250_k24")


def flat_resnet1202() -> str:
    """Build ResNet-1202 with every stage in one graph; report what happens."""
    from keras_cnns import _common, resnet_cifar

    original = _common.stage
    _common.stage = lambda x, blocks, name, max_blocks=None: [x := block(x) for block in blocks][-1]
    start = time.perf_counter()
    try:
        resnet_cifar.ResNetCIFAR(1202)
        return f"built in {time.perf_counter() - start:.1f}s"
    except RecursionError:
        return f"RecursionError after {time.perf_counter() - start:.1f}s"
    finally:
        _common.stage = original
        keras.backend.clear_session()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reproductions.bench_build", description=__doc__)
    parser.add_argument("nets", nargs="*", default=list(DEEP),
                        help=f"net keys (default: the deepest); any of {', '.join(cifar_nets.NETS)}")
    parser.add_argument("--flat", action="store_true", help="also try a flat ResNet-1202 graph")
    args = parser.parse_args(argv)
    limit = sys.getrecursionlimit()
    print(f"recursion limit: {limit}")
    print(f"{'net':<22} {'builder':<52} {'wall s':>7} {'CPU s':>7} {'params':>12}")
    for key in args.nets:
        cpu = time.process_time()
        model, seconds = cifar_nets.build(key)
        cpu = time.process_time() - cpu
        params = model.count_params()
        del model
        keras.backend.clear_session()
        print(f"{key:<22} {cifar_nets.describe(key):<52} {seconds:>7.1f} {cpu:>7.1f} {params:>12,}")
    assert sys.getrecursionlimit() == limit, "a builder changed the recursion limit"
    if args.flat:
        print(f"flat ResNet-1202 (one graph per network): {flat_resnet1202()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
