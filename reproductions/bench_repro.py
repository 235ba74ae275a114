"""Time every paper's reproduction, as ``python -m reproductions all`` runs them.

``python -m reproductions.bench_repro [paper ...] [--results DIR]``

Papers run in one process, in order, sharing the ``measure`` cache (a model built for one
paper is not built again for the next), and write their tables to a temporary folder unless
``--results`` is given. Prints, per paper, the seconds it took, the models it built and their
layers, then the total beside the goal (every table in under 60 s on a 2-core machine).
Timings are machine-dependent: printed here, never asserted in a test.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import platform
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tabulate import tabulate  # noqa: E402

from reproductions import PAPERS, load, report  # noqa: E402
from reproductions import measure  # noqa: E402

GOAL_SECONDS = 60


def run(keys: list[str], results: pathlib.Path) -> list[list]:
    """``[paper, seconds, models built, their layers, building seconds, cells]`` per paper."""
    rows = []
    for key in keys:
        before = dict(measure.cache_info())
        start = time.perf_counter()
        module = load(key)
        tables = module.tables()
        report.write(results, module.PAPER, key, tables)
        seconds = time.perf_counter() - start
        after = measure.cache_info()
        counts = report.status_counts(tables)
        rows.append([key, round(seconds, 1), after["models"] - before["models"],
                     after["layers"] - before["layers"], round(after["seconds"] - before["seconds"], 1),
                     ", ".join(f"{n} {s}" for s, n in counts.items() if n)])
        print(f"[{key}] {seconds:.1f} s", flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reproductions.bench_repro",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("papers", nargs="*", help=f"default: all of {', '.join(PAPERS)}")
    parser.add_argument("--results", type=pathlib.Path)
    args = parser.parse_args(argv)
    keys = args.papers or list(PAPERS)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        rows = run(keys, args.results or pathlib.Path(scratch))
    total = time.perf_counter() - start
    print()
    print(tabulate(rows, headers=["paper", "seconds", "models built", "layers built",
                                  "of which building s", "cells"], tablefmt="github"))
    slowest = sorted(measure.BUILDS.items(), key=lambda item: -item[1][0])[:15]
    print("\nSlowest models to build and profile:")
    print(tabulate([[name + (f" {dict(over)}" if over else ""), round(sec, 1), layers]
                    for (name, over), (sec, layers) in slowest],
                   headers=["model", "seconds", "leaf layers"], tablefmt="github"))
    print(f"\nTotal {total:.1f} s for {len(keys)} papers (goal: under {GOAL_SECONDS} s for all); "
          f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
