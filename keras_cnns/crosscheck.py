"""An independent multiply-add count from TensorFlow's graph profiler.

The complexity engine reads layer configurations; this module instead traces the model to a
TensorFlow graph, freezes its variables into constants and asks ``tf.compat.v1.profiler``
for the float operations that TensorFlow's own op statistics register for ``Conv2D``,
``DepthwiseConv2dNative`` and ``MatMul``. TensorFlow counts a multiply-add as two float ops,
so multiply-adds are ``float_ops / 2``. It is slow (tens of seconds for VGG-16) and meant
for cross-checking the engine in tests and benchmarks.
"""

from __future__ import annotations

import collections

import keras

COUNTED_OPS = ("Conv2D", "DepthwiseConv2dNative", "MatMul", "BatchMatMulV2", "Conv3D")


def tf_profiler_macs(model: keras.Model, freeze: bool = True) -> dict[str, int]:
    """Multiply-adds per TensorFlow op type of one forward pass of ``model`` (batch 1).

    Args:
        model: a Keras model with a fully defined input shape.
        freeze: convert variables to constants first (the classic "frozen graph" route).
            Without it the graph keeps its variable reads; the counts are the same.

    Returns:
        ``{op_type: multiply_adds}`` for the op types in :data:`COUNTED_OPS` found in the graph.
    """
    import tensorflow as tf
    from tensorflow.python.framework import convert_to_constants

    specs = [tf.TensorSpec((1,) + tuple(t.shape[1:]), t.dtype) for t in model.inputs]
    function = tf.function(lambda *xs: model(list(xs) if len(xs) > 1 else xs[0], training=False))
    concrete = function.get_concrete_function(*specs)
    if freeze:
        concrete = convert_to_constants.convert_variables_to_constants_v2(concrete)
    graph = concrete.graph
    options = (tf.compat.v1.profiler.ProfileOptionBuilder(
        tf.compat.v1.profiler.ProfileOptionBuilder.float_operation())
        .with_empty_output().build())
    # The "scope" view lists every graph node with its own float ops; map nodes to op types.
    result = tf.compat.v1.profiler.profile(graph, cmd="scope", options=options)
    op_types = {op.name: op.type for op in graph.get_operations()}
    counts: dict[str, int] = collections.defaultdict(int)
    stack = [result]
    while stack:
        node = stack.pop()
        if op_types.get(node.name) in COUNTED_OPS:
            counts[op_types[node.name]] += node.float_ops // 2
        stack.extend(node.children)
    return dict(counts)
