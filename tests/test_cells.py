"""The comparison rules that give every published cell its status."""

import pytest

from reproductions.cells import (DEVIATION_KINDS, Deviation, Published, check, check_table,
                                parse_printed)


@pytest.mark.parametrize("printed, value, half_ulp", [
    ("138M", 138, 0.5), ("3.2M", 3.2, 0.05), ("1,728", 1728, 0.5), ("0.75", 0.75, 0.005),
    ("~96MB", 96, 0.5), ("7.3%", 7.3, 0.05)])
def test_parse_printed(printed, value, half_ulp):
    assert parse_printed(printed) == pytest.approx((value, half_ulp))


def test_parse_printed_rejects_text():
    with pytest.raises(ValueError, match="Not a printed number"):
        parse_printed("n/a")


def cell(printed="138", unit="M", **kwargs):
    return Published("test source", "D", "params", printed, unit, **kwargs)


def test_match_within_printed_rounding():
    assert check(cell(), 138_357_544).status == "match"
    assert check(cell(), 138_499_999).status == "match"


def test_mismatch_outside_printed_rounding():
    result = check(cell(), 138_600_000)
    assert result.status == "mismatch"
    assert "±0.5M" in result.note
    assert result.delta == pytest.approx(0.6)


def test_tolerance_needs_reason():
    with pytest.raises(ValueError, match="reason"):
        cell(rounding="tolerance", tolerance=1.0)
    widened = cell(rounding="tolerance", tolerance=1.0, tolerance_reason="two sig. figures")
    assert check(widened, 138_900_000).status == "match"


def test_deviation_needs_ours_to_match_corrected_figure():
    wrong = cell("24", deviation=Deviation("total disagrees with rows", "sum of rows", "15.24",
                                           kind="arithmetic"))
    assert check(wrong, 15_237_608).status == "deviation"
    assert "sum of rows" in check(wrong, 15_237_608).note
    assert check(wrong, 16_000_000).status == "mismatch"


def test_deviation_without_correction():
    wrong = cell("24", deviation=Deviation("copied from another row", "paper X, Table 2",
                                           kind="copied-row"))
    assert check(wrong, 15_000_000).status == "deviation"


def test_stale_deviation_is_a_mismatch():
    stale = cell(deviation=Deviation("thought wrong", "evidence", kind="typo"))
    result = check(stale, 138_000_000)
    assert result.status == "mismatch"
    assert "stale" in result.note


ACCURACY = dict(kind="accuracy", rounding="tolerance", tolerance=0.24,
                tolerance_reason="2 standard deviations of a published spread")


def test_accuracy_without_run_is_not_run_and_complexity_must_have_a_figure():
    accuracy = cell("7.3", "%", **ACCURACY)
    assert check(accuracy, None).status == "not-run"
    with pytest.raises(ValueError, match="no figure"):
        check(cell(), None)


def test_accuracy_cells_need_a_tolerance_unless_they_are_ensembles():
    with pytest.raises(ValueError, match="needs a tolerance"):
        cell("7.3", "%", kind="accuracy")
    ensemble = cell("3.57", "%", kind="accuracy", ensemble=True)
    result = check(ensemble, None)
    assert result.status == "not-run" and "no single training run" in result.note
    run = check(cell("7.3", "%", **ACCURACY), 7.5)
    assert run.status == "match" and check(cell("7.3", "%", **ACCURACY), 7.6).status == "mismatch"


def test_a_bound_is_an_inequality():
    bound = cell("> 20", "%", **ACCURACY)
    assert bound.bound == ">" and bound.value == 20
    assert check(bound, 35.0).status == "match" and check(bound, 19.9).status == "mismatch"
    assert "a bound" in bound.rounding_text


def test_deviations_name_their_kind():
    assert {"arithmetic", "copied-row", "rounding", "unit", "typo", "misread",
            "other-network", "unexplained"} == set(DEVIATION_KINDS)
    with pytest.raises(ValueError, match="names its kind"):
        Deviation("wrong", "evidence", "1.0")
    note = check(cell("24", deviation=Deviation("r", "e", "15.24", kind="unit")), 15.24e6).note
    assert "unit: r" in note


def test_check_table_reads_accuracy_from_ledger_and_requires_complexity_cells():
    cells = [cell(), Published("src", "D", "top-5 error", "7.3", "%", **ACCURACY)]
    table = check_table("vgg", "t", "title", "src", cells, {("D", "params"): 138_357_544})
    assert [c.status for c in table.cells] == ["match", "not-run"]
    with pytest.raises(KeyError, match="no reproduced figure"):
        check_table("vgg", "t", "title", "src", cells, {})


def test_unknown_unit_is_rejected():
    with pytest.raises(ValueError, match="Unknown unit"):
        cell(unit="Mb")
