"""The ledger: only full-length runs on real data fill accuracy cells, within their tolerance."""

import json

import pytest

from reproductions import cells, ledger

CELL = dict(paper="wrn", table="table4", row="WRN-28-10", column="CIFAR-10 error (%)")


def _record(**overrides):
    record = dict(CELL, value=4.1, command="python -m reproductions wrn --train ...",
                  commit="abc123", hardware={"summary": "1 x GPU"}, dataset="cifar10",
                  full_length=True, log="log.csv", mock=False, smoke=False)
    record.update(overrides)
    return record


def _published(printed="4.17"):
    return cells.Published("Zagoruyko & Komodakis 2016, Table 4", CELL["row"], CELL["column"],
                           printed, "%", kind="accuracy", rounding="tolerance", tolerance=0.3,
                           tolerance_reason="spread of the paper's repeated runs")


def test_full_length_real_run_fills_the_cell(tmp_path, monkeypatch):
    ledger.write(_record(), tmp_path)
    assert ledger.find(**CELL, runs_dir=tmp_path)["value"] == 4.1
    monkeypatch.setattr(ledger, "RUNS_DIR", tmp_path)
    table = cells.check_table("wrn", "table4", "t", "s", [_published()], {})
    assert table.cells[0].status == "match" and table.cells[0].reproduced == pytest.approx(4.1)
    far = cells.check_table("wrn", "table4", "t", "s", [_published("3.50")], {})
    assert far.cells[0].status == "mismatch"


@pytest.mark.parametrize("overrides", [
    dict(full_length=False), dict(mock=True), dict(smoke=True), dict(dataset="synthetic"),
    dict(value=None), dict(row="WRN-16-8"),
])
def test_short_mock_or_other_runs_never_fill_a_cell(tmp_path, monkeypatch, overrides):
    ledger.write(_record(**overrides), tmp_path)
    assert ledger.find(**CELL, runs_dir=tmp_path) is None
    monkeypatch.setattr(ledger, "RUNS_DIR", tmp_path)
    table = cells.check_table("wrn", "table4", "t", "s", [_published()], {})
    assert table.cells[0].status == "not-run"


def test_records_must_carry_their_evidence(tmp_path):
    with pytest.raises(ValueError, match="commit"):
        ledger.write({k: v for k, v in _record().items() if k != "commit"}, tmp_path)
    (tmp_path / "bad.json").write_text(json.dumps({"paper": "wrn"}))
    with pytest.raises(ValueError, match="lacks"):
        ledger.records(tmp_path)


def test_smoke_runs_default_outside_the_repository():
    assert ledger.default_runs_dir(True) == ledger.RUNS_DIR
    assert ledger.ROOT not in ledger.default_runs_dir(False).parents


def test_provenance_helpers():
    assert ledger.git_commit() != ""
    assert {"tensorflow", "keras", "python"} <= set(ledger.versions())


def test_a_cell_naming_its_network_takes_only_runs_of_that_network(tmp_path, monkeypatch):
    monkeypatch.setattr(ledger, "RUNS_DIR", tmp_path)
    published = cells.Published("src", CELL["row"], CELL["column"], "4.17", "%", kind="accuracy",
                                rounding="tolerance", tolerance=0.3,
                                tolerance_reason="spread", model="wrn-28-10")
    ledger.write(_record(model="wrn-16-8"), tmp_path)
    other = cells.check_table("wrn", "table4", "t", "s", [published], {})
    assert other.cells[0].status == "not-run" and "wrn-28-10" in other.cells[0].note
    ledger.write(_record(model="wrn-28-10", commit="def456"), tmp_path)
    same = cells.check_table("wrn", "table4", "t", "s", [published], {})
    assert same.cells[0].status == "match"
