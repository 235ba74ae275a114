"""Published numbers as data with provenance, and the status of each reproduced cell.

A :class:`Published` cell records a number exactly as printed in a paper or lecture, with
its source, unit and rounding; :func:`check` compares our figure against it and gives one
status:

``match``      ours agrees within the printed rounding (or a stated tolerance with its reason);
``deviation``  the published number is itself wrong or inconsistent: the cell carries a
               :class:`Deviation` with the reason and evidence, and, where it can be
               computed, the corrected figure, which ours must then match;
``mismatch``   ours disagrees and no deviation is documented: a failure;
``not-run``    an accuracy cell with no real training run in the ledger.

An accuracy cell with no training run may be filled by the model's released weights evaluated
here on the whole validation set (a ledger record of kind ``released-weights``,
:mod:`reproductions.evaluate`): its status is still ``match``/``mismatch`` by the cell's
tolerance, and its note begins "released weights (<source>), evaluated here".

Accuracy cells carry a tolerance with its reason (the paper's reported spread, or a
published run-to-run spread for the dataset and model family, :mod:`reproductions.spreads`),
name the registry model a run must train, and may be bounds ("> 20": a run that failed to
train) or competition ensembles, which no single run can reproduce.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

STATUSES = ("match", "deviation", "mismatch", "not-run")

#: Multiplier of each unit; the value of a cell is ``printed number * SCALE[unit]``.
SCALE = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "%": 1, "MB": 1e6, "x": 1}

_NUMBER = re.compile(r"^([~≈<>]?)\s*([-+]?[0-9][0-9,]*(?:\.[0-9]+)?)")


def parse_printed(printed: str) -> tuple[float, float]:
    """``(value, half_ulp)`` of a number as printed: "138M" -> (138, 0.5), "3.2M" -> (3.2, 0.05)."""
    match = _NUMBER.match(printed.strip())
    if not match:
        raise ValueError(f"Not a printed number: {printed!r}")
    digits = match.group(2).replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits), 0.5 * 10.0 ** -decimals


def printed_bound(printed: str) -> str:
    """``">"`` or ``"<"`` when a number is printed as a bound ("> 20"), else ``""``."""
    match = _NUMBER.match(printed.strip())
    return match.group(1) if match and match.group(1) in "<>" else ""


#: What sort of error a published number is: a sum or product miscomputed, a value copied
#: from another row, a wrong rounding, a wrong unit, a typo (digits swapped, a misprint), a
#: value read from the wrong place of the network (an output width given as an input
#: width), a figure that belongs to another network than the row names (which, when the
#: paper describes that network, we build and match instead), or "unexplained": no variant
#: or counting convention we could build reaches the printed figure and no source says where
#: it comes from (the evidence lists what was tried; the cause stays an open question).
DEVIATION_KINDS = ("arithmetic", "copied-row", "rounding", "unit", "typo", "misread",
                   "other-network", "unexplained")


@dataclasses.dataclass(frozen=True)
class Deviation:
    """Why a published number is wrong, with evidence and (if computable) the right figure.

    ``corrected`` is printed in the cell's unit with the precision it is claimed to; ours
    must agree with it within that precision, or the cell is a mismatch after all.
    """

    reason: str
    evidence: str
    corrected: str | None = None
    kind: str = ""  # one of DEVIATION_KINDS: what sort of error the published number is

    def __post_init__(self):
        if self.kind not in DEVIATION_KINDS:
            raise ValueError(f"A deviation names its kind, one of {DEVIATION_KINDS}. "
                             f"Received: kind={self.kind!r}")


@dataclasses.dataclass(frozen=True)
class Published:
    """One published number: where it is printed, what it measures, how it was rounded."""

    source: str  # e.g. "Simonyan & Zisserman 2015, Table 2"
    row: str
    column: str
    printed: str  # exactly as printed, e.g. "138M", "1,728", "3.2M"
    unit: str = ""  # key of SCALE
    kind: str = "complexity"  # or "accuracy"
    rounding: str = "nearest"  # "nearest" (half a unit of the last digit) or "tolerance"
    tolerance: float | None = None  # in ``unit``, with rounding="tolerance"
    tolerance_reason: str = ""
    convention: str = ""  # e.g. "weights only, biases not counted"
    deviation: Deviation | None = None
    model: str | None = None  # registry name of the model the cell is a figure of
    metric: object = None  # a reproductions.measure.Metric: the convention that selects it
    ensemble: bool = False  # an accuracy of several models (a competition entry)

    def __post_init__(self):
        if self.metric is not None:
            if self.convention:
                raise ValueError(f"{self.row}/{self.column}: a metric states its own convention.")
            object.__setattr__(self, "convention", self.metric.text)
        if self.kind == "complexity" and (self.model is None) != (self.metric is None):
            raise ValueError(f"{self.row}/{self.column}: give a model and a metric, or neither.")
        if self.kind == "accuracy":
            if self.metric is not None:
                raise ValueError(f"{self.row}/{self.column}: an accuracy cell has no metric.")
            if self.rounding != "tolerance" and not self.ensemble:
                raise ValueError(f"{self.row}/{self.column}: an accuracy cell needs a tolerance "
                                 "and its reason (the paper's spread or a published one).")
        if self.unit not in SCALE:
            raise ValueError(f"Unknown unit {self.unit!r} in {self.row}/{self.column}.")
        if self.kind not in ("complexity", "accuracy"):
            raise ValueError(f"Unknown kind {self.kind!r} in {self.row}/{self.column}.")
        if self.rounding == "tolerance" and (self.tolerance is None or not self.tolerance_reason):
            raise ValueError(f"A tolerance needs a value and a reason ({self.row}/{self.column}).")
        if self.rounding not in ("nearest", "tolerance"):
            raise ValueError(f"Unknown rounding {self.rounding!r} in {self.row}/{self.column}.")
        parse_printed(self.printed)

    @property
    def value(self) -> float:
        return parse_printed(self.printed)[0]

    @property
    def bound(self) -> str:
        """``">"``/``"<"`` for a cell printed as a bound, else ``""``."""
        return printed_bound(self.printed)

    @property
    def allowed(self) -> float:
        """Largest |ours - published| (in ``unit``) that still counts as agreement."""
        if self.rounding == "tolerance":
            return self.tolerance
        return parse_printed(self.printed)[1]

    @property
    def rounding_text(self) -> str:
        if self.bound:
            return f"a bound: ours must be {self.bound} {self.value:g}{self.unit}"
        if self.ensemble and self.rounding != "tolerance":
            return "an ensemble: not compared with one run"
        if self.rounding == "tolerance":
            return f"±{self.tolerance:g}{self.unit} ({self.tolerance_reason})"
        return f"±{self.allowed:g}{self.unit} (printed rounding)"


@dataclasses.dataclass(frozen=True)
class Cell:
    """A published cell beside our figure, with its status."""

    published: Published
    reproduced: float | None  # in the cell's unit; None for not-run
    status: str
    note: str

    @property
    def delta(self) -> float | None:
        if self.reproduced is None:
            return None
        return self.reproduced - self.published.value

    def to_json(self) -> dict:
        p = self.published
        return {
            "row": p.row, "column": p.column, "unit": p.unit, "kind": p.kind,
            "published": p.value, "printed": p.printed, "reproduced": self.reproduced,
            "delta": self.delta, "status": self.status, "note": self.note,
            "rounding": p.rounding_text, "source": p.source, "model": p.model,
        }


def _agrees(ours: float, target: float, allowed: float, bound: str = "") -> bool:
    if bound == ">":
        return ours > target
    if bound == "<":
        return ours < target
    return abs(ours - target) <= allowed * (1 + 1e-9) + 1e-12


ENSEMBLE_NOTE = ("a competition entry of several models (and crops): no single training run "
                 "can reproduce it, so no run fills this cell")


def check(published: Published, reproduced: float | None, run_note: str = "") -> Cell:
    """Compare ``reproduced`` (in base units, e.g. parameters, not millions) with ``published``.

    ``reproduced=None`` is only allowed for accuracy cells, which are then ``not-run``.
    """
    notes = [published.convention] if published.convention else []
    if reproduced is None:
        if published.kind != "accuracy":
            raise ValueError(f"Complexity cell {published.row}/{published.column} has no figure.")
        if published.ensemble:
            notes.append(ENSEMBLE_NOTE)
        else:
            model = f" of {published.model}" if published.model else ""
            notes.append(run_note or f"needs a real training run{model}; none in the ledger")
        return Cell(published, None, "not-run", "; ".join(notes))
    ours = reproduced / SCALE[published.unit]
    if run_note:
        notes.append(run_note)
    deviation = published.deviation
    if _agrees(ours, published.value, published.allowed, published.bound):
        if deviation is not None:
            notes.append("documented deviation is stale: ours now agrees with the published value")
            return Cell(published, ours, "mismatch", "; ".join(notes))
        return Cell(published, ours, "match", "; ".join(notes))
    if deviation is None:
        notes.append(f"differs by more than {published.rounding_text}")
        return Cell(published, ours, "mismatch", "; ".join(notes))
    notes.append(f"{deviation.kind}: {deviation.reason} [{deviation.evidence}]")
    if deviation.corrected is not None:
        corrected, half_ulp = parse_printed(deviation.corrected)
        if not _agrees(ours, corrected, half_ulp):
            notes.append(f"ours also disagrees with the corrected figure {deviation.corrected}")
            return Cell(published, ours, "mismatch", "; ".join(notes))
        notes.append(f"corrected figure: {deviation.corrected}{published.unit}")
    return Cell(published, ours, "deviation", "; ".join(notes))


@dataclasses.dataclass
class Table:
    """One reproduced table: its cells and optional free-form details for the report."""

    id: str
    title: str
    source: str
    cells: list[Cell]
    details: str = ""  # Markdown shown under the table (e.g. a per-layer breakdown)

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "source": self.source,
                "cells": [cell.to_json() for cell in self.cells]}


def check_table(paper: str, table_id: str, title: str, source: str, published: list[Published],
                reproduced: dict[tuple[str, str], float], details: str = "") -> Table:
    """Check every published cell against ``reproduced[(row, column)]`` (base units).

    A cell that names a ``model`` and a ``metric`` is computed here, from the measured model
    (:func:`reproductions.measure.measure`); ``reproduced`` must not also give it. Other
    complexity cells must all have a reproduced figure; a missing one is a programming
    error, never a silent skip. Accuracy cells are read from the ledger of real runs
    (:mod:`reproductions.ledger`) and are ``not-run`` until a full-length run (or an
    evaluation of released weights on the whole validation set) is recorded.
    """
    from reproductions.measure import measure

    cells = []
    for item in published:
        key = (item.row, item.column)
        if item.kind == "accuracy":
            cells.append(_accuracy_cell(paper, table_id, item))
            continue
        if item.metric is not None:
            if key in reproduced:
                raise KeyError(f"{table_id}: {item.row!r}/{item.column!r} is computed from its "
                               "metric; the paper's code must not give it too")
            cells.append(check(item, item.metric(measure(item.model))))
            continue
        if key not in reproduced:
            raise KeyError(f"{table_id}: no reproduced figure for row {item.row!r}, "
                           f"column {item.column!r}")
        cells.append(check(item, reproduced[key]))
    return Table(table_id, title, source, cells, details)


def released_weights_note(record: dict) -> str:
    """How a cell filled by released weights evaluated here (not a training run) says so."""
    return (f"released weights ({record['weights']}), evaluated here: {record['protocol']}, "
            f"ledger {record.get('ledger_file', '?')}")


def _accuracy_cell(paper: str, table_id: str, item: Published) -> Cell:
    """An accuracy cell from the ledger: a full-length training run of its model, else its
    released weights evaluated here on the whole validation set, else not-run. The status
    keeps its meaning either way (match/mismatch by the cell's tolerance); the note says
    which evidence filled the cell."""
    from reproductions import ledger

    if item.ensemble:
        return check(item, None)
    where = (paper, table_id, item.row, item.column)
    run = ledger.find(*where, model=item.model)
    if run is not None:
        note = f"ledger: {run['hardware']}, commit {run['commit'][:10]}, log {run['log']}"
        return check(item, run["value"] * SCALE[item.unit], note)
    released = ledger.find(*where, model=item.model, kind="released-weights")
    if released is not None:
        return check(item, released["value"] * SCALE[item.unit], released_weights_note(released))
    return check(item, None)


@dataclasses.dataclass(frozen=True)
class TableSpec:
    """A paper's table as data: its published cells and how to compute the rest.

    Cells with a ``model`` and a ``metric`` need no code. ``figures()`` returns our figures
    for the other complexity cells, ``{(row, column): value}``, or that and the Markdown
    details shown under the table; ``details()`` may give the details on its own.
    """

    id: str
    title: str
    source: str
    cells: Sequence[Published]
    figures: Callable[[], dict | tuple[dict, str]] | None = None
    details: Callable[[], str] | None = None

    def check(self, paper: str) -> Table:
        reproduced, details = {}, ""
        if self.figures is not None:
            result = self.figures()
            reproduced, details = result if isinstance(result, tuple) else (result, "")
        if self.details is not None:
            details = self.details()
        return check_table(paper, self.id, self.title, self.source, list(self.cells),
                           reproduced, details)


def published(specs: Sequence[TableSpec]) -> dict[str, list[Published]]:
    """``{table id: cells}`` of a paper's table specs (its ``PUBLISHED``)."""
    return {spec.id: list(spec.cells) for spec in specs}


def check_tables(paper: str, specs: Sequence[TableSpec]) -> list[Table]:
    """Every table of a paper, checked."""
    return [spec.check(paper) for spec in specs]


#: A binary thousand: GoogLeNet's Table 1 prints parameters in K = 1024 (its conv 3x3 row's
#: 64x64 + 3x3x64x192 = 114,688 weights is printed "112K", the linear layer's 1024x1000 "1000K").
SCALE["Ki"] = 1024
