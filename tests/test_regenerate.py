"""``python -m reproductions``: papers run in worker processes write what one process writes."""

import json

import pytest

from reproductions import __main__ as cli
from reproductions import regenerate


def test_papers_in_two_processes_write_what_one_process_writes(tmp_path, capsys):
    keys = ["alexnet", "vgg"]  # the two cheapest papers that build models
    serial = regenerate.regenerate(keys, tmp_path / "one", jobs=1)
    parallel = regenerate.regenerate(keys, tmp_path / "two", jobs=2)
    assert [run.key for run in parallel] == keys
    for one, two in zip(serial, parallel):
        assert one.counts == two.counts and one.counts["mismatch"] == 0
        assert two.models > 0 and two.layers > 0  # built in the worker, counted there
        for suffix in (".md", ".json"):
            a = (tmp_path / "one" / f"{one.key}{suffix}").read_text()
            b = (tmp_path / "two" / f"{one.key}{suffix}").read_text()
            assert a == b
    summary = json.loads((tmp_path / "two" / "vgg.json").read_text())["summary"]
    assert summary["match"] > 0


def test_jobs_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        cli.main(["vgg", "--jobs", "0"])
    assert "Received: jobs=0" in capsys.readouterr().err


def test_default_jobs_is_one_per_core_and_never_more_than_the_papers(monkeypatch):
    monkeypatch.setattr(regenerate.os, "cpu_count", lambda: 2)
    assert regenerate.default_jobs(22) == 2
    assert regenerate.default_jobs(1) == 1
    monkeypatch.setattr(regenerate.os, "cpu_count", lambda: None)
    assert regenerate.default_jobs(5) == 1


def test_a_profile_computed_by_one_worker_is_read_by_another(tmp_path):
    """Workers of one run share profiles through the run's directory: the first computes it
    from the real model and writes it; another reads the same figures without building."""
    from reproductions import measure

    key = ("tiny-cnn", (("classes", 7),))
    measure.share_profiles(tmp_path)
    try:
        built = measure.measure("tiny-cnn", classes=7)
        assert key in measure.BUILDS and len(list(tmp_path.glob("*.pickle"))) == 1
        assert not list(tmp_path.glob("*.partial"))
        reads = set(measure.SHARED_READS)
        other = measure._measure.__wrapped__(*key)  # a process that has not measured it
        assert measure.SHARED_READS - reads == {key}
        assert (other.name, other.call, other.profile) == (built.name, built.call, built.profile)
        assert other.profile.params == other.model.count_params() > 0  # the graph on demand
    finally:
        measure.share_profiles(None)
    assert measure._shared_path(key) is None


def test_a_worker_waits_for_a_profile_another_worker_is_building(tmp_path, monkeypatch):
    """The first worker to need a model claims it; another that needs it meanwhile waits
    for the profile instead of building the same graph, and builds it itself where the
    claim is dropped without one (the claimer failed) or the wait runs out."""
    import threading

    from reproductions import measure

    key = ("tiny-cnn", (("classes", 9),))
    built = measure._measure.__wrapped__(*key)  # what the other worker computes
    measure.share_profiles(tmp_path)
    try:
        shared = measure._shared_path(key)
        claim = shared.with_suffix(".claim")
        claim.touch()  # another worker is building it
        measure.BUILDS.pop(key)
        writer = threading.Timer(0.3, lambda: _write_profile(built, shared))
        writer.start()
        reads = set(measure.SHARED_READS)
        read = measure._measure.__wrapped__(*key)  # waits for the other worker's profile
        writer.join()
        assert measure.SHARED_READS - reads == {key} and key not in measure.BUILDS
        assert measure.WAITS[key] >= 0.25 and read.profile == built.profile

        shared.unlink()
        dropper = threading.Timer(0.3, claim.unlink)  # the claimer gave up without a profile
        dropper.start()
        measure._measure.__wrapped__(*key)
        dropper.join()
        assert key in measure.BUILDS and shared.is_file()

        shared.unlink()
        measure.BUILDS.pop(key)
        claim.touch()  # a claimer that never finishes
        monkeypatch.setattr(measure, "CLAIM_WAIT_SECONDS", 0.2)
        measure._measure.__wrapped__(*key)
        assert key in measure.BUILDS and 0.2 <= measure.WAITS[key] < 5
    finally:
        measure.share_profiles(None)


def _write_profile(measured, shared):
    """Write ``measured``'s profile at ``shared`` as a worker does."""
    import os
    import pickle

    partial = shared.with_suffix(".test.partial")
    partial.write_bytes(pickle.dumps((measured.name, measured.call, measured.profile)))
    os.replace(partial, shared)


def test_a_failed_build_drops_its_claim(tmp_path):
    from reproductions import measure

    measure.share_profiles(tmp_path)
    try:
        with pytest.raises(ValueError, match="Received"):
            measure.measure("tiny-cnn", classes=0)  # the builder's own error
        assert not list(tmp_path.glob("*.claim")) and not list(tmp_path.glob("*.pickle"))
    finally:
        measure.share_profiles(None)


def test_workers_make_no_automatic_full_collection():
    import gc

    before = gc.get_threshold()
    try:
        regenerate.young_collections_only()
        young, middle, full = gc.get_threshold()
        assert (young, middle) == before[:2] and full >= 2**31 - 1
    finally:
        gc.set_threshold(*before)
