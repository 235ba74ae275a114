"""FractalNet (Larsson et al., ICLR 2017): the fractal expansion's layer counts, the join and
drop-path (Sec. 3.1), and the 20-layer net's parameter count."""

import collections
import re

import numpy as np
import pytest
from keras import ops

from keras_cnns import FractalNet
from keras_cnns.fractalnet import column_convs
from keras_cnns.layers.drop_path import DropPathSampler, FractalJoin
from keras_cnns.uninitialised import uninitialised


@pytest.mark.parametrize("columns", [1, 2, 3, 4])
def test_column_convs(columns):
    """Column c of f_C holds 2^(c-1) convs: 2^(C-1) in the deepest, 2^C - 1 in all."""
    with uninitialised():
        model = FractalNet(columns=columns, blocks=1, filters=[4], include_top=False)
    counts = collections.Counter(
        int(re.match(r"block1_col(\d+)_\d+_conv", layer.name).group(1))
        for layer in model.layers if layer.name.endswith("_conv"))
    assert [counts[c] for c in range(1, columns + 1)] == column_convs(columns)
    assert column_convs(columns)[-1] == 2 ** (columns - 1)
    assert sum(counts.values()) == 2 ** columns - 1
    joins = [layer for layer in model.layers if isinstance(layer, FractalJoin)]
    # 2^(C-2) joins (C >= 2), as the authors' generator wires them: one after every
    # second conv of the deepest column.
    assert len(joins) == (2 ** (columns - 2) if columns >= 2 else 0)
    assert (max(len(j.columns) for j in joins) if joins else 1) == columns


def _join_inputs(n, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((2, 3, 3, 4)).astype("float32") for _ in range(n)]


def test_join_is_the_mean_at_inference():
    xs = _join_inputs(3)
    sample = np.array([[1.0, 0.0], [1.0, 0.0]], "float32")  # a global draw: ignored
    join = FractalJoin([0, 1, 2], drop_rate=0.5, seed=1)
    out = ops.convert_to_numpy(join([*xs, sample], training=False))
    np.testing.assert_allclose(out, np.mean(xs, axis=0), rtol=1e-6)


def test_local_drop_path_keeps_at_least_one_input():
    join = FractalJoin([0, 1, 2, 3], drop_rate=0.9, seed=3)
    local = ops.convert_to_tensor([0.0, 0.0])
    kept = np.array([ops.convert_to_numpy(join.keep_mask(local)) for _ in range(200)])
    assert kept.sum(axis=1).min() >= 1
    assert 0 < kept.mean() < 0.5  # inputs really are dropped
    xs = _join_inputs(4)
    out = ops.convert_to_numpy(join([*xs, np.zeros((2, 2), "float32")], training=True))
    assert np.isfinite(out).all()


def test_global_drop_path_keeps_exactly_one_column():
    sampler = DropPathSampler(4, global_rate=1.0, seed=5)
    draws = ops.convert_to_numpy(sampler(np.zeros((3, 8, 8, 3), "float32"), training=True))
    assert (draws[:, 0] == 1.0).all() and len(set(draws[:, 1])) == 1  # one draw per batch
    join = FractalJoin([1, 2, 3], drop_rate=0.9, seed=0)
    xs = _join_inputs(3)
    for column in (1, 2, 3):
        mask = ops.convert_to_numpy(join.keep_mask(ops.convert_to_tensor([1.0, column])))
        np.testing.assert_array_equal(mask, np.eye(3)[column - 1])
        sample = np.tile(np.array([[1.0, column]], "float32"), (2, 1))
        out = ops.convert_to_numpy(join([*xs, sample], training=True))
        np.testing.assert_allclose(out, xs[column - 1], rtol=1e-6)
    # Column 0 does not pass through this join: it is off the path and averages.
    mask = ops.convert_to_numpy(join.keep_mask(ops.convert_to_tensor([1.0, 0.0])))
    np.testing.assert_array_equal(mask, np.ones(3))


def test_global_drop_path_runs_one_column_through_the_network():
    """A network whose every mini-batch is global trains forward; inference (no drop-path)
    is deterministic."""
    model = FractalNet(columns=2, blocks=1, filters=[4], dropout=0.0, global_rate=1.0, seed=0)
    x = np.random.default_rng(0).standard_normal((2, 32, 32, 3)).astype("float32")
    assert ops.convert_to_numpy(model(x, training=True)).shape == (2, 10)
    np.testing.assert_allclose(ops.convert_to_numpy(model(x)), ops.convert_to_numpy(model(x)))


def test_fractalnet_20_parameters():
    """35 3x3 convs (7 per block, 3 on each block's input) of 64..512 filters: 33,698,880
    weights, 20,608 BN gamma/beta and a 5,130-parameter classifier (osmr/imgclsmob's
    fractalnet_cifar10 asserts the same 33,724,618)."""
    from reproductions.measure import measure

    assert measure("fractalnet-20").profile.total("trainable") == 33_724_618
