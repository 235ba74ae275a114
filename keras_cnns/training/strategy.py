"""Choosing a ``tf.distribute`` strategy, mixed precision and the global batch per replica.

``auto`` picks a TPU if one is reachable, then every local GPU (``MirroredStrategy``) when
there are several, then the single GPU, then the CPU. ``multiworker`` reads the cluster from
``TF_CONFIG`` (``MultiWorkerMirroredStrategy``); the engine drives it with its own training
loop, because Keras 3's ``model.fit`` does not support that strategy.
"""

from __future__ import annotations

import json
import os

import tensorflow as tf

from keras_cnns.arguments import check_choice

STRATEGIES = ("auto", "cpu", "gpu", "mirrored", "multiworker", "tpu")
PRECISIONS = ("float32", "bf16", "fp16")


def _tpu_resolver():
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return resolver
    except (ValueError, RuntimeError, tf.errors.NotFoundError):
        return None


def check(name: str) -> None:
    check_choice("strategy", name, STRATEGIES)


def make(name: str = "auto") -> tf.distribute.Strategy:
    """Build strategy ``name`` (one of :data:`STRATEGIES`)."""
    check(name)
    if name == "multiworker":
        if "TF_CONFIG" not in os.environ:
            raise ValueError("strategy 'multiworker' needs TF_CONFIG describing the cluster "
                             "(see README, 'Training on several machines'). "
                             "Received: strategy='multiworker'")
        options = tf.distribute.experimental.CommunicationOptions(
            implementation=tf.distribute.experimental.CommunicationImplementation.AUTO)
        return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    if name in ("auto", "tpu") and (name == "tpu" or os.environ.get("TPU_NAME")
                                     or os.path.exists("/dev/accel0")):
        resolver = _tpu_resolver()
        if resolver is not None:
            return tf.distribute.TPUStrategy(resolver)
        if name == "tpu":
            raise ValueError("No TPU could be reached. Received: strategy='tpu'")
    gpus = tf.config.list_logical_devices("GPU")
    if name == "gpu" and not gpus:
        raise ValueError("No GPU is visible to TensorFlow. Received: strategy='gpu'")
    if name == "mirrored" or (name == "auto" and len(gpus) > 1):
        return tf.distribute.MirroredStrategy()
    if name in ("auto", "gpu") and gpus:
        return tf.distribute.OneDeviceStrategy("/gpu:0")
    return tf.distribute.OneDeviceStrategy("/cpu:0")


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes checkpoints, logs and the ledger record."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return True
    task = json.loads(os.environ.get("TF_CONFIG", "{}")).get("task", {})
    return task.get("type", "worker") == "chief" or (
        task.get("type", "worker") == "worker" and task.get("index", 0) == 0)


def per_replica_batch(global_batch: int, strategy: tf.distribute.Strategy) -> int:
    """``global_batch`` split over the replicas; it must divide evenly."""
    replicas = strategy.num_replicas_in_sync
    if global_batch % replicas:
        raise ValueError(f"The global batch size must be divisible by the {replicas} replicas. "
                         f"Received: batch_size={global_batch}")
    return global_batch // replicas


def set_precision(precision: str) -> None:
    """``float32``, ``bf16`` (``mixed_bfloat16``) or ``fp16`` (``mixed_float16``, loss scaling)."""
    check_choice("precision", precision, PRECISIONS)
    import keras
    keras.mixed_precision.set_global_policy(
        {"float32": "float32", "bf16": "mixed_bfloat16", "fp16": "mixed_float16"}[precision])


def hardware(strategy: tf.distribute.Strategy) -> dict:
    """Device names and counts for the ledger."""
    devices = {}
    for kind in ("TPU", "GPU", "CPU"):
        found = tf.config.list_logical_devices(kind)
        if found:
            devices[kind] = len(found)
    names = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            names.append(tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name))
        except (ValueError, RuntimeError):
            names.append(gpu.name)
    workers = 1
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        workers = len(json.loads(os.environ["TF_CONFIG"])["cluster"].get("worker", [])) + \
            len(json.loads(os.environ["TF_CONFIG"])["cluster"].get("chief", []))
    return {"strategy": type(strategy).__name__, "replicas": strategy.num_replicas_in_sync,
            "workers": workers, "devices": devices, "gpu_names": names,
            "summary": f"{strategy.num_replicas_in_sync} x "
                       + (names[0] if names else next(iter(devices), "CPU"))}
