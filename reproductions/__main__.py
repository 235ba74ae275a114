"""Regenerate papers' tables into results/ and exit non-zero on any mismatch.

Usage: ``python -m reproductions vgg [mobilenet ...]`` or ``python -m reproductions all``.
Training: ``python -m reproductions <paper> --train --model NAME --dataset NAME [--smoke]``
(see ``python -m reproductions <paper> --train --help`` and :mod:`reproductions.train`).
Search: ``python -m reproductions efficientnet --search --dataset NAME --budget 2.6x``
(:mod:`reproductions.search`, :mod:`keras_cnns.search`).
Released weights on ImageNet validation: ``python -m reproductions <paper> --evaluate --model
NAME --weights imagenet|PATH [--protocol centre-crop|10-crop|...] [--mock]``
(:mod:`reproductions.evaluate`).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from reproductions import PAPERS, index, regenerate  # noqa: E402

RESULTS = pathlib.Path(__file__).resolve().parent.parent / "results"


#: The modes beside regenerating tables: flag -> module whose ``run(argv)`` does it.
MODES = {"--train": "train", "--evaluate": "evaluate", "--search": "search"}


def _run_mode(flag: str, argv: list[str]) -> int:
    """Run a mode's ``run``; a refused argument or missing data is one line on stderr, exit 2."""
    import importlib

    module = importlib.import_module(f"reproductions.{MODES[flag]}")
    try:
        return module.run([a for a in argv if a != flag])
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    for flag in MODES:
        if flag in argv:
            return _run_mode(flag, argv)
    parser = argparse.ArgumentParser(prog="python -m reproductions", description=__doc__)
    parser.add_argument("papers", nargs="+", help=f"'all' or any of: {', '.join(PAPERS)}")
    parser.add_argument("--results", type=pathlib.Path, default=RESULTS,
                        help="where to write <paper>.md and <paper>.json (default: results/)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary lines")
    parser.add_argument("--jobs", type=int, default=None,
                        help="papers run in this many processes at once (default: one per "
                             "core for several papers, this process for one)")
    args = parser.parse_args(argv)
    keys = list(PAPERS) if args.papers == ["all"] else args.papers
    for key in keys:
        if key not in PAPERS:
            parser.error(f"unknown paper {key!r}; choose from: all, {', '.join(PAPERS)}")
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs must be a positive integer. Received: jobs={args.jobs}")
    jobs = regenerate.default_jobs(len(keys)) if args.jobs is None else args.jobs
    failed = []
    for run in regenerate.regenerate(keys, args.results, jobs):
        if not args.quiet:
            print(run.text)
        for path in run.artifacts:
            print(f"[{run.key}] wrote {path}")
        print(f"[{run.key}] " + ", ".join(f"{n} {s}" for s, n in run.counts.items())
              + f" -> {args.results / run.key}.md/.json")
        if run.counts["mismatch"]:
            failed.append(run.key)
    print(f"[index] wrote {index.write(args.results)}")
    if failed:
        print(f"MISMATCH in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
