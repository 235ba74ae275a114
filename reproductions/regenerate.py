"""Regenerate papers' tables, one paper after another or in parallel processes.

:func:`run_paper` builds one paper's models, checks its tables and writes them; it is what
``python -m reproductions <paper>`` runs for each paper. :func:`regenerate` runs several:
in this process when ``jobs`` is 1, else in ``jobs`` worker processes (started with
``spawn``: TensorFlow is not fork-safe), each taking the next paper when it finishes one
and keeping its :func:`~reproductions.measure.measure` cache across the papers it runs, so
a model shared by papers one worker runs is built once there. The workers of a run share
the profiles they compute (:func:`reproductions.measure.share_profiles`) through a temporary
directory removed when the run ends: a model one worker has profiled is not built again by
another unless a table reads its graph. Every figure comes from a real Keras model built in
this run; nothing is kept across runs.

Workers make no automatic full garbage collection (:func:`young_collections_only`).
Measured on the 2-core CI machine (``python -m reproductions.bench_repro``, 26 papers,
2026-12-05): 54-58 s in two processes (85 s before the bookkeeping shortcuts, the claims
and this collection policy, back to back),
most of it building the models' graphs (Keras' layer construction is pure Python, one core
per process) and about 6 s importing TensorFlow in each worker.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import gc
import multiprocessing
import os
import pathlib
import tempfile
import time


@dataclasses.dataclass(frozen=True)
class PaperRun:
    """What regenerating one paper produced and cost."""

    key: str
    text: str  # the Markdown report written to results/<key>.md
    counts: dict  # cells per status
    artifacts: list  # extra files written (plots)
    seconds: float
    #: (name, overrides) -> (seconds, leaf layers) of the models built and profiled for this
    #: paper (not those its process had already built for an earlier one)
    builds: dict
    #: profiles this paper read from another worker of the run instead of building them
    shared: int = 0
    #: seconds this paper waited for profiles another worker was building
    waited: float = 0.0

    @property
    def models(self) -> int:
        return len(self.builds)

    @property
    def layers(self) -> int:
        return sum(n for _, n in self.builds.values())

    @property
    def building(self) -> float:
        return sum(s for s, _ in self.builds.values())


def run_paper(key: str, results: pathlib.Path) -> PaperRun:
    """Build ``key``'s models, check its tables against the published cells and write them
    (``results/<key>.md`` and ``.json``, and any plot the paper defines)."""
    from reproductions import load, measure, report

    before, read_before = dict(measure.BUILDS), set(measure.SHARED_READS)
    waits_before = dict(measure.WAITS)
    start = time.perf_counter()
    module = load(key)
    tables = module.tables()
    text = report.write(results, module.PAPER, key, tables)
    # Optional extra outputs of a paper (plots): ``artifacts(results_dir) -> [paths]``.
    artifacts = [str(path) for path in getattr(module, "artifacts", lambda _: [])(results)]
    seconds = time.perf_counter() - start
    builds = {k: v for k, v in measure.BUILDS.items() if k not in before}
    waited = sum(v for k, v in measure.WAITS.items() if k not in waits_before)
    return PaperRun(key, text, dict(report.status_counts(tables)), artifacts, seconds, builds,
                    len(measure.SHARED_READS - read_before), waited)


#: Papers by their measured share of ``python -m reproductions all`` (bench_repro on the 2-core
#: CI machine, 2026-12-05: wrn 15-16 s, densenet 12-13, survey and efficientnet 9-12,
#: pyramidnet 9, mobilenetv3 7, inception, resnest and cbam 5, the others less), heaviest
#: first (the order of the shares measured when it was introduced: reordered to today's,
#: one run took 61.4 s against 57-58 s, within the spread). The workers take papers in this
#: order, the rest in the order given, so that no worker is left alone with a heavy paper at
#: the end (80 s instead of 86 s for every table when it was introduced). Only the order of
#: work depends on it; the reports come back in the order asked.
HEAVIEST_FIRST = ("wrn", "densenet", "efficientnet", "survey", "pyramidnet", "resnet",
                  "mobilenetv3", "cbam")


def default_jobs(papers: int) -> int:
    """One process per core, never more than there are papers."""
    return max(1, min(papers, os.cpu_count() or 1))


def regenerate(keys: list[str], results: pathlib.Path, jobs: int = 1, on_done=None):
    """Run every paper of ``keys``; returns their :class:`PaperRun` in the order of ``keys``.
    ``on_done(run)`` is called as each paper finishes (in the order they finish)."""
    results = pathlib.Path(results)
    if jobs <= 1 or len(keys) <= 1:
        runs = []
        for key in keys:
            runs.append(run_paper(key, results))
            if on_done:
                on_done(runs[-1])
        return runs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # inherited by the spawned workers
    context = multiprocessing.get_context("spawn")
    done = {}
    with tempfile.TemporaryDirectory(prefix="keras-cnns-profiles-") as shared:
        with concurrent.futures.ProcessPoolExecutor(
                max_workers=jobs, mp_context=context, initializer=_worker,
                initargs=(shared,)) as pool:
            rank = {key: index for index, key in enumerate(HEAVIEST_FIRST)}
            ordered = sorted(keys, key=lambda key: rank.get(key, len(rank)))  # stable
            futures = {pool.submit(run_paper, key, results): key for key in ordered}
            for future in concurrent.futures.as_completed(futures):
                run = future.result()
                done[run.key] = run
                if on_done:
                    on_done(run)
    return [done[key] for key in keys]


def _worker(directory: str) -> None:
    """Worker initialiser: share profiles through the run's ``directory``, and collect
    cyclic garbage in the young generations only (:func:`young_collections_only`)."""
    from reproductions import measure
    measure.share_profiles(directory)
    young_collections_only()


def young_collections_only() -> None:
    """No automatic full collection in this process. A worker keeps the profiles of every
    model it measured and its most recent models, so each full collection walks millions
    of objects (about 1 s late in a run) to free little: measured on the 2-core CI machine,
    5 to 8 of them took 6-7 s of each worker's ~50 s. Young objects are still collected
    as usual; what escapes them stays until the worker exits (its peak memory in
    ``python -m reproductions all``: 1.5 GB instead of 1.1 GB)."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 2**31 - 1)
