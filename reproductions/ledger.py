"""The ledger of real training runs (``results/runs/*.json``) that accuracy cells read.

A record names the cell it fills (``paper``, ``table``, ``row``, ``column``) and carries the
evidence: ``command``, ``commit``, ``versions``, ``hardware``, ``dataset`` and its version,
``seed``, ``epochs``, the per-epoch ``history``, ``full_length`` (the paper's whole schedule
on the real dataset) and the final ``value`` (test error in the cell's unit, percent).
Only full-length runs on the real dataset fill a cell; until one exists the cell is not-run.
Smoke runs and runs on mock or generated data are recorded too, but never as full-length,
and by default outside the repository (:func:`default_runs_dir`).

Records are of one ``kind`` (:data:`KINDS`; a record without one is a training run):
``"training"`` (:mod:`reproductions.train`), ``"released-weights"``
(:mod:`reproductions.evaluate`: released weights evaluated here on the validation set, with
``weights``, ``protocol``, ``split`` and ``examples``; its ``full_length`` means the whole
validation set, e.g. ImageNet's 50,000 images) or ``"search"`` (:mod:`reproductions.search`:
a design-space search, which fills no cell). :func:`find` returns one kind only, so an
evaluation of released weights is never taken for a training run.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUNS_DIR = ROOT / "results" / "runs"

REQUIRED = ("paper", "table", "row", "column", "value", "command", "commit", "hardware",
            "dataset", "full_length", "log")

#: What a record is the evidence of: a training run, released weights evaluated here, or a
#: design-space search.
KINDS = ("training", "released-weights", "search")
#: What a released-weights record must carry besides :data:`REQUIRED`.
RELEASED_REQUIRED = ("model", "weights", "protocol", "dataset_version", "split", "examples",
                     "versions")


def record_kind(record: dict) -> str:
    """The record's kind (:data:`KINDS`); records written before kinds existed are training runs."""
    return record.get("kind", "training")


def _missing(record: dict) -> list[str]:
    missing = [field for field in REQUIRED if field not in record]
    if record_kind(record) not in KINDS:
        missing.append(f"kind in {KINDS} (has {record_kind(record)!r})")
    elif record_kind(record) == "released-weights":
        missing += [field for field in RELEASED_REQUIRED if field not in record]
    return missing


def _trusted(record: dict) -> bool:
    """A record may fill a cell only as a full-length run on real data that names its cell."""
    return (bool(record["full_length"]) and not record.get("mock", False)
            and not record.get("smoke", False)
            and not str(record.get("dataset", "")).startswith("synthetic")
            and record["value"] is not None)


def records(runs_dir: pathlib.Path | None = None) -> list[dict]:
    """All ledger records, each checked for the evidence it must carry."""
    runs_dir = pathlib.Path(runs_dir or RUNS_DIR)
    out = []
    for path in sorted(runs_dir.glob("*.json")) if runs_dir.is_dir() else []:
        record = json.loads(path.read_text())
        missing = _missing(record)
        if missing:
            raise ValueError(f"Ledger record {path.name} lacks {missing}.")
        out.append({**record, "ledger_file": path.name})
    return out


def find(paper: str, table: str, row: str, column: str, runs_dir: pathlib.Path | None = None,
         model: str | None = None, kind: str = "training") -> dict | None:
    """The newest full-length record of ``kind`` for one cell (of ``model``, when the cell
    names the network a run must train), or ``None``. Its ``ledger_file`` names the record."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}. Received: kind={kind!r}")
    runs = [r for r in records(runs_dir)
            if (r["paper"], r["table"], r["row"], r["column"]) == (paper, table, row, column)
            and record_kind(r) == kind
            and _trusted(r) and (model is None or _same_model(r.get("model"), model))]
    return runs[-1] if runs else None


def _same_model(recorded: str | None, model: str) -> bool:
    import keras_cnns

    try:
        return recorded is not None and (keras_cnns.model_info(recorded).name
                                         == keras_cnns.model_info(model).name)
    except ValueError:
        return False


def default_runs_dir(full_length_possible: bool) -> pathlib.Path:
    """``results/runs`` for runs that may fill a cell; a temporary folder for the rest."""
    if full_length_possible:
        return RUNS_DIR
    return pathlib.Path(tempfile.gettempdir()) / "keras-cnns-runs"


def git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def versions() -> dict:
    import keras
    import numpy
    import tensorflow as tf
    out = {"python": platform.python_version(), "tensorflow": tf.__version__,
           "keras": keras.__version__, "numpy": numpy.__version__}
    try:
        import tensorflow_datasets as tfds
        out["tensorflow_datasets"] = tfds.__version__
    except ImportError:
        pass
    return out


def write(record: dict, runs_dir: pathlib.Path) -> pathlib.Path:
    """Write one record (atomically) and return its path."""
    missing = _missing(record)
    if missing:
        raise ValueError(f"A ledger record needs {missing}.")
    runs_dir = pathlib.Path(runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{stamp}-{record['paper']}-{record.get('model', '')}"
                  f"-{record['dataset']}")
    path = runs_dir / f"{name}.json"
    tmp = runs_dir / f".{name}.tmp"
    tmp.write_text(json.dumps(record, indent=1, default=float) + "\n")
    os.replace(tmp, path)
    return path


def command_line(argv: list[str]) -> str:
    return " ".join([pathlib.Path(sys.executable).name, "-m", "reproductions", *argv])
