"""The ledger of real training runs (``results/runs/*.json``) that accuracy cells read.

A record names the cell it fills (``paper``, ``table``, ``row``, ``column``) and carries the
evidence: ``command``, ``commit``, ``hardware``, ``dataset``, ``epochs``, ``full_length``
(the paper's whole schedule on the real dataset) and the final ``value`` in the cell's unit.
Only full-length runs on the real dataset fill a cell; until one exists the cell is not-run.
"""

from __future__ import annotations

import json
import pathlib

RUNS_DIR = pathlib.Path(__file__).resolve().parent.parent / "results" / "runs"

REQUIRED = ("paper", "table", "row", "column", "value", "command", "commit", "hardware",
            "dataset", "full_length", "log")


def records(runs_dir: pathlib.Path = RUNS_DIR) -> list[dict]:
    """All ledger records, each checked for the evidence it must carry."""
    out = []
    for path in sorted(runs_dir.glob("*.json")) if runs_dir.is_dir() else []:
        record = json.loads(path.read_text())
        missing = [field for field in REQUIRED if field not in record]
        if missing:
            raise ValueError(f"Ledger record {path.name} lacks {missing}.")
        out.append(record)
    return out


def find(paper: str, table: str, row: str, column: str,
         runs_dir: pathlib.Path = RUNS_DIR) -> dict | None:
    """The newest full-length run for one cell, or ``None``."""
    runs = [r for r in records(runs_dir)
            if (r["paper"], r["table"], r["row"], r["column"]) == (paper, table, row, column)
            and r["full_length"]]
    return runs[-1] if runs else None
