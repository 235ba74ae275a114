"""Time every paper's reproduction, as ``python -m reproductions all`` runs them.

``python -m reproductions.bench_repro [paper ...] [--results DIR]``

Papers run as ``python -m reproductions all`` runs them (:mod:`reproductions.regenerate`:
one process per core, each keeping its ``measure`` cache across the papers it takes) and
write their tables to a temporary folder unless ``--results`` is given. Prints, per paper,
the seconds it took, the models its process built for it and their layers, the profiles it
read from the other worker instead of building them and the seconds it waited for those
another worker was building; then the slowest models, the models built by more than one
worker (none, unless a claim was dropped), and the command's total beside the goal (every
table in under 60 s on a 2-core machine).
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

from reproductions import PAPERS, regenerate  # noqa: E402

GOAL_SECONDS = 60


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reproductions.bench_repro",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("papers", nargs="*", help=f"default: all of {', '.join(PAPERS)}")
    parser.add_argument("--results", type=pathlib.Path)
    parser.add_argument("--jobs", type=int, default=None,
                        help="processes, as `python -m reproductions --jobs` (default: one "
                             "per core)")
    args = parser.parse_args(argv)
    keys = args.papers or list(PAPERS)
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs must be a positive integer. Received: jobs={args.jobs}")
    jobs = regenerate.default_jobs(len(keys)) if args.jobs is None else args.jobs
    start = time.perf_counter()

    def done(run):
        print(f"[{run.key}] {run.seconds:.1f} s", flush=True)

    with tempfile.TemporaryDirectory() as scratch:
        runs = regenerate.regenerate(keys, args.results or pathlib.Path(scratch), jobs, done)
    total = time.perf_counter() - start
    rows = [[run.key, round(run.seconds, 1), run.models, run.shared, round(run.waited, 1),
             run.layers, round(run.building, 1),
             ", ".join(f"{n} {s}" for s, n in run.counts.items() if n)] for run in runs]
    print()
    print(tabulate(rows, headers=["paper", "seconds", "models built", "profiles shared",
                                  "waited s", "layers built", "of which building s", "cells"],
                   tablefmt="github"))
    builds, twice = {}, {}
    for run in runs:
        for key, value in run.builds.items():
            if key in builds:  # built by two workers: neither had it when it began
                twice[key] = value
            builds[key] = value
    slowest = sorted(builds.items(), key=lambda item: -item[1][0])[:15]
    print("\nSlowest models to build and profile:")
    print(tabulate([[name + (f" {dict(over)}" if over else ""), round(sec, 1), layers]
                    for (name, over), (sec, layers) in slowest],
                   headers=["model", "seconds", "leaf layers"], tablefmt="github"))
    print(f"\nBuilt in more than one worker: {len(twice)} models, "
          f"{sum(sec for sec, _ in twice.values()):.1f} s"
          + "".join(f"; {name} {sec:.1f} s" for (name, _), (sec, _) in twice.items()))
    print(f"\nTotal {total:.1f} s for {len(keys)} papers in {jobs} process(es), "
          f"{sum(run.seconds for run in runs):.1f} s of paper time "
          f"(goal: under {GOAL_SECONDS} s for all); "
          f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
