"""Checkpoints that let a killed run resume exactly where it stopped.

A checkpoint is a directory ``ckpt-<global step>/`` holding the model variables
(``model.npz``, including batch-norm statistics and dropout seed states), the optimizer
variables (``optimizer.npz``: iteration count, momenta) and ``state.json`` (epoch, step in
the epoch, the per-epoch history and the running sums of the current epoch). It is written
to a temporary name and renamed, and ``latest`` is replaced atomically, so a kill at any
moment leaves the previous checkpoint intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil

import numpy as np


class CheckpointMismatchError(ValueError):
    """The checkpoint in a run directory belongs to another model or configuration."""


def fingerprint(model) -> str:
    """Hash of the model's variable paths and shapes."""
    text = "\n".join(f"{v.path}:{tuple(v.shape)}" for v in model.variables)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _values(variables) -> dict[str, np.ndarray]:
    return {f"v{i:05d}": np.asarray(v.numpy()) for i, v in enumerate(variables)}


def _assign(variables, arrays, what: str, where) -> None:
    if len(arrays) != len(variables):
        raise CheckpointMismatchError(f"{where} holds {len(arrays)} {what} variables, the run "
                                      f"has {len(variables)}.")
    for i, v in enumerate(variables):
        value = arrays[f"v{i:05d}"]
        if tuple(value.shape) != tuple(v.shape):
            raise CheckpointMismatchError(f"{where}: {what} variable {v.path} has shape "
                                          f"{tuple(v.shape)}, the checkpoint {value.shape}.")
        v.assign(value)


class Checkpointer:
    """Save and restore a run's model, optimizer and loop state under ``directory``."""

    def __init__(self, directory, keep: int = 2, write: bool = True):
        self.directory = pathlib.Path(directory)
        self.keep = keep
        self.write = write

    def latest(self) -> pathlib.Path | None:
        pointer = self.directory / "latest"
        if not pointer.is_file():
            return None
        path = self.directory / pointer.read_text().strip()
        return path if (path / "state.json").is_file() else None

    def read_state(self) -> dict | None:
        path = self.latest()
        return None if path is None else json.loads((path / "state.json").read_text())

    def check(self, identity: dict) -> dict | None:
        """The saved state, after checking it was written by the same run configuration."""
        state = self.read_state()
        if state is None:
            return None
        theirs = state["identity"]
        differ = {k: (theirs.get(k), v) for k, v in identity.items() if theirs.get(k) != v}
        if differ:
            details = "; ".join(f"{k}: checkpoint {a!r}, this run {b!r}" for k, (a, b) in differ.items())
            raise CheckpointMismatchError(
                f"The checkpoint in {self.directory} was written by a different run ({details}). "
                "Nothing was changed; use another --run-dir or the original settings.")
        return state

    def restore(self, model, optimizer) -> None:
        path = self.latest()
        with np.load(path / "model.npz") as arrays:
            _assign(model.variables, arrays, "model", path)
        with np.load(path / "optimizer.npz") as arrays:
            _assign(optimizer.variables, arrays, "optimizer", path)

    def save(self, model, optimizer, state: dict) -> pathlib.Path | None:
        if not self.write:
            return None
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"ckpt-{state['global_step']:09d}"
        final = self.directory / name
        tmp = self.directory / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        np.savez(tmp / "model.npz", **_values(model.variables))
        np.savez(tmp / "optimizer.npz", **_values(optimizer.variables))
        (tmp / "state.json").write_text(json.dumps(state, indent=1))
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        pointer = self.directory / ".latest.tmp"
        pointer.write_text(name)
        os.replace(pointer, self.directory / "latest")
        for old in sorted(self.directory.glob("ckpt-*"))[:-self.keep]:
            shutil.rmtree(old, ignore_errors=True)
        return final
