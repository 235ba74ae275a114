"""Every published cell of every paper, checked against freshly computed figures.

One test per cell: a ``mismatch`` fails; a ``deviation`` must carry its reason and
evidence; ``not-run`` is only allowed for accuracy cells. The committed results/ files
must equal what the reproduction generates now.
"""

import json
import pathlib

import pytest

from reproductions import PAPERS, load, report
from reproductions import index as results_index

RESULTS = pathlib.Path(__file__).resolve().parent.parent / "results"
_CACHE: dict[str, list] = {}


def generated(key: str):
    if key not in _CACHE:
        _CACHE[key] = load(key).tables()
    return _CACHE[key]


def _cell_ids():
    for key in PAPERS:
        for table_id, cells in load(key).PUBLISHED.items():
            for index, cell in enumerate(cells):
                yield pytest.param(key, table_id, index,
                                   id=f"{key}/{table_id}/{cell.row}/{cell.column}")


@pytest.mark.parametrize("key, table_id, index", _cell_ids())
def test_published_cell(key, table_id, index):
    table = next(t for t in generated(key) if t.id == table_id)
    cell = table.cells[index]
    assert cell.published is load(key).PUBLISHED[table_id][index]
    assert cell.status != "mismatch", f"{cell.published.printed} vs ours {cell.reproduced}: {cell.note}"
    if cell.status == "deviation":
        assert cell.published.deviation.reason and cell.published.deviation.evidence
    if cell.status == "not-run":
        assert cell.published.kind == "accuracy"


@pytest.mark.parametrize("key", list(PAPERS))
def test_committed_results_are_current(key):
    module = load(key)
    expected = report.to_json(module.PAPER, key, generated(key))
    committed = json.loads((RESULTS / f"{key}.json").read_text())
    assert committed == json.loads(json.dumps(expected)), (
        f"results/{key}.json is stale: run `python -m reproductions {key}` and commit it")
    assert (RESULTS / f"{key}.md").read_text() == report.markdown(module.PAPER, key, generated(key))


def test_committed_results_index_is_the_one_the_committed_reports_give():
    assert (RESULTS / results_index.NAME).read_text() == results_index.render(RESULTS), (
        "results/README.md is stale: run `python -m reproductions <paper>` and commit it")
