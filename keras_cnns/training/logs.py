"""Per-epoch CSV and TensorBoard logs of a run.

The TensorBoard events are written with TensorFlow's own ``tf.summary.write`` and the
scalars plugin's metadata, so the ``tensorboard`` package is needed only to view them.
"""

from __future__ import annotations

import csv
import pathlib

import tensorflow as tf
from tensorflow.core.framework import summary_pb2


def _scalar_metadata() -> bytes:
    metadata = summary_pb2.SummaryMetadata()
    metadata.plugin_data.plugin_name = "scalars"
    return metadata.SerializeToString()


class EpochLogger:
    """Append one row per epoch to ``log.csv`` and write TensorBoard scalars under ``tb/``."""

    def __init__(self, directory, enabled: bool = True):
        self.directory = pathlib.Path(directory)
        self.enabled = enabled
        self._writer = None

    def write(self, row: dict) -> None:
        if not self.enabled:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / "log.csv"
        new = not path.exists()
        with path.open("a", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(row))
            if new:
                writer.writeheader()
            writer.writerow(row)
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(str(self.directory / "tb"))
        with self._writer.as_default(step=int(row["epoch"])):
            for key, value in row.items():
                if key != "epoch" and isinstance(value, (int, float)):
                    tf.summary.write(key, tf.constant(float(value), tf.float32),
                                     metadata=_scalar_metadata())
        self._writer.flush()
