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
